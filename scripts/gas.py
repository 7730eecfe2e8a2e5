"""`ape run gas --network ethereum:local:foundry`: gas of named operations and contract sizes
(see openotc.devtools.gas)."""

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand

from openotc.devtools import gas


@click.command(cls=ConnectedProviderCommand)
def cli(network):
    """Measure named operations and contract sizes; write benchmarks/gas.json."""
    if not network.is_local:
        raise click.UsageError("gas is measured on a local chain (it impersonates governance)")
    gas.run(project, chain, accounts)
