"""`ape run deploy --network <ecosystem:network:provider>`: deploys the OpenOTC foundation.

Thin wrapper: the logic lives in `openotc.deploy` (tested by the suite's fixtures)."""

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand, account_option

from openotc.deploy import Deployer, deploy_foundation, open_record
from openotc.params import FoundationParams


@click.command(cls=ConnectedProviderCommand)
@account_option()
@click.option("--treasury", help="Receives the initial token supply (required off local chains).")
@click.option("--guardian", help="Multisig that may cancel and revoke (required off local chains).")
@click.option("--initial-supply", type=int, default=None, help="Initial supply in token wei.")
@click.option("--verify", is_flag=True, help="Publish sources to the explorer (ape-etherscan).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation on a live network.")
def cli(network, account, treasury, guardian, initial_supply, verify, yes):
    """Deploy the foundation layer, wire roles and renounce every deployer privilege."""
    local = network.is_local
    if not local and not (treasury and guardian):
        raise click.UsageError("--treasury and --guardian are required on a live network")
    treasury = treasury or account.address
    guardian = guardian or account.address
    params = FoundationParams(treasury=treasury, guardian=guardian)
    if initial_supply is not None:
        params = FoundationParams(
            **{**params.as_dict(), "initial_supply": initial_supply}
        )

    record = open_record(chain)
    click.echo(f"network    {network.choice} (chain id {chain.chain_id})")
    click.echo(f"deployer   {account.address}")
    for key, value in params.as_dict().items():
        click.echo(f"{key:<18} {value}")
    click.echo(f"record     {record.path}")
    if not local and not yes:
        click.confirm("Broadcast these deployments?", abort=True)

    foundation = deploy_foundation(
        Deployer(project, chain, account, record=record, log=click.echo, publish=verify), params
    )
    click.echo("\nfoundation deployed; the deployer holds no role:")
    for name, contract in foundation.by_name().items():
        click.echo(f"  {name:<10} {contract.address}")
