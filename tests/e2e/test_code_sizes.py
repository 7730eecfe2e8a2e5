"""The code sizes `make gas` writes to benchmarks/gas.json: every contract that
`openotc.deployment.deploy` deploys, once each, and every contract one of them creates in its
constructor (the court's, the escrow's and the lending market's extensions, and the market's
debt auction), measured from the code at its address.
Each stays at most SIZE_GOAL bytes: 4 KiB of headroom under EIP-170."""

import ape
import pytest

from openotc.deployment.deploy import ALL_CONTRACTS, LENDING_CONTRACTS, created_address
from openotc.devtools import gas

EIP170_LIMIT = 24_576  # bytes of runtime code
SIZE_GOAL = 20_480  # bytes of runtime code: the project's bound for every deployable


def test_code_sizes__every_deployable__bytes_of_code_at_its_address(project, chain):
    contracts = gas.deploy_all(project, chain, ape.accounts)

    sizes = gas.code_sizes(chain, contracts)

    created = [child for children in gas.CREATED_IN_CONSTRUCTOR.values() for child in children]
    deployables = set(ALL_CONTRACTS.values()) | set(LENDING_CONTRACTS.values())
    assert set(sizes) == deployables | set(created)
    for contract in contracts.values():
        code = chain.provider.get_code(contract.address)
        assert sizes[contract.contract_type.name] == len(code) > 0
    assert {"OTCEscrowExtension", "LendingMarketExtension", "DebtAuction"} <= set(sizes)
    assert max(sizes.values()) <= EIP170_LIMIT
    assert {name: size for name, size in sizes.items() if size > SIZE_GOAL} == {}


@pytest.mark.parametrize(
    ("role", "creator", "created"),
    [
        ("court", "JurorCourt", "JurorCourtExtension"),
        ("escrow", "OTCEscrow", "OTCEscrowExtension"),
        ("market", "LendingMarket", "DebtAuction"),
        ("market", "LendingMarket", "LendingMarketExtension"),
    ],
)
def test_code_sizes__contract_created_in_a_constructor__measured_at_the_address_it_was_created(
    project, chain, role, creator, created
):
    host = gas.deploy_all(project, chain, ape.accounts)[role]
    nonce = gas.CREATED_IN_CONSTRUCTOR[creator].index(created) + 1
    extension = created_address(str(host.address), nonce)

    sizes = gas.code_sizes(chain, {role: host})

    runtime = getattr(project, created).contract_type.runtime_bytecode.bytecode
    assert sizes[created] == len(chain.provider.get_code(extension)) > 0
    # Immutables are filled in at creation, so only the length is compared.
    assert sizes[created] == len(bytes.fromhex(runtime.removeprefix("0x")))
    assert sizes[created] <= SIZE_GOAL


def test_gas_book__sizes__written_as_size_dot_contract_name():
    book = gas.GasBook()
    book.entries["escrow.release"] = 100
    book.sizes["JurorCourt"] = 20_000

    assert book.figures() == {"escrow.release": 100, "size.JurorCourt": 20_000}
    assert "JurorCourt" in book.table()
