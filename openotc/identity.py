"""Identity attestations: build, hash and sign them exactly as IdentityRegistry checks them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from openotc import eip712
from openotc.units import DAY

DOMAIN_NAME = "OpenOTC Identity"
DOMAIN_VERSION = "1"
MAX_LEVEL = 3  # IdentityRegistry.MAX_LEVEL: levels run 0 (unverified) to 3
VOLUME_PERIOD = 30 * DAY  # IdentityRegistry.VOLUME_PERIOD: the rolling window of perPeriod

ATTESTATION_TYPE = (
    "Attestation(address subject,address issuer,uint8 level,bytes32 didHash,uint64 expiresAt,"
    "uint256 nonce)"
)
ATTESTATION_TYPES = eip712.struct_types(ATTESTATION_TYPE)


@dataclass(frozen=True)
class Attestation(eip712.Struct):
    """An identity attestation. Field order and names follow the contract's struct."""

    TYPE: ClassVar[str] = ATTESTATION_TYPE

    subject: str
    issuer: str
    level: int
    did_hash: bytes
    expires_at: int
    nonce: int


def typed_data(attestation: Attestation, registry: str, chain_id: int) -> dict:
    """The EIP-712 message for `attestation` under the registry at `registry` on `chain_id`."""
    return attestation.typed_data(DOMAIN_NAME, DOMAIN_VERSION, chain_id, registry)


def digest(attestation: Attestation, registry: str, chain_id: int) -> bytes:
    """The 32-byte EIP-712 digest the issuer signs."""
    return eip712.digest(typed_data(attestation, registry, chain_id))


def sign(attestation: Attestation, registry: str, chain_id: int, signer) -> bytes:
    """65-byte signature (r, s, v) by `signer`, an ape account that can sign raw digests."""
    signature = signer.sign_raw_msghash(digest(attestation, registry, chain_id))
    return bytes(signature.encode_rsv())
