"""IdentityRegistry: approved issuers, signed attestations, levels, revocation and limits."""

from dataclasses import replace

import pytest
from eth_keys import keys
from eth_utils import keccak

from openotc.identity import VOLUME_PERIOD, digest
from openotc.units import DAY, MAX_UINT256, USDC_UNIT, ZERO_ADDRESS
from tests.utils.fixtures import roles

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
OTHER_CHAIN_ID = 1  # mainnet; the local chain is 31337
# (perTransaction, perPeriod) by level
LIMITS = {
    0: (0, 0),
    1: (1_000 * USDC_UNIT, 5_000 * USDC_UNIT),
    2: (50_000 * USDC_UNIT, 200_000 * USDC_UNIT),
    3: (MAX_UINT256, MAX_UINT256),
}
NO_LIMITS = (0, 0)


def pin_next_block(chain, offset=10):
    """Makes the next block's timestamp `offset` seconds after the head's and returns it."""
    timestamp = chain.blocks.head.timestamp + offset
    chain.pending_timestamp = timestamp
    return timestamp


def as_pair(limits_struct) -> tuple[int, int]:
    """A returned `Limits` struct as (perTransaction, perPeriod): ape decodes it with field
    names when it is the only output, as a plain tuple inside a multi-value output."""
    if isinstance(limits_struct, tuple):
        return tuple(limits_struct)
    return (limits_struct.perTransaction, limits_struct.perPeriod)


def limit_of(identity, account, token) -> tuple[int, tuple[int, int]]:
    """`identity.limitOf(account, token)` as (level, (perTransaction, perPeriod))."""
    level, limits_struct = identity.limitOf(account, token)
    return level, as_pair(limits_struct)


def assert_attested(tx, identity, attestation):
    """`tx` emitted exactly one Attested, carrying every field of `attestation`."""
    logs = tx.decode_logs(identity.Attested)
    assert [(e.subject, e.issuer, e.level, e.didHash, e.expiresAt) for e in logs] == [
        (
            attestation.subject,
            attestation.issuer,
            attestation.level,
            attestation.did_hash,
            attestation.expires_at,
        )
    ]


# ---------------------------------------------------------------- deployment


def test_deployment__governed_by_the_timelock_with_max_level_three(identity, timelock, guardian):
    assert identity.governance() == timelock.address
    assert identity.isGuardian(guardian)
    assert identity.MAX_LEVEL() == 3


def test_deployment__no_issuer_and_every_account_unverified(identity, issuer, maker, usdc):
    assert not identity.isIssuer(issuer)
    assert identity.levelOf(maker) == 0
    assert limit_of(identity, maker, usdc) == (0, NO_LIMITS)
    stored = identity.identityOf(maker)
    assert (stored.issuer, stored.level, stored.expiresAt) == (ZERO_ADDRESS, 0, 0)


# ---------------------------------------------------------------- issuers


def test_add_issuer__by_governance__approves_and_emits_issuer_added(identity, governance, issuer):
    tx = identity.addIssuer(issuer, sender=governance)

    assert identity.isIssuer(issuer)
    assert [e.issuer for e in tx.decode_logs(identity.IssuerAdded)] == [issuer.address]


def test_add_issuer__already_approved__reverts_already_added(
    identity, governance, approved_issuer, reverts
):
    with reverts(identity.IdentityIssuerAlreadyAdded, issuer=approved_issuer.address):
        identity.addIssuer(approved_issuer, sender=governance)


@roles("guardian", "stranger")
def test_add_issuer__by_guardian_or_stranger__reverts_only_governance(
    identity, issuer, reverts, actor
):
    with reverts(identity.GovernedOnlyGovernance, caller=actor.address):
        identity.addIssuer(issuer, sender=actor)
    assert not identity.isIssuer(issuer)


@roles("governance", "guardian")
def test_remove_issuer__by_governance_or_guardian__emits_issuer_removed_by_caller(
    identity, approved_issuer, actor
):
    tx = identity.removeIssuer(approved_issuer, sender=actor)

    assert not identity.isIssuer(approved_issuer)
    assert [(e.issuer, e.by) for e in tx.decode_logs(identity.IssuerRemoved)] == [
        (approved_issuer.address, actor.address)
    ]


def test_remove_issuer__by_stranger__reverts_only_governance_or_guardian(
    identity, approved_issuer, stranger, reverts
):
    with reverts(identity.GovernedOnlyGovernanceOrGuardian, caller=stranger.address):
        identity.removeIssuer(approved_issuer, sender=stranger)
    assert identity.isIssuer(approved_issuer)


def test_remove_issuer__not_approved__reverts_unknown_issuer(identity, governance, issuer, reverts):
    with reverts(identity.IdentityUnknownIssuer, issuer=issuer.address):
        identity.removeIssuer(issuer, sender=governance)


def test_remove_issuer__with_live_attestation__level_drops_to_zero_at_once(
    identity, guardian, approved_issuer, maker, usdc, governance, create_attestation, submit
):
    identity.setLimit(usdc, 2, *LIMITS[2], sender=governance)
    attestation = create_attestation(maker, approved_issuer, level=2)
    submit(attestation, approved_issuer)
    assert identity.levelOf(maker) == 2

    tx = identity.removeIssuer(approved_issuer, sender=guardian)

    assert len(tx.decode_logs(identity.IssuerRemoved)) == 1
    assert identity.levelOf(maker) == 0
    assert limit_of(identity, maker, usdc) == (0, NO_LIMITS)
    # The record stays, it just no longer counts.
    assert identity.identityOf(maker).issuer == approved_issuer.address


def test_attest__by_removed_issuer__reverts_unknown_issuer(
    identity, guardian, approved_issuer, maker, create_attestation, submit, reverts
):
    identity.removeIssuer(approved_issuer, sender=guardian)
    attestation = create_attestation(maker, approved_issuer)

    with reverts(identity.IdentityUnknownIssuer, issuer=approved_issuer.address):
        submit(attestation, approved_issuer)


# ---------------------------------------------------------------- attest: success


def test_attest__submitted_by_third_party__stores_identity_and_emits_attested(
    identity, approved_issuer, maker, stranger, create_attestation, sign_attestation
):
    attestation = create_attestation(maker, approved_issuer, level=2, did=b"did:example:maker")
    signature = sign_attestation(attestation, approved_issuer)
    assert identity.nonceOf(approved_issuer, maker) == 0

    tx = identity.attest(attestation.as_tuple(), signature, sender=stranger)

    assert_attested(tx, identity, attestation)
    assert identity.levelOf(maker) == 2
    stored = identity.identityOf(maker)
    assert (stored.issuer, stored.level, stored.expiresAt, stored.didHash) == (
        approved_issuer.address,
        2,
        attestation.expires_at,
        keccak(b"did:example:maker"),
    )
    assert identity.nonceOf(approved_issuer, maker) == 1
    assert identity.levelOf(stranger) == 0


def test_attest__second_in_a_row__uses_the_next_nonce(
    identity, approved_issuer, maker, create_attestation, submit
):
    submit(create_attestation(maker, approved_issuer, level=1), approved_issuer)
    upgrade = create_attestation(maker, approved_issuer, level=3)
    assert upgrade.nonce == 1

    tx = submit(upgrade, approved_issuer)

    assert_attested(tx, identity, upgrade)
    assert identity.levelOf(maker) == 3
    assert identity.nonceOf(approved_issuer, maker) == 2


def test_attest__newer_from_other_issuer__replaces_the_current_one(
    identity, approved_issuer, approved_second_issuer, maker, create_attestation, submit
):
    submit(create_attestation(maker, approved_issuer, level=3), approved_issuer)
    newer = create_attestation(maker, approved_second_issuer, level=1, did=b"did:example:other")

    tx = submit(newer, approved_second_issuer)

    assert_attested(tx, identity, newer)
    assert identity.levelOf(maker) == 1
    stored = identity.identityOf(maker)
    assert (stored.issuer, stored.level, stored.didHash) == (
        approved_second_issuer.address,
        1,
        keccak(b"did:example:other"),
    )
    # Nonces are per issuer: the first issuer's is unchanged.
    assert identity.nonceOf(approved_issuer, maker) == 1
    assert identity.nonceOf(approved_second_issuer, maker) == 1


# ---------------------------------------------------------------- attest: reverts


def test_attest__zero_subject__reverts_zero_subject(
    identity, approved_issuer, create_attestation, sign_attestation, stranger, reverts
):
    attestation = create_attestation(ZERO_ADDRESS, approved_issuer)
    signature = sign_attestation(attestation, approved_issuer)

    with reverts(identity.IdentityZeroSubject):
        identity.attest(attestation.as_tuple(), signature, sender=stranger)


def test_attest__issuer_never_approved__reverts_unknown_issuer(
    identity, issuer, maker, create_attestation, submit, reverts
):
    attestation = create_attestation(maker, issuer)

    with reverts(identity.IdentityUnknownIssuer, issuer=issuer.address):
        submit(attestation, issuer)


def test_attest__level_above_max__reverts_invalid_level(
    identity, approved_issuer, maker, create_attestation, submit, reverts
):
    attestation = create_attestation(maker, approved_issuer, level=4)

    with reverts(identity.IdentityInvalidLevel, level=4):
        submit(attestation, approved_issuer)


def test_attest__expires_at_the_block_timestamp__reverts_expired(
    identity, chain, approved_issuer, maker, create_attestation, submit, reverts
):
    now = pin_next_block(chain)
    attestation = create_attestation(maker, approved_issuer, expires_at=now)

    with reverts(identity.IdentityAttestationExpired, expiresAt=now):
        submit(attestation, approved_issuer)
    assert chain.blocks.head.timestamp == now  # the refused transaction ran at `now`


def test_attest__expired_a_second_before_the_block__reverts_expired(
    identity, chain, approved_issuer, maker, create_attestation, submit, reverts
):
    now = pin_next_block(chain)
    attestation = create_attestation(maker, approved_issuer, expires_at=now - 1)

    with reverts(identity.IdentityAttestationExpired, expiresAt=now - 1):
        submit(attestation, approved_issuer)


def test_attest__expires_a_second_after_the_block__is_accepted(
    identity, chain, approved_issuer, maker, create_attestation, submit
):
    now = pin_next_block(chain)
    attestation = create_attestation(maker, approved_issuer, level=1, expires_at=now + 1)

    tx = submit(attestation, approved_issuer)

    assert chain.blocks[tx.block_number].timestamp == now
    assert_attested(tx, identity, attestation)
    assert identity.levelOf(maker) == 1


def test_attest__replayed__reverts_invalid_nonce(
    identity, approved_issuer, maker, taker, create_attestation, sign_attestation, reverts
):
    attestation = create_attestation(maker, approved_issuer)
    signature = sign_attestation(attestation, approved_issuer)
    identity.attest(attestation.as_tuple(), signature, sender=maker)

    with reverts(identity.IdentityInvalidNonce, expected=1, given=0):
        identity.attest(attestation.as_tuple(), signature, sender=taker)


def test_attest__future_nonce__reverts_invalid_nonce(
    identity, approved_issuer, maker, create_attestation, submit, reverts
):
    attestation = create_attestation(maker, approved_issuer, nonce=5)

    with reverts(identity.IdentityInvalidNonce, expected=0, given=5):
        submit(attestation, approved_issuer)


@roles("approved_issuer", "wallet")  # an EOA issuer and an EIP-1271 wallet issuer
def test_attest__signed_by_a_key_not_the_issuers__reverts_invalid_signature(
    identity, maker, stranger, create_attestation, submit, reverts, actor
):
    attestation = create_attestation(maker, actor)

    with reverts(identity.IdentityInvalidSignature, issuer=actor.address):
        submit(attestation, stranger)


def test_attest__signature_for_other_chain__reverts_invalid_signature(
    identity, approved_issuer, maker, stranger, create_attestation, sign_attestation, reverts
):
    attestation = create_attestation(maker, approved_issuer)
    signature = sign_attestation(attestation, approved_issuer, chain_id=OTHER_CHAIN_ID)

    with reverts(identity.IdentityInvalidSignature, issuer=approved_issuer.address):
        identity.attest(attestation.as_tuple(), signature, sender=stranger)


def test_attest__signature_for_other_registry__reverts_invalid_signature(
    project,
    deployer,
    timelock,
    governance,
    identity,
    approved_issuer,
    maker,
    stranger,
    create_attestation,
    sign_attestation,
    reverts,
):
    other = deployer.deploy(project.IdentityRegistry, timelock)
    other.addIssuer(approved_issuer, sender=governance)
    attestation = create_attestation(maker, approved_issuer)
    signature = sign_attestation(attestation, approved_issuer, registry=other.address)
    # Good where it was meant to go ...
    other.attest(attestation.as_tuple(), signature, sender=stranger)
    assert other.levelOf(maker) == attestation.level

    # ... and worthless here, although the nonce still matches.
    with reverts(identity.IdentityInvalidSignature, issuer=approved_issuer.address):
        identity.attest(attestation.as_tuple(), signature, sender=stranger)


def test_attest__high_s_malleated_signature__reverts_invalid_signature(
    identity, chain, approved_issuer, maker, stranger, create_attestation, reverts
):
    attestation = create_attestation(maker, approved_issuer)
    message_hash = digest(attestation, identity.address, chain.chain_id)
    v, r, s = approved_issuer.sign_raw_msghash(message_hash)
    r, s = int.from_bytes(r, "big"), int.from_bytes(s, "big")
    high_s, flipped_v = SECP256K1_N - s, 55 - v  # 27 <-> 28
    malleated = r.to_bytes(32, "big") + high_s.to_bytes(32, "big") + bytes([flipped_v])
    # The malleated signature is still a valid secp256k1 signature by the issuer's key ...
    recovered = keys.Signature(vrs=(flipped_v - 27, r, high_s)).recover_public_key_from_msg_hash(
        message_hash
    )
    assert recovered.to_checksum_address() == approved_issuer.address

    # ... but high-s signatures are refused (SWC-117).
    with reverts(identity.IdentityInvalidSignature, issuer=approved_issuer.address):
        identity.attest(attestation.as_tuple(), malleated, sender=stranger)


@pytest.mark.parametrize(
    "signature",
    [b"", b"\x00" * 64 + b"\x1b", b"\x01" * 32 + b"\x02" * 32 + b"\x1d"],
    ids=["empty", "zero_r_s_recovers_nobody", "v_29"],
)
def test_attest__malformed_signature__reverts_invalid_signature(
    identity, approved_issuer, maker, stranger, create_attestation, signature, reverts
):
    attestation = create_attestation(maker, approved_issuer)

    with reverts(identity.IdentityInvalidSignature, issuer=approved_issuer.address):
        identity.attest(attestation.as_tuple(), signature, sender=stranger)


def test_attest__level_changed_after_signing__reverts_invalid_signature(
    identity, approved_issuer, maker, stranger, create_attestation, sign_attestation, reverts
):
    signed = create_attestation(maker, approved_issuer, level=1)
    signature = sign_attestation(signed, approved_issuer)
    tampered = replace(signed, level=3)

    with reverts(identity.IdentityInvalidSignature, issuer=approved_issuer.address):
        identity.attest(tampered.as_tuple(), signature, sender=stranger)


@pytest.mark.parametrize("field", ["subject", "issuer", "level", "did_hash", "expires_at", "nonce"])
def test_attestation_digest__binds_every_field(
    identity, chain, approved_issuer, maker, taker, create_attestation, field
):
    """A signature covers a field only if the digest changes with it (the SDK test alone would
    not notice a field left out on both sides)."""
    signed = create_attestation(maker, approved_issuer, level=1)
    other = {
        "subject": taker.address,
        "issuer": taker.address,
        "level": 2,
        "did_hash": keccak(b"did:example:someone-else"),
        "expires_at": signed.expires_at + 1,
        "nonce": signed.nonce + 1,
    }[field]
    changed = replace(signed, **{field: other})

    assert identity.attestationDigest(changed.as_tuple()) != identity.attestationDigest(
        signed.as_tuple()
    )
    assert identity.attestationDigest(changed.as_tuple()) == digest(
        changed, identity.address, chain.chain_id
    )


def test_attest__issuer_swapped_after_signing__reverts_invalid_signature_of_named_issuer(
    identity,
    approved_issuer,
    approved_second_issuer,
    maker,
    stranger,
    create_attestation,
    sign_attestation,
    reverts,
):
    signed = create_attestation(maker, approved_issuer)
    signature = sign_attestation(signed, approved_issuer)
    tampered = replace(signed, issuer=approved_second_issuer.address)

    with reverts(identity.IdentityInvalidSignature, issuer=approved_second_issuer.address):
        identity.attest(tampered.as_tuple(), signature, sender=stranger)


# ---------------------------------------------------------------- EIP-1271 issuers


@pytest.fixture
def wallet(project, deployer, identity, governance, issuer):
    """A contract-wallet issuer whose owner key is `issuer`."""
    wallet = deployer.deploy(project.MockERC1271Wallet, issuer)
    identity.addIssuer(wallet, sender=governance)
    return wallet


def test_attest__erc1271_issuer_signed_by_owner__is_accepted(
    identity, wallet, issuer, maker, create_attestation, submit
):
    attestation = create_attestation(maker, wallet, level=3)

    tx = submit(attestation, issuer)

    assert_attested(tx, identity, attestation)
    assert identity.levelOf(maker) == 3
    assert identity.identityOf(maker).issuer == wallet.address
    assert identity.nonceOf(wallet, maker) == 1


def test_attest__erc1271_issuer_returning_junk__reverts_invalid_signature(
    identity, wallet, issuer, maker, stranger, create_attestation, submit, reverts
):
    wallet.setJunk(True, sender=stranger)
    attestation = create_attestation(maker, wallet)

    with reverts(identity.IdentityInvalidSignature, issuer=wallet.address):
        submit(attestation, issuer)


# ---------------------------------------------------------------- levelOf and expiry


@pytest.mark.parametrize("offset, counts", [(-1, True), (0, False), (1, False)])
def test_level_of__around_expiry__counts_only_before_expires_at(
    identity, chain, approved_issuer, maker, create_attestation, submit, offset, counts
):
    expires_at = chain.blocks.head.timestamp + 1_000
    submit(
        create_attestation(maker, approved_issuer, level=2, expires_at=expires_at), approved_issuer
    )

    chain.mine(timestamp=expires_at + offset)

    assert chain.blocks.head.timestamp == expires_at + offset
    assert identity.levelOf(maker) == (2 if counts else 0)


# ---------------------------------------------------------------- revocation


def test_revoke__by_issuer_of_current__clears_level_and_emits_revoked(
    identity, approved_issuer, maker, create_attestation, submit
):
    submit(create_attestation(maker, approved_issuer, level=3), approved_issuer)

    tx = identity.revoke(maker, sender=approved_issuer)

    assert [(e.subject, e.issuer) for e in tx.decode_logs(identity.AttestationRevoked)] == [
        (maker.address, approved_issuer.address)
    ]
    assert identity.levelOf(maker) == 0
    assert identity.identityOf(maker).issuer == ZERO_ADDRESS
    assert identity.nonceOf(approved_issuer, maker) == 2


def test_revoke__signed_but_unsubmitted_attestation__is_refused_afterwards(
    identity,
    approved_issuer,
    maker,
    stranger,
    create_attestation,
    sign_attestation,
    submit,
    reverts,
):
    submit(create_attestation(maker, approved_issuer, level=1), approved_issuer)
    pending = create_attestation(maker, approved_issuer, level=3)
    signature = sign_attestation(pending, approved_issuer)

    tx = identity.revoke(maker, sender=approved_issuer)

    assert len(tx.decode_logs(identity.AttestationRevoked)) == 1
    with reverts(identity.IdentityInvalidNonce, expected=2, given=1):
        identity.attest(pending.as_tuple(), signature, sender=stranger)
    assert identity.levelOf(maker) == 0


def test_revoke__before_any_submission__invalidates_what_was_signed(
    identity, approved_issuer, maker, stranger, create_attestation, sign_attestation, reverts
):
    pending = create_attestation(maker, approved_issuer)
    signature = sign_attestation(pending, approved_issuer)

    tx = identity.revoke(maker, sender=approved_issuer)

    assert len(tx.decode_logs(identity.AttestationRevoked)) == 1
    with reverts(identity.IdentityInvalidNonce, expected=1, given=0):
        identity.attest(pending.as_tuple(), signature, sender=stranger)


def test_revoke__by_issuer_not_of_current__leaves_the_current_attestation(
    identity, approved_issuer, approved_second_issuer, maker, create_attestation, submit
):
    submit(create_attestation(maker, approved_issuer, level=2), approved_issuer)

    tx = identity.revoke(maker, sender=approved_second_issuer)

    assert [(e.subject, e.issuer) for e in tx.decode_logs(identity.AttestationRevoked)] == [
        (maker.address, approved_second_issuer.address)
    ]
    assert identity.levelOf(maker) == 2
    assert identity.identityOf(maker).issuer == approved_issuer.address
    assert identity.nonceOf(approved_second_issuer, maker) == 1


def test_revoke__by_removed_issuer_of_current__clears_it(
    identity, governance, guardian, approved_issuer, maker, create_attestation, submit
):
    submit(create_attestation(maker, approved_issuer, level=2), approved_issuer)
    identity.removeIssuer(approved_issuer, sender=guardian)

    tx = identity.revoke(maker, sender=approved_issuer)

    assert len(tx.decode_logs(identity.AttestationRevoked)) == 1
    assert identity.identityOf(maker).issuer == ZERO_ADDRESS
    # Re-approving the issuer no longer brings the revoked attestation back.
    identity.addIssuer(approved_issuer, sender=governance)
    assert identity.levelOf(maker) == 0


def test_revoke__by_stranger__reverts_not_issuer(identity, maker, stranger, reverts):
    with reverts(identity.IdentityNotIssuer, caller=stranger.address):
        identity.revoke(maker, sender=stranger)


def test_revoke__by_removed_issuer_not_of_current__reverts_not_issuer(
    identity, guardian, approved_issuer, maker, reverts
):
    identity.removeIssuer(approved_issuer, sender=guardian)

    with reverts(identity.IdentityNotIssuer, caller=approved_issuer.address):
        identity.revoke(maker, sender=approved_issuer)


# ---------------------------------------------------------------- limits


def test_volume_period__is_thirty_days_as_the_sdk_mirrors(identity):
    assert identity.VOLUME_PERIOD() == 30 * DAY == VOLUME_PERIOD


def test_set_limit__by_governance__stores_both_limits_and_emits_limit_set(
    identity, governance, usdc
):
    tx = identity.setLimit(usdc, 2, *LIMITS[2], sender=governance)

    assert as_pair(identity.limit(usdc, 2)) == LIMITS[2]
    assert as_pair(identity.limit(usdc, 1)) == NO_LIMITS
    assert [
        (e.token, e.level, e.perTransaction, e.perPeriod) for e in tx.decode_logs(identity.LimitSet)
    ] == [(usdc.address, 2, *LIMITS[2])]


def test_set_limit__again__replaces_both_limits_of_that_token_and_level_only(
    identity, governance, usdc, dai
):
    identity.setLimit(usdc, 1, *LIMITS[1], sender=governance)
    identity.setLimit(dai, 1, 7, 8, sender=governance)

    tx = identity.setLimit(usdc, 1, 300 * USDC_UNIT, 0, sender=governance)

    assert as_pair(identity.limit(usdc, 1)) == (300 * USDC_UNIT, 0)
    assert as_pair(identity.limit(dai, 1)) == (7, 8)
    assert [
        (e.token, e.level, e.perTransaction, e.perPeriod) for e in tx.decode_logs(identity.LimitSet)
    ] == [(usdc.address, 1, 300 * USDC_UNIT, 0)]


def test_set_limit__per_period_below_per_transaction__stored_as_given(identity, governance, usdc):
    """The registry stores the two limits independently; the escrow applies both."""
    identity.setLimit(usdc, 1, 1_000 * USDC_UNIT, 10 * USDC_UNIT, sender=governance)

    assert as_pair(identity.limit(usdc, 1)) == (1_000 * USDC_UNIT, 10 * USDC_UNIT)


@roles("guardian", "stranger")
def test_set_limit__by_guardian_or_stranger__reverts_only_governance(
    identity, usdc, reverts, actor
):
    with reverts(identity.GovernedOnlyGovernance, caller=actor.address):
        identity.setLimit(usdc, 1, 1, 1, sender=actor)
    assert as_pair(identity.limit(usdc, 1)) == NO_LIMITS


def test_set_limit__level_above_max__reverts_invalid_level(identity, governance, usdc, reverts):
    above = identity.MAX_LEVEL() + 1
    with reverts(identity.IdentityInvalidLevel, level=above):
        identity.setLimit(usdc, above, 1, 1, sender=governance)


def test_set_limit__at_max_level__accepted(identity, governance, usdc):
    top = identity.MAX_LEVEL()

    tx = identity.setLimit(usdc, top, 1, 2, sender=governance)

    assert len(tx.decode_logs(identity.LimitSet)) == 1
    assert as_pair(identity.limit(usdc, top)) == (1, 2)


@pytest.fixture
def limits(identity, governance, usdc):
    for level, (per_transaction, per_period) in LIMITS.items():
        identity.setLimit(usdc, level, per_transaction, per_period, sender=governance)
    return LIMITS


def test_limit_of__unset__is_level_zero_and_no_trading(identity, maker, usdc, dai):
    assert limit_of(identity, maker, usdc) == (0, NO_LIMITS)
    assert limit_of(identity, maker, dai) == (0, NO_LIMITS)


def test_limit_of__follows_current_level_and_expiry(
    identity, chain, approved_issuer, maker, usdc, dai, limits, create_attestation, submit
):
    expires_at = chain.blocks.head.timestamp + 1_000
    submit(
        create_attestation(maker, approved_issuer, level=2, expires_at=expires_at), approved_issuer
    )
    assert limit_of(identity, maker, usdc) == (2, limits[2])
    assert limit_of(identity, maker, dai) == (2, NO_LIMITS)  # limits are per token

    submit(
        create_attestation(maker, approved_issuer, level=3, expires_at=expires_at), approved_issuer
    )
    assert limit_of(identity, maker, usdc) == (3, limits[3])

    chain.mine(timestamp=expires_at)
    assert limit_of(identity, maker, usdc) == (0, limits[0])


def test_limit_of__after_revocation__falls_to_level_zero_limit(
    identity, governance, approved_issuer, maker, usdc, limits, create_attestation, submit
):
    identity.setLimit(usdc, 0, 10 * USDC_UNIT, 30 * USDC_UNIT, sender=governance)
    submit(create_attestation(maker, approved_issuer, level=1), approved_issuer)
    assert limit_of(identity, maker, usdc) == (1, limits[1])

    tx = identity.revoke(maker, sender=approved_issuer)

    assert len(tx.decode_logs(identity.AttestationRevoked)) == 1
    assert limit_of(identity, maker, usdc) == (0, (10 * USDC_UNIT, 30 * USDC_UNIT))


# ---------------------------------------------------------------- flagged for review
# Current behaviour that may not be intended; pinned so that changing it is a deliberate act.


def test_add_issuer__after_removal__revives_its_unexpired_attestations(
    identity, governance, guardian, approved_issuer, maker, create_attestation, submit
):
    """Pins today's behaviour: approval is checked when the level is read, so re-approving an
    issuer (say, after its key leaked and was replaced) brings back what the old key signed.
    An issuer that must not be trusted again should revoke, or return under a new address."""
    submit(create_attestation(maker, approved_issuer, level=3), approved_issuer)
    identity.removeIssuer(approved_issuer, sender=guardian)
    assert identity.levelOf(maker) == 0

    tx = identity.addIssuer(approved_issuer, sender=governance)

    assert len(tx.decode_logs(identity.IssuerAdded)) == 1
    assert identity.levelOf(maker) == 3


def test_attest__stale_unsubmitted_attestation_from_other_issuer__overwrites_a_newer_one(
    identity,
    approved_issuer,
    approved_second_issuer,
    maker,
    stranger,
    create_attestation,
    sign_attestation,
    submit,
):
    """Pins today's behaviour: "newer" means submitted later, not signed later. A level-1
    attestation signed first by one issuer and never submitted stays valid (its issuer's nonce
    for the subject has not moved), so anyone holding it can replace a later level-3 one."""
    stale = create_attestation(maker, approved_issuer, level=1)
    stale_signature = sign_attestation(stale, approved_issuer)
    submit(create_attestation(maker, approved_second_issuer, level=3), approved_second_issuer)
    assert identity.levelOf(maker) == 3

    tx = identity.attest(stale.as_tuple(), stale_signature, sender=stranger)

    assert_attested(tx, identity, stale)
    assert identity.levelOf(maker) == 1
