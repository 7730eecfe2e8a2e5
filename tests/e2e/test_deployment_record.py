"""The deploy logic behind `ape run deploy`: records, resumption, renounced privileges."""

import json

from openotc.deployment.deploy import (
    DEFAULT_ADMIN_ROLE,
    FOUNDATION_CONTRACTS,
    ZERO_ADDRESS,
    Deployer,
    created_address,
    deploy_foundation,
    load_deployed,
    open_record,
)
from openotc.deployment.records import DeploymentRecord


def deploy(project, chain, deployer, params, directory, log=lambda _: None):
    record = open_record(chain, directory)
    return deploy_foundation(Deployer(project, chain, deployer, record=record, log=log), params)


def test_deploy__fresh__records_address_tx_and_constructor_args(
    project, chain, deployer, params, tmp_path
):
    foundation = deploy(project, chain, deployer, params, tmp_path)

    data = json.loads((tmp_path / f"{chain.chain_id}.json").read_text())
    assert data["chain_id"] == chain.chain_id
    assert data["genesis_hash"] == chain.blocks[0].hash.hex()
    assert set(data["contracts"]) == set(FOUNDATION_CONTRACTS.values())
    for role, contract_type in FOUNDATION_CONTRACTS.items():
        entry = data["contracts"][contract_type]
        assert entry["address"] == getattr(foundation, role).address
        receipt = chain.get_receipt(entry["tx_hash"])
        assert receipt.contract_address == entry["address"]
    token_args = data["contracts"]["OTCToken"]["constructor_args"]
    assert token_args == [foundation.timelock.address, params.treasury, params.initial_supply]


def test_deploy__rerun__skips_everything_and_sends_no_transaction(
    project, chain, deployer, params, tmp_path
):
    first = deploy(project, chain, deployer, params, tmp_path)
    nonce = deployer.nonce
    lines = []

    second = deploy(project, chain, deployer, params, tmp_path, log=lines.append)

    assert deployer.nonce == nonce
    assert second.by_name().keys() == first.by_name().keys()
    for role in FOUNDATION_CONTRACTS:
        assert getattr(second, role).address == getattr(first, role).address
    assert all("skipped" in line for line in lines)


def test_deploy__interrupted_after_timelock__resumes_and_renounces(
    project, chain, deployer, params, tmp_path
):
    record = open_record(chain, tmp_path)
    partial = Deployer(project, chain, deployer, record=record, log=lambda _: None)
    timelock = partial.deploy("OTCTimelock", params.timelock_delay, [], [ZERO_ADDRESS], deployer)

    foundation = deploy(project, chain, deployer, params, tmp_path)

    assert foundation.timelock.address == timelock.address
    assert not foundation.timelock.hasRole(DEFAULT_ADMIN_ROLE, deployer)


def test_record__left_by_another_chain__is_ignored(chain, tmp_path):
    stale = DeploymentRecord(chain.chain_id, "00" * 32, path=tmp_path / f"{chain.chain_id}.json")
    stale.add("OTCToken", "0x" + "11" * 20, "0x" + "22" * 32, [])

    record = open_record(chain, tmp_path)

    assert record.contracts == {}


def test_load_deployed__after_deploy__returns_contracts_by_type(
    project, chain, deployer, params, tmp_path
):
    foundation = deploy(project, chain, deployer, params, tmp_path)

    loaded = load_deployed(project, chain, tmp_path)

    assert {name: c.address for name, c in loaded.items()} == {
        FOUNDATION_CONTRACTS[role]: c.address for role, c in foundation.by_name().items()
    }


def test_deploy__cut_off_after_broadcasting__resume_adopts_the_contract_without_a_transaction(
    project, chain, deployer, tmp_path
):
    record = open_record(chain, tmp_path)
    nonce = deployer.nonce
    # The run noted the deployment, broadcast it, and stopped before recording the receipt.
    record.expect("AtomicSwap", nonce, created_address(deployer.address, nonce))
    sent = deployer.deploy(project.AtomicSwap)
    lines = []

    resumed = Deployer(
        project, chain, deployer, record=open_record(chain, tmp_path), log=lines.append
    )
    swap = resumed.deploy("AtomicSwap")

    assert swap.address == sent.address
    assert deployer.nonce == nonce + 1
    assert lines == [
        f"  {'AtomicSwap':<18} found at {sent.address}, deployed by the interrupted run"
    ]
    data = json.loads((tmp_path / f"{chain.chain_id}.json").read_text())
    assert "pending" not in data
    assert data["contracts"]["AtomicSwap"]["address"] == sent.address


def test_deploy__pending_deployment_never_mined__deploys_it(project, chain, deployer, tmp_path):
    record = open_record(chain, tmp_path)
    nonce = deployer.nonce
    record.expect("AtomicSwap", nonce, created_address(deployer.address, nonce))

    resumed = Deployer(project, chain, deployer, record=open_record(chain, tmp_path), log=print)
    swap = resumed.deploy("AtomicSwap")

    assert deployer.nonce == nonce + 1
    assert swap.address == created_address(deployer.address, nonce)
    assert chain.provider.get_code(swap.address)


def test_record__bytes_argument__stored_as_hex_that_encodes_back(chain, tmp_path):
    record = DeploymentRecord(chain.chain_id, "00" * 32, path=tmp_path / "record.json")

    record.add("OTCEscrow", "0x" + "11" * 20, "0x" + "22" * 32, [b"", b"\x01\xff"])

    assert record.contracts["OTCEscrow"]["constructor_args"] == ["0x", "0x01ff"]
