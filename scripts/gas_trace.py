"""`ape run gas_trace --network ethereum:local:foundry`: where the steady-state escrow trade's
gas goes (see openotc.devtools.gas_trace)."""

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand

from openotc.devtools import gas_trace


@click.command(cls=ConnectedProviderCommand)
def cli(network):
    """Print the escrow trade's gas by class: storage, accounts, logs, compute ..."""
    if not network.is_local:
        raise click.UsageError("the trace runs on a local chain (it impersonates governance)")
    gas_trace.run(project, chain, accounts)
