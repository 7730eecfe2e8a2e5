"""Identity attestations: build, hash and sign them exactly as IdentityRegistry checks them."""

from __future__ import annotations

from dataclasses import astuple, dataclass

from eth_account.messages import encode_typed_data
from eth_utils import keccak

DOMAIN_NAME = "OpenOTC Identity"
DOMAIN_VERSION = "1"

ATTESTATION_TYPES = {
    "Attestation": [
        {"name": "subject", "type": "address"},
        {"name": "issuer", "type": "address"},
        {"name": "level", "type": "uint8"},
        {"name": "didHash", "type": "bytes32"},
        {"name": "expiresAt", "type": "uint64"},
        {"name": "nonce", "type": "uint256"},
    ]
}


@dataclass(frozen=True)
class Attestation:
    subject: str
    issuer: str
    level: int
    did_hash: bytes
    expires_at: int
    nonce: int

    def as_tuple(self) -> tuple:
        """The struct as the contract's ABI takes it."""
        return astuple(self)


def typed_data(attestation: Attestation, registry: str, chain_id: int) -> dict:
    """The EIP-712 message for `attestation` under the registry at `registry` on `chain_id`."""
    return {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            **ATTESTATION_TYPES,
        },
        "primaryType": "Attestation",
        "domain": {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": chain_id,
            "verifyingContract": str(registry),
        },
        "message": {
            "subject": str(attestation.subject),
            "issuer": str(attestation.issuer),
            "level": attestation.level,
            "didHash": attestation.did_hash,
            "expiresAt": attestation.expires_at,
            "nonce": attestation.nonce,
        },
    }


def digest(attestation: Attestation, registry: str, chain_id: int) -> bytes:
    """The 32-byte EIP-712 digest the issuer signs."""
    message = encode_typed_data(full_message=typed_data(attestation, registry, chain_id))
    return keccak(b"\x19" + message.version + message.header + message.body)


def sign(attestation: Attestation, registry: str, chain_id: int, signer) -> bytes:
    """65-byte signature (r, s, v) by `signer`, an ape account that can sign raw digests."""
    signature = signer.sign_raw_msghash(digest(attestation, registry, chain_id))
    return bytes(signature.encode_rsv())
