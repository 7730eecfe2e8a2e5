"""The code sizes `make gas` writes to benchmarks/gas.json: every contract that
`openotc.deployment.deploy` deploys, once each, measured from the code at its address."""

import ape

from openotc.deployment.deploy import ALL_CONTRACTS
from openotc.devtools import gas

EIP170_LIMIT = 24_576  # bytes of runtime code


def test_code_sizes__every_deployable__bytes_of_code_at_its_address(project, chain):
    contracts = gas.deploy_all(project, chain, ape.accounts)

    sizes = gas.code_sizes(chain, contracts)

    created = [child for children in gas.CREATED_IN_CONSTRUCTOR.values() for child in children]
    assert set(sizes) == set(ALL_CONTRACTS.values()) | set(created)
    for contract in contracts.values():
        code = chain.provider.get_code(contract.address)
        assert sizes[contract.contract_type.name] == len(code) > 0
    assert max(sizes.values()) <= EIP170_LIMIT


def test_code_sizes__contract_created_by_the_court__measured_at_the_address_it_was_created(
    project, chain
):
    court = gas.deploy_all(project, chain, ape.accounts)["court"]
    extension = gas.created_address(str(court.address), 1)

    sizes = gas.code_sizes(chain, {"court": court})

    runtime = project.JurorCourtExtension.contract_type.runtime_bytecode.bytecode
    assert sizes["JurorCourtExtension"] == len(chain.provider.get_code(extension)) > 0
    # Immutables are filled in at creation, so only the length is compared.
    assert sizes["JurorCourtExtension"] == len(bytes.fromhex(runtime.removeprefix("0x")))


def test_gas_book__sizes__written_as_size_dot_contract_name():
    book = gas.GasBook()
    book.entries["escrow.release"] = 100
    book.sizes["JurorCourt"] = 20_000

    assert book.figures() == {"escrow.release": 100, "size.JurorCourt": 20_000}
    assert "JurorCourt" in book.table()
