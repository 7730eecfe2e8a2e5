"""Disputes an honest seller cannot lose by surprise: both parties deposit the arbitration fee.

The first party to dispute a Paid trade deposits the arbitrator's cost (AwaitingFee); the other
has FEE_WINDOW (deadline exclusive) to deposit too, which creates the dispute at the
arbitrator, or to concede (the seller releases, the buyer cancels). From the deadline on,
anyone settles by default for the party that paid. A concession ends the trade as a normal
release or cancel, and a later ruling moves nothing. The winner of a ruling gets its deposit
back; a refused ruling splits it.

The maker sells (seller), the taker buys (buyer); trades carry a protocol fee of FEE_BPS, which
only a buyer's win charges."""

import pytest

from openotc import escrow as sdk
from openotc.escrow import Ruling, Status
from openotc.units import USDC_UNIT
from tests.escrow.hardening import (
    FEE_WINDOW,
    as_uint,
    at_arbitrator_fixture,  # noqa: F401 (a fixture)
    fees_of,
    returned,
)
from tests.escrow.trades import assert_committed, balances, pin, stats
from tests.utils.fixtures import values

AMOUNT = 1_000 * USDC_UNIT
BOND = sdk.bond_for(AMOUNT)
FEE_BPS = 50
FEE = AMOUNT * FEE_BPS // sdk.BPS
NO_FEES = (0, 0, 0, False)

trade_amount, fee_bps = values(trade_amount=AMOUNT, fee_bps=FEE_BPS)


@pytest.fixture
def awaiting(request, chain, paid, act, buyer, seller, arbitration_cost):
    """Parametrized indirectly with the role that deposits first ("buyer" or "seller"):
    (trade id, first payer, the other party, the other party's deadline)."""
    first, other = (buyer, seller) if request.param == "buyer" else (seller, buyer)
    started = pin(chain, chain.pending_timestamp + 1)
    act("dispute", paid, sender=first, value=arbitration_cost)
    return paid, first, other, started + FEE_WINDOW


first_payers = pytest.mark.parametrize("awaiting", ["buyer", "seller"], indirect=True)


def test_fee_window__is_three_days(escrow):
    assert escrow.FEE_WINDOW() == FEE_WINDOW


# ---------------------------------------------------------------- the first deposit


def test_buyer_disputes_the_next_block__seller_releases_in_the_window__a_normal_release(
    chain,
    escrow,
    arbitrator,
    usdc,
    book,
    paid,
    act,
    buyer,
    seller,
    ruler,
    arbitration_cost,
    reverts,
):
    disputes_before = arbitrator.disputeCount()
    started = pin(chain, chain.pending_timestamp + 1)
    tx = act("dispute", paid, sender=buyer, value=arbitration_cost)

    deadline = started + FEE_WINDOW
    assert tx.events == [escrow.DisputeFeePaid(paid, buyer.address, arbitration_cost, deadline)]
    assert_committed(escrow, book, paid, Status.AWAITING_FEE)
    assert fees_of(escrow, paid) == (arbitration_cost, 0, deadline, False)
    assert escrow.balance == arbitration_cost
    assert arbitrator.disputeCount() == disputes_before  # nothing at the arbitrator yet

    # Ten minutes later the seller, having seen the money, releases: a normal release.
    pin(chain, started + 600)
    tokens_before = balances(usdc, buyer, seller, escrow)
    buyer_eth = buyer.balance
    tx = act("release", paid, sender=seller)

    assert tx.events == [
        escrow.TradeReleased(paid, seller.address, AMOUNT - FEE, FEE),
        usdc.Transfer(escrow.address, buyer.address, AMOUNT - FEE),
        usdc.Transfer(escrow.address, seller.address, BOND),
        escrow.FeeDepositReturned(paid, buyer.address, arbitration_cost),
    ]
    assert balances(usdc, buyer, seller, escrow) == [
        tokens_before[0] + AMOUNT - FEE,
        tokens_before[1] + BOND,  # the bond comes back to the seller
        tokens_before[2] - AMOUNT - BOND + FEE,
    ]
    assert buyer.balance == buyer_eth + arbitration_cost
    assert escrow.balance == 0
    assert fees_of(escrow, paid) == NO_FEES
    assert_committed(escrow, book, paid, Status.RELEASED)
    assert stats(escrow, seller, usdc) == (1, 0, 0, AMOUNT)

    # No dispute was created, none can be: the trade is settled.
    assert arbitrator.disputeCount() == disputes_before
    with reverts(arbitrator.ArbitratorUnknownDispute, disputeId=disputes_before):
        arbitrator.giveRuling(disputes_before, Ruling.BUYER_WINS, sender=ruler)
    with reverts(escrow.EscrowWrongStatus, tradeId=paid, status=Status.RELEASED):
        act("dispute", paid, sender=buyer, value=arbitration_cost)
    pin(chain, deadline)
    with reverts(escrow.EscrowWrongStatus, tradeId=paid, status=Status.RELEASED):
        act("settleByDefault", paid, sender=buyer)


def test_seller_disputes_first__then_releases_in_the_window__its_deposit_comes_back(
    escrow, usdc, book, paid, act, buyer, seller, arbitration_cost
):
    act("dispute", paid, sender=seller, value=arbitration_cost)
    buyer_tokens = usdc.balanceOf(buyer)

    tx = act("release", paid, sender=seller)

    assert tx.decode_logs(escrow.TradeReleased)[0].toBuyer == AMOUNT - FEE
    assert returned(tx, escrow) == [(seller.address, arbitration_cost)]
    assert usdc.balanceOf(buyer) == buyer_tokens + AMOUNT - FEE
    assert escrow.balance == 0
    assert fees_of(escrow, paid) == NO_FEES
    assert_committed(escrow, book, paid, Status.RELEASED)


@pytest.mark.parametrize("role", ["buyer", "seller"])
def test_first_deposit__wrong_amount__reverts_wrong_arbitration_fee(
    escrow, book, paid, act, role, request, arbitration_cost, reverts
):
    party = request.getfixturevalue(role)
    for sent in (0, arbitration_cost - 1, arbitration_cost + 1):
        with reverts(escrow.EscrowWrongArbitrationFee, sent=sent, cost=arbitration_cost):
            act("dispute", paid, sender=party, value=sent)
    assert_committed(escrow, book, paid, Status.PAID)


def test_dispute__by_a_stranger_or_before_payment__reverts(
    escrow, book, funded, act, buyer, stranger, arbitration_cost, reverts
):
    with reverts(escrow.EscrowWrongStatus, tradeId=funded, status=Status.FUNDED):
        act("dispute", funded, sender=buyer, value=arbitration_cost)
    act("markPaid", funded, b"\x01" * 32, sender=buyer)
    with reverts(escrow.EscrowNotParty, caller=stranger.address):
        act("dispute", funded, sender=stranger, value=arbitration_cost)


def test_seller_starts_a_dispute__one_second_before_the_confirm_deadline__accepted(
    chain, escrow, book, paid, act, seller, arbitration_cost
):
    pin(chain, book.record(paid).confirm_deadline - 1)

    tx = act("dispute", paid, sender=seller, value=arbitration_cost)

    assert tx.events == [
        escrow.DisputeFeePaid(
            paid,
            seller.address,
            arbitration_cost,
            book.record(paid).confirm_deadline - 1 + FEE_WINDOW,
        )
    ]
    assert fees_of(escrow, paid)[3] is True  # the buyer is awaited
    assert_committed(escrow, book, paid, Status.AWAITING_FEE)


@pytest.mark.parametrize("offset", [0, 1], ids=["at_deadline", "after_deadline"])
def test_seller_starts_a_dispute__from_the_confirm_deadline__reverts_window_closed(
    chain, escrow, book, paid, act, buyer, seller, arbitration_cost, offset, reverts
):
    confirm_deadline = book.record(paid).confirm_deadline
    pin(chain, confirm_deadline + offset)

    with reverts(escrow.EscrowConfirmationWindowClosed, tradeId=paid, closedAt=confirm_deadline):
        act("dispute", paid, sender=seller, value=arbitration_cost)

    # The buyer may still dispute while Paid.
    act("dispute", paid, sender=buyer, value=arbitration_cost)
    assert_committed(escrow, book, paid, Status.AWAITING_FEE)


# ---------------------------------------------------------------- the second deposit


@first_payers
def test_second_deposit__one_second_before_the_deadline__creates_the_dispute(
    chain, escrow, arbitrator, book, act, awaiting, arbitration_cost
):
    trade_id, first, other, deadline = awaiting
    dispute_id = arbitrator.disputeCount()
    arbitrator_before = arbitrator.balance
    pin(chain, deadline - 1)

    tx = act("dispute", trade_id, sender=other, value=arbitration_cost)

    assert tx.events == [
        escrow.DisputeFeePaid(trade_id, other.address, arbitration_cost, 0),
        arbitrator.DisputeCreation(dispute_id, escrow.address),
        escrow.TradeDisputed(trade_id, dispute_id, other.address),
        escrow.Dispute(arbitrator.address, dispute_id, 0, as_uint(trade_id)),
    ]
    assert_committed(escrow, book, trade_id, Status.DISPUTED)
    assert escrow.tradeOfDispute(dispute_id) == trade_id
    # One deposit paid the arbitrator; the other is held for the winner.
    assert fees_of(escrow, trade_id) == (arbitration_cost, arbitration_cost, 0, False)
    assert escrow.balance == arbitration_cost
    assert arbitrator.balance == arbitrator_before + arbitration_cost


@first_payers
@pytest.mark.parametrize("offset", [0, 1], ids=["at_deadline", "after_deadline"])
def test_second_deposit__from_the_deadline__reverts_fee_window_closed(
    chain, escrow, book, act, awaiting, arbitration_cost, offset, reverts
):
    trade_id, _, other, deadline = awaiting
    pin(chain, deadline + offset)

    with reverts(escrow.EscrowFeeWindowClosed, tradeId=trade_id, closedAt=deadline):
        act("dispute", trade_id, sender=other, value=arbitration_cost)
    assert_committed(escrow, book, trade_id, Status.AWAITING_FEE)


@first_payers
def test_second_deposit__by_the_party_that_paid__reverts_fee_not_awaited(
    escrow, book, act, awaiting, stranger, arbitration_cost, reverts
):
    trade_id, first, _, _ = awaiting

    with reverts(escrow.EscrowFeeNotAwaited, tradeId=trade_id, caller=first.address):
        act("dispute", trade_id, sender=first, value=arbitration_cost)
    with reverts(escrow.EscrowNotParty, caller=stranger.address):
        act("dispute", trade_id, sender=stranger, value=arbitration_cost)
    assert_committed(escrow, book, trade_id, Status.AWAITING_FEE)


@first_payers
def test_second_deposit__wrong_amount__reverts_wrong_arbitration_fee(
    escrow, book, act, awaiting, arbitration_cost, reverts
):
    trade_id, _, other, _ = awaiting
    for sent in (0, arbitration_cost - 1, arbitration_cost + 1):
        with reverts(escrow.EscrowWrongArbitrationFee, sent=sent, cost=arbitration_cost):
            act("dispute", trade_id, sender=other, value=sent)
    assert_committed(escrow, book, trade_id, Status.AWAITING_FEE)


# ---------------------------------------------------------------- default


@first_payers
def test_settle_by_default__one_second_before_the_deadline__reverts_fee_window_open(
    chain, escrow, book, act, awaiting, stranger, reverts
):
    trade_id, _, _, deadline = awaiting
    pin(chain, deadline - 1)

    with reverts(escrow.EscrowFeeWindowOpen, tradeId=trade_id, closesAt=deadline):
        act("settleByDefault", trade_id, sender=stranger)
    assert_committed(escrow, book, trade_id, Status.AWAITING_FEE)


@first_payers
@pytest.mark.parametrize("offset", [0, 1], ids=["at_deadline", "after_deadline"])
def test_settle_by_default__from_the_deadline__decides_for_the_party_that_paid(
    chain,
    escrow,
    usdc,
    book,
    act,
    awaiting,
    buyer,
    seller,
    stranger,
    arbitration_cost,
    offset,
    reverts,
):
    trade_id, first, other, deadline = awaiting
    buyer_paid = first == buyer
    ruling = Ruling.BUYER_WINS if buyer_paid else Ruling.SELLER_WINS
    to_buyer, to_seller = (AMOUNT - FEE + BOND, 0) if buyer_paid else (0, AMOUNT + BOND)
    tokens_before = balances(usdc, buyer, seller)
    first_eth = first.balance
    pin(chain, deadline + offset)

    tx = act("settleByDefault", trade_id, sender=stranger)  # anyone may

    payee = buyer if buyer_paid else seller
    assert tx.events == [
        escrow.TradeResolvedByDefault(trade_id, ruling, to_buyer, to_seller),
        usdc.Transfer(escrow.address, payee.address, to_buyer + to_seller),
        escrow.FeeDepositReturned(trade_id, first.address, arbitration_cost),
    ]
    assert balances(usdc, buyer, seller) == [
        tokens_before[0] + to_buyer,
        tokens_before[1] + to_seller,
    ]
    assert first.balance == first_eth + arbitration_cost
    assert escrow.balance == 0
    assert escrow.accruedFees(usdc) == (FEE if buyer_paid else 0)
    assert fees_of(escrow, trade_id) == NO_FEES
    assert_committed(escrow, book, trade_id, Status.RESOLVED)
    won, lost = (buyer, seller) if buyer_paid else (seller, buyer)
    assert stats(escrow, won, usdc)[1:3] == (1, 0)
    assert stats(escrow, lost, usdc)[1:3] == (0, 1)

    # Settled: the late deposit and a second default are refused.
    with reverts(escrow.EscrowWrongStatus, tradeId=trade_id, status=Status.RESOLVED):
        act("dispute", trade_id, sender=other, value=arbitration_cost)
    with reverts(escrow.EscrowWrongStatus, tradeId=trade_id, status=Status.RESOLVED):
        act("settleByDefault", trade_id, sender=stranger)


def test_settle_by_default__of_a_trade_not_awaiting_a_fee__reverts_wrong_status(
    escrow, paid, act, stranger, reverts
):
    with reverts(escrow.EscrowWrongStatus, tradeId=paid, status=Status.PAID):
        act("settleByDefault", paid, sender=stranger)


# ---------------------------------------------------------------- the cost changes


def test_cost_rises_between_deposits__the_first_payer_gets_a_new_window_to_top_up(
    chain, escrow, arbitrator, book, paid, act, buyer, seller, ruler, arbitration_cost, reverts
):
    cost = arbitration_cost
    act("dispute", paid, sender=buyer, value=cost)
    arbitrator.setArbitrationCost(2 * cost, sender=ruler)

    # The seller pays the new cost; the buyer's deposit no longer covers it.
    started = pin(chain, chain.pending_timestamp + 1)
    tx = act("dispute", paid, sender=seller, value=2 * cost)

    deadline = started + FEE_WINDOW
    assert tx.events == [escrow.DisputeFeePaid(paid, seller.address, 2 * cost, deadline)]
    assert fees_of(escrow, paid) == (cost, 2 * cost, deadline, True)
    assert_committed(escrow, book, paid, Status.AWAITING_FEE)
    with reverts(escrow.EscrowFeeNotAwaited, tradeId=paid, caller=seller.address):
        act("dispute", paid, sender=seller, value=cost)
    with reverts(escrow.EscrowWrongArbitrationFee, sent=2 * cost, cost=cost):
        act("dispute", paid, sender=buyer, value=2 * cost)

    # The buyer tops up the difference inside its new window.
    dispute_id = arbitrator.disputeCount()
    pin(chain, deadline - 1)
    tx = act("dispute", paid, sender=buyer, value=cost)

    assert tx.events == [
        escrow.DisputeFeePaid(paid, buyer.address, cost, 0),
        arbitrator.DisputeCreation(dispute_id, escrow.address),
        escrow.TradeDisputed(paid, dispute_id, buyer.address),
        escrow.Dispute(arbitrator.address, dispute_id, 0, as_uint(paid)),
    ]
    assert fees_of(escrow, paid) == (2 * cost, 2 * cost, 0, False)
    assert escrow.balance == 2 * cost
    assert_committed(escrow, book, paid, Status.DISPUTED)


def test_cost_rises__the_first_payer_does_not_top_up__the_other_wins_by_default(
    chain,
    escrow,
    arbitrator,
    usdc,
    book,
    paid,
    act,
    buyer,
    seller,
    stranger,
    ruler,
    arbitration_cost,
):
    cost = arbitration_cost
    act("dispute", paid, sender=buyer, value=cost)
    arbitrator.setArbitrationCost(2 * cost, sender=ruler)
    started = pin(chain, chain.pending_timestamp + 1)
    act("dispute", paid, sender=seller, value=2 * cost)
    eth_before = buyer.balance, seller.balance
    pin(chain, started + FEE_WINDOW)

    tx = act("settleByDefault", paid, sender=stranger)

    assert tx.decode_logs(escrow.TradeResolvedByDefault)[0].ruling == Ruling.SELLER_WINS
    assert returned(tx, escrow) == [(buyer.address, cost), (seller.address, 2 * cost)]
    assert (buyer.balance, seller.balance) == (eth_before[0] + cost, eth_before[1] + 2 * cost)
    assert escrow.balance == 0
    assert_committed(escrow, book, paid, Status.RESOLVED)


def test_cost_falls_between_deposits__the_excess_is_returned_at_creation(
    escrow, arbitrator, book, paid, act, buyer, seller, ruler, arbitration_cost, reverts
):
    cost = arbitration_cost
    act("dispute", paid, sender=buyer, value=cost)
    arbitrator.setArbitrationCost(cost // 2, sender=ruler)
    with reverts(escrow.EscrowWrongArbitrationFee, sent=cost, cost=cost // 2):
        act("dispute", paid, sender=seller, value=cost)
    dispute_id = arbitrator.disputeCount()
    buyer_eth = buyer.balance

    tx = act("dispute", paid, sender=seller, value=cost // 2)

    assert tx.events == [
        escrow.DisputeFeePaid(paid, seller.address, cost // 2, 0),
        arbitrator.DisputeCreation(dispute_id, escrow.address),
        escrow.TradeDisputed(paid, dispute_id, seller.address),
        escrow.Dispute(arbitrator.address, dispute_id, 0, as_uint(paid)),
        escrow.FeeDepositReturned(paid, buyer.address, cost - cost // 2),
    ]
    assert buyer.balance == buyer_eth + cost - cost // 2
    assert fees_of(escrow, paid) == (cost // 2, cost // 2, 0, False)
    assert escrow.balance == cost // 2
    assert_committed(escrow, book, paid, Status.DISPUTED)


# ---------------------------------------------------------------- concessions


@pytest.mark.parametrize("ruling", list(Ruling), ids=[r.name.lower() for r in Ruling])
def test_seller_releases_at_the_arbitrator__keeps_the_bond__a_later_ruling_moves_nothing(
    escrow,
    arbitrator,
    usdc,
    book,
    at_arbitrator,
    act,
    buyer,
    seller,
    ruler,
    arbitration_cost,
    ruling,
):
    trade_id, dispute_id = at_arbitrator
    tokens_before = balances(usdc, buyer, seller, escrow)
    buyer_eth = buyer.balance

    tx = act("release", trade_id, sender=seller)

    assert tx.events == [
        escrow.TradeReleased(trade_id, seller.address, AMOUNT - FEE, FEE),
        usdc.Transfer(escrow.address, buyer.address, AMOUNT - FEE),
        usdc.Transfer(escrow.address, seller.address, BOND),
        escrow.FeeDepositReturned(trade_id, buyer.address, arbitration_cost),
    ]
    assert balances(usdc, buyer, seller, escrow) == [
        tokens_before[0] + AMOUNT - FEE,
        tokens_before[1] + BOND,
        tokens_before[2] - AMOUNT - BOND + FEE,
    ]
    assert buyer.balance == buyer_eth + arbitration_cost
    assert escrow.balance == 0
    assert fees_of(escrow, trade_id) == NO_FEES
    assert_committed(escrow, book, trade_id, Status.RELEASED)

    # The arbitrator rules anyway: the escrow only records the ruling.
    settled = balances(usdc, buyer, seller, escrow), buyer.balance, seller.balance
    tx = arbitrator.giveRuling(dispute_id, ruling, sender=ruler)

    assert tx.events == [
        arbitrator.Ruled(dispute_id, ruling),
        escrow.Ruling(arbitrator.address, dispute_id, ruling),
    ]
    assert (balances(usdc, buyer, seller, escrow), buyer.balance, seller.balance) == settled
    assert_committed(escrow, book, trade_id, Status.RELEASED)
    assert stats(escrow, seller, usdc) == (1, 0, 0, AMOUNT)


@pytest.mark.parametrize("stage", ["awaiting_buyer_paid", "awaiting_seller_paid", "at_arbitrator"])
def test_buyer_concedes_by_cancel__seller_gets_amount_and_bond__deposits_returned(
    escrow, arbitrator, usdc, book, paid, act, buyer, seller, ruler, arbitration_cost, stage
):
    cost = arbitration_cost
    if stage == "awaiting_buyer_paid":
        act("dispute", paid, sender=buyer, value=cost)
        expected_returns = [(buyer.address, cost)]
    else:
        act("dispute", paid, sender=seller, value=cost)
        expected_returns = [(seller.address, cost)]
    if stage == "at_arbitrator":
        tx = act("dispute", paid, sender=buyer, value=cost)
        dispute_id = tx.decode_logs(escrow.TradeDisputed)[0].disputeId
    offer_hash = book.record(paid).offer_hash
    seller_tokens = usdc.balanceOf(seller)
    eth_before = buyer.balance, seller.balance

    tx = act("cancel", paid, sender=buyer)

    assert tx.events == [
        escrow.TradeCancelled(paid, buyer.address),
        escrow.OfferRefilled(offer_hash, paid, AMOUNT),
        usdc.Transfer(escrow.address, seller.address, AMOUNT + BOND),
        *[escrow.FeeDepositReturned(paid, to, amount) for to, amount in expected_returns],
    ]
    assert usdc.balanceOf(seller) == seller_tokens + AMOUNT + BOND
    gained = {buyer.address: 0, seller.address: 0}
    for to, amount in expected_returns:
        gained[to] += amount
    buyer_gain = gained[buyer.address] - tx.total_fees_paid
    assert (buyer.balance, seller.balance) == (
        eth_before[0] + buyer_gain,
        eth_before[1] + gained[seller.address],
    )
    assert escrow.balance == 0
    assert fees_of(escrow, paid) == NO_FEES
    assert escrow.filled(offer_hash) == 0
    assert_committed(escrow, book, paid, Status.CANCELLED)

    if stage == "at_arbitrator":
        settled = usdc.balanceOf(seller), usdc.balanceOf(buyer), seller.balance
        tx = arbitrator.giveRuling(dispute_id, Ruling.BUYER_WINS, sender=ruler)
        assert tx.events == [
            arbitrator.Ruled(dispute_id, Ruling.BUYER_WINS),
            escrow.Ruling(arbitrator.address, dispute_id, Ruling.BUYER_WINS),
        ]
        assert (usdc.balanceOf(seller), usdc.balanceOf(buyer), seller.balance) == settled
        assert_committed(escrow, book, paid, Status.CANCELLED)


# ---------------------------------------------------------------- rulings


@pytest.mark.parametrize("ruling", list(Ruling), ids=[r.name.lower() for r in Ruling])
def test_rule__winner_gets_its_deposit_back__a_refused_ruling_splits_it(
    escrow, arbitrator, usdc, book, at_arbitrator, buyer, seller, ruler, arbitration_cost, ruling
):
    trade_id, dispute_id = at_arbitrator
    cost = arbitration_cost
    expected = {
        Ruling.REFUSED: [(buyer.address, cost // 2), (seller.address, cost - cost // 2)],
        Ruling.BUYER_WINS: [(buyer.address, cost)],
        Ruling.SELLER_WINS: [(seller.address, cost)],
    }[ruling]
    payouts = {
        Ruling.REFUSED: (AMOUNT // 2, AMOUNT - AMOUNT // 2 + BOND),
        Ruling.BUYER_WINS: (AMOUNT - FEE + BOND, 0),
        Ruling.SELLER_WINS: (0, AMOUNT + BOND),
    }[ruling]
    eth_before = buyer.balance, seller.balance
    tokens_before = balances(usdc, buyer, seller)

    tx = arbitrator.giveRuling(dispute_id, ruling, sender=ruler)
    book.apply(tx)

    resolved = tx.decode_logs(escrow.TradeResolved)[0]
    assert (bytes(resolved.tradeId), resolved.disputeId, resolved.ruling) == (
        trade_id,
        dispute_id,
        ruling,
    )
    assert (resolved.toBuyer, resolved.toSeller) == payouts
    assert returned(tx, escrow) == expected
    gained = {buyer.address: 0, seller.address: 0}
    for to, amount in expected:
        gained[to] += amount
    assert (buyer.balance, seller.balance) == (
        eth_before[0] + gained[buyer.address],
        eth_before[1] + gained[seller.address],
    )
    assert balances(usdc, buyer, seller) == [
        tokens_before[0] + payouts[0],
        tokens_before[1] + payouts[1],
    ]
    assert escrow.balance == 0
    assert fees_of(escrow, trade_id) == NO_FEES
    assert_committed(escrow, book, trade_id, Status.RESOLVED)
