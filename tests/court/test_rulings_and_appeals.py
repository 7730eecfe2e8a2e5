"""JurorCourt rulings and appeals: how revealed votes make a round's ruling (majority, ties
and silence give 0), `executeRuling` (when, once, what the arbitrable receives, and an
arbitrable that refuses it), the ERC-792 appeal (who, when, how much, the new round, the
appeal limit) and `createDispute`.

Disputes are opened by TestArbitrable, a third-party ERC-792 arbitrable. Seats are drawn at
random, so votes are cast per seat (whoever holds it) with `play`.
"""

import pytest
from eth_utils import keccak
from hexbytes import HexBytes
from web3.exceptions import ContractCustomError

from openotc import court as sdk
from openotc.court import Period
from openotc.units import MAX_UINT256

MAX_CHOICES = 2**32 - 1
# IArbitrator.DisputeStatus
WAITING, APPEALABLE, SOLVED = 0, 1, 2


# ---------------------------------------------------------------- fixtures and helpers


# What every test of this module starts from.
pytestmark = pytest.mark.usefixtures("jurors")


def pin(chain, timestamp):
    chain.pending_timestamp = timestamp
    return timestamp


BEFORE_APPEAL = [Period.EVIDENCE, Period.COMMIT, Period.REVEAL]


@pytest.fixture
def dispute_in_period(court, open_dispute, draw, pass_period, period):
    """A new dispute brought to `period` (the test's parameter), drawn once past Evidence."""
    dispute_id = open_dispute()
    if period > Period.EVIDENCE:
        draw(dispute_id)
    while court.dispute(dispute_id).period < period:
        pass_period(dispute_id)
    return dispute_id


def execute_ruling(court, arbitrable, dispute_id, ruling, sender):
    """Executes the ruling of a dispute whose appeal period is over: the court reports the
    ruling and the arbitrable receives it (exactly those two events) and records it."""
    tx = court.executeRuling(dispute_id, sender=sender)
    assert tx.events == [
        court.RulingExecuted(dispute_id, arbitrable.address, ruling),
        arbitrable.Ruling(court.address, dispute_id, ruling),
    ]
    assert (arbitrable.ruled(dispute_id), arbitrable.rulings(dispute_id)) == (True, ruling)
    return tx


def current_round(court, dispute_id) -> int:
    return court.dispute(dispute_id).rounds - 1


@pytest.fixture
def appealable(open_dispute, play):
    """A dispute in Appeal after round 0 ruled 1 (votes 1, 1, 2)."""
    dispute_id = open_dispute()
    play(dispute_id, [1, 1, 2])
    return dispute_id


def appeal_cost(court, dispute_id):
    return court.appealCost(dispute_id, b"")


# ---------------------------------------------------------------- a round's ruling

RULING_CASES = [
    # (id, choices, votes by seat, unrevealed seats, ruling)
    ("two_of_three_for_1", 2, [1, 1, 2], (), 1),
    ("two_of_three_for_2_last", 2, [1, 2, 2], (), 2),
    ("two_of_three_for_2_first", 2, [2, 2, 1], (), 2),
    ("unanimous_refusal", 2, [0, 0, 0], (), 0),
    ("majority_refusal", 2, [0, 1, 0], (), 0),
    ("tie_one_each_one_unrevealed", 2, [1, 2, 1], (2,), 0),
    ("tie_one_each_one_not_committed", 2, [2, None, 1], (), 0),
    ("three_different_choices", 3, [1, 2, 3], (), 0),
    ("no_vote_revealed", 2, [1, 2, 1], (0, 1, 2), 0),
    ("no_vote_committed", 2, [None, None, None], (), 0),
    ("one_revealed_vote_decides", 2, [None, 2, 1], (2,), 2),
    ("unrevealed_vote_not_counted", 2, [2, 1, 1], (1,), 0),
    ("non_revealer_outvoted", 2, [2, 2, 1], (2,), 2),
]


@pytest.mark.parametrize(
    "choices,votes,hidden,ruling", [c[1:] for c in RULING_CASES], ids=[c[0] for c in RULING_CASES]
)
def test_round_ruling__from_revealed_votes(
    court, open_dispute, play, choices, votes, hidden, ruling
):
    dispute_id = open_dispute(choices=choices)

    play(dispute_id, votes, hidden)

    info = court.round(dispute_id, 0)
    revealed = sum(1 for s, v in enumerate(votes) if v is not None and s not in hidden)
    committed = sum(1 for v in votes if v is not None)
    assert (info.committed, info.revealed, info.ruling) == (committed, revealed, ruling)
    assert court.currentRuling(dispute_id) == ruling
    assert court.dispute(dispute_id).ruling == ruling
    for seat, choice in enumerate(votes):
        vote = court.vote(dispute_id, 0, seat)
        shown = choice is not None and seat not in hidden
        assert (vote.revealed, vote.choice) == (shown, choice if shown else 0)


def test_current_ruling__follows_reveals_as_they_come(
    court, accounts, open_dispute, draw, pass_period
):
    dispute_id = open_dispute(choices=3)
    draw(dispute_id)
    pass_period(dispute_id)
    drawn = list(court.round(dispute_id, 0).jurors)
    votes = [2, 3, 2]
    salts = [keccak(text=f"seat {s}") for s in range(3)]
    for seat, choice in enumerate(votes):
        digest = court.commitmentOf(choice, salts[seat], drawn[seat], dispute_id, 0)
        court.commit(dispute_id, [seat], digest, sender=accounts[drawn[seat]])
    pass_period(dispute_id)
    assert court.currentRuling(dispute_id) == 0

    seen = []
    for seat, choice in enumerate(votes):
        court.reveal(dispute_id, [seat], choice, salts[seat], sender=accounts[drawn[seat]])
        seen.append(court.currentRuling(dispute_id))

    assert seen == [2, 0, 2]  # 2 leads, 2 vs 3 ties, 2 leads again


# ---------------------------------------------------------------- executeRuling


def test_execute_ruling__one_second_before_appeal_end__reverts_period_not_over(
    court, chain, appealable, stranger, arbitrable, reverts
):
    ends = court.dispute(appealable).periodEnd
    pin(chain, ends - 1)

    with reverts(court.CourtPeriodNotOver, disputeId=appealable, endsAt=ends):
        court.executeRuling(appealable, sender=stranger)
    assert court.dispute(appealable).period == Period.APPEAL
    assert arbitrable.ruled(appealable) is False


def test_execute_ruling__at_appeal_end__enters_execution_and_rules(
    court, chain, appealable, stranger, arbitrable
):
    pin(chain, court.dispute(appealable).periodEnd)

    tx = court.executeRuling(appealable, sender=stranger)

    assert tx.events == [
        court.NewPeriod(appealable, Period.EXECUTION),
        court.RulingExecuted(appealable, arbitrable.address, 1),
        arbitrable.Ruling(court.address, appealable, 1),
    ]
    assert tx.decode_logs(court.RulingExecuted)[0].event_arguments == {
        "disputeId": appealable,
        "arbitrable": arbitrable.address,
        "ruling": 1,
    }
    assert (arbitrable.ruled(appealable), arbitrable.rulings(appealable)) == (True, 1)
    info = court.dispute(appealable)
    assert (info.period, info.ruled, info.ruling) == (Period.EXECUTION, True, 1)
    assert court.disputeStatus(appealable) == SOLVED


def test_execute_ruling__after_pass_period_to_execution__rules_without_new_period(
    court, appealable, pass_period, stranger, arbitrable
):
    pass_period(appealable)

    execute_ruling(court, arbitrable, appealable, 1, stranger)


def test_execute_ruling__twice__reverts_already_ruled(
    court, chain, appealable, stranger, arbitrable, reverts
):
    pin(chain, court.dispute(appealable).periodEnd)
    court.executeRuling(appealable, sender=stranger)

    with reverts(court.CourtAlreadyRuled, disputeId=appealable):
        court.executeRuling(appealable, sender=stranger)
    assert arbitrable.rulings(appealable) == 1


def test_execute_ruling__ruling_zero__is_delivered(
    court, open_dispute, play, pass_period, stranger, arbitrable
):
    dispute_id = open_dispute()
    play(dispute_id, [None, None, None])
    pass_period(dispute_id)

    execute_ruling(court, arbitrable, dispute_id, 0, stranger)


@pytest.mark.parametrize("period", BEFORE_APPEAL)
def test_execute_ruling__before_appeal__reverts_wrong_period(
    court, stranger, period, dispute_in_period, reverts
):
    dispute_id = dispute_in_period

    with reverts(court.CourtWrongPeriod, disputeId=dispute_id, period=period):
        court.executeRuling(dispute_id, sender=stranger)


def test_execute_ruling__arbitrable_rejects__reverts_but_jurors_still_settle(
    court, chain, appealable, pass_period, stranger, arbitrable, lock, reverts
):
    arbitrable.setRejectRulings(True, sender=stranger)
    pin(chain, court.dispute(appealable).periodEnd)

    with reverts(arbitrable.TestArbitrableRejected):
        court.executeRuling(appealable, sender=stranger)
    assert court.dispute(appealable).period == Period.APPEAL  # the whole call was undone

    # Nothing waits for the arbitrable: the period moves on and every seat settles.
    pass_period(appealable)
    drawn = list(court.round(appealable, 0).jurors)
    locked = {j: court.juror(j).locked for j in set(drawn)}
    receipts = sdk.settle_dispute(court, appealable, stranger)

    assert [e.seat for r in receipts for e in r.decode_logs(court.SeatSettled)] == [2, 0, 1]
    assert court.round(appealable, 0).settled == 3
    for juror in set(drawn):
        assert court.juror(juror).locked == locked[juror] - lock * drawn.count(juror)
    assert court.totals().locked == 0
    info = court.dispute(appealable)
    assert (info.period, info.ruled) == (Period.EXECUTION, False)

    # Once the arbitrable accepts rulings again, the ruling can still be delivered.
    arbitrable.setRejectRulings(False, sender=stranger)
    execute_ruling(court, arbitrable, appealable, 1, stranger)


# ---------------------------------------------------------------- appeal: who, when, how much


def test_appeal_cost__in_appeal__is_seven_seats_of_fees(court, appealable, court_params):
    assert appeal_cost(court, appealable) == 7 * court_params.fee_per_juror


@pytest.mark.parametrize("period", BEFORE_APPEAL)
def test_appeal_cost_and_period__before_appeal__are_max_and_zero(court, period, dispute_in_period):
    dispute_id = dispute_in_period

    assert appeal_cost(court, dispute_id) == MAX_UINT256
    assert court.appealPeriod(dispute_id) == (0, 0)


@pytest.mark.parametrize("offset", [-1, 0], ids=["one_second_before_end", "at_end"])
def test_appeal_cost__around_appeal_end__is_the_cost_then_max(
    court, chain, appealable, stranger, court_params, offset
):
    ends = court.dispute(appealable).periodEnd
    chain.mine(timestamp=ends + offset)  # a view reads the last block's time

    expected = 7 * court_params.fee_per_juror if offset < 0 else MAX_UINT256
    assert appeal_cost(court, appealable) == expected
    assert court.appealPeriod(appealable) == (ends - court_params.appeal_period, ends)


def test_appeal_period__in_appeal__is_start_and_end(court, appealable, court_params):
    start, end = court.appealPeriod(appealable)
    info = court.dispute(appealable)
    assert (start, end) == (info.periodStart, info.periodStart + court_params.appeal_period)
    assert court.disputeStatus(appealable) == APPEALABLE


def test_appeal_cost_and_period__in_execution__are_max_and_zero(court, appealable, pass_period):
    pass_period(appealable)
    assert appeal_cost(court, appealable) == MAX_UINT256
    assert court.appealPeriod(appealable) == (0, 0)


def test_appeal__by_anyone_but_the_arbitrable__reverts_not_arbitrable(
    court, appealable, stranger, reverts
):
    cost = appeal_cost(court, appealable)
    with reverts(court.CourtNotArbitrable, disputeId=appealable, caller=stranger.address):
        court.appeal(appealable, b"", value=cost, sender=stranger)
    assert court.dispute(appealable).rounds == 1


def test_appeal__unknown_dispute__reverts_unknown_dispute(court, arbitrable, stranger, reverts):
    with reverts(court.CourtUnknownDispute, disputeId=0):
        arbitrable.appeal(0, value=10**18, sender=stranger)


@pytest.mark.parametrize("period", BEFORE_APPEAL)
def test_appeal__before_appeal_period__reverts_wrong_period(
    court, arbitrable, stranger, period, dispute_in_period, court_params, reverts
):
    dispute_id = dispute_in_period

    with reverts(court.CourtWrongPeriod, disputeId=dispute_id, period=period):
        arbitrable.appeal(dispute_id, value=7 * court_params.fee_per_juror, sender=stranger)


def test_appeal__in_execution__reverts_wrong_period(
    court, arbitrable, appealable, pass_period, stranger, court_params, reverts
):
    pass_period(appealable)
    with reverts(court.CourtWrongPeriod, disputeId=appealable, period=Period.EXECUTION):
        arbitrable.appeal(appealable, value=7 * court_params.fee_per_juror, sender=stranger)


@pytest.mark.parametrize("offset", [0, 1], ids=["at_end", "after_end"])
def test_appeal__at_or_after_appeal_end__reverts_period_over(
    court, arbitrable, chain, appealable, stranger, offset, reverts
):
    cost = appeal_cost(court, appealable)
    ends = court.dispute(appealable).periodEnd
    pin(chain, ends + offset)

    with reverts(court.CourtPeriodOver, disputeId=appealable, endedAt=ends):
        arbitrable.appeal(appealable, value=cost, sender=stranger)
    assert court.dispute(appealable).rounds == 1


@pytest.mark.parametrize("shortfall", [1, 7 * 10**15], ids=["one_wei", "everything"])
def test_appeal__fee_too_low__reverts_insufficient_fee(
    court, arbitrable, appealable, stranger, shortfall, reverts
):
    cost = appeal_cost(court, appealable)
    with reverts(court.CourtInsufficientFee, paid=cost - shortfall, cost=cost):
        arbitrable.appeal(appealable, value=cost - shortfall, sender=stranger)
    assert court.dispute(appealable).rounds == 1


def test_appeal__one_second_before_end__opens_round_of_seven_seats(
    court, randomness, arbitrable, chain, appealable, stranger, court_params
):
    cost = appeal_cost(court, appealable)
    pin(chain, court.dispute(appealable).periodEnd - 1)
    ticket = randomness.ticketCount()
    held = court.balance

    tx = arbitrable.appeal(appealable, value=cost, sender=stranger)

    target = tx.block_number + court_params.randomness_lookahead
    assert tx.events == [
        court.NewPeriod(appealable, Period.EVIDENCE),
        court.AppealDecision(appealable, arbitrable.address),
        randomness.RandomnessRequested(
            ticket, court.address, target, target + court_params.randomness_window
        ),
        court.DrawRequested(appealable, 1, ticket),
    ]
    info = court.dispute(appealable)
    assert (info.period, info.periodStart, info.rounds, info.ruling) == (
        Period.EVIDENCE,
        tx.timestamp,
        2,
        0,  # the new round has no vote yet
    )
    assert info.periodEnd == tx.timestamp + court_params.evidence_period
    new = court.round(appealable, 1)
    assert (new.seats, list(new.jurors), new.ticket, new.fees, new.committed) == (
        7,
        [],
        ticket,
        cost,
        0,
    )
    assert court.round(appealable, 0).ruling == 1  # the appealed round keeps its ruling
    assert court.balance - held == cost
    assert (court.pendingDraws(), court.frozen()) == (1, True)
    assert court.disputeStatus(appealable) == WAITING
    assert appeal_cost(court, appealable) == MAX_UINT256
    assert court.appealPeriod(appealable) == (0, 0)


def test_appeal__more_than_the_cost__keeps_it_all_as_the_rounds_fees(
    court, arbitrable, appealable, stranger
):
    paid = appeal_cost(court, appealable) + 12345
    before = court.totals().feesHeld

    tx = arbitrable.appeal(appealable, value=paid, sender=stranger)

    assert [e.event_name for e in tx.decode_logs(court.AppealDecision)] == ["AppealDecision"]
    assert court.round(appealable, 1).fees == paid
    assert court.totals().feesHeld - before == paid


def test_appeal__new_round_is_drawn_and_voted_like_the_first(
    court, arbitrable, appealable, draw, stranger
):
    arbitrable.appeal(appealable, value=appeal_cost(court, appealable), sender=stranger)

    tx = draw(appealable)

    (event,) = tx.decode_logs(court.JurorsDrawn)
    assert (event.disputeId, event.round, len(event.jurorIds)) == (appealable, 1, 7)
    assert [court.jurorAt(i) for i in event.jurorIds] == list(court.round(appealable, 1).jurors)
    assert (court.pendingDraws(), court.frozen()) == (0, False)


def test_appeal__flips_the_ruling__arbitrable_gets_the_last_rounds(
    court, arbitrable, appealable, play, pass_period, stranger
):
    assert court.currentRuling(appealable) == 1
    tx = arbitrable.appeal(appealable, value=appeal_cost(court, appealable), sender=stranger)
    assert tx.decode_logs(court.AppealDecision)[0].event_arguments == {
        "_disputeID": appealable,
        "_arbitrable": arbitrable.address,
    }

    play(appealable, [2, 2, 1, 2, None, 2, 1], hidden=(4,))

    assert court.round(appealable, 0).ruling == 1
    assert court.round(appealable, 1).ruling == 2
    assert court.currentRuling(appealable) == 2
    pass_period(appealable)
    execute_ruling(court, arbitrable, appealable, 2, stranger)
    assert court.dispute(appealable).ruling == 2


def test_appeal__up_to_max_appeals__then_reverts_no_more_appeals(
    court, arbitrable, open_dispute, draw, pass_period, stranger, court_params, reverts
):
    assert court_params.max_appeals == 3
    dispute_id = open_dispute()
    fee = court_params.fee_per_juror
    seats = [3]
    for _ in range(court_params.max_appeals):
        draw(dispute_id)
        for _period in (Period.COMMIT, Period.REVEAL, Period.APPEAL):
            pass_period(dispute_id)
        cost = appeal_cost(court, dispute_id)
        assert cost == fee * (2 * seats[-1] + 1)
        arbitrable.appeal(dispute_id, value=cost, sender=stranger)
        seats.append(court.round(dispute_id, len(seats)).seats)
    assert seats == [3, 7, 15, 31]

    draw(dispute_id)
    for _period in (Period.COMMIT, Period.REVEAL, Period.APPEAL):
        pass_period(dispute_id)
    assert court.disputeStatus(dispute_id) == APPEALABLE
    assert appeal_cost(court, dispute_id) == MAX_UINT256  # no further appeal
    assert court.appealPeriod(dispute_id) != (0, 0)  # but the appeal period still runs

    with reverts(court.CourtNoMoreAppeals, disputeId=dispute_id):
        arbitrable.appeal(dispute_id, value=fee * 63, sender=stranger)
    assert court.dispute(dispute_id).rounds == 4
    assert [court.round(dispute_id, r).fees for r in range(4)] == [fee * s for s in seats]


# ---------------------------------------------------------------- createDispute


def test_create_dispute__emits_dispute_creation_and_requests_randomness(
    court, randomness, arbitrable, stranger, arbitration_fee, court_params
):
    assert arbitration_fee == 3 * court_params.fee_per_juror
    ticket = randomness.ticketCount()

    tx = arbitrable.createDispute(2, value=arbitration_fee, sender=stranger)

    target = tx.block_number + court_params.randomness_lookahead
    # DisputeCreation comes last: it reports the dispute once its first round is open.
    assert tx.events == [
        randomness.RandomnessRequested(
            ticket, court.address, target, target + court_params.randomness_window
        ),
        court.DrawRequested(0, 0, ticket),
        court.DisputeCreation(0, arbitrable.address),
    ]
    assert court.disputeCount() == 1
    info = court.dispute(0)
    assert (info.arbitrable, info.choices, info.period, info.periodStart, info.rounds) == (
        arbitrable.address,
        2,
        Period.EVIDENCE,
        tx.timestamp,
        1,
    )
    first = court.round(0, 0)
    assert (first.seats, first.ticket, first.fees) == (3, ticket, arbitration_fee)
    assert court.disputeStatus(0) == WAITING
    assert court.currentRuling(0) == 0
    assert court.balance == arbitration_fee
    assert court.disputeParams(0) == court.params()


def test_create_dispute__directly_by_any_account__makes_it_the_arbitrable(
    court, stranger, arbitration_fee
):
    tx = court.createDispute(2, b"", value=arbitration_fee, sender=stranger)

    assert tx.decode_logs(court.DisputeCreation)[0].event_arguments == {
        "_disputeID": 0,
        "_arbitrable": stranger.address,
    }
    assert court.dispute(0).arbitrable == stranger.address


@pytest.mark.parametrize("shortfall", [1, 3 * 10**15], ids=["one_wei", "everything"])
def test_create_dispute__fee_too_low__reverts_insufficient_fee(
    court, arbitrable, stranger, arbitration_fee, shortfall, reverts
):
    paid = arbitration_fee - shortfall
    with reverts(court.CourtInsufficientFee, paid=paid, cost=arbitration_fee):
        arbitrable.createDispute(2, value=paid, sender=stranger)
    assert court.disputeCount() == 0


@pytest.mark.parametrize("choices", [0, MAX_CHOICES + 1, MAX_UINT256], ids=["zero", "2^32", "max"])
def test_create_dispute__invalid_choices__reverts_invalid_choices(
    court, arbitrable, stranger, arbitration_fee, choices, reverts
):
    with reverts(court.CourtInvalidChoices, choices=choices):
        arbitrable.createDispute(choices, value=arbitration_fee, sender=stranger)
    assert court.disputeCount() == 0


@pytest.mark.parametrize("choices", [1, MAX_CHOICES], ids=["one", "2^32-1"])
def test_create_dispute__choices_at_the_bounds__are_accepted(
    court, arbitrable, stranger, arbitration_fee, choices
):
    arbitrable.createDispute(choices, value=arbitration_fee, sender=stranger)
    assert court.dispute(0).choices == choices


def test_create_dispute__extra_eth__is_kept_as_the_rounds_fees(
    court, arbitrable, stranger, arbitration_fee
):
    paid = arbitration_fee + 10**15 + 1

    arbitrable.createDispute(2, value=paid, sender=stranger)

    assert court.round(0, 0).fees == paid
    assert court.totals().feesHeld == paid
    assert court.balance == paid


# ---------------------------------------------------------------- appealSeats


def test_appeal_seats__first_round__is_seven(court, open_dispute):
    assert court.appealSeats(open_dispute()) == 7


def test_appeal_seats__after_an_appeal__is_twice_the_new_round_plus_one(
    court, arbitrable, appealable, stranger
):
    assert court.appealSeats(appealable) == 2 * court.round(appealable, 0).seats + 1 == 7

    arbitrable.appeal(appealable, value=appeal_cost(court, appealable), sender=stranger)

    assert court.appealSeats(appealable) == 2 * court.round(appealable, 1).seats + 1 == 15


def test_appeal_seats__prices_the_appeal(court, appealable, court_params):
    assert (
        appeal_cost(court, appealable) == court.appealSeats(appealable) * court_params.fee_per_juror
    )


def test_appeal_seats__unknown_dispute__reverts_unknown_dispute(court, chain, error_data):
    unknown = court.disputeCount()
    # Through web3: ape does not decode a custom error out of a reverting view call.
    call = {"to": court.address, "data": court.appealSeats.encode_input(unknown)}
    with pytest.raises(ContractCustomError) as raised:
        chain.provider.web3.eth.call(call)
    assert HexBytes(raised.value.data) == error_data(court.CourtUnknownDispute, disputeId=unknown)
