"""The escrow, the court and the lending market each run part of their code in an extension
contract by DELEGATECALL, on their own storage: the extension must see the same variables at
the same slots. Both are compiled here with the project's solc (the shim `tools/install-solc.sh`
installs where py-solc-x looks, as ape-solidity and slither use it), asking only for the
storage layout, and the extension's layout must be a prefix of its host's: the same labels,
slots, offsets and types, in order. The host may declare more after them (OpenZeppelin's
EIP712 keeps its name and version fallbacks there; the lending market its ERC-20 share
balances), which the extension never touches.

One compilation of the six sources takes about 10 to 15 s on a 2-core machine."""

import json
import subprocess

import pytest

from openotc.devtools.slither_gate import REMAPPINGS, ROOT, solc_path

# (host, extension): each "path:Contract"
PAIRS = [
    (
        "contracts/escrow/OTCEscrow.sol:OTCEscrow",
        "contracts/escrow/OTCEscrowExtension.sol:OTCEscrowExtension",
    ),
    (
        "contracts/court/JurorCourt.sol:JurorCourt",
        "contracts/court/JurorCourtExtension.sol:JurorCourtExtension",
    ),
    (
        "contracts/lending/LendingMarket.sol:LendingMarket",
        "contracts/lending/LendingMarketExtension.sol:LendingMarketExtension",
    ),
]


@pytest.fixture(scope="module")
def layouts() -> dict[str, list[tuple[str, int, int, str]]]:
    """(label, slot, offset, type) of every storage variable, by "path:Contract", from one
    compilation of the sources (so the struct type ids in `type` are comparable)."""
    files = sorted({name.split(":")[0] for pair in PAIRS for name in pair})
    request = {
        "language": "Solidity",
        "sources": {path: {"content": (ROOT / path).read_text()} for path in files},
        "settings": {
            "remappings": REMAPPINGS,
            "evmVersion": "cancun",
            "outputSelection": {path: {"*": ["storageLayout"]} for path in files},
        },
    }
    completed = subprocess.run(
        [str(solc_path()), "--standard-json", "--base-path", str(ROOT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    output = json.loads(completed.stdout)
    errors = [e["formattedMessage"] for e in output.get("errors", []) if e["severity"] == "error"]
    assert not errors, "\n".join(errors)
    return {
        f"{path}:{name}": [
            (entry["label"], int(entry["slot"]), entry["offset"], entry["type"])
            for entry in contract["storageLayout"]["storage"]
        ]
        for path in files
        for name, contract in output["contracts"][path].items()
    }


@pytest.mark.parametrize(("host", "extension"), PAIRS, ids=lambda name: name.split(":")[1])
def test_storage_layout__extension__is_a_prefix_of_its_hosts_layout(layouts, host, extension):
    host_layout, extension_layout = layouts[host], layouts[extension]

    assert extension_layout  # the extension does use the host's storage
    assert host_layout[: len(extension_layout)] == extension_layout
