"""The explorer verification request `ape run deploy --verify` builds: the explorer recompiles
the standard-JSON input it carries and compares the result with the code at the address, so the
test does the same with the project's compiler."""

import json
import subprocess

import pytest
from eth_abi import encode

from openotc.deployment.deploy import Deployer, open_record
from openotc.deployment.verify import VerificationError, build_request, verify_deployment
from openotc.devtools.slither_gate import solc_path
from openotc.units import ZERO_ADDRESS


def without_metadata(code: bytes) -> bytes:
    """The code without the CBOR metadata solc appends (its length is in the last two bytes)."""
    return code[: -(int.from_bytes(code[-2:], "big") + 2)]


@pytest.fixture
def recorded(project, chain, deployer, tmp_path):
    """A timelock (constructor arguments) and a swap (none), deployed with a record."""
    record = open_record(chain, tmp_path)
    deploying = Deployer(project, chain, deployer, record=record, log=lambda _: None)
    deploying.deploy("OTCTimelock", 3600, [], [ZERO_ADDRESS], deployer)
    deploying.deploy("AtomicSwap")
    return record


def test_request__recompiled_as_the_explorer_does__gives_the_deployed_code(
    project, chain, recorded
):
    entry = recorded.contracts["AtomicSwap"]
    request = build_request(project, chain, "AtomicSwap", entry)
    solc = str(solc_path())  # the shim `make setup` installs for ape and slither
    compiler_input = json.loads(json.dumps(request.standard_json))
    source_id, name = request.contract_name.split(":")
    # Code for this contract only (the metadata still covers every source of the input).
    compiler_input["settings"]["outputSelection"] = {
        source_id: {
            name: ["evm.deployedBytecode.object", "evm.deployedBytecode.immutableReferences"]
        }
    }

    compiled = subprocess.run(
        [solc, "--standard-json"],
        input=json.dumps(compiler_input),
        capture_output=True,
        text=True,
        check=True,
    )

    runtime = json.loads(compiled.stdout)["contracts"][source_id][name]["evm"]["deployedBytecode"]
    deployed = bytearray(chain.provider.get_code(entry["address"]))
    # The constructor writes the immutables into the code: the explorer compares around them.
    for references in runtime["immutableReferences"].values():
        for reference in references:
            start, length = reference["start"], reference["length"]
            deployed[start : start + length] = bytes(length)
    # Compared up to the metadata hash at the end: it covers the input of the compilation ape
    # made, which after an incremental `ape compile` is not every source (a live deployment
    # rebuilds the project first, so there the hash matches too).
    assert without_metadata(bytes.fromhex(runtime["object"])) == without_metadata(bytes(deployed))
    assert request.address == entry["address"]
    assert request.compiler_version == "v0.8.28+commit.7893614a"
    assert (request.optimization_used, request.optimization_runs) == (True, 1000)
    assert request.evm_version == "cancun"
    assert request.constructor_arguments == ""


def test_request__constructor_arguments__abi_encoded_and_the_tail_of_the_creation(
    project, chain, deployer, recorded
):
    entry = recorded.contracts["OTCTimelock"]

    request = build_request(project, chain, "OTCTimelock", entry)

    expected = encode(
        ["uint256", "address[]", "address[]", "address"],
        [3600, [], [ZERO_ADDRESS], deployer.address],
    )
    assert request.constructor_arguments == expected.hex()
    creation = chain.provider.web3.eth.get_transaction(entry["tx_hash"])["input"]
    assert bytes(creation).endswith(expected)
    assert request.contract_name == "contracts/governance/OTCTimelock.sol:OTCTimelock"
    assert request.contract_name.split(":")[0] in request.standard_json["sources"]


def test_request__recorded_arguments_not_those_of_the_creation__refused(project, chain, recorded):
    entry = {**recorded.contracts["OTCTimelock"]}
    entry["constructor_args"] = [7200, *entry["constructor_args"][1:]]

    with pytest.raises(VerificationError, match="recorded arguments differ from its creation"):
        build_request(project, chain, "OTCTimelock", entry)


def test_verify_deployment__no_explorer__each_contract_reported_none_raised(
    project, chain, recorded
):
    lines = []

    outcomes = verify_deployment(project, chain, recorded, None, lines.append)

    assert set(outcomes) == {"OTCTimelock", "AtomicSwap"}
    for name, outcome in outcomes.items():
        assert outcome.startswith("failed: explorer not reached (none for this network;")
        assert f"  verify {name:<20} {outcome}" in lines
