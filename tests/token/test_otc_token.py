"""OTCToken: the protocol token.

ERC-20 + EIP-2612 permit + ERC-20 votes on a timestamp clock; the whole initial supply goes
to the treasury; afterwards only governance-granted minters mint, and never more than
MAX_INFLATION_BPS of the supply over any rolling INFLATION_WINDOW, the window being
(now - INFLATION_WINDOW, now].
"""

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from hexbytes import HexBytes

from openotc import eip712
from openotc.deployment.deploy import CANCELLER_ROLE
from openotc.deployment.params import DAY, TOKEN_UNIT
from openotc.governance import delegate_votes
from openotc.units import ZERO_ADDRESS
from tests.utils.fixtures import roles
from tests.utils.reverts import constructor_revert

WINDOW = 365 * DAY
MAX_INFLATION_BPS = 200
BPS = 10_000


def cap_of(base: int) -> int:
    """What the token may mint over one window on top of `base` (rounded down, as on chain)."""
    return base * MAX_INFLATION_BPS // BPS


def send_at(chain, timestamp: int) -> None:
    """The next transaction is mined at exactly `timestamp`."""
    chain.pending_timestamp = timestamp


def read_at(chain, timestamp: int) -> None:
    """Views called from now on see `block.timestamp == timestamp`."""
    chain.mine(timestamp=timestamp)


@pytest.fixture
def minter(token, governance, maker):
    token.grantMinter(maker, sender=governance)
    return maker


@pytest.fixture
def supply(params):
    return params.initial_supply


# ---------------------------------------------------------------- deployment and metadata


def test_deployment__mints_whole_initial_supply_to_treasury(token, treasury, supply):
    assert token.totalSupply() == supply
    assert token.balanceOf(treasury) == supply


def test_constructor__emits_transfer_of_initial_supply_from_zero(
    project, chain, deployer, timelock, treasury
):
    fresh = deployer.deploy(project.OTCToken, timelock, treasury, 1234)

    receipt = chain.get_receipt(fresh.txn_hash)
    assert receipt.events == [fresh.Transfer(ZERO_ADDRESS, treasury.address, 1234)]
    assert fresh.balanceOf(treasury) == 1234


def test_constructor__zero_treasury__reverts_zero_address(project, chain, deployer, timelock):
    error = constructor_revert(chain, project.OTCToken, timelock, ZERO_ADDRESS, 1, sender=deployer)

    assert error == ("TokenZeroAddress", {})


def test_constructor__governance_without_code__reverts_invalid_governance(
    project, chain, deployer, stranger, treasury
):
    error = constructor_revert(chain, project.OTCToken, stranger, treasury, 1, sender=deployer)

    assert error == ("GovernedInvalidGovernance", {"governance": stranger.address})


def test_metadata__is_openotc_otc_with_18_decimals(token):
    assert token.name() == "OpenOTC"
    assert token.symbol() == "OTC"
    assert token.decimals() == 18


def test_inflation_constants__are_two_percent_per_365_days(token):
    assert token.MAX_INFLATION_BPS() == MAX_INFLATION_BPS
    assert token.INFLATION_WINDOW() == WINDOW


def test_governance__is_the_timelock_and_its_cancellers_are_guardians(
    token, timelock, governor, guardian, stranger, treasury
):
    assert token.governance() == timelock.address
    assert token.isGuardian(guardian)
    assert token.isGuardian(governor)
    assert not token.isGuardian(stranger)
    assert not token.isGuardian(treasury)


# ---------------------------------------------------------------- permit (EIP-2612)


PERMIT_TYPES = eip712.struct_types(
    "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
)


def permit_digest(token, chain_id, owner, spender, value, deadline, nonce):
    """The EIP-712 message of a permit, ready to sign or to recover from."""
    domain = {
        "name": token.name(),
        "version": "1",
        "chainId": chain_id,
        "verifyingContract": token.address,
    }
    message = {
        "owner": owner.address,
        "spender": spender.address,
        "value": value,
        "nonce": nonce,
        "deadline": deadline,
    }
    return encode_typed_data(domain, PERMIT_TYPES, message)


def sign_permit(token, chain, signer, owner, spender, value, deadline, *, chain_id=None):
    """(v, r, s) of a permit for `owner`'s tokens, signed with `signer`'s key, for the
    owner's current nonce; `chain_id` overrides the chain the signature is bound to."""
    digest = permit_digest(
        token, chain_id or chain.chain_id, owner, spender, value, deadline, token.nonces(owner)
    )
    signed = Account.sign_message(digest, signer.private_key)
    return signed.v, HexBytes(signed.r.to_bytes(32, "big")), HexBytes(signed.s.to_bytes(32, "big"))


def recover_permit_signer(token, chain, owner, spender, value, deadline, signature):
    """Whom the token recovers from `signature` for this permit at the owner's current nonce:
    the address it names in ERC2612InvalidSigner."""
    digest = permit_digest(
        token, chain.chain_id, owner, spender, value, deadline, token.nonces(owner)
    )
    return Account.recover_message(digest, vrs=signature)


def test_eip712_domain__binds_name_version_chain_and_token(token, chain):
    domain = token.eip712Domain()

    assert domain.name == "OpenOTC"
    assert domain.version == "1"
    assert domain.chainId == chain.chain_id
    assert domain.verifyingContract == token.address


def test_permit__owner_signature__sets_allowance_and_consumes_nonce(
    token, chain, maker, taker, stranger
):
    deadline = chain.pending_timestamp + DAY
    v, r, s = sign_permit(token, chain, maker, maker, taker, 500, deadline)

    tx = token.permit(maker, taker, 500, deadline, v, r, s, sender=stranger)

    assert tx.events == [token.Approval(maker.address, taker.address, 500)]
    assert token.allowance(maker, taker) == 500
    assert token.nonces(maker) == 1


def test_permit__deadline_is_the_block_timestamp__is_accepted(token, chain, maker, taker, stranger):
    deadline = chain.pending_timestamp + 100
    v, r, s = sign_permit(token, chain, maker, maker, taker, 7, deadline)
    send_at(chain, deadline)

    tx = token.permit(maker, taker, 7, deadline, v, r, s, sender=stranger)

    assert tx.events == [token.Approval(maker.address, taker.address, 7)]


def test_permit__one_second_after_deadline__reverts_expired_signature(
    token, chain, maker, taker, stranger, reverts
):
    deadline = chain.pending_timestamp + 100
    v, r, s = sign_permit(token, chain, maker, maker, taker, 7, deadline)
    send_at(chain, deadline + 1)

    with reverts(token.ERC2612ExpiredSignature, deadline=deadline):
        token.permit(maker, taker, 7, deadline, v, r, s, sender=stranger)


def test_permit__replayed_signature__reverts_invalid_signer(
    token, chain, maker, taker, stranger, reverts
):
    deadline = chain.pending_timestamp + DAY
    signature = sign_permit(token, chain, maker, maker, taker, 500, deadline)
    token.permit(maker, taker, 500, deadline, *signature, sender=stranger)
    # With the nonce consumed the digest changes, and the signature recovers someone else.
    recovered = recover_permit_signer(token, chain, maker, taker, 500, deadline, signature)
    assert recovered != maker.address

    with reverts(token.ERC2612InvalidSigner, signer=recovered, owner=maker.address):
        token.permit(maker, taker, 500, deadline, *signature, sender=stranger)


def test_permit__signed_by_another_account__reverts_invalid_signer(
    token, chain, maker, taker, stranger, reverts
):
    deadline = chain.pending_timestamp + DAY
    # The taker signs a permit that spends the maker's tokens.
    signature = sign_permit(token, chain, taker, maker, taker, 500, deadline)

    with reverts(token.ERC2612InvalidSigner, signer=taker.address, owner=maker.address):
        token.permit(maker, taker, 500, deadline, *signature, sender=stranger)
    assert token.allowance(maker, taker) == 0


def test_permit__signed_for_another_chain__reverts_invalid_signer(
    token, chain, maker, taker, stranger, reverts
):
    deadline = chain.pending_timestamp + DAY
    signature = sign_permit(
        token, chain, maker, maker, taker, 500, deadline, chain_id=chain.chain_id + 1
    )
    recovered = recover_permit_signer(token, chain, maker, taker, 500, deadline, signature)
    assert recovered != maker.address

    with reverts(token.ERC2612InvalidSigner, signer=recovered, owner=maker.address):
        token.permit(maker, taker, 500, deadline, *signature, sender=stranger)
    assert token.nonces(maker) == 0


# ---------------------------------------------------------------- votes (timestamp clock)


def test_clock__is_the_block_timestamp_in_timestamp_mode(token, chain):
    assert token.CLOCK_MODE() == "mode=timestamp"
    assert token.clock() == chain.blocks.head.timestamp


def test_treasury__self_delegated__holds_all_votes(token, treasury, supply):
    assert token.delegates(treasury) == treasury.address
    assert token.getVotes(treasury) == supply


def test_delegate__to_another_account__moves_votes_and_emits_events(token, treasury, maker, taker):
    token.transfer(maker, 1_000, sender=treasury)

    tx = delegate_votes(token, taker, sender=maker)

    assert tx.events == [
        token.DelegateChanged(
            delegator=maker.address, fromDelegate=ZERO_ADDRESS, toDelegate=taker.address
        ),
        token.DelegateVotesChanged(delegate=taker.address, previousVotes=0, newVotes=1_000),
    ]
    assert token.delegates(maker) == taker.address
    assert token.getVotes(taker) == 1_000
    assert token.getVotes(maker) == 0


def test_transfer__between_delegated_holders__moves_votes_with_the_tokens(
    token, treasury, maker, supply
):
    delegate_votes(token, maker, sender=maker)

    tx = token.transfer(maker, 1_000, sender=treasury)

    assert tx.events == [
        token.Transfer(treasury.address, maker.address, 1_000),
        token.DelegateVotesChanged(
            delegate=treasury.address, previousVotes=supply, newVotes=supply - 1_000
        ),
        token.DelegateVotesChanged(delegate=maker.address, previousVotes=0, newVotes=1_000),
    ]
    assert token.getVotes(treasury) == supply - 1_000
    assert token.getVotes(maker) == 1_000


def test_get_past_votes__reads_checkpoints_by_timestamp(token, chain, treasury, maker, taker):
    token.transfer(maker, 1_000, sender=treasury)
    delegated_at = chain.pending_timestamp + 10
    send_at(chain, delegated_at)
    delegate_votes(token, taker, sender=maker)
    moved_at = delegated_at + DAY
    send_at(chain, moved_at)
    delegate_votes(token, maker, sender=maker)
    read_at(chain, moved_at + 1)

    assert token.getPastVotes(taker, delegated_at - 1) == 0
    assert token.getPastVotes(taker, delegated_at) == 1_000
    assert token.getPastVotes(taker, moved_at - 1) == 1_000
    assert token.getPastVotes(taker, moved_at) == 0
    assert token.getPastVotes(maker, moved_at) == 1_000


def test_get_past_votes__at_the_current_timestamp__reverts_future_lookup(
    token, chain, treasury, stranger, reverts
):
    now = chain.pending_timestamp + 10
    send_at(chain, now)

    # Sent as a transaction so that the timepoint and the clock are the same, known second.
    with reverts(token.ERC5805FutureLookup, timepoint=now, clock=now):
        token.getPastVotes.transact(treasury, now, sender=stranger)


def test_get_past_total_supply__includes_later_mints_only_after_them(
    token, chain, minter, taker, supply
):
    minted_at = chain.pending_timestamp + 10
    send_at(chain, minted_at)
    token.mint(taker, 5 * TOKEN_UNIT, sender=minter)
    read_at(chain, minted_at + 1)

    assert token.getPastTotalSupply(minted_at - 1) == supply
    assert token.getPastTotalSupply(minted_at) == supply + 5 * TOKEN_UNIT


# ---------------------------------------------------------------- minters


def test_grant_minter__by_governance__makes_account_minter(token, governance, maker):
    tx = token.grantMinter(maker, sender=governance)

    assert tx.events == [token.MinterGranted(account=maker.address)]
    assert token.isMinter(maker)


def test_grant_minter__already_minter__reverts_minter_unchanged(token, governance, minter, reverts):
    with reverts(token.TokenMinterUnchanged, account=minter.address):
        token.grantMinter(minter, sender=governance)


def test_grant_minter__zero_address__reverts_zero_address(token, governance, reverts):
    with reverts(token.TokenZeroAddress):
        token.grantMinter(ZERO_ADDRESS, sender=governance)


@roles("stranger", "guardian", "treasury", "deployer")
def test_grant_minter__by_anyone_but_governance__reverts_only_governance(
    token, maker, reverts, actor
):
    with reverts(token.GovernedOnlyGovernance, caller=actor.address):
        token.grantMinter(maker, sender=actor)
    assert not token.isMinter(maker)


def test_revoke_minter__by_governance__emits_revoked_by_the_timelock(
    token, governance, timelock, minter
):
    tx = token.revokeMinter(minter, sender=governance)

    assert tx.events == [token.MinterRevoked(account=minter.address, by=timelock.address)]
    assert not token.isMinter(minter)


def test_revoke_minter__by_guardian__emits_revoked_by_the_guardian(token, guardian, minter):
    tx = token.revokeMinter(minter, sender=guardian)

    assert tx.events == [token.MinterRevoked(account=minter.address, by=guardian.address)]
    assert not token.isMinter(minter)


def test_revoke_minter__not_a_minter__reverts_minter_unchanged(token, guardian, maker, reverts):
    with reverts(token.TokenMinterUnchanged, account=maker.address):
        token.revokeMinter(maker, sender=guardian)


@roles("stranger", "treasury", "deployer")
def test_revoke_minter__by_neither_governance_nor_guardian__reverts(token, minter, reverts, actor):
    with reverts(token.GovernedOnlyGovernanceOrGuardian, caller=actor.address):
        token.revokeMinter(minter, sender=actor)
    assert token.isMinter(minter)


def test_revoke_minter__by_a_guardian_removed_from_the_timelock__reverts(
    token, timelock, governance, guardian, minter, reverts
):
    timelock.revokeRole(CANCELLER_ROLE, guardian, sender=governance)

    with reverts(token.GovernedOnlyGovernanceOrGuardian, caller=guardian.address):
        token.revokeMinter(minter, sender=guardian)
    assert token.isMinter(minter)


def test_revoke_minter__revoked_minter__can_no_longer_mint(token, guardian, minter, taker, reverts):
    token.revokeMinter(minter, sender=guardian)

    with reverts(token.TokenNotMinter, caller=minter.address):
        token.mint(taker, 1, sender=minter)


# ---------------------------------------------------------------- mint


@roles("stranger", "guardian", "treasury", "governance")
def test_mint__by_non_minter__reverts_not_minter(token, taker, reverts, actor):
    # Not even governance mints without first granting itself the role by a proposal.
    with reverts(token.TokenNotMinter, caller=actor.address):
        token.mint(taker, 1, sender=actor)


def test_mint__by_minter__mints_to_recipient_and_emits_inflation_minted(
    token, minter, taker, supply
):
    amount = 1_000 * TOKEN_UNIT

    tx = token.mint(taker, amount, sender=minter)

    assert tx.events == [
        token.Transfer(ZERO_ADDRESS, taker.address, amount),
        token.InflationMinted(minter=minter.address, to=taker.address, amount=amount),
    ]
    assert token.balanceOf(taker) == amount
    assert token.totalSupply() == supply + amount
    assert token.mintedInWindow() == amount


def test_mint__to_zero_address__reverts_invalid_receiver(token, minter, reverts):
    with reverts(token.ERC20InvalidReceiver, receiver=ZERO_ADDRESS):
        token.mint(ZERO_ADDRESS, 1, sender=minter)
    assert token.mintedInWindow() == 0


def test_mintable__at_start__is_two_percent_of_supply(token, supply):
    assert token.mintedInWindow() == 0
    assert token.mintable() == cap_of(supply) == 2_000_000 * TOKEN_UNIT


def test_mint__exactly_mintable__fills_the_window_and_leaves_nothing_mintable(
    token, minter, taker, supply
):
    cap = token.mintable()

    tx = token.mint(taker, cap, sender=minter)

    assert tx.events == [
        token.Transfer(ZERO_ADDRESS, taker.address, cap),
        token.InflationMinted(minter=minter.address, to=taker.address, amount=cap),
    ]
    assert token.mintedInWindow() == cap
    # The cap is on the supply apart from the window's own mints: no compounding inside it.
    assert token.totalSupply() == supply + cap
    assert token.mintable() == 0


def test_mint__above_cap__reverts_available_amount(token, minter, taker, supply, reverts):
    cap = cap_of(supply)

    with reverts(token.TokenInflationCapExceeded, requested=cap + 1, available=cap):
        token.mint(taker, cap + 1, sender=minter)
    assert token.totalSupply() == supply


def test_mint__after_partial_mint__only_the_remainder_is_available(
    token, minter, taker, supply, reverts
):
    cap = cap_of(supply)
    first = cap // 3
    token.mint(taker, first, sender=minter)
    remainder = cap - first

    assert token.mintable() == remainder
    with reverts(token.TokenInflationCapExceeded, requested=remainder + 1, available=remainder):
        token.mint(taker, remainder + 1, sender=minter)
    token.mint(taker, remainder, sender=minter)
    assert token.mintable() == 0
    with reverts(token.TokenInflationCapExceeded, requested=1, available=0):
        token.mint(taker, 1, sender=minter)


def test_mint__several_minters__share_one_cap(
    token, governance, minter, issuer, taker, supply, reverts
):
    token.grantMinter(issuer, sender=governance)
    cap = cap_of(supply)
    token.mint(taker, cap - 10, sender=minter)

    with reverts(token.TokenInflationCapExceeded, requested=11, available=10):
        token.mint(taker, 11, sender=issuer)
    token.mint(taker, 10, sender=issuer)
    assert token.mintedInWindow() == cap


def test_mint__revoking_and_regranting_a_minter__does_not_reset_the_window(
    token, governance, guardian, minter, taker, supply, reverts
):
    cap = cap_of(supply)
    token.mint(taker, cap, sender=minter)
    token.revokeMinter(minter, sender=guardian)
    token.grantMinter(minter, sender=governance)

    with reverts(token.TokenInflationCapExceeded, requested=1, available=0):
        token.mint(taker, 1, sender=minter)


# ---------------------------------------------------------------- the rolling window


@pytest.fixture
def full_mint(token, chain, minter, taker, supply):
    """The whole cap minted at a known second; returns that second and the amount."""
    minted_at = chain.pending_timestamp + 10
    send_at(chain, minted_at)
    cap = cap_of(supply)
    token.mint(taker, cap, sender=minter)
    return minted_at, cap


@pytest.mark.parametrize(
    "offset, counted",
    [(-1, True), (0, False), (1, False)],
    ids=["window_minus_1s", "window", "window_plus_1s"],
)
def test_window__mint_counts_until_365_days_have_passed(
    token, chain, full_mint, supply, offset, counted
):
    minted_at, cap = full_mint

    read_at(chain, minted_at + WINDOW + offset)

    if counted:
        assert token.mintedInWindow() == cap
        assert token.mintable() == 0
    else:
        assert token.mintedInWindow() == 0
        # The old mint is now part of the base the next window's cap is taken on.
        assert token.mintable() == cap_of(supply + cap)


def test_window__one_second_before_it_closes__mint_reverts_nothing_available(
    token, chain, full_mint, minter, taker, reverts
):
    minted_at, _ = full_mint
    send_at(chain, minted_at + WINDOW - 1)

    with reverts(token.TokenInflationCapExceeded, requested=1, available=0):
        token.mint(taker, 1, sender=minter)


def test_window__when_it_closes__the_next_cap_can_be_minted(
    token, chain, full_mint, minter, taker, supply, reverts
):
    minted_at, cap = full_mint
    next_cap = cap_of(supply + cap)
    send_at(chain, minted_at + WINDOW)

    tx = token.mint(taker, next_cap, sender=minter)

    assert tx.events == [
        token.Transfer(ZERO_ADDRESS, taker.address, next_cap),
        token.InflationMinted(minter=minter.address, to=taker.address, amount=next_cap),
    ]
    assert token.mintedInWindow() == next_cap
    assert token.mintable() == 0


def test_window__mints_spread_over_time__each_leaves_365_days_after_it(
    token, chain, minter, taker, supply
):
    start = chain.pending_timestamp + 10
    schedule = [(start, 300_000), (start + 100 * DAY, 500_000), (start + 200 * DAY, 700_000)]
    for minted_at, tokens in schedule:
        send_at(chain, minted_at)
        token.mint(taker, tokens * TOKEN_UNIT, sender=minter)
    total = sum(tokens for _, tokens in schedule) * TOKEN_UNIT

    def expect_window(at, tokens_in_window):
        read_at(chain, at)
        in_window = tokens_in_window * TOKEN_UNIT
        assert token.mintedInWindow() == in_window
        assert token.mintable() == cap_of(supply + total - in_window) - in_window

    expect_window(start + 200 * DAY + 1, 1_500_000)
    expect_window(start + WINDOW - 1, 1_500_000)
    expect_window(start + WINDOW, 1_200_000)
    expect_window(start + 100 * DAY + WINDOW - 1, 1_200_000)
    expect_window(start + 100 * DAY + WINDOW, 700_000)
    expect_window(start + 200 * DAY + WINDOW, 0)


def test_window__capacity_freed_by_an_expired_mint__is_exactly_what_can_be_minted(
    token, chain, minter, taker, supply, reverts
):
    start = chain.pending_timestamp + 10
    cap = cap_of(supply)
    send_at(chain, start)
    token.mint(taker, cap // 2, sender=minter)
    send_at(chain, start + 100 * DAY)
    token.mint(taker, cap - cap // 2, sender=minter)
    send_at(chain, start + WINDOW)
    # The first half left the window; the second is still in it.
    in_window = cap - cap // 2
    available = cap_of(supply + cap - in_window) - in_window

    with reverts(token.TokenInflationCapExceeded, requested=available + 1, available=available):
        token.mint(taker, available + 1, sender=minter)
    token.mint(taker, available, sender=minter)
    assert token.mintable() == 0
