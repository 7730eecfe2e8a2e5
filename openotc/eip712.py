"""EIP-712 typed data under a contract's domain (name, version, chain id, verifying
contract), as OpenZeppelin's EIP712 builds it, and the digest a signer signs."""

from __future__ import annotations

from dataclasses import astuple
from typing import ClassVar

from eth_account.messages import encode_typed_data
from eth_utils import keccak

DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


def struct_types(encoded_type: str) -> dict:
    """The `types` entry of one struct from its EIP-712 `encodeType` string, the text whose
    hash the contract holds as the struct's typehash: `struct_types("Refund(bytes32 swapId)")`
    is `{"Refund": [{"name": "swapId", "type": "bytes32"}]}`.
    """
    primary, _, members = encoded_type.partition("(")
    if not members.endswith(")") or not primary.isidentifier():
        raise ValueError(f"not an EIP-712 struct type: {encoded_type!r}")
    fields = [member.split(" ") for member in members[:-1].split(",")]
    return {primary: [{"name": name, "type": type_} for type_, name in fields]}


def typed_data(
    name: str, version: str, chain_id: int, contract: str, types: dict, message: dict
) -> dict:
    """The full EIP-712 message; `types` holds exactly one struct type, the primary one."""
    (primary,) = types
    return {
        "types": {"EIP712Domain": DOMAIN_TYPE, **types},
        "primaryType": primary,
        "domain": {
            "name": name,
            "version": version,
            "chainId": chain_id,
            "verifyingContract": str(contract),
        },
        "message": message,
    }


def digest(full_message: dict) -> bytes:
    """keccak256("\\x19\\x01" || domainSeparator || hashStruct(message))."""
    message = encode_typed_data(full_message=full_message)
    return keccak(b"\x19" + message.version + message.header + message.body)


class Struct:
    """Base of a frozen dataclass that mirrors a contract struct signed with EIP-712: the
    dataclass fields in the struct's order, `TYPE` the struct's `encodeType` string."""

    TYPE: ClassVar[str]

    def as_tuple(self) -> tuple:
        """The struct as the contract's ABI takes it."""
        return astuple(self)

    def message(self) -> dict:
        """The struct as an EIP-712 message (addresses as strings)."""
        (members,) = struct_types(self.TYPE).values()
        return {
            member["name"]: str(value) if member["type"] == "address" else value
            for member, value in zip(members, self.as_tuple(), strict=True)
        }

    def typed_data(self, name: str, version: str, chain_id: int, contract: str) -> dict:
        """The full EIP-712 message of the struct under the domain of `contract`."""
        return typed_data(
            name, version, chain_id, contract, struct_types(self.TYPE), self.message()
        )
