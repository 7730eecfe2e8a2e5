"""What a transaction the demo expects to fail would be refused with: the call is simulated
(`eth_call`, nothing is sent, no trace is printed) and its revert data decoded against the
custom errors of the contracts involved, with their arguments."""

from __future__ import annotations

import re
from dataclasses import dataclass

from eth_abi import decode
from eth_utils import keccak, to_hex

_HEX = re.compile(r"0x[0-9a-fA-F]{8,}")


@dataclass(frozen=True)
class Refusal:
    """A custom error and its arguments by name (`error` is "unknown" if no ABI knew it)."""

    error: str
    args: dict

    def __getitem__(self, name: str):
        return self.args[name]


def simulate(contract, method: str, args: list, sender, *, also=()) -> Refusal | None:
    """Simulates `contract.method(*args)` from `sender`; returns its refusal, or None if it
    would succeed. The revert data is decoded with the errors of `contract` and of the
    contracts in `also` (those the call reaches, whose errors it bubbles up)."""
    data = getattr(contract, method).encode_input(*args)
    web3 = contract.provider.web3
    try:
        web3.eth.call({"from": sender.address, "to": contract.address, "data": to_hex(data)})
    except Exception as error:  # web3 raises a different class per revert kind
        return decode_refusal(_revert_data(error), (contract, *also))
    return None


def refused(contract, method: str, args: list, sender, *, also=()) -> Refusal:
    """`simulate` for a call the demo shows being refused: a call that would succeed stops
    the demo, since the scenario no longer shows what it says."""
    refusal = simulate(contract, method, args, sender, also=also)
    if refusal is None:
        raise RuntimeError(f"{method} by {sender.address} was expected to be refused")
    return refusal


def decode_refusal(revert_data: str, contracts) -> Refusal:
    for contract in contracts:
        for abi in contract.contract_type.errors:
            types = [parameter.canonical_type for parameter in abi.inputs]
            selector = to_hex(keccak(text=f"{abi.name}({','.join(types)})")[:4])
            if revert_data.startswith(selector):
                values = decode(types, bytes.fromhex(revert_data[len(selector) :]))
                names = [parameter.name for parameter in abi.inputs]
                return Refusal(abi.name, dict(zip(names, values, strict=True)))
    return Refusal("unknown", {"data": revert_data})


def _revert_data(error: Exception) -> str:
    for candidate in (getattr(error, "data", None), *error.args, str(error)):
        if isinstance(candidate, str) and (found := _HEX.search(candidate)):
            return found.group(0).lower()
    return ""
