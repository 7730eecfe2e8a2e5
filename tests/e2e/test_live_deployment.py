"""Rehearsal of a live-network deployment, as an operator runs it: a second anvil poses as
Sepolia (its chain id, interval mining, ape's `node` provider reaching it by URI, ape's default
two confirmations), a keyfile account imported with `ape accounts import`, and
`ape run deploy --yes --verify` run unattended (no terminal), Ctrl-C'd part-way, then run again.

Each ape command runs in its own process with its own ape data folder (accounts, network caches;
the installed dependency packages are shared) and its own deployment-record folder, so nothing
of the developer's is touched. The explorer is out of reach, as on the machines that run CI.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from eth_account import Account

from openotc.deployment.deploy import ALL_CONTRACTS, DEFAULT_ADMIN_ROLE, created_address
from openotc.devtools.localchain import LocalChain, artifact, fund
from openotc.units import ETHER

SEPOLIA = 11155111
PASSPHRASE = "rehearsal passphrase"
TREASURY = "0x" + "71" * 20
GUARDIAN = "0x" + "72" * 20
# A deployment that votes nothing through: every contract once, three role grants, one
# renunciation (the escrow's authorization is left to a governance vote).
DEPLOYED = sorted(set(ALL_CONTRACTS.values()) - {"SingleArbitrator"})
TRANSACTIONS = len(DEPLOYED) + 4


@pytest.fixture(scope="module")
def live_node():
    with LocalChain(chain_id=SEPOLIA, block_time=0.25) as web3:
        yield web3


@pytest.fixture
def operator_env(live_node, project, tmp_path):
    """The environment of an operator's shell: ape's data folder, the node's address in ape's
    node config, the record folder, and the executables of this checkout first on PATH."""
    data = tmp_path / "ape-data"
    data.mkdir()
    (data / "packages").symlink_to(Path(project.config_manager.DATA_FOLDER) / "packages")
    bin_dir = Path(sys.executable).parent
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "APE_DATA_FOLDER": str(data),
        "APE_NODE_ETHEREUM": json.dumps({"sepolia": {"uri": live_node.provider.endpoint_uri}}),
        # Sepolia's settings, with the poll interval of this node's quarter-second blocks.
        "APE_ETHEREUM_SEPOLIA": json.dumps({"block_time": 1, "required_confirmations": 2}),
        "OPENOTC_DEPLOYMENTS_DIR": str(tmp_path / "deployments"),
    }


def ape(env, *args, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        ["ape", *args], env=env, input=stdin, capture_output=True, text=True, timeout=600
    )


def deploy_command(*extra) -> list[str]:
    return [
        *("run", "deploy", "--network", "ethereum:sepolia:node", "--account", "operator"),
        *("--treasury", TREASURY, "--guardian", GUARDIAN, "--yes", *extra),
    ]


def record_of(env) -> dict:
    path = Path(env["OPENOTC_DEPLOYMENTS_DIR"]) / f"{SEPOLIA}.json"
    return json.loads(path.read_text()) if path.exists() else {"contracts": {}}


def test_live_deploy__keyfile_account_unattended__interrupted__resumes_once_and_loads_in_console(
    live_node, operator_env, project
):
    operator = Account.create()
    imported = ape(
        operator_env,
        "accounts",
        "import",
        "operator",
        stdin=f"{operator.key.hex()}\n" f"{PASSPHRASE}\n{PASSPHRASE}\n",
    )
    assert imported.returncode == 0, imported.stderr
    fund(live_node, operator.address, 10 * ETHER)

    # Unattended without the passphrase: refused before anything is sent.
    refused = ape(operator_env, *deploy_command())
    assert refused.returncode != 0
    assert "set APE_ACCOUNTS_operator_PASSPHRASE" in refused.stdout + refused.stderr
    assert live_node.eth.get_transaction_count(operator.address) == 0

    env = {**operator_env, "APE_ACCOUNTS_operator_PASSPHRASE": PASSPHRASE}
    # Ctrl-C once three contracts are deployed (whatever is in flight then).
    first = subprocess.Popen(
        ["ape", *deploy_command()], env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while len(record_of(env)["contracts"]) < 3 and first.poll() is None:
        assert time.monotonic() < deadline, "the first run deployed nothing"
        time.sleep(0.05)
    first.send_signal(signal.SIGINT)
    interrupted_output = first.communicate(timeout=120)[0]
    assert first.returncode != 0, interrupted_output
    before = record_of(env)["contracts"]
    assert 3 <= len(before) < len(DEPLOYED)

    resumed = ape(env, *deploy_command("--verify"))

    output = resumed.stdout + resumed.stderr
    assert resumed.returncode == 0, output
    record = record_of(env)
    assert sorted(record["contracts"]) == DEPLOYED
    assert "pending" not in record
    for name, entry in before.items():
        assert f"{name:<18} already at {entry['address']}, skipped" in output
        assert record["contracts"][name]["address"] == entry["address"]
    # Every transaction of one deployment, none twice: each contract at its CREATE address.
    nonce = live_node.eth.get_transaction_count(operator.address)
    assert nonce == TRANSACTIONS
    created = {created_address(operator.address, n) for n in range(nonce)}
    for entry in record["contracts"].values():
        assert entry["address"] in created
        assert live_node.eth.get_code(entry["address"])
    timelock = live_node.eth.contract(
        address=record["contracts"]["OTCTimelock"]["address"],
        abi=artifact(project, "OTCTimelock")[0],
    )
    assert not timelock.functions.hasRole(DEFAULT_ADMIN_ROLE, operator.address).call()
    # Verification: every contract's request built, the unreachable explorer reported, the run
    # still successful.
    for name in DEPLOYED:
        assert f"verify {name:<20} failed: explorer not reached" in output

    console = ape(
        env, "console", "--network", "ethereum:sepolia:node",
        stdin="print('ESCROW', OTCEscrow.address, escrow.address)\nexit\n",
    )  # fmt: skip

    escrow = record["contracts"]["OTCEscrow"]["address"]
    assert f"ESCROW {escrow} {escrow}" in console.stdout, console.stdout + console.stderr
