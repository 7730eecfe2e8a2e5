"""The deployment record: `deployments/<chain-id>.json`.

One file per chain, holding for each deployed contract its address, the transaction that
created it and its constructor arguments, plus the chain's genesis hash so that a record left
behind by a previous local chain is recognised as stale rather than trusted.

Before a deployment is broadcast, the record notes it as `pending` (contract type, the account's
nonce and the address CREATE gives it): a run interrupted while the transaction is in flight
(Ctrl-C while waiting for the receipt, a dropped connection) finds the contract there when it
resumes, instead of deploying it a second time.

The folder is `deployments/` in the repository, or `$OPENOTC_DEPLOYMENTS_DIR`.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

# The repository root: openotc/deployment/records.py -> three levels up.
DEPLOYMENTS_DIR = Path(
    os.environ.get("OPENOTC_DEPLOYMENTS_DIR") or Path(__file__).resolve().parents[2] / "deployments"
)


@dataclass
class DeploymentRecord:
    chain_id: int
    genesis_hash: str
    contracts: dict[str, dict] = field(default_factory=dict)
    path: Path | None = None
    pending: dict | None = None  # {"name", "nonce", "address"} of a deployment in flight

    @classmethod
    def load(cls, chain_id: int, genesis_hash: str, directory: Path | None = None):
        """The record for this chain, or an empty one (stale records are replaced)."""
        path = (directory or DEPLOYMENTS_DIR) / f"{chain_id}.json"
        record = cls(chain_id=chain_id, genesis_hash=genesis_hash, path=path)
        if path.exists():
            data = json.loads(path.read_text())
            if data.get("genesis_hash") == genesis_hash:
                record.contracts = data.get("contracts", {})
                record.pending = data.get("pending")
        return record

    def expect(self, name: str, nonce: int, address: str) -> None:
        """Notes, before it is broadcast, that `name` is being deployed at `nonce` to
        `address`."""
        self.pending = {"name": name, "nonce": nonce, "address": address}
        self.save()

    def add(
        self, name: str, address: str, tx_hash: str, args: list, contract_type: str | None = None
    ) -> None:
        """Records `name` (its contract type, unless `contract_type` names another)."""
        if self.pending and self.pending["name"] == name:
            self.pending = None
        self.contracts[name] = {
            "address": address,
            "tx_hash": tx_hash,
            "constructor_args": [_jsonable(a) for a in args],
        }
        if contract_type and contract_type != name:
            self.contracts[name]["contract_type"] = contract_type
        self.save()

    def contract_type_of(self, name: str) -> str:
        """The contract type of the entry `name` (its name, unless recorded otherwise)."""
        return self.contracts[name].get("contract_type", name)

    def address_of(self, name: str) -> str | None:
        entry = self.contracts.get(name)
        return entry["address"] if entry else None

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "chain_id": self.chain_id,
            "genesis_hash": self.genesis_hash,
            "contracts": self.contracts,
        }
        if self.pending:
            data["pending"] = self.pending
        # Replaced whole, never rewritten in place: a reader (another run, a watcher) sees the
        # previous record or the new one, never a half-written file.
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, indent=2) + "\n")
        os.replace(temporary, self.path)


def _jsonable(value):
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, int | str | bool) or value is None:
        return value
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if hasattr(value, "address"):
        return str(value.address)
    return str(value)
