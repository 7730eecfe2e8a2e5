"""`ape run deploy --network <ecosystem:network:provider>`: deploys OpenOTC.

Thin wrapper: the logic lives in `openotc.deployment` (tested by the suite's fixtures, and
rehearsed end to end on a local node posing as a live network by
tests/e2e/test_live_deployment.py).

On a live network the run asks once ("Broadcast these deployments?", skipped with `--yes`);
a keyfile account then signs every transaction without asking again. Its passphrase comes from
`APE_ACCOUNTS_<alias>_PASSPHRASE` (ape's own variable), or is asked once; with `--yes` and no
terminal the variable is required. Interrupted at any point, the same command resumes from the
deployment record.

With `--stablecoin <address>` the run also deploys the lending market of that stablecoin (and
the price oracle): governance lists the stablecoin in the TokenRegistry first (a market lends
only a listed token), then the market is deployed and a second proposal lets its debt auction
mint and sets its caps, the large-loan rule and missing identity limits (LendingParams). On a
local chain both proposals are voted through; elsewhere each is proposed (or printed) and the
same command, run again once the listing is executed, deploys the market. Collateral, with
its network's Chainlink feeds, is listed by later proposals (`lending_configuration` with
`LendingParams.collaterals`). Without `--stablecoin`, no lending contract is deployed."""

import os
import sys

import click
from ape import chain, networks, project
from ape.cli import ConnectedProviderCommand, account_option

from openotc.deployment.deploy import (
    Deployer,
    deploy_court,
    deploy_escrow,
    deploy_foundation,
    deploy_lending,
    deploy_swap,
    escrow_authorization,
    lending_configuration,
    open_record,
    stablecoin_listing,
)
from openotc.deployment.params import CourtParams, EscrowParams, FoundationParams, LendingParams
from openotc.deployment.verify import verify_deployment
from openotc.governance import ProposalRunner, delegate_votes


@click.command(cls=ConnectedProviderCommand)
@account_option()
@click.option("--treasury", help="Receives the initial token supply (required off local chains).")
@click.option("--guardian", help="Multisig that may cancel and revoke (required off local chains).")
@click.option(
    "--ruler",
    help="Decide escrow disputes by this address through a SingleArbitrator instead of the "
    "juror court.",
)
@click.option(
    "--arbitration-cost", type=int, default=None, help="SingleArbitrator dispute cost in wei."
)
@click.option("--initial-supply", type=int, default=None, help="Initial supply in token wei.")
@click.option(
    "--stablecoin",
    help="Deploy the lending market of this stablecoin (an ERC-20 address), listing it in the "
    "token registry first if needed. Without it no lending market is deployed.",
)
@click.option("--verify", is_flag=True, help="Publish sources to the explorer (ape-etherscan).")
@click.option(
    "--rebuild",
    is_flag=True,
    help="Compile every source in one compilation first, as a fresh checkout does (exact "
    "explorer verification after an incremental `ape compile`).",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation on a live network.")
def cli(
    network,
    account,
    treasury,
    guardian,
    ruler,
    arbitration_cost,
    initial_supply,
    stablecoin,
    verify,
    rebuild,
    yes,
):
    """Deploy the suite (foundation, juror court, escrow, atomic swap, and with --stablecoin a
    lending market), wire roles, renounce every deployer privilege, and submit the proposals
    that authorize the escrow on the asset proxy and set its fee (EscrowParams.fee_bps), and
    that list the stablecoin and configure its market (LendingParams)."""
    local = network.is_local
    if not local and not (treasury and guardian):
        raise click.UsageError("--treasury and --guardian are required on a live network")
    foundation_params = FoundationParams(
        treasury=treasury or account.address, guardian=guardian or account.address
    )
    if initial_supply is not None:
        foundation_params = FoundationParams(
            **{**foundation_params.as_dict(), "initial_supply": initial_supply}
        )
    if arbitration_cost is not None and not ruler:
        raise click.UsageError("--arbitration-cost applies to a SingleArbitrator (--ruler)")
    escrow_params = EscrowParams()
    if ruler:
        escrow_params = EscrowParams(ruler=ruler)
        if arbitration_cost is not None:
            escrow_params = EscrowParams(ruler=ruler, arbitration_cost=arbitration_cost)
    court_params = CourtParams()
    lending_params = LendingParams()

    record = open_record(chain)
    click.echo(f"network    {network.choice} (chain id {chain.chain_id})")
    click.echo(f"deployer   {account.address}")
    settings = {**foundation_params.as_dict(), **court_params.as_dict()}
    if ruler:
        settings.update(escrow_params.as_dict())
    else:
        settings.update({"escrow arbitrator": "court", "fee_bps": escrow_params.fee_bps})
    if stablecoin:
        settings["lending stablecoin"] = stablecoin
        for key in ("initial_lot", "debt_per_auction", "tier_caps", "large_loan_threshold"):
            settings[key] = getattr(lending_params, key)
        settings["large_loan_min_level"] = lending_params.large_loan_min_level
    for key, value in settings.items():
        click.echo(f"{key:<22} {value}")
    click.echo(f"record     {record.path}")
    if not local and not yes:
        click.confirm("Broadcast these deployments?", abort=True)
    explorer, unreachable = (None, None) if local else explorer_of(networks.provider.network)
    if unreachable:
        click.echo(f"explorer   not reachable ({unreachable}); deploying without it")
    if not local:
        sign_unprompted(account)

    if rebuild:
        # One compilation of every source: the request `--verify` submits then reproduces
        # exactly this code (the metadata hash covers the whole compiler input, which an
        # incremental build does not have).
        click.echo("compiling the whole project in one compilation")
        project.load_contracts(use_cache=False)
    deployer = Deployer(project, chain, account, record=record, log=click.echo)
    foundation = deploy_foundation(deployer, foundation_params)
    court_layer = deploy_court(deployer, foundation, foundation_params.treasury, court_params)
    layer = deploy_escrow(
        deployer,
        foundation,
        foundation_params.treasury,
        escrow_params,
        arbitrator=None if ruler else court_layer.court,
    )
    click.echo("\ndeployed; the deployer holds no role:")
    swap = deploy_swap(deployer)
    deployed = {**foundation.by_name(), **court_layer.by_name(), **layer.by_name(), "swap": swap}
    for name, contract in deployed.items():
        click.echo(f"  {name:<10} {contract.address}")

    authorize_escrow(foundation, layer.escrow, escrow_params, account, local)
    if stablecoin:
        lend(deployer, foundation, stablecoin, lending_params, account, local)
    if verify:
        click.echo("\nexplorer verification:")
        verify_deployment(project, chain, record, explorer, click.echo, unreachable)


def explorer_of(network) -> tuple:
    """The network's block explorer and, if finding it failed, why. ape looks the explorer up
    when it logs each live transaction, and ape-etherscan's lookup asks the explorer's chain
    list over the network with no fallback: unreachable, every transaction would stop after
    broadcasting. A failed lookup is recorded as "no explorer" for this run instead."""
    try:
        return network.explorer, None
    except Exception as error:  # noqa: BLE001 - any failure to reach the explorer
        network.__dict__["explorer"] = None  # ape caches the lookup per network (cached_property)
        return None, f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"


def sign_unprompted(account) -> None:
    """After the one confirmation, a keyfile account signs without asking per transaction."""
    if not hasattr(account, "set_autosign"):
        return  # test and node accounts sign without prompting
    variable = f"APE_ACCOUNTS_{account.alias}_PASSPHRASE"
    if variable not in os.environ and not sys.stdin.isatty():
        raise click.UsageError(f"set {variable} to deploy with '{account.alias}' unattended")
    account.set_autosign(True)


def authorize_escrow(foundation, escrow, escrow_params, account, local) -> None:
    """Authorizes the escrow on the asset proxy and sets its fee: voted through on a local
    chain where the deployer holds the supply; elsewhere proposed if the deployer can, or the
    calls printed for the token holders."""
    proposal = escrow_authorization(foundation, escrow, escrow_params)
    if proposal is None:
        click.echo("the escrow is authorized on the asset proxy and its fee is set")
        return
    govern(
        foundation,
        proposal,
        account,
        local,
        "the escrow's proposal",
        "the escrow needs a governance vote to use the asset proxy and set its fee",
    )


def lend(deployer, foundation, stablecoin, params, account, local) -> None:
    """The stablecoin's lending market: its listing in the registry (a proposal), the market
    (once listed), then its configuration (a proposal). Off a local chain, a listing still
    waiting for its vote ends this part of the run: run the command again once it executed."""
    listing = stablecoin_listing(foundation, stablecoin, params)
    if listing is not None:
        executed = govern(
            foundation,
            listing,
            account,
            local,
            "the stablecoin's listing",
            "the lending market needs its stablecoin listed in the token registry",
        )
        if not executed:
            click.echo("lending: run this command again once the listing is executed")
            return
    layer = deploy_lending(deployer, foundation, stablecoin, params)
    click.echo("\nlending:")
    for name, contract in layer.by_name().items():
        click.echo(f"  {name:<10} {contract.address}")
    configuration = lending_configuration(foundation, layer, params)
    if configuration is None:
        click.echo("the lending market is configured")
        return
    govern(
        foundation,
        configuration,
        account,
        local,
        "the lending market's proposal",
        "the lending market needs a governance vote to mint through its auction and set its "
        "caps",
    )


def govern(foundation, proposal, account, local, subject: str, need: str) -> bool:
    """Passes `proposal`: voted through on a local chain where the deployer holds the supply
    (returns True, executed); elsewhere proposed if the deployer can, or its calls printed for
    the token holders (returns False)."""
    runner = ProposalRunner(foundation.governor, foundation.timelock, chain, log=click.echo)
    if runner.exists(proposal):
        state = foundation.governor.state(runner.proposal_id(proposal))
        click.echo(f"{subject} {runner.proposal_id(proposal)} exists (state {state})")
        return False
    if local and foundation.token.balanceOf(account) >= foundation.governor.proposalThreshold():
        # A local chain: the deployer holds the supply, votes it through and moves time.
        delegate_votes(foundation.token, account, sender=account)
        chain.mine(timestamp=chain.pending_timestamp + 1)
        runner.run(proposal, account, [account])
        return True
    click.echo(f"\n{need}:")
    click.echo(f"  governor  {foundation.governor.address}")
    for target, calldata in zip(proposal.targets, proposal.calldatas, strict=True):
        click.echo(f"  call      {target} data 0x{calldata.hex()}")
    click.echo(f"  description: {proposal.description!r}")
    now = foundation.governor.clock()
    if foundation.governor.getVotes(account, now - 1) >= foundation.governor.proposalThreshold():
        pid = runner.propose(proposal, account)
        click.echo(f"proposed with id {pid}; vote, then queue and execute it when it passes")
    return False
