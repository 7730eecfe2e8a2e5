"""OTCEscrow disputes through the real SingleArbitrator: opening a dispute (who, when, the
exact fee, the ERC-792 / ERC-1497 events), the three rulings and their payouts, who may call
`rule` and evidence. The SingleArbitrator's own functions are tested in
tests/arbitration/test_single_arbitrator.py.

The maker sells (seller), the taker buys (buyer); every trade is opened with a protocol fee
of FEE_BPS, which only the buyer-wins ruling charges.
"""

import pytest
from eth_utils import keccak

from openotc import escrow as sdk
from openotc.escrow import Ruling, Status
from openotc.units import USDC_UNIT
from tests.escrow.trades import assert_committed, pin, settlement_calls, stats
from tests.utils.fixtures import values

AMOUNT = 1_001 * USDC_UNIT + 1  # odd: the refused ruling gives the odd unit to the seller
BOND = sdk.bond_for(AMOUNT)
FEE_BPS = 50
FEE = AMOUNT * FEE_BPS // sdk.BPS
PAYMENT_REFERENCE = keccak(text="SEPA transfer, reference OTC-7")
EVIDENCE = "ipfs://QmEvidence/bank-statement.json"
# The settlement calls a party may make while AwaitingFee or Disputed: concessions.
CONCESSIONS = {("release", "seller"), ("cancel", "buyer")}
# IArbitrator.DisputeStatus
WAITING, SOLVED = 0, 2


# ---------------------------------------------------------------- fixtures and helpers


trade_amount, fee_bps, payment_reference = values(
    trade_amount=AMOUNT, fee_bps=FEE_BPS, payment_reference=PAYMENT_REFERENCE
)


def as_uint(trade_id):
    """A trade id as the ERC-1497 metaEvidenceID / evidenceGroupID: uint256(tradeId)."""
    return int.from_bytes(trade_id, "big")


# ---------------------------------------------------------------- opening a dispute


def test_dispute__by_buyer__deposits_the_fee_and_opens_the_sellers_fee_window(
    escrow, arbitrator, chain, book, paid, act, buyer, arbitration_cost
):
    at = pin(chain, chain.pending_timestamp + 5)
    deadline = at + escrow.FEE_WINDOW()

    tx = act("dispute", paid, sender=buyer, value=arbitration_cost)

    # No dispute at the arbitrator yet, and no policy chosen by the caller.
    assert tx.events == [escrow.DisputeFeePaid(paid, buyer.address, arbitration_cost, deadline)]
    assert escrow.disputeFees(paid) == (arbitration_cost, 0, deadline, False)
    assert arbitrator.disputeCount() == 0
    assert escrow.balance == arbitration_cost
    assert_committed(escrow, book, paid, Status.AWAITING_FEE)


def test_dispute__other_party_deposits__creates_the_dispute_under_the_trades_policy(
    escrow, arbitrator, book, paid, act, buyer, seller, arbitration_cost
):
    act("dispute", paid, sender=buyer, value=arbitration_cost)
    dispute_id = arbitrator.disputeCount()
    held = arbitrator.balance

    tx = act("dispute", paid, sender=seller, value=arbitration_cost)

    policy_id = book.record(paid).policy_id
    assert tx.events == [
        escrow.DisputeFeePaid(paid, seller.address, arbitration_cost, 0),
        arbitrator.DisputeCreation(dispute_id, escrow.address),
        escrow.TradeDisputed(paid, dispute_id, seller.address),
        escrow.Dispute(arbitrator.address, dispute_id, policy_id, as_uint(paid)),
    ]
    assert policy_id == escrow.policyId() == 0
    assert escrow.tradeOfDispute(dispute_id) == paid
    assert arbitrator.arbitrableOf(dispute_id) == escrow.address
    assert arbitrator.disputeStatus(dispute_id) == WAITING
    assert arbitrator.balance - held == arbitration_cost  # one cost paid; one deposit held
    assert escrow.balance == arbitration_cost
    assert escrow.disputeFees(paid) == (arbitration_cost, arbitration_cost, 0, False)
    assert_committed(escrow, book, paid, Status.DISPUTED)


def test_dispute__long_after_confirm_deadline__buyer_may_still_dispute(
    escrow, chain, book, paid, act, buyer, arbitration_cost
):
    at = pin(chain, book.record(paid).confirm_deadline + 10 * 24 * 3600)

    tx = act("dispute", paid, sender=buyer, value=arbitration_cost)

    assert tx.events == [
        escrow.DisputeFeePaid(paid, buyer.address, arbitration_cost, at + escrow.FEE_WINDOW())
    ]
    assert_committed(escrow, book, paid, Status.AWAITING_FEE)


def test_dispute__by_seller_one_second_before_confirm_deadline__is_accepted(
    escrow, arbitrator, chain, book, paid, act, seller, arbitration_cost
):
    at = pin(chain, book.record(paid).confirm_deadline - 1)

    tx = act("dispute", paid, sender=seller, value=arbitration_cost)

    assert tx.decode_logs(escrow.DisputeFeePaid)[0].event_arguments == {
        "tradeId": paid,
        "by": seller.address,
        "amount": arbitration_cost,
        "deadline": at + escrow.FEE_WINDOW(),
    }
    assert escrow.disputeFees(paid) == (0, arbitration_cost, at + escrow.FEE_WINDOW(), True)
    assert_committed(escrow, book, paid, Status.AWAITING_FEE)


@pytest.mark.parametrize("offset", [0, 1], ids=["at_deadline", "after_deadline"])
def test_dispute__by_seller_at_or_after_confirm_deadline__reverts_window_closed(
    escrow, arbitrator, chain, book, paid, act, seller, arbitration_cost, offset, reverts
):
    deadline = book.record(paid).confirm_deadline
    pin(chain, deadline + offset)

    with reverts(escrow.EscrowConfirmationWindowClosed, tradeId=paid, closedAt=deadline):
        act("dispute", paid, sender=seller, value=arbitration_cost)
    assert arbitrator.disputeCount() == 0
    assert_committed(escrow, book, paid, Status.PAID)


@pytest.mark.parametrize("delta", [-1, 1], ids=["less", "more"])
def test_dispute__with_wrong_arbitration_fee__reverts_wrong_arbitration_fee(
    escrow, arbitrator, paid, act, buyer, arbitration_cost, delta, reverts
):
    sent = arbitration_cost + delta
    with reverts(escrow.EscrowWrongArbitrationFee, sent=sent, cost=arbitration_cost):
        act("dispute", paid, sender=buyer, value=sent)
    assert escrow.balance == 0


def test_dispute__without_fee__reverts_wrong_arbitration_fee(
    escrow, paid, act, seller, arbitration_cost, reverts
):
    with reverts(escrow.EscrowWrongArbitrationFee, sent=0, cost=arbitration_cost):
        act("dispute", paid, sender=seller)


@pytest.mark.parametrize("delta", [-1, 1], ids=["less", "more"])
def test_dispute__second_deposit_of_the_wrong_fee__reverts_wrong_arbitration_fee(
    escrow, arbitrator, book, awaiting_fee, act, seller, arbitration_cost, delta, reverts
):
    sent = arbitration_cost + delta
    with reverts(escrow.EscrowWrongArbitrationFee, sent=sent, cost=arbitration_cost):
        act("dispute", awaiting_fee, sender=seller, value=sent)
    assert arbitrator.disputeCount() == 0
    assert_committed(escrow, book, awaiting_fee, Status.AWAITING_FEE)


def test_dispute__after_ruler_changes_cost__requires_the_new_cost(
    escrow, arbitrator, book, paid, act, buyer, ruler, arbitration_cost, reverts
):
    cost_tx = arbitrator.setArbitrationCost(2 * arbitration_cost, sender=ruler)
    assert cost_tx.events == [arbitrator.ArbitrationCostSet(2 * arbitration_cost)]
    with reverts(
        escrow.EscrowWrongArbitrationFee, sent=arbitration_cost, cost=2 * arbitration_cost
    ):
        act("dispute", paid, sender=buyer, value=arbitration_cost)

    tx = act("dispute", paid, sender=buyer, value=2 * arbitration_cost)

    assert [(e.tradeId, e.amount) for e in tx.decode_logs(escrow.DisputeFeePaid)] == [
        (paid, 2 * arbitration_cost)
    ]
    assert escrow.balance == 2 * arbitration_cost
    assert_committed(escrow, book, paid, Status.AWAITING_FEE)


def test_dispute__by_stranger__reverts_not_party(
    escrow, paid, act, stranger, arbitration_cost, reverts
):
    with reverts(escrow.EscrowNotParty, caller=stranger.address):
        act("dispute", paid, sender=stranger, value=arbitration_cost)


@pytest.mark.parametrize("role", ["buyer", "seller"])
def test_dispute__while_funded__reverts_wrong_status(
    escrow, funded, act, role, request, arbitration_cost, reverts
):
    caller = request.getfixturevalue(role)
    with reverts(escrow.EscrowWrongStatus, tradeId=funded, status=Status.FUNDED):
        act("dispute", funded, sender=caller, value=arbitration_cost)


def test_dispute__first_payer_again_while_awaiting_fee__reverts_fee_not_awaited(
    escrow, book, awaiting_fee, act, buyer, arbitration_cost, reverts
):
    with reverts(escrow.EscrowFeeNotAwaited, tradeId=awaiting_fee, caller=buyer.address):
        act("dispute", awaiting_fee, sender=buyer, value=arbitration_cost)
    assert escrow.balance == arbitration_cost
    assert_committed(escrow, book, awaiting_fee, Status.AWAITING_FEE)


@pytest.mark.parametrize("role", ["buyer", "seller"])
def test_dispute__twice__reverts_wrong_status(
    escrow, arbitrator, disputed, act, role, request, arbitration_cost, reverts
):
    trade_id, _ = disputed
    caller = request.getfixturevalue(role)
    with reverts(escrow.EscrowWrongStatus, tradeId=trade_id, status=Status.DISPUTED):
        act("dispute", trade_id, sender=caller, value=arbitration_cost)
    assert arbitrator.disputeCount() == 1


def test_dispute_ids__are_the_arbitrators__other_disputes_map_to_no_trade(
    escrow, arbitrator, paid, dispute_to_arbitrator, buyer, seller, stranger, arbitration_cost
):
    other = arbitrator.createDispute(2, b"", sender=stranger, value=arbitration_cost)
    assert other.events == [arbitrator.DisputeCreation(0, stranger.address)]  # not the escrow's

    dispute_id, _ = dispute_to_arbitrator(paid, buyer, seller)

    assert dispute_id == 1
    assert escrow.tradeOfDispute(1) == paid
    assert escrow.tradeOfDispute(0) == b"\x00" * 32


# (method, extra arguments, caller role) of the settlement calls a Disputed trade refuses:
# marking paid, the buyer's timeout release and the seller's cancel. The seller's release and
# the buyer's cancel are concessions (below).
SETTLEMENT_CALLS = settlement_calls(PAYMENT_REFERENCE)
REFUSED_WHILE_DISPUTED = [
    call for call in SETTLEMENT_CALLS if (call[0], call[2]) not in CONCESSIONS
]


@pytest.mark.parametrize(
    "call", REFUSED_WHILE_DISPUTED, ids=[f"{m}_by_{r}" for m, _, r in REFUSED_WHILE_DISPUTED]
)
def test_disputed_trade__settlement_calls_but_concessions__revert_wrong_status(
    escrow, usdc, chain, book, disputed, act, call, request, reverts
):
    trade_id, _ = disputed
    method, args, role = call
    pin(chain, book.record(trade_id).confirm_deadline + 1)

    with reverts(escrow.EscrowWrongStatus, tradeId=trade_id, status=Status.DISPUTED):
        act(method, trade_id, *args, sender=request.getfixturevalue(role))
    assert usdc.balanceOf(escrow) == AMOUNT + BOND


@pytest.mark.parametrize("state", ["awaiting_fee", "disputed"])
def test_seller_release__while_awaiting_fee_or_disputed__concedes_keeps_bond_returns_buyer_deposit(
    escrow, arbitrator, usdc, book, act, seller, buyer, state, request, arbitration_cost, ruler
):
    fixture = request.getfixturevalue(state)
    trade_id = fixture[0] if state == "disputed" else fixture
    before = (usdc.balanceOf(buyer), usdc.balanceOf(seller), buyer.balance)

    tx = act("release", trade_id, sender=seller)

    assert tx.events == [
        escrow.TradeReleased(trade_id, seller.address, AMOUNT - FEE, FEE),
        usdc.Transfer(escrow.address, buyer.address, AMOUNT - FEE),
        usdc.Transfer(escrow.address, seller.address, BOND),
        escrow.FeeDepositReturned(trade_id, buyer.address, arbitration_cost),
    ]
    assert usdc.balanceOf(buyer) - before[0] == AMOUNT - FEE
    assert usdc.balanceOf(seller) - before[1] == BOND  # a seller who concedes is not slashed
    assert buyer.balance - before[2] == arbitration_cost
    assert escrow.balance == 0
    assert escrow.disputeFees(trade_id) == (0, 0, 0, False)
    assert stats(escrow, seller, usdc) == (1, 0, 0, AMOUNT)
    assert_committed(escrow, book, trade_id, Status.RELEASED)
    if state == "disputed":  # a ruling arriving later changes nothing
        ruling = arbitrator.giveRuling(fixture[1], Ruling.BUYER_WINS, sender=ruler)
        assert ruling.events == [
            arbitrator.Ruled(fixture[1], Ruling.BUYER_WINS),
            escrow.Ruling(arbitrator.address, fixture[1], Ruling.BUYER_WINS),
        ]
        assert usdc.balanceOf(escrow) == FEE


@pytest.mark.parametrize("state", ["awaiting_fee", "disputed"])
def test_buyer_cancel__while_awaiting_fee_or_disputed__concedes_refills_offer(
    escrow, usdc, book, act, offer, seller, buyer, state, request, arbitration_cost
):
    fixture = request.getfixturevalue(state)
    trade_id = fixture[0] if state == "disputed" else fixture
    offer_hash = book.record(trade_id).offer_hash
    before = (usdc.balanceOf(seller), buyer.balance, seller.balance)

    tx = act("cancel", trade_id, sender=buyer)

    # While AwaitingFee each deposit goes back to its payer (only the buyer paid); once
    # Disputed the held deposit goes to the winner, the seller.
    to_buyer, to_seller = (
        (arbitration_cost, 0) if state == "awaiting_fee" else (0, arbitration_cost)
    )
    assert tx.events == [
        escrow.TradeCancelled(trade_id, buyer.address),
        escrow.OfferRefilled(offer_hash, trade_id, AMOUNT),
        usdc.Transfer(escrow.address, seller.address, AMOUNT + BOND),
        *(
            escrow.FeeDepositReturned(trade_id, party.address, amount)
            for party, amount in ((buyer, to_buyer), (seller, to_seller))
            if amount
        ),
    ]
    assert usdc.balanceOf(seller) - before[0] == AMOUNT + BOND
    assert escrow.balance == 0
    assert escrow.filled(offer_hash) == 0
    assert_committed(escrow, book, trade_id, Status.CANCELLED)


# ---------------------------------------------------------------- rulings


@pytest.fixture(params=["buyer", "seller"])
def disputed_by(request, paid, dispute_to_arbitrator, buyer, seller):
    """(trade id, dispute id) of a Paid trade disputed by either party, the other depositing
    its fee too."""
    first, second = (buyer, seller) if request.param == "buyer" else (seller, buyer)
    dispute_id, _ = dispute_to_arbitrator(paid, first, second)
    return paid, dispute_id


# ruling -> (to the buyer, to the seller, fee accrued, buyer's and seller's statistics): the
# buyer gets the amount less the fee plus the bond; the seller the amount and the bond; a
# refused ruling splits the amount (the odd unit to the seller) and returns the bond, no fee.
RULINGS = {
    "buyer_wins": (
        Ruling.BUYER_WINS,
        AMOUNT - FEE + BOND,
        0,
        FEE,
        (1, 1, 0, AMOUNT),
        (1, 0, 1, AMOUNT),
    ),
    "seller_wins": (Ruling.SELLER_WINS, 0, AMOUNT + BOND, 0, (0, 0, 1, 0), (0, 1, 0, 0)),
    "refused": (Ruling.REFUSED, AMOUNT // 2, AMOUNT - AMOUNT // 2 + BOND, 0, (0,) * 4, (0,) * 4),
}


@pytest.mark.parametrize("outcome", RULINGS.values(), ids=RULINGS.keys())
def test_ruling__pays_out_as_ruled__fee_accrues_only_when_the_buyer_wins__winner_deposit_returned(
    escrow, arbitrator, usdc, book, disputed_by, ruler, seller, buyer, outcome, arbitration_cost
):
    ruling, to_buyer, to_seller, fee, buyer_stats, seller_stats = outcome
    trade_id, dispute_id = disputed_by
    before = (usdc.balanceOf(buyer), usdc.balanceOf(seller))
    if ruling == Ruling.REFUSED:
        assert AMOUNT % 2 == 1 and to_seller - BOND == to_buyer + 1
    # The winner's deposit comes back (the loser's paid the arbitrator); split if refused.
    buyer_deposit = {
        Ruling.BUYER_WINS: arbitration_cost,
        Ruling.SELLER_WINS: 0,
        Ruling.REFUSED: arbitration_cost // 2,
    }[ruling]
    deposits = [(buyer, buyer_deposit), (seller, arbitration_cost - buyer_deposit)]
    eth_before = (buyer.balance, seller.balance)

    tx = arbitrator.giveRuling(dispute_id, ruling, sender=ruler)
    book.apply(tx)

    payments = [(buyer, to_buyer), (seller, to_seller)]
    assert tx.events == [
        arbitrator.Ruled(dispute_id, ruling),
        escrow.Ruling(arbitrator.address, dispute_id, ruling),
        escrow.TradeResolved(trade_id, dispute_id, ruling, to_buyer, to_seller),
        *(usdc.Transfer(escrow.address, party.address, paid) for party, paid in payments if paid),
        *(
            escrow.FeeDepositReturned(trade_id, party.address, eth)
            for party, eth in deposits
            if eth
        ),
    ]
    assert (buyer.balance - eth_before[0], seller.balance - eth_before[1]) == tuple(
        eth for _, eth in deposits
    )
    assert escrow.balance == 0
    assert usdc.balanceOf(buyer) - before[0] == to_buyer
    assert usdc.balanceOf(seller) - before[1] == to_seller
    assert escrow.accruedFees(usdc) == fee
    assert usdc.balanceOf(escrow) == fee  # nothing of the trade is left but the fee
    assert stats(escrow, buyer, usdc) == buyer_stats
    assert stats(escrow, seller, usdc) == seller_stats
    assert arbitrator.disputeStatus(dispute_id) == SOLVED
    assert arbitrator.currentRuling(dispute_id) == ruling
    assert_committed(escrow, book, trade_id, Status.RESOLVED)


def test_ruling_ids__read_from_the_escrow__match_the_sdk_and_the_options_offered(escrow):
    assert escrow.RULING_REFUSED() == Ruling.REFUSED == 0  # reserved by ERC-792
    assert escrow.RULING_BUYER_WINS() == Ruling.BUYER_WINS
    assert escrow.RULING_SELLER_WINS() == Ruling.SELLER_WINS
    assert escrow.RULING_OPTIONS() == max(Ruling) == 2


@pytest.mark.parametrize("outcome", ["RULING_BUYER_WINS", "RULING_SELLER_WINS", "RULING_REFUSED"])
def test_ruling_ids__read_from_the_escrow__decide_who_is_paid(
    escrow, arbitrator, usdc, disputed, ruler, seller, buyer, outcome
):
    """An integrator that reads the ids from the escrow, not from its own copy, pays the
    party it means to: the amount (less the fee) and the bond go to the named winner."""
    trade_id, dispute_id = disputed
    ruling = getattr(escrow, outcome)()
    before = (usdc.balanceOf(buyer), usdc.balanceOf(seller))
    expected = {
        "RULING_BUYER_WINS": (AMOUNT - FEE + BOND, 0),
        "RULING_SELLER_WINS": (0, AMOUNT + BOND),
        "RULING_REFUSED": (AMOUNT // 2, AMOUNT - AMOUNT // 2 + BOND),
    }[outcome]

    tx = arbitrator.giveRuling(dispute_id, ruling, sender=ruler)

    assert tx.decode_logs(escrow.TradeResolved) == [
        escrow.TradeResolved(trade_id, dispute_id, ruling, *expected)
    ]
    assert (usdc.balanceOf(buyer) - before[0], usdc.balanceOf(seller) - before[1]) == expected


def test_ruling__one_trade_resolved__other_trades_stay_escrowed(
    escrow, arbitrator, usdc, offer, open_trade, disputed, ruler
):
    _, dispute_id = disputed
    other, _ = open_trade(*offer, 2 * AMOUNT)

    tx = arbitrator.giveRuling(dispute_id, Ruling.BUYER_WINS, sender=ruler)

    assert [e.tradeId for e in tx.decode_logs(escrow.TradeResolved)] == [disputed[0]]
    assert usdc.balanceOf(escrow) == FEE + 2 * AMOUNT + sdk.bond_for(2 * AMOUNT)


# (method, extra arguments, caller role, ETH sent) that a Resolved trade refuses.
RESOLVED_CALLS = [
    *SETTLEMENT_CALLS,
    ("dispute", (), "buyer"),
    ("submitEvidence", (EVIDENCE,), "seller"),
]


@pytest.mark.parametrize("call", RESOLVED_CALLS, ids=[f"{m}_by_{r}" for m, _, r in RESOLVED_CALLS])
def test_resolved_trade__is_final__every_trade_call_reverts_wrong_status(
    escrow, arbitrator, usdc, book, disputed, act, ruler, call, request, arbitration_cost, reverts
):
    trade_id, dispute_id = disputed
    book.apply(arbitrator.giveRuling(dispute_id, Ruling.SELLER_WINS, sender=ruler))
    method, args, role = call
    value = arbitration_cost if method == "dispute" else 0

    with reverts(escrow.EscrowWrongStatus, tradeId=trade_id, status=Status.RESOLVED):
        act(method, trade_id, *args, sender=request.getfixturevalue(role), value=value)
    assert usdc.balanceOf(escrow) == 0


# ---------------------------------------------------------------- who may rule


@pytest.mark.parametrize("role", ["stranger", "ruler", "buyer", "seller"])
def test_rule__called_directly_by_anyone_but_the_arbitrator__reverts_not_arbitrator(
    escrow, usdc, disputed, role, request, reverts
):
    _, dispute_id = disputed
    caller = request.getfixturevalue(role)
    with reverts(escrow.EscrowNotArbitrator, caller=caller.address):
        escrow.rule(dispute_id, Ruling.BUYER_WINS, sender=caller)
    assert usdc.balanceOf(escrow) == AMOUNT + BOND


def test_rule__unknown_dispute__reverts_unknown_dispute(
    escrow, arbitrator, disputed, impersonate, reverts
):
    with reverts(escrow.EscrowUnknownDispute, disputeId=12345):
        escrow.rule(12345, Ruling.BUYER_WINS, sender=impersonate(arbitrator))


def test_rule__dispute_another_contract_created__reverts_unknown_dispute(
    escrow, arbitrator, stranger, arbitration_cost, impersonate, reverts
):
    arbitrator.createDispute(2, b"", sender=stranger, value=arbitration_cost)  # id 0
    with reverts(escrow.EscrowUnknownDispute, disputeId=0):
        escrow.rule(0, Ruling.BUYER_WINS, sender=impersonate(arbitrator))


def test_rule__ruling_above_options__reverts_invalid_ruling(
    escrow, arbitrator, usdc, disputed, impersonate, reverts
):
    _, dispute_id = disputed
    with reverts(escrow.EscrowInvalidRuling, ruling=3):
        escrow.rule(dispute_id, 3, sender=impersonate(arbitrator))
    assert usdc.balanceOf(escrow) == AMOUNT + BOND


def test_rule__second_call_for_a_resolved_dispute__emits_ruling_and_changes_nothing(
    escrow, arbitrator, usdc, book, disputed, ruler, buyer, seller, impersonate
):
    trade_id, dispute_id = disputed
    book.apply(arbitrator.giveRuling(dispute_id, Ruling.SELLER_WINS, sender=ruler))
    before = (usdc.balanceOf(buyer), usdc.balanceOf(seller), escrow.tradeCommitment(trade_id))

    tx = escrow.rule(dispute_id, Ruling.BUYER_WINS, sender=impersonate(arbitrator))

    assert tx.events == [escrow.Ruling(arbitrator.address, dispute_id, Ruling.BUYER_WINS)]
    assert (
        usdc.balanceOf(buyer),
        usdc.balanceOf(seller),
        escrow.tradeCommitment(trade_id),
    ) == before
    assert usdc.balanceOf(escrow) == 0
    assert escrow.balance == 0
    assert_committed(escrow, book, trade_id, Status.RESOLVED)


# ---------------------------------------------------------------- evidence


@pytest.mark.parametrize("role", ["buyer", "seller"])
@pytest.mark.parametrize("state", ["paid", "awaiting_fee", "disputed"])
def test_submit_evidence__by_a_party_while_paid_awaiting_fee_or_disputed__emits_evidence(
    escrow, arbitrator, act, role, state, request
):
    fixture = request.getfixturevalue(state)
    trade_id = fixture[0] if state == "disputed" else fixture
    party = request.getfixturevalue(role)
    commitment = escrow.tradeCommitment(trade_id)

    tx = act("submitEvidence", trade_id, EVIDENCE, sender=party)

    assert tx.events == [
        escrow.Evidence(arbitrator.address, as_uint(trade_id), party.address, EVIDENCE)
    ]
    assert escrow.tradeCommitment(trade_id) == commitment  # evidence changes no state


@pytest.mark.parametrize("role", ["buyer", "seller"])
def test_submit_evidence__while_funded__reverts_wrong_status(
    escrow, funded, act, role, request, reverts
):
    with reverts(escrow.EscrowWrongStatus, tradeId=funded, status=Status.FUNDED):
        act("submitEvidence", funded, EVIDENCE, sender=request.getfixturevalue(role))


def test_submit_evidence__by_stranger__reverts_not_party(escrow, disputed, act, stranger, reverts):
    trade_id, _ = disputed
    with reverts(escrow.EscrowNotParty, caller=stranger.address):
        act("submitEvidence", trade_id, EVIDENCE, sender=stranger)
