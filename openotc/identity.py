"""Identity attestations: build, hash and sign them exactly as IdentityRegistry checks them."""

from __future__ import annotations

from dataclasses import astuple, dataclass

from openotc import eip712

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
    message = {
        "subject": str(attestation.subject),
        "issuer": str(attestation.issuer),
        "level": attestation.level,
        "didHash": attestation.did_hash,
        "expiresAt": attestation.expires_at,
        "nonce": attestation.nonce,
    }
    return eip712.typed_data(
        DOMAIN_NAME, DOMAIN_VERSION, chain_id, registry, ATTESTATION_TYPES, message
    )


def digest(attestation: Attestation, registry: str, chain_id: int) -> bytes:
    """The 32-byte EIP-712 digest the issuer signs."""
    return eip712.digest(typed_data(attestation, registry, chain_id))


def sign(attestation: Attestation, registry: str, chain_id: int, signer) -> bytes:
    """65-byte signature (r, s, v) by `signer`, an ape account that can sign raw digests."""
    signature = signer.sign_raw_msghash(digest(attestation, registry, chain_id))
    return bytes(signature.encode_rsv())
