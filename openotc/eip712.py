"""EIP-712 typed data under a contract's domain (name, version, chain id, verifying
contract), as OpenZeppelin's EIP712 builds it, and the digest a signer signs."""

from __future__ import annotations

from eth_account.messages import encode_typed_data
from eth_utils import keccak

DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


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
