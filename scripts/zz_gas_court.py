import time
import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand
from openotc import gas

@click.command(cls=ConnectedProviderCommand)
def cli(network):
    t=time.time()
    book = gas.GasBook()
    gas.measure_court(project, chain, accounts, book)
    print(book.table()); print("secs", time.time()-t)
