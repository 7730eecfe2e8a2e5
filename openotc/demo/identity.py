"""The identity scenario of `make demo`: an approved issuer attests two traders, a relayer
submits the attestations, and the issuer revokes a third one."""

from __future__ import annotations

from eth_utils import keccak

from openotc import identity as identity_sdk
from openotc.units import DAY, UNLIMITED, USDC_UNIT


def identity_scenario(foundation, chain, say, issuer, subjects, relayer, usdc) -> None:
    identity = foundation.identity
    say.section("Identity: an issuer attests the traders, a relayer submits the attestations")
    for level, (name, subject) in enumerate(subjects.items(), start=1):
        attestation = _attestation(identity, chain, issuer, subject, level)
        signature = identity_sdk.sign(attestation, identity.address, chain.chain_id, issuer)
        before = identity.levelOf(subject)
        identity.attest(attestation.as_tuple(), signature, sender=relayer)
        now, per_transaction, per_period = limits_of(identity, subject, usdc)
        limits = describe_limits(per_transaction, per_period, identity.VOLUME_PERIOD() // DAY)
        say(f"{name}: level {before} -> {now}: {limits}")
    outsider = relayer
    identity.attest(
        _attestation(identity, chain, issuer, outsider, 3).as_tuple(),
        identity_sdk.sign(
            _attestation(identity, chain, issuer, outsider, 3),
            identity.address,
            chain.chain_id,
            issuer,
        ),
        sender=relayer,
    )
    say(f"the relayer itself is attested at level {identity.levelOf(outsider)}...")
    identity.revoke(outsider, sender=issuer)
    say(f"...and the issuer revokes it: level {identity.levelOf(outsider)}")


def _attestation(identity, chain, issuer, subject, level) -> identity_sdk.Attestation:
    return identity_sdk.Attestation(
        subject=subject.address,
        issuer=issuer.address,
        level=level,
        did_hash=keccak(text=f"did:example:{subject.address}"),
        expires_at=chain.pending_timestamp + 365 * DAY,
        nonce=identity.nonceOf(issuer, subject),
    )


def limits_of(identity, account, token) -> tuple[int, int, int]:
    """The account's level and its (per transaction, per period) limits of `token`."""
    level, (per_transaction, per_period) = identity.limitOf(account, token)
    return level, per_transaction, per_period


def describe_limits(per_transaction: int, per_period: int, period_days: int) -> str:
    """`IIdentityRegistry.Limits` of USDC in words."""
    per_trade = f"{per_transaction / USDC_UNIT:,.0f} USDC per trade"
    if per_period == UNLIMITED:
        return f"{per_trade}, no {period_days}-day limit"
    return f"{per_trade}, {per_period / USDC_UNIT:,.0f} per {period_days} days"
