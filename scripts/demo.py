"""`ape run demo --network ethereum:local:foundry`: the end-to-end demo (see openotc.demo)."""

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand

from openotc import demo


@click.command(cls=ConnectedProviderCommand)
def cli(network):
    """Deploy OpenOTC on a local chain and run the scenarios."""
    if not network.is_local:
        raise click.UsageError("the demo moves time and uses test accounts: local networks only")
    demo.run(project, chain, accounts)
