"""OTCEscrow after a trade opens: markPaid, release, releaseAfterTimeout, cancel, the record
check, the fee snapshot and fee collection, and the governance switches (setFee, pause).

Every trade here is a SellCrypto take of the default offer: the maker sells (seller), the
taker buys (buyer). `funded` opens it with a protocol fee of FEE_BPS already set, so every
payout below carries a non-zero fee.
"""

import pytest
from eth_utils import keccak, to_hex
from hexbytes import HexBytes
from web3.exceptions import ContractLogicError as Web3ContractLogicError

from openotc import escrow as sdk
from openotc.escrow import Status
from openotc.units import USDC_UNIT
from tests.escrow.trades import (
    SETTLEMENT_IDS,
    assert_committed,
    balances,
    pin,
    settlement_calls,
    stats,
)
from tests.utils.fixtures import values

AMOUNT = 1_000 * USDC_UNIT
BOND = sdk.bond_for(AMOUNT)  # 20%
FEE_BPS = 50  # 0.5%
FEE = AMOUNT * FEE_BPS // sdk.BPS
CONFIRMATION_WINDOW = 3 * 24 * 3600
PAYMENT_REFERENCE = keccak(text="SEPA transfer, reference OTC-42")
UNKNOWN_TRADE = keccak(text="no trade has this id")


# ---------------------------------------------------------------- fixtures and helpers


trade_amount, fee_bps, payment_reference = values(
    trade_amount=AMOUNT, fee_bps=FEE_BPS, payment_reference=PAYMENT_REFERENCE
)


# ---------------------------------------------------------------- markPaid


def test_mark_paid__by_buyer__emits_trade_paid_with_confirm_deadline(
    escrow, chain, book, funded, act, buyer
):
    now = pin(chain, chain.blocks.head.timestamp + 60)

    tx = act("markPaid", funded, PAYMENT_REFERENCE, sender=buyer)

    assert tx.events == [escrow.TradePaid(funded, PAYMENT_REFERENCE, now + CONFIRMATION_WINDOW)]
    assert book.record(funded).confirm_deadline == now + CONFIRMATION_WINDOW
    assert_committed(escrow, book, funded, Status.PAID)


@pytest.mark.parametrize("role", ["seller", "stranger"])
def test_mark_paid__by_anyone_but_the_buyer__reverts_not_buyer(
    escrow, book, funded, act, role, request, reverts
):
    caller = request.getfixturevalue(role)
    with reverts(escrow.EscrowNotBuyer, caller=caller.address):
        act("markPaid", funded, PAYMENT_REFERENCE, sender=caller)
    assert_committed(escrow, book, funded, Status.FUNDED)


def test_mark_paid__when_already_paid__reverts_wrong_status(escrow, paid, act, buyer, reverts):
    with reverts(escrow.EscrowWrongStatus, tradeId=paid, status=Status.PAID):
        act("markPaid", paid, PAYMENT_REFERENCE, sender=buyer)


def test_mark_paid__one_second_before_payment_deadline__is_accepted(
    escrow, chain, book, funded, act, buyer
):
    deadline = book.record(funded).payment_deadline
    pin(chain, deadline - 1)

    tx = act("markPaid", funded, PAYMENT_REFERENCE, sender=buyer)

    assert tx.events == [
        escrow.TradePaid(funded, PAYMENT_REFERENCE, deadline - 1 + CONFIRMATION_WINDOW)
    ]


@pytest.mark.parametrize("offset", [0, 1], ids=["at_deadline", "after_deadline"])
def test_mark_paid__at_or_after_payment_deadline__reverts_payment_window_closed(
    escrow, chain, book, funded, act, buyer, offset, reverts
):
    deadline = book.record(funded).payment_deadline
    pin(chain, deadline + offset)

    with reverts(escrow.EscrowPaymentWindowClosed, tradeId=funded, closedAt=deadline):
        act("markPaid", funded, PAYMENT_REFERENCE, sender=buyer)
    assert_committed(escrow, book, funded, Status.FUNDED)


# ---------------------------------------------------------------- release by the seller


@pytest.mark.parametrize("state", ["funded", "paid"])
def test_release__by_seller__pays_buyer_amount_less_fee_and_returns_bond(
    escrow, usdc, book, act, seller, buyer, state, request
):
    trade_id = request.getfixturevalue(state)
    before = balances(usdc, buyer, seller, escrow)

    tx = act("release", trade_id, sender=seller)

    assert tx.events == [
        escrow.TradeReleased(trade_id, seller.address, AMOUNT - FEE, FEE),
        usdc.Transfer(escrow.address, buyer.address, AMOUNT - FEE),
        usdc.Transfer(escrow.address, seller.address, BOND),
    ]
    after = balances(usdc, buyer, seller, escrow)
    assert after[0] - before[0] == AMOUNT - FEE
    assert after[1] - before[1] == BOND
    assert before[2] - after[2] == AMOUNT + BOND - FEE  # only the fee stays
    assert escrow.accruedFees(usdc) == FEE
    assert usdc.balanceOf(escrow) == FEE
    assert_committed(escrow, book, trade_id, Status.RELEASED)


def test_release__records_a_completed_trade_and_its_volume_for_both_parties(
    escrow, usdc, paid, act, seller, buyer
):
    assert stats(escrow, buyer, usdc) == stats(escrow, seller, usdc) == (0, 0, 0, 0)

    tx = act("release", paid, sender=seller)

    assert tx.decode_logs(escrow.TradeReleased)[0].event_arguments == {
        "tradeId": paid,
        "by": seller.address,
        "toBuyer": AMOUNT - FEE,
        "fee": FEE,
    }
    assert stats(escrow, buyer, usdc) == (1, 0, 0, AMOUNT)
    assert stats(escrow, seller, usdc) == (1, 0, 0, AMOUNT)


def test_release__accrued_fees_add_up_over_trades(
    escrow, usdc, offer, open_trade, funded, act, seller
):
    second, _ = open_trade(*offer, 3 * AMOUNT)

    first_tx = act("release", funded, sender=seller)
    second_tx = act("release", second, sender=seller)

    assert [e.fee for e in first_tx.decode_logs(escrow.TradeReleased)] == [FEE]
    assert [e.fee for e in second_tx.decode_logs(escrow.TradeReleased)] == [3 * FEE]
    assert escrow.accruedFees(usdc) == FEE + 3 * FEE
    assert stats(escrow, seller, usdc) == (2, 0, 0, 4 * AMOUNT)


def test_release__with_zero_fee__pays_buyer_the_whole_amount(
    escrow, usdc, offer, open_trade, act, seller, buyer
):
    assert escrow.feeBps() == 0
    trade_id, _ = open_trade(*offer, AMOUNT)
    before = usdc.balanceOf(buyer)

    tx = act("release", trade_id, sender=seller)

    assert tx.decode_logs(escrow.TradeReleased)[0].fee == 0
    assert usdc.balanceOf(buyer) - before == AMOUNT
    assert escrow.accruedFees(usdc) == 0
    assert usdc.balanceOf(escrow) == 0


@pytest.mark.parametrize("role", ["buyer", "stranger"])
def test_release__by_anyone_but_the_seller__reverts_not_seller(
    escrow, usdc, book, paid, act, role, request, reverts
):
    caller = request.getfixturevalue(role)
    with reverts(escrow.EscrowNotSeller, caller=caller.address):
        act("release", paid, sender=caller)
    assert usdc.balanceOf(escrow) == AMOUNT + BOND
    assert_committed(escrow, book, paid, Status.PAID)


# ---------------------------------------------------------------- releaseAfterTimeout


def test_release_after_timeout__one_second_before_confirm_deadline__reverts_window_open(
    escrow, chain, book, paid, act, buyer, reverts
):
    deadline = book.record(paid).confirm_deadline
    pin(chain, deadline - 1)

    with reverts(escrow.EscrowConfirmationWindowOpen, tradeId=paid, closesAt=deadline):
        act("releaseAfterTimeout", paid, sender=buyer)
    assert_committed(escrow, book, paid, Status.PAID)


@pytest.mark.parametrize("offset", [0, 1], ids=["at_deadline", "after_deadline"])
def test_release_after_timeout__at_or_after_confirm_deadline__pays_buyer_and_returns_bond(
    escrow, usdc, chain, book, paid, act, seller, buyer, offset
):
    pin(chain, book.record(paid).confirm_deadline + offset)
    before = balances(usdc, buyer, seller)

    tx = act("releaseAfterTimeout", paid, sender=buyer)

    assert tx.events == [
        escrow.TradeReleased(paid, buyer.address, AMOUNT - FEE, FEE),
        usdc.Transfer(escrow.address, buyer.address, AMOUNT - FEE),
        usdc.Transfer(escrow.address, seller.address, BOND),
    ]
    after = balances(usdc, buyer, seller)
    assert (after[0] - before[0], after[1] - before[1]) == (AMOUNT - FEE, BOND)
    assert escrow.accruedFees(usdc) == FEE
    assert stats(escrow, buyer, usdc) == stats(escrow, seller, usdc) == (1, 0, 0, AMOUNT)
    assert_committed(escrow, book, paid, Status.RELEASED)


@pytest.mark.parametrize("role", ["seller", "stranger"])
def test_release_after_timeout__by_anyone_but_the_buyer__reverts_not_buyer(
    escrow, chain, book, paid, act, role, request, reverts
):
    caller = request.getfixturevalue(role)
    pin(chain, book.record(paid).confirm_deadline)
    with reverts(escrow.EscrowNotBuyer, caller=caller.address):
        act("releaseAfterTimeout", paid, sender=caller)


def test_release_after_timeout__while_funded__reverts_wrong_status(
    escrow, chain, book, funded, act, buyer, reverts
):
    pin(chain, book.record(funded).payment_deadline + CONFIRMATION_WINDOW)
    with reverts(escrow.EscrowWrongStatus, tradeId=funded, status=Status.FUNDED):
        act("releaseAfterTimeout", funded, sender=buyer)


# ---------------------------------------------------------------- cancel


def test_cancel__by_buyer_while_funded__returns_amount_and_bond_to_seller(
    escrow, usdc, book, funded, act, seller, buyer
):
    before = balances(usdc, seller, buyer)

    tx = act("cancel", funded, sender=buyer)

    assert tx.events == [
        escrow.TradeCancelled(funded, buyer.address),
        escrow.OfferRefilled(book.record(funded).offer_hash, funded, AMOUNT),
        usdc.Transfer(escrow.address, seller.address, AMOUNT + BOND),
    ]
    after = balances(usdc, seller, buyer)
    assert (after[0] - before[0], after[1] - before[1]) == (AMOUNT + BOND, 0)
    assert usdc.balanceOf(escrow) == 0
    assert escrow.accruedFees(usdc) == 0
    assert stats(escrow, seller, usdc) == stats(escrow, buyer, usdc) == (0, 0, 0, 0)
    assert_committed(escrow, book, funded, Status.CANCELLED)


def test_cancel__by_seller_one_second_before_payment_deadline__reverts_window_open(
    escrow, usdc, chain, book, funded, act, seller, reverts
):
    deadline = book.record(funded).payment_deadline
    pin(chain, deadline - 1)

    with reverts(escrow.EscrowPaymentWindowOpen, tradeId=funded, closesAt=deadline):
        act("cancel", funded, sender=seller)
    assert usdc.balanceOf(escrow) == AMOUNT + BOND


@pytest.mark.parametrize("offset", [0, 1], ids=["at_deadline", "after_deadline"])
def test_cancel__by_seller_at_or_after_payment_deadline__returns_amount_and_bond(
    escrow, usdc, chain, book, funded, act, seller, offset
):
    pin(chain, book.record(funded).payment_deadline + offset)
    before = usdc.balanceOf(seller)

    tx = act("cancel", funded, sender=seller)

    assert tx.events == [
        escrow.TradeCancelled(funded, seller.address),
        escrow.OfferRefilled(book.record(funded).offer_hash, funded, AMOUNT),
        usdc.Transfer(escrow.address, seller.address, AMOUNT + BOND),
    ]
    assert usdc.balanceOf(seller) - before == AMOUNT + BOND
    assert usdc.balanceOf(escrow) == 0
    assert_committed(escrow, book, funded, Status.CANCELLED)


def test_cancel__by_stranger__reverts_not_party(escrow, usdc, funded, act, stranger, reverts):
    with reverts(escrow.EscrowNotParty, caller=stranger.address):
        act("cancel", funded, sender=stranger)
    assert usdc.balanceOf(escrow) == AMOUNT + BOND


def test_cancel__by_seller_after_paid__reverts_wrong_status_even_past_the_deadlines(
    escrow, usdc, chain, book, paid, act, seller, reverts
):
    pin(chain, book.record(paid).confirm_deadline + 1)
    with reverts(escrow.EscrowWrongStatus, tradeId=paid, status=Status.PAID):
        act("cancel", paid, sender=seller)
    assert usdc.balanceOf(escrow) == AMOUNT + BOND
    assert_committed(escrow, book, paid, Status.PAID)


def test_cancel__by_buyer_after_paid__concedes_amount_and_bond_to_seller_refills_offer(
    escrow, usdc, chain, book, paid, act, seller, buyer
):
    """The buyer may give up a paid trade at any time before it settles, even past the
    deadlines: the seller gets amount and bond, and the amount returns to the offer."""
    pin(chain, book.record(paid).confirm_deadline + 1)
    offer_hash = book.record(paid).offer_hash
    before = balances(usdc, seller, buyer)

    tx = act("cancel", paid, sender=buyer)

    assert tx.events == [
        escrow.TradeCancelled(paid, buyer.address),
        escrow.OfferRefilled(offer_hash, paid, AMOUNT),
        usdc.Transfer(escrow.address, seller.address, AMOUNT + BOND),
    ]
    after = balances(usdc, seller, buyer)
    assert (after[0] - before[0], after[1] - before[1]) == (AMOUNT + BOND, 0)
    assert escrow.filled(offer_hash) == 0
    assert escrow.accruedFees(usdc) == 0
    assert_committed(escrow, book, paid, Status.CANCELLED)


# ---------------------------------------------------------------- terminal states are final

# (method, extra arguments, caller role) - each the caller the method would otherwise accept.
SETTLEMENT_CALLS = settlement_calls(PAYMENT_REFERENCE)


@pytest.mark.parametrize(
    "terminal",
    [("released", Status.RELEASED), ("cancelled", Status.CANCELLED)],
    ids=["released", "cancelled"],
)
@pytest.mark.parametrize("call", SETTLEMENT_CALLS, ids=SETTLEMENT_IDS)
def test_terminal_state__every_settlement_call__reverts_wrong_status(
    escrow, usdc, chain, book, act, terminal, call, request, reverts
):
    fixture, status = terminal
    trade_id = request.getfixturevalue(fixture)
    method, args, role = call
    caller = request.getfixturevalue(role)
    # Past every deadline, so only the status can refuse.
    pin(chain, book.record(trade_id).payment_deadline + CONFIRMATION_WINDOW + 1)
    held = usdc.balanceOf(escrow)

    with reverts(escrow.EscrowWrongStatus, tradeId=trade_id, status=status):
        act(method, trade_id, *args, sender=caller)
    assert usdc.balanceOf(escrow) == held
    assert_committed(escrow, book, trade_id, status)


# ---------------------------------------------------------------- the record check


@pytest.mark.parametrize("method", ["release", "cancel"])
def test_stale_record__from_before_mark_paid__reverts_trade_mismatch(
    escrow, usdc, book, funded, act, seller, buyer, method, reverts
):
    stale = book.record(funded)
    act("markPaid", funded, PAYMENT_REFERENCE, sender=buyer)
    caller = seller if method == "release" else buyer

    with reverts(escrow.EscrowTradeMismatch, tradeId=funded):
        getattr(escrow, method)(funded, stale.as_tuple(), sender=caller)
    assert usdc.balanceOf(escrow) == AMOUNT + BOND


def test_record_with_dirty_address_bits__is_not_the_committed_record__reverts_trade_mismatch(
    escrow, chain, book, funded, buyer, error_data
):
    """The record is checked by hashing its calldata bytes: a seller address with non-zero
    high bits is another encoding of the same fields, so it does not match the commitment
    (made of the canonical encoding) and is refused before any field is used."""
    calldata = bytearray(
        escrow.markPaid.encode_input(funded, book.record(funded).as_tuple(), PAYMENT_REFERENCE)
    )
    seller_word = 4 + 32  # selector, tradeId, then the record's first word: the seller
    calldata[seller_word] = 0xFF
    request = {"from": str(buyer.address), "to": str(escrow.address), "data": to_hex(calldata)}

    with pytest.raises(Web3ContractLogicError) as info:
        chain.provider.web3.eth.call(request)

    assert HexBytes(info.value.data) == error_data(escrow.EscrowTradeMismatch, tradeId=funded)


def test_stale_record__of_a_released_trade_as_paid__cannot_release_twice(
    escrow, usdc, book, paid, act, seller, reverts
):
    stale = book.record(paid)
    act("release", paid, sender=seller)

    with reverts(escrow.EscrowTradeMismatch, tradeId=paid):
        escrow.release(paid, stale.as_tuple(), sender=seller)
    assert usdc.balanceOf(escrow) == FEE


@pytest.mark.parametrize(
    "forgery",
    [
        {"amount": 2 * AMOUNT},
        {"bond": 0},
        {"fee_bps": 0},
        {"status": Status.PAID, "confirm_deadline": 1},
        {"payment_deadline": 2**64 - 1},
    ],
    ids=["amount", "bond", "fee", "status", "deadline"],
)
def test_forged_record__any_field_changed__reverts_trade_mismatch(
    escrow, usdc, book, funded, seller, forgery, reverts
):
    forged = book.record(funded).evolve(**forgery)

    with reverts(escrow.EscrowTradeMismatch, tradeId=funded):
        escrow.release(funded, forged.as_tuple(), sender=seller)
    assert usdc.balanceOf(escrow) == AMOUNT + BOND


def test_forged_record__naming_a_stranger_as_seller__reverts_trade_mismatch(
    escrow, usdc, book, funded, stranger, reverts
):
    forged = book.record(funded).evolve(seller=stranger.address)

    with reverts(escrow.EscrowTradeMismatch, tradeId=funded):
        escrow.cancel(funded, forged.as_tuple(), sender=stranger)
    assert usdc.balanceOf(escrow) == AMOUNT + BOND


def test_record_of_one_trade__used_for_another__reverts_trade_mismatch(
    escrow, book, offer, open_trade, funded, seller, reverts
):
    other, _ = open_trade(*offer, 2 * AMOUNT)

    with reverts(escrow.EscrowTradeMismatch, tradeId=other):
        escrow.release(other, book.record(funded).as_tuple(), sender=seller)


@pytest.mark.parametrize("method", ["release", "cancel", "releaseAfterTimeout"])
def test_unknown_trade_id__reverts_unknown_trade(escrow, book, funded, seller, method, reverts):
    record = book.record(funded).as_tuple()
    with reverts(escrow.EscrowUnknownTrade, tradeId=UNKNOWN_TRADE):
        getattr(escrow, method)(UNKNOWN_TRADE, record, sender=seller)


def test_unknown_trade_id__mark_paid__reverts_unknown_trade(escrow, book, funded, buyer, reverts):
    record = book.record(funded).as_tuple()
    with reverts(escrow.EscrowUnknownTrade, tradeId=UNKNOWN_TRADE):
        escrow.markPaid(UNKNOWN_TRADE, record, PAYMENT_REFERENCE, sender=buyer)


# ---------------------------------------------------------------- fee snapshot and collection


def test_fee_changed_after_opening__open_trade_keeps_its_fee(
    escrow, usdc, book, offer, open_trade, funded, act, governance, seller, buyer
):
    escrow.setFee(100, sender=governance)
    later, _ = open_trade(*offer, AMOUNT)
    assert book.record(funded).fee_bps == FEE_BPS
    assert book.record(later).fee_bps == 100
    before = usdc.balanceOf(buyer)

    tx = act("release", funded, sender=seller)

    assert tx.events == [
        escrow.TradeReleased(funded, seller.address, AMOUNT - FEE, FEE),
        usdc.Transfer(escrow.address, buyer.address, AMOUNT - FEE),
        usdc.Transfer(escrow.address, seller.address, BOND),
    ]
    assert usdc.balanceOf(buyer) - before == AMOUNT - FEE
    assert escrow.accruedFees(usdc) == FEE


def test_fee_lowered_to_zero_after_opening__open_trade_still_pays_its_fee(
    escrow, usdc, funded, act, governance, seller
):
    escrow.setFee(0, sender=governance)

    tx = act("release", funded, sender=seller)

    assert tx.decode_logs(escrow.TradeReleased)[0].fee == FEE
    assert escrow.accruedFees(usdc) == FEE


def test_collect_fees__by_anyone__sends_accrued_fees_to_treasury(
    escrow, usdc, released, treasury, stranger
):
    assert escrow.treasury() == treasury.address
    before = usdc.balanceOf(treasury)

    tx = escrow.collectFees(usdc, sender=stranger)

    assert tx.events == [
        escrow.FeesCollected(usdc.address, treasury.address, FEE),
        usdc.Transfer(escrow.address, treasury.address, FEE),
    ]
    assert usdc.balanceOf(treasury) - before == FEE
    assert escrow.accruedFees(usdc) == 0
    assert usdc.balanceOf(escrow) == 0


def test_collect_fees__leaves_open_trades_escrowed(
    escrow, usdc, offer, open_trade, released, stranger
):
    open_trade(*offer, 2 * AMOUNT)

    tx = escrow.collectFees(usdc, sender=stranger)

    assert [e.amount for e in tx.decode_logs(escrow.FeesCollected)] == [FEE]
    assert usdc.balanceOf(escrow) == 2 * AMOUNT + sdk.bond_for(2 * AMOUNT)


def test_collect_fees__twice__reverts_nothing_to_collect(escrow, usdc, released, stranger, reverts):
    escrow.collectFees(usdc, sender=stranger)
    with reverts(escrow.EscrowNothingToCollect, token=usdc.address):
        escrow.collectFees(usdc, sender=stranger)


def test_collect_fees__with_only_open_trades__reverts_nothing_to_collect(
    escrow, usdc, paid, stranger, reverts
):
    with reverts(escrow.EscrowNothingToCollect, token=usdc.address):
        escrow.collectFees(usdc, sender=stranger)
    assert usdc.balanceOf(escrow) == AMOUNT + BOND


# ---------------------------------------------------------------- setFee


@pytest.mark.parametrize("fee_bps", [0, 1, 100])
def test_set_fee__by_governance__emits_fee_set(escrow, governance, fee_bps):
    tx = escrow.setFee(fee_bps, sender=governance)

    assert tx.events == [escrow.FeeSet(fee_bps)]
    assert escrow.feeBps() == fee_bps


def test_set_fee__above_max__reverts_fee_too_high(escrow, governance, reverts):
    assert escrow.MAX_FEE_BPS() == 100
    with reverts(escrow.EscrowFeeTooHigh, feeBps=101, maxFeeBps=100):
        escrow.setFee(101, sender=governance)
    assert escrow.feeBps() == 0


@pytest.mark.parametrize("role", ["stranger", "guardian"])
def test_set_fee__by_anyone_but_governance__reverts_only_governance(escrow, role, request, reverts):
    caller = request.getfixturevalue(role)
    with reverts(escrow.GovernedOnlyGovernance, caller=caller.address):
        escrow.setFee(FEE_BPS, sender=caller)
    assert escrow.feeBps() == 0


# ---------------------------------------------------------------- pause


@pytest.mark.parametrize("role", ["guardian", "governance"])
def test_pause__by_guardian_or_governance__emits_paused_and_blocks_open_trade(
    escrow, offer, role, request, taker, reverts
):
    caller = request.getfixturevalue(role)

    tx = escrow.pause(sender=caller)

    assert tx.events == [escrow.Paused(caller.address)]
    assert escrow.paused()
    offer_, signature = offer
    with reverts(escrow.EscrowPaused):
        escrow.openTrade(offer_.as_tuple(), signature, AMOUNT, sender=taker)


def test_pause__by_stranger__reverts_only_governance_or_guardian(escrow, stranger, reverts):
    with reverts(escrow.GovernedOnlyGovernanceOrGuardian, caller=stranger.address):
        escrow.pause(sender=stranger)
    assert not escrow.paused()


def test_pause__settlement_still_works__mark_paid_release_and_cancel(
    escrow, usdc, offer, open_trade, funded, act, guardian, seller, buyer
):
    cancelled_id, _ = open_trade(*offer, 2 * AMOUNT)
    escrow.pause(sender=guardian)

    paid_tx = act("markPaid", funded, PAYMENT_REFERENCE, sender=buyer)
    release_tx = act("release", funded, sender=seller)
    cancel_tx = act("cancel", cancelled_id, sender=buyer)

    assert [e.tradeId for e in paid_tx.decode_logs(escrow.TradePaid)] == [funded]
    assert [
        (e.tradeId, e.by, e.toBuyer, e.fee) for e in release_tx.decode_logs(escrow.TradeReleased)
    ] == [(funded, seller.address, AMOUNT - FEE, FEE)]
    assert [(e.tradeId, e.by) for e in cancel_tx.decode_logs(escrow.TradeCancelled)] == [
        (cancelled_id, buyer.address)
    ]
    assert usdc.balanceOf(escrow) == FEE


def test_pause__settlement_still_works__release_after_timeout_and_dispute(
    escrow,
    chain,
    book,
    offer,
    open_trade,
    paid,
    act,
    dispute_to_arbitrator,
    guardian,
    buyer,
    seller,
):
    disputed_id, _ = open_trade(*offer, 2 * AMOUNT)
    act("markPaid", disputed_id, PAYMENT_REFERENCE, sender=buyer)
    escrow.pause(sender=guardian)

    _, (fee_tx, dispute_tx) = dispute_to_arbitrator(disputed_id, buyer, seller)
    pin(chain, book.record(paid).confirm_deadline)
    timeout_tx = act("releaseAfterTimeout", paid, sender=buyer)

    assert [(e.tradeId, e.by) for e in fee_tx.decode_logs(escrow.DisputeFeePaid)] == [
        (disputed_id, buyer.address)
    ]
    assert [(e.tradeId, e.by) for e in dispute_tx.decode_logs(escrow.TradeDisputed)] == [
        (disputed_id, seller.address)
    ]
    assert [(e.tradeId, e.by) for e in timeout_tx.decode_logs(escrow.TradeReleased)] == [
        (paid, buyer.address)
    ]


def test_unpause__by_governance__emits_unpaused_and_reopens_trading(
    escrow, book, offer, open_trade, guardian, governance
):
    escrow.pause(sender=guardian)

    tx = escrow.unpause(sender=governance)

    assert tx.events == [escrow.Unpaused()]
    assert not escrow.paused()
    trade_id, _ = open_trade(*offer, AMOUNT)
    assert book.record(trade_id).status == Status.FUNDED


@pytest.mark.parametrize("role", ["guardian", "stranger"])
def test_unpause__by_anyone_but_governance__reverts_only_governance(
    escrow, guardian, role, request, reverts
):
    caller = request.getfixturevalue(role)
    escrow.pause(sender=guardian)

    with reverts(escrow.GovernedOnlyGovernance, caller=caller.address):
        escrow.unpause(sender=caller)
    assert escrow.paused()
