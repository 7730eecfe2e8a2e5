"""AtomicSwap.lock and lockToken: locking ETH and ERC-20 swaps, the id they return and the
event they emit, every refusal of the terms with its exact custom error (zero amount,
recipient, token or hashlock; timelocks to the second around now and now + MAX_TIMELOCK;
duplicates) and token shapes (USDT-like without return values, fee-on-transfer both ways or on
`transfer` only, false-returning, without balanceOf, re-entering during the pull)."""

import ape
import pytest
from ape.exceptions import CustomError, TransactionError
from eth_utils import keccak

from openotc.units import DAY, ETHER, ZERO_ADDRESS

ZERO_HASH = b"\x00" * 32
MAX_TIMELOCK = 30 * DAY
AMOUNT = 1_000 * 10**6  # of a 6-decimal token
ASSETS = ["ether", "token"]


# What every test of this module starts from.
pytestmark = pytest.mark.usefixtures("swap", "sender_funded")


# ---------------------------------------------------------------- helpers


def pin(chain, offset=10) -> int:
    """The next block is mined `offset` seconds after the head; returns its timestamp."""
    timestamp = chain.blocks.head.timestamp + offset
    chain.pending_timestamp = timestamp
    return timestamp


def terms_for(asset, make_terms, usdc, **overrides):
    token, amount = (None, ETHER) if asset == "ether" else (usdc, AMOUNT)
    return make_terms(**{"token": token, "amount": amount, **overrides})


def send_lock(swap, asset, terms, sender):
    """lock or lockToken with `terms` as they are (even invalid ones), sent by `sender`."""
    if asset == "ether":
        return swap.lock(
            terms.hashlock, terms.recipient, terms.timelock, sender=sender, value=terms.amount
        )
    return swap.lockToken(
        terms.hashlock, terms.token, terms.amount, terms.recipient, terms.timelock, sender=sender
    )


def locked_event(swap, asset, terms):
    if asset == "ether":
        return swap.EtherSwapLocked(
            terms.hashlock, terms.recipient, terms.sender, terms.amount, terms.timelock
        )
    return swap.TokenSwapLocked(
        terms.hashlock, terms.recipient, terms.sender, terms.token, terms.amount, terms.timelock
    )


def holdings(usdc, *holders) -> list[tuple[int, int]]:
    """(ether, usdc) of each holder."""
    return [(h.balance, usdc.balanceOf(h)) for h in holders]


# ---------------------------------------------------------------- lock: ETH


def test_lock__ether__records_swap_holds_value_and_emits_event(swap, chain, make_terms, sender):
    now = pin(chain)
    _, terms = make_terms(amount=ETHER, timelock=now + DAY)
    sender_before = sender.balance

    tx = swap.lock(terms.hashlock, terms.recipient, terms.timelock, sender=sender, value=ETHER)

    assert tx.timestamp == now
    arguments = {
        "hashlock": terms.hashlock,
        "recipient": terms.recipient,
        "sender": sender.address,
        "amount": ETHER,
        "timelock": now + DAY,
    }
    assert tx.events == [swap.EtherSwapLocked(**arguments)]
    (log,) = tx.decode_logs(swap.EtherSwapLocked)
    assert log.event_arguments == arguments
    assert tx.return_value == terms.id
    assert swap.swapIdOf(terms) == terms.id
    assert swap.isOpen(terms.id) is True
    assert swap.balance == ETHER
    assert sender.balance == sender_before - ETHER - tx.total_fees_paid


def test_lock__by_a_third_party__the_caller_is_the_sender(swap, make_terms, stranger, recipient):
    _, terms = make_terms(sender=stranger)

    tx = swap.lock(terms.hashlock, recipient, terms.timelock, sender=stranger, value=terms.amount)

    assert tx.events == [locked_event(swap, "ether", terms)]
    assert tx.return_value == terms.id
    assert swap.isOpen(terms.id) is True


# ---------------------------------------------------------------- lock: tokens


@pytest.mark.parametrize("token_name", ["usdc", "usdt"])
def test_lock_token__pulls_tokens_records_swap_and_emits_event(
    swap, chain, make_terms, sender, request, token_name
):
    token = request.getfixturevalue(token_name)
    now = pin(chain)
    _, terms = make_terms(token=token, amount=AMOUNT, timelock=now + DAY)
    sender_before, swap_before = token.balanceOf(sender), token.balanceOf(swap)

    tx = swap.lockToken(
        terms.hashlock, token, AMOUNT, terms.recipient, terms.timelock, sender=sender
    )

    arguments = {
        "hashlock": terms.hashlock,
        "recipient": terms.recipient,
        "sender": sender.address,
        "token": token.address,
        "amount": AMOUNT,
        "timelock": now + DAY,
    }
    # The pull, then the swap's transfer to itself that proves `transfer` delivers in full.
    assert tx.events == [
        token.Transfer(sender.address, swap.address, AMOUNT),
        token.Transfer(swap.address, swap.address, AMOUNT),
        swap.TokenSwapLocked(**arguments),
    ]
    (log,) = tx.decode_logs(swap.TokenSwapLocked)
    assert log.event_arguments == arguments
    assert tx.return_value == terms.id == swap.swapIdOf(terms)
    assert swap.isOpen(terms.id) is True
    assert token.balanceOf(sender) == sender_before - AMOUNT
    assert token.balanceOf(swap) == swap_before + AMOUNT
    assert swap.balance == 0


def test_lock_token__usdt_like_token__locks_claims_and_refunds(
    swap, chain, make_terms, lock_terms, usdt, sender, recipient, stranger
):
    """A token whose transfer functions return nothing works through the whole life cycle."""
    preimage, claimed = make_terms("claimed", token=usdt, amount=AMOUNT)
    _, refunded = make_terms("refunded", token=usdt, amount=2 * AMOUNT)
    lock_terms(claimed)
    lock_terms(refunded)
    assert usdt.balanceOf(swap) == 3 * AMOUNT
    recipient_before, sender_before = usdt.balanceOf(recipient), usdt.balanceOf(sender)

    tx = swap.claimFor(preimage, claimed, sender=stranger)

    assert tx.events == [
        swap.SwapClaimed(claimed.hashlock, preimage),
        usdt.Transfer(swap.address, recipient.address, AMOUNT),
    ]
    assert usdt.balanceOf(recipient) == recipient_before + AMOUNT

    chain.pending_timestamp = refunded.timelock
    tx = swap.refundFor(refunded, sender=stranger)

    assert tx.events == [
        swap.SwapRefunded(refunded.id),
        usdt.Transfer(swap.address, sender.address, 2 * AMOUNT),
    ]
    assert usdt.balanceOf(sender) == sender_before + 2 * AMOUNT
    assert usdt.balanceOf(swap) == 0
    assert not swap.isOpen(claimed.id) and not swap.isOpen(refunded.id)


def test_lock_token__fee_on_transfer_token__reverts_fee_on_transfer(
    swap, make_terms, fee_token, sender, reverts
):
    fee_token.mint(sender, AMOUNT, sender=sender)
    fee_token.approve(swap, AMOUNT, sender=sender)
    _, terms = make_terms(token=fee_token, amount=AMOUNT)
    fee = AMOUNT * fee_token.FEE_BPS() // 10_000

    with reverts(
        swap.SwapFeeOnTransferToken,
        token=fee_token.address,
        expected=AMOUNT,
        received=AMOUNT - fee,
    ):
        send_lock(swap, "token", terms, sender)

    assert swap.isOpen(terms.id) is False
    assert fee_token.balanceOf(sender) == AMOUNT
    assert fee_token.balanceOf(swap) == 0


def test_lock_token__token_charging_only_on_transfer__reverts_fee_on_transfer_nothing_locked(
    swap, project, deployer, make_terms, sender, reverts
):
    """MockTransferFeeToken delivers `transferFrom` in full but burns FEE_BPS of every
    `transfer`: the pull passes, the self-transfer that follows it loses the fee, so the swap
    would pay its recipient (or refund its sender) short. It is refused before anything locks."""
    token = deployer.deploy(project.MockTransferFeeToken)
    token.mint(sender, AMOUNT, sender=sender)
    token.approve(swap, AMOUNT, sender=sender)
    _, terms = make_terms(token=token, amount=AMOUNT)
    fee = AMOUNT * token.FEE_BPS() // 10_000
    assert fee > 0

    with reverts(
        swap.SwapFeeOnTransferToken, token=token.address, expected=AMOUNT, received=AMOUNT - fee
    ):
        send_lock(swap, "token", terms, sender)

    assert swap.isOpen(terms.id) is False
    assert token.balanceOf(sender) == AMOUNT
    assert token.balanceOf(swap) == 0
    assert token.allowance(sender, swap) == AMOUNT


def test_lock_token__token_returns_false__reverts_safe_erc20_failed_operation(
    swap, project, deployer, make_terms, sender, reverts
):
    token = deployer.deploy(project.TestFalseReturnToken)
    token.mint(sender, AMOUNT, sender=sender)
    token.approve(swap, AMOUNT, sender=sender)
    token.setFailing(True, sender=sender)
    _, terms = make_terms(token=token, amount=AMOUNT)

    with reverts(swap.SafeERC20FailedOperation, token=token.address):
        send_lock(swap, "token", terms, sender)

    assert swap.isOpen(terms.id) is False
    assert token.balanceOf(sender) == AMOUNT


def test_lock_token__token_without_balance_of__reverts_without_data(
    swap, make_terms, false_token, sender
):
    """MockFalseToken has no balanceOf: the balance read before the pull fails first."""
    _, terms = make_terms(token=false_token, amount=AMOUNT)

    with ape.reverts(TransactionError.DEFAULT_MESSAGE) as info:
        send_lock(swap, "token", terms, sender)

    assert not isinstance(info.value, CustomError)
    assert swap.isOpen(terms.id) is False


def test_lock_token__token_reenters_lock_token_with_the_same_terms__outer_call_reverts(
    swap, project, deployer, make_terms, impersonate, recipient, reverts
):
    """A token that re-enters lockToken with the same terms during the pull (its own address is
    the sender, so the terms and the id are the same): the inner call locks and pulls a second
    `amount`, so the outer call sees twice the amount arrive and reverts on the balance check
    (SwapFeeOnTransferToken), before it reaches the duplicate check the comment in lockToken
    names. Either way the outer call reverts and takes the inner lock with it."""
    token = deployer.deploy(project.MockReentrantToken)
    attacker = impersonate(token)  # the token contract itself locks the swap
    token.mint(token, 2 * AMOUNT, sender=attacker)
    token.approve(swap, 2 * AMOUNT, sender=attacker)
    _, terms = make_terms(token=token, amount=AMOUNT, sender=token, recipient=recipient)
    reentry = swap.lockToken.encode_input(terms.hashlock, token, AMOUNT, recipient, terms.timelock)
    token.arm(swap, reentry, sender=attacker)

    with reverts(
        swap.SwapFeeOnTransferToken, token=token.address, expected=AMOUNT, received=2 * AMOUNT
    ):
        swap.lockToken(terms.hashlock, token, AMOUNT, recipient, terms.timelock, sender=attacker)

    assert swap.isOpen(terms.id) is False
    assert token.balanceOf(swap) == 0
    assert token.balanceOf(token) == 2 * AMOUNT
    assert token.armed() is True  # the whole attempt, arming's reset included, was rolled back


# ---------------------------------------------------------------- refusals of the terms


@pytest.mark.parametrize("asset", ASSETS)
def test_lock__zero_amount__reverts_zero_amount(swap, make_terms, usdc, sender, asset, reverts):
    _, terms = terms_for(asset, make_terms, usdc, amount=0)

    with reverts(swap.SwapZeroAmount):
        send_lock(swap, asset, terms, sender)

    assert swap.isOpen(terms.id) is False


@pytest.mark.parametrize("asset", ASSETS)
def test_lock__zero_recipient__reverts_zero_address(swap, make_terms, usdc, sender, asset, reverts):
    _, terms = terms_for(asset, make_terms, usdc, recipient=ZERO_ADDRESS)

    with reverts(swap.SwapZeroAddress):
        send_lock(swap, asset, terms, sender)

    assert swap.isOpen(terms.id) is False


def test_lock_token__zero_token__reverts_zero_address(swap, make_terms, sender, reverts):
    _, terms = make_terms(amount=AMOUNT)  # token: address(0)

    with reverts(swap.SwapZeroAddress):
        send_lock(swap, "token", terms, sender)

    assert swap.isOpen(terms.id) is False
    assert swap.balance == 0


@pytest.mark.parametrize("asset", ASSETS)
def test_lock__zero_hashlock__reverts_zero_hashlock(swap, make_terms, usdc, sender, asset, reverts):
    _, terms = terms_for(asset, make_terms, usdc)
    terms = terms._replace(hashlock=ZERO_HASH)

    with reverts(swap.SwapZeroHashlock):
        send_lock(swap, asset, terms, sender)

    assert swap.isOpen(terms.id) is False


@pytest.mark.parametrize("offset", [-1, 0], ids=["before_now", "at_now"])
@pytest.mark.parametrize("asset", ASSETS)
def test_lock__timelock_not_after_now__reverts_timelock_in_past(
    swap, chain, make_terms, usdc, sender, asset, offset, reverts
):
    now = chain.blocks.head.timestamp + 10
    _, terms = terms_for(asset, make_terms, usdc, timelock=now + offset)
    chain.pending_timestamp = now

    with reverts(swap.SwapTimelockInPast, timelock=now + offset, now_=now):
        send_lock(swap, asset, terms, sender)

    assert swap.isOpen(terms.id) is False


@pytest.mark.parametrize(
    "offset", [1, MAX_TIMELOCK], ids=["one_second_after_now", "exactly_max_from_now"]
)
@pytest.mark.parametrize("asset", ASSETS)
def test_lock__timelock_at_either_bound__locks(
    swap, chain, make_terms, usdc, sender, asset, offset
):
    assert swap.MAX_TIMELOCK() == MAX_TIMELOCK
    now = chain.blocks.head.timestamp + 10
    _, terms = terms_for(asset, make_terms, usdc, timelock=now + offset)
    chain.pending_timestamp = now

    tx = send_lock(swap, asset, terms, sender)

    assert tx.timestamp == now
    assert locked_event(swap, asset, terms) in tx.events
    assert swap.isOpen(terms.id) is True


@pytest.mark.parametrize("asset", ASSETS)
def test_lock__timelock_one_second_past_max__reverts_timelock_too_far(
    swap, chain, make_terms, usdc, sender, asset, reverts
):
    now = chain.blocks.head.timestamp + 10
    _, terms = terms_for(asset, make_terms, usdc, timelock=now + MAX_TIMELOCK + 1)
    chain.pending_timestamp = now

    with reverts(
        swap.SwapTimelockTooFar, timelock=now + MAX_TIMELOCK + 1, latest=now + MAX_TIMELOCK
    ):
        send_lock(swap, asset, terms, sender)

    assert swap.isOpen(terms.id) is False


# ---------------------------------------------------------------- duplicates


@pytest.mark.parametrize("asset", ASSETS)
def test_lock__same_terms_twice__reverts_already_exists(
    swap, make_terms, usdc, sender, asset, reverts
):
    _, terms = terms_for(asset, make_terms, usdc)
    send_lock(swap, asset, terms, sender)
    before = holdings(usdc, swap)

    with reverts(swap.SwapAlreadyExists, swapId=terms.id):
        send_lock(swap, asset, terms, sender)

    assert swap.isOpen(terms.id) is True
    assert holdings(usdc, swap) == before  # nothing more taken


@pytest.mark.parametrize("asset", ASSETS)
def test_lock__same_terms_but_one_field__is_another_swap(swap, make_terms, usdc, sender, asset):
    _, terms = terms_for(asset, make_terms, usdc)
    other = terms._replace(amount=terms.amount + 1)
    send_lock(swap, asset, terms, sender)

    tx = send_lock(swap, asset, other, sender)

    assert tx.return_value == other.id != terms.id
    assert swap.isOpen(terms.id) and swap.isOpen(other.id)


def test_lock__same_terms_after_claim__locks_again(swap, make_terms, lock_terms, sender, taker):
    """A settled swap's slot is cleared: the same terms can be locked again (IAtomicSwap)."""
    preimage, terms = make_terms()
    lock_terms(terms)
    swap.claimFor(preimage, terms, sender=taker)
    assert swap.isOpen(terms.id) is False

    tx = lock_terms(terms)

    assert tx.events == [locked_event(swap, "ether", terms)]
    assert swap.isOpen(terms.id) is True
    assert swap.balance == terms.amount


def test_swap_id_of__is_keccak_of_the_abi_encoded_terms(swap, make_terms, usdc, stranger):
    _, terms = make_terms(token=usdc, amount=AMOUNT, sender=stranger)

    assert swap.swapIdOf(terms) == terms.id
    assert swap.swapIdOf(terms._replace(timelock=terms.timelock + 1)) != terms.id
    assert terms.id == keccak(
        bytes(terms.hashlock)
        + bytes(12)
        + bytes.fromhex(terms.token[2:])
        + AMOUNT.to_bytes(32, "big")
        + bytes(12)
        + bytes.fromhex(terms.sender[2:])
        + bytes(12)
        + bytes.fromhex(terms.recipient[2:])
        + terms.timelock.to_bytes(32, "big")
    )
