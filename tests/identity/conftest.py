"""Fixtures for the identity registry: approved issuers and signed attestations."""

import pytest
from eth_utils import keccak

from openotc.identity import Attestation, sign

ONE_DAY = 86_400  # seconds


@pytest.fixture(scope="session")
def second_issuer(accounts):
    """A second issuer key, with no role anywhere else."""
    return accounts[7]


@pytest.fixture
def approved_issuer(identity, governance, issuer):
    identity.addIssuer(issuer, sender=governance)
    return issuer


@pytest.fixture
def approved_second_issuer(identity, governance, second_issuer):
    identity.addIssuer(second_issuer, sender=governance)
    return second_issuer


@pytest.fixture
def create_attestation(identity, chain):
    """An attestation of `subject` by `issuer`, valid for a day, carrying the issuer's nonce."""

    def create(subject, issuer, level=2, did=b"did:example:subject", expires_at=None, nonce=None):
        subject = str(getattr(subject, "address", subject))
        issuer = str(getattr(issuer, "address", issuer))
        return Attestation(
            subject=subject,
            issuer=issuer,
            level=level,
            did_hash=keccak(did),
            expires_at=chain.blocks.head.timestamp + ONE_DAY if expires_at is None else expires_at,
            nonce=identity.nonceOf(issuer, subject) if nonce is None else nonce,
        )

    return create


@pytest.fixture
def sign_attestation(identity, chain):
    """`signer`'s signature over `attestation`, for this registry and chain unless told."""

    def sign_(attestation, signer, registry=None, chain_id=None):
        return sign(
            attestation,
            str(identity.address if registry is None else registry),
            chain.chain_id if chain_id is None else chain_id,
            signer,
        )

    return sign_


@pytest.fixture
def submit(identity, stranger, sign_attestation):
    """Signs `attestation` with `signer` and has a third party (the stranger) submit it."""

    def submit_(attestation, signer):
        signature = sign_attestation(attestation, signer)
        return identity.attest(attestation.as_tuple(), signature, sender=stranger)

    return submit_
