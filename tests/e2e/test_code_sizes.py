"""The code sizes `make gas` writes to benchmarks/gas.json: every contract that
`openotc.deployment.deploy` deploys, once each, measured from the code at its address."""

import ape

from openotc.deployment.deploy import ALL_CONTRACTS
from openotc.devtools import gas

EIP170_LIMIT = 24_576  # bytes of runtime code


def test_code_sizes__every_deployable__bytes_of_code_at_its_address(project, chain):
    contracts = gas.deploy_all(project, chain, ape.accounts)

    sizes = gas.code_sizes(chain, contracts)

    assert set(sizes) == set(ALL_CONTRACTS.values())
    for contract in contracts.values():
        code = chain.provider.get_code(contract.address)
        assert sizes[contract.contract_type.name] == len(code) > 0
    assert max(sizes.values()) <= EIP170_LIMIT


def test_gas_book__sizes__written_as_size_dot_contract_name():
    book = gas.GasBook()
    book.entries["escrow.release"] = 100
    book.sizes["JurorCourt"] = 20_000

    assert book.figures() == {"escrow.release": 100, "size.JurorCourt": 20_000}
    assert "JurorCourt" in book.table()
