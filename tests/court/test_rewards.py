"""JurorCourt rewards and penalties: `settle` (incoherent seats first, slashing, equal shares
of fees and penalties for coherent seats, rounds without a coherent seat, seats holding more
lock than stake), `withdrawRewards`, `sweepResidual` and the refusals of each.

After every step `check_books` asserts the court's accounting identity (IJurorCourt.Totals):
  token balance = staked + cooling + penaltiesHeld + rewardTokensOwed + residualTokens
  ETH balance   = feesHeld + rewardEthOwed + residualEth
plus: `staked` and `locked` are the sums over every juror.

Seats are drawn at random, so votes are cast per seat (whoever holds it) with `play`, and
expected amounts per juror are summed over the seats it holds.
"""

from collections import Counter

import pytest

from openotc import court as sdk
from openotc.court import Period

# ---------------------------------------------------------------- fixtures and helpers


# What every test of this module starts from.
pytestmark = pytest.mark.usefixtures("jurors")


def check_books(court, token):
    """The accounting identity of IJurorCourt.Totals, and stakes and locks per juror."""
    t = court.totals()
    assert token.balanceOf(court) == (
        t.staked + t.cooling + t.penaltiesHeld + t.rewardTokensOwed + t.residualTokens
    )
    assert court.balance == t.feesHeld + t.rewardEthOwed + t.residualEth
    accounts = [court.juror(court.jurorAt(i)) for i in range(court.jurorCount())]
    assert t.staked == sum(a.stake for a in accounts)
    assert t.locked == sum(a.locked for a in accounts)
    return t


def weight_of(info):
    return info.stake * (info.coherent + 1) // (info.coherent + info.incoherent + 1) // 10**9


@pytest.fixture
def executed(court, token, open_dispute, play, pass_period):
    """(dispute id, drawn jurors by seat): votes 1, 1, 2, ruling 1, in Execution."""
    dispute_id = open_dispute()
    drawn = play(dispute_id, [1, 1, 2])
    pass_period(dispute_id)
    check_books(court, token)
    return dispute_id, drawn


def snapshot(court, addresses):
    return {a: court.juror(a) for a in set(addresses)}


def seat_event(court, receipt):
    return [e.event_arguments for e in receipt.decode_logs(court.SeatSettled)]


def settled_event(dispute_id, round_index, seat, juror, coherent, tokens, eth, slashed):
    return {
        "disputeId": dispute_id,
        "round": round_index,
        "seat": seat,
        "juror": juror,
        "coherent": coherent,
        "rewardTokens": tokens,
        "rewardEth": eth,
        "slashed": slashed,
    }


# ---------------------------------------------------------------- settle: incoherent first


def test_settle__incoherent_seat__slashes_its_lock_into_the_penalty_pool(
    court, token, executed, stranger, lock
):
    dispute_id, drawn = executed
    loser = drawn[2]
    before = court.juror(loser)
    totals = court.totals()

    tx = court.settle(dispute_id, 0, [2], sender=stranger)

    assert tx.events == [court.SeatSettled(dispute_id, 0, 2, loser, False, 0, 0, lock)]
    assert seat_event(court, tx) == [settled_event(dispute_id, 0, 2, loser, False, 0, 0, lock)]
    after = court.juror(loser)
    assert after.stake == before.stake - lock
    assert after.locked == before.locked - lock
    assert (after.coherent, after.incoherent) == (before.coherent, before.incoherent + 1)
    assert after.weight == weight_of(after) < before.weight
    info = court.round(dispute_id, 0)
    assert (info.penalties, info.settled) == (lock, 1)
    assert court.vote(dispute_id, 0, 2).settled is True
    now = check_books(court, token)
    assert now.penaltiesHeld - totals.penaltiesHeld == lock
    assert totals.staked - now.staked == lock
    assert totals.locked - now.locked == lock
    assert now.residualTokens == now.residualEth == 0


@pytest.mark.parametrize("seats", [[0], [1], [0, 2]], ids=["seat0", "seat1", "coherent_first"])
def test_settle__coherent_seat_before_incoherent_ones__reverts_penalties_pending(
    court, token, executed, stranger, seats, reverts
):
    dispute_id, _ = executed
    with reverts(court.CourtPenaltiesPending, disputeId=dispute_id, round=0, unsettledIncoherent=1):
        court.settle(dispute_id, 0, seats, sender=stranger)
    assert court.round(dispute_id, 0).settled == 0
    check_books(court, token)


def test_settle__coherent_seats__get_lock_back_and_equal_shares(
    court, token, executed, stranger, lock, arbitration_fee
):
    dispute_id, drawn = executed
    court.settle(dispute_id, 0, [2], sender=stranger)
    before = snapshot(court, drawn)
    held = court.totals()
    tokens, eth = lock // 2, arbitration_fee // 2

    tx = court.settle(dispute_id, 0, [0, 1], sender=stranger)

    assert seat_event(court, tx) == [
        settled_event(dispute_id, 0, 0, drawn[0], True, tokens, eth, 0),
        settled_event(dispute_id, 0, 1, drawn[1], True, tokens, eth, 0),
    ]
    shares = Counter(drawn[:2])
    for juror, info in snapshot(court, drawn).items():
        old, n = before[juror], shares[juror]
        assert info.stake == old.stake  # nothing slashed, nothing added to the stake
        assert info.locked == old.locked - lock * n
        assert (info.rewardTokens, info.rewardEth) == (
            old.rewardTokens + tokens * n,
            old.rewardEth + eth * n,
        )
        assert (info.coherent, info.incoherent) == (old.coherent + n, old.incoherent)
        assert info.weight == weight_of(info)
    info = court.round(dispute_id, 0)
    assert (info.settled, info.penalties, info.fees) == (3, lock, arbitration_fee)
    now = check_books(court, token)
    assert (now.penaltiesHeld, now.feesHeld, now.locked) == (0, 0, 0)
    assert (now.rewardTokensOwed, now.rewardEthOwed) == (
        held.rewardTokensOwed + 2 * tokens,
        held.rewardEthOwed + 2 * eth,
    )
    assert (now.residualTokens, now.residualEth) == (0, 0)  # shares divide exactly


def test_settle__every_seat_in_one_call_incoherent_listed_first__settles_the_round(
    court, token, executed, stranger, lock, arbitration_fee
):
    dispute_id, drawn = executed

    tx = court.settle(dispute_id, 0, [2, 1, 0], sender=stranger)

    assert seat_event(court, tx) == [
        settled_event(dispute_id, 0, 2, drawn[2], False, 0, 0, lock),
        settled_event(dispute_id, 0, 1, drawn[1], True, lock // 2, arbitration_fee // 2, 0),
        settled_event(dispute_id, 0, 0, drawn[0], True, lock // 2, arbitration_fee // 2, 0),
    ]
    assert court.round(dispute_id, 0).settled == 3
    check_books(court, token)


def test_settle_dispute_sdk__settles_every_seat_incoherent_first(
    court, token, executed, stranger, lock
):
    dispute_id, drawn = executed

    receipts = sdk.settle_dispute(court, dispute_id, stranger)

    assert [[e["seat"] for e in seat_event(court, r)] for r in receipts] == [[2], [0, 1]]
    assert all(court.vote(dispute_id, 0, s).settled for s in range(3))
    assert sdk.settle_dispute(court, dispute_id, stranger) == []  # nothing left
    check_books(court, token)


# ---------------------------------------------------------------- withdrawRewards


def test_withdraw_rewards__pays_credited_tokens_and_eth_exactly(
    court, token, accounts, executed, stranger, lock, arbitration_fee
):
    dispute_id, drawn = executed
    sdk.settle_dispute(court, dispute_id, stranger)
    check_books(court, token)

    for juror, seats in Counter(drawn[:2]).items():
        account = accounts[juror]
        owed = court.juror(juror)
        assert (owed.rewardTokens, owed.rewardEth) == (
            lock // 2 * seats,
            arbitration_fee // 2 * seats,
        )
        tokens_before, eth_before = token.balanceOf(juror), account.balance

        tx = court.withdrawRewards(sender=account)

        assert tx.decode_logs(court.RewardsWithdrawn)[0].event_arguments == {
            "juror": juror,
            "tokens": owed.rewardTokens,
            "eth": owed.rewardEth,
        }
        assert tx.events == [
            court.RewardsWithdrawn(juror, owed.rewardTokens, owed.rewardEth),
            token.Transfer(court.address, juror, owed.rewardTokens),
        ]
        assert token.balanceOf(juror) - tokens_before == owed.rewardTokens
        assert account.balance - eth_before == owed.rewardEth - tx.total_fees_paid
        after = court.juror(juror)
        assert (after.rewardTokens, after.rewardEth) == (0, 0)
        check_books(court, token)
    t = court.totals()
    assert (t.rewardTokensOwed, t.rewardEthOwed, t.feesHeld, t.penaltiesHeld) == (0, 0, 0, 0)
    assert court.balance == 0  # every wei paid in went out to the coherent jurors


def test_withdraw_rewards__twice__reverts_nothing_to_withdraw(
    court, token, accounts, executed, stranger, reverts
):
    dispute_id, drawn = executed
    sdk.settle_dispute(court, dispute_id, stranger)
    winner = accounts[drawn[0]]
    court.withdrawRewards(sender=winner)

    with reverts(court.CourtNothingToWithdraw, account=winner.address):
        court.withdrawRewards(sender=winner)
    check_books(court, token)


@pytest.mark.parametrize("who", ["stranger", "undrawn_juror"])
def test_withdraw_rewards__nothing_credited__reverts_nothing_to_withdraw(
    court, token, jurors, executed, stranger, who, reverts
):
    dispute_id, drawn = executed
    sdk.settle_dispute(court, dispute_id, stranger)
    caller = stranger
    if who == "undrawn_juror":  # 3 seats, 5 jurors: at least two are never drawn
        caller = next(j for j in jurors if j.address not in drawn)
    with reverts(court.CourtNothingToWithdraw, account=caller.address):
        court.withdrawRewards(sender=caller)
    check_books(court, token)


def test_juror_sdk_withdraw_rewards__none_when_nothing_is_credited(
    court, as_juror, jurors, executed, stranger
):
    dispute_id, drawn = executed
    idle = next(j for j in jurors if j.address not in drawn)
    assert as_juror(idle).withdraw_rewards() is None
    sdk.settle_dispute(court, dispute_id, stranger)
    tx = as_juror(next(j for j in jurors if j.address == drawn[0])).withdraw_rewards()
    assert [e.event_name for e in tx.decode_logs(court.RewardsWithdrawn)] == ["RewardsWithdrawn"]


# ---------------------------------------------------------------- who is incoherent


@pytest.mark.parametrize(
    "votes,hidden", [([1, 1, 1], (2,)), ([1, 1, None], ())], ids=["not_revealed", "not_committed"]
)
def test_settle__seat_without_revealed_vote__is_slashed_like_a_wrong_vote(
    court, token, open_dispute, play, pass_period, stranger, lock, arbitration_fee, votes, hidden
):
    dispute_id = open_dispute()
    drawn = play(dispute_id, votes, hidden)
    pass_period(dispute_id)
    before = court.juror(drawn[2])

    receipts = sdk.settle_dispute(court, dispute_id, stranger)

    assert [seat_event(court, r) for r in receipts] == [
        [settled_event(dispute_id, 0, 2, drawn[2], False, 0, 0, lock)],
        [
            settled_event(dispute_id, 0, 0, drawn[0], True, lock // 2, arbitration_fee // 2, 0),
            settled_event(dispute_id, 0, 1, drawn[1], True, lock // 2, arbitration_fee // 2, 0),
        ],
    ]
    after = court.juror(drawn[2])
    assert after.incoherent == before.incoherent + 1
    assert after.stake == before.stake - lock
    check_books(court, token)


def test_settle__earlier_rounds__judged_by_the_final_ruling_and_dust_goes_to_residual(
    court,
    token,
    arbitrable,
    open_dispute,
    play,
    pass_period,
    stranger,
    treasury,
    lock,
    arbitration_fee,
    court_params,
    reverts,
):
    """Round 0 rules 2 (votes 2, 2, 1); the appeal round rules 1 with 3 coherent seats of 7
    (votes 1, 1, 1, 2, 2, unrevealed, none): the final ruling 1 decides both rounds. Round 1's
    7 * fee and 4 * lock do not divide by 3: one wei and one token wei go to the residual,
    once its last seat is settled."""
    dispute_id = open_dispute()
    first = play(dispute_id, [2, 2, 1])
    appeal_fee = court.appealCost(dispute_id, b"")
    assert appeal_fee == 7 * court_params.fee_per_juror
    arbitrable.appeal(dispute_id, value=appeal_fee, sender=stranger)
    second = play(dispute_id, [1, 1, 1, 2, 2, 1, None], hidden=(5,))
    pass_period(dispute_id)
    assert court.dispute(dispute_id).ruling == 1
    assert court.round(dispute_id, 0).ruling == 2
    check_books(court, token)

    # Round 0: seats 0 and 1 voted 2, now incoherent; seat 2 alone takes everything.
    tx = court.settle(dispute_id, 0, [0, 1, 2], sender=stranger)
    assert seat_event(court, tx) == [
        settled_event(dispute_id, 0, 0, first[0], False, 0, 0, lock),
        settled_event(dispute_id, 0, 1, first[1], False, 0, 0, lock),
        settled_event(dispute_id, 0, 2, first[2], True, 2 * lock, arbitration_fee, 0),
    ]
    assert court.totals().residualTokens == court.totals().residualEth == 0
    check_books(court, token)

    # Round 1: incoherent seats 3, 4 (voted 2), 5 (unrevealed), 6 (no vote).
    tx = court.settle(dispute_id, 1, [3, 4, 5, 6], sender=stranger)
    assert [e["slashed"] for e in seat_event(court, tx)] == [lock] * 4
    assert court.round(dispute_id, 1).penalties == 4 * lock
    check_books(court, token)
    tokens, eth = 4 * lock // 3, appeal_fee // 3
    assert (4 * lock % 3, appeal_fee % 3) == (1, 1)
    tx = court.settle(dispute_id, 1, [0, 1], sender=stranger)
    assert court.totals().residualTokens == court.totals().residualEth == 0  # one seat left
    check_books(court, token)
    tx = court.settle(dispute_id, 1, [2], sender=stranger)
    assert seat_event(court, tx) == [
        settled_event(dispute_id, 1, 2, second[2], True, tokens, eth, 0)
    ]
    t = check_books(court, token)
    assert (t.residualTokens, t.residualEth) == (1, 1)
    assert (t.feesHeld, t.penaltiesHeld, t.locked) == (0, 0, 0)

    # The treasury sweeps the dust; every payout of the dispute adds up to what was paid in.
    eth_before, tokens_before = treasury.balance, token.balanceOf(treasury)
    votes = token.getVotes(treasury)  # the treasury is self-delegated
    tx = court.sweepResidual(sender=stranger)
    assert tx.events == [
        court.ResidualSwept(treasury.address, 1, 1),
        token.Transfer(court.address, treasury.address, 1),
        token.DelegateVotesChanged(treasury.address, votes, votes + 1),
    ]
    assert (treasury.balance - eth_before, token.balanceOf(treasury) - tokens_before) == (1, 1)
    t = check_books(court, token)
    assert t.rewardEthOwed == arbitration_fee + 3 * eth == arbitration_fee + appeal_fee - 1
    assert t.rewardTokensOwed == 2 * lock + 3 * tokens == 6 * lock - 1
    assert court.balance == t.rewardEthOwed
    with reverts(court.CourtNothingToWithdraw, account=treasury.address):
        court.sweepResidual(sender=stranger)


def test_settle__extra_fee_paid_at_creation__remainder_goes_to_residual(
    court, token, open_dispute, play, pass_period, stranger, treasury, arbitration_fee
):
    dispute_id = open_dispute(value=arbitration_fee + 1)
    play(dispute_id, [1, 1, 2])
    pass_period(dispute_id)

    sdk.settle_dispute(court, dispute_id, stranger)

    t = check_books(court, token)
    assert (t.residualEth, t.residualTokens) == (1, 0)
    assert t.rewardEthOwed == arbitration_fee
    before = treasury.balance
    tx = court.sweepResidual(sender=stranger)
    assert tx.events == [court.ResidualSwept(treasury.address, 0, 1)]
    assert treasury.balance - before == 1
    check_books(court, token)


def test_sweep_residual__nothing__reverts_nothing_to_withdraw(
    court, token, executed, stranger, treasury, reverts
):
    dispute_id, _ = executed
    sdk.settle_dispute(court, dispute_id, stranger)  # divides exactly: no dust

    with reverts(court.CourtNothingToWithdraw, account=treasury.address):
        court.sweepResidual(sender=stranger)
    check_books(court, token)


# ---------------------------------------------------------------- rounds without a coherent seat


def test_settle__no_coherent_seat__revealers_unlocked_non_revealer_slashed_rest_to_residual(
    court, token, open_dispute, play, pass_period, stranger, treasury, lock, arbitration_fee
):
    dispute_id = open_dispute()
    drawn = play(dispute_id, [1, 2, 1], hidden=(2,))  # 1 vs 2: ruling 0, nobody voted 0
    pass_period(dispute_id)
    assert court.dispute(dispute_id).ruling == 0
    before = snapshot(court, drawn)
    held = check_books(court, token)

    tx = court.settle(dispute_id, 0, [0, 1, 2], sender=stranger)

    assert seat_event(court, tx) == [
        settled_event(dispute_id, 0, 0, drawn[0], False, 0, 0, 0),
        settled_event(dispute_id, 0, 1, drawn[1], False, 0, 0, 0),
        settled_event(dispute_id, 0, 2, drawn[2], False, 0, 0, lock),
    ]
    slashed = Counter([drawn[2]])
    seats = Counter(drawn)
    for juror, info in snapshot(court, drawn).items():
        old = before[juror]
        assert info.stake == old.stake - lock * slashed[juror]
        assert info.locked == old.locked - lock * seats[juror]
        assert (info.coherent, info.incoherent) == (old.coherent, old.incoherent + slashed[juror])
        assert (info.rewardTokens, info.rewardEth) == (0, 0)
    assert court.round(dispute_id, 0).penalties == 0  # nobody to pay: straight to residual
    t = check_books(court, token)
    assert (t.residualTokens, t.residualEth) == (lock, arbitration_fee)
    assert (t.feesHeld, t.penaltiesHeld, t.rewardEthOwed) == (held.feesHeld - arbitration_fee, 0, 0)

    votes = token.getVotes(treasury)  # the treasury is self-delegated
    tx = court.sweepResidual(sender=stranger)

    assert tx.events == [
        court.ResidualSwept(treasury.address, lock, arbitration_fee),
        token.Transfer(court.address, treasury.address, lock),
        token.DelegateVotesChanged(treasury.address, votes, votes + lock),
    ]
    check_books(court, token)
    assert court.balance == 0


def test_settle__no_vote_revealed__every_seat_slashed_everything_to_residual(
    court, token, open_dispute, play, pass_period, stranger, lock, arbitration_fee
):
    dispute_id = open_dispute()
    play(dispute_id, [None, 2, None], hidden=(1,))
    pass_period(dispute_id)

    tx = court.settle(dispute_id, 0, [1, 2, 0], sender=stranger)

    assert [(e["seat"], e["coherent"], e["slashed"]) for e in seat_event(court, tx)] == [
        (1, False, lock),
        (2, False, lock),
        (0, False, lock),
    ]
    t = check_books(court, token)
    assert (t.residualTokens, t.residualEth) == (3 * lock, arbitration_fee)


def test_settle__tie_ruling_zero_with_a_vote_for_zero__that_seat_is_coherent(
    court, token, open_dispute, play, pass_period, stranger, lock, arbitration_fee
):
    """Votes 1, 0, 2: a three-way tie rules 0, and the seat that revealed 0 (refuse to
    arbitrate) revealed the final ruling, so it is coherent (the spec's definition) and takes
    the fees and both penalties."""
    dispute_id = open_dispute(choices=2)
    drawn = play(dispute_id, [1, 0, 2])
    pass_period(dispute_id)
    assert court.dispute(dispute_id).ruling == 0

    receipts = sdk.settle_dispute(court, dispute_id, stranger)

    assert [seat_event(court, r) for r in receipts] == [
        [
            settled_event(dispute_id, 0, 0, drawn[0], False, 0, 0, lock),
            settled_event(dispute_id, 0, 2, drawn[2], False, 0, 0, lock),
        ],
        [settled_event(dispute_id, 0, 1, drawn[1], True, 2 * lock, arbitration_fee, 0)],
    ]
    check_books(court, token)


# ---------------------------------------------------------------- refusals


def test_settle__before_execution__reverts_wrong_period(
    court, open_dispute, play, stranger, reverts
):
    dispute_id = open_dispute()
    play(dispute_id, [1, 1, 2])
    with reverts(court.CourtWrongPeriod, disputeId=dispute_id, period=Period.APPEAL):
        court.settle(dispute_id, 0, [2], sender=stranger)


def test_settle__while_another_dispute_waits_for_its_draw__reverts_frozen(
    court, token, executed, open_dispute, draw, stranger, lock, reverts
):
    dispute_id, drawn = executed
    waiting = open_dispute()
    assert court.frozen() is True

    with reverts(court.CourtFrozen):
        court.settle(dispute_id, 0, [2], sender=stranger)
    assert court.juror(drawn[2]).incoherent == 0
    check_books(court, token)

    draw(waiting)
    tx = court.settle(dispute_id, 0, [2], sender=stranger)
    assert seat_event(court, tx) == [settled_event(dispute_id, 0, 2, drawn[2], False, 0, 0, lock)]
    check_books(court, token)


def test_settle__seat_twice__reverts_seat_already_settled(
    court, token, executed, stranger, reverts
):
    dispute_id, _ = executed
    court.settle(dispute_id, 0, [2], sender=stranger)

    with reverts(court.CourtSeatAlreadySettled, disputeId=dispute_id, round=0, seat=2):
        court.settle(dispute_id, 0, [2], sender=stranger)
    with reverts(court.CourtSeatAlreadySettled, disputeId=dispute_id, round=0, seat=0):
        court.settle(dispute_id, 0, [0, 0], sender=stranger)
    assert court.round(dispute_id, 0).settled == 1
    check_books(court, token)


def test_settle__unknown_round__reverts_unknown_round(court, executed, stranger, reverts):
    dispute_id, _ = executed
    with reverts(court.CourtUnknownRound, disputeId=dispute_id, round=1):
        court.settle(dispute_id, 1, [0], sender=stranger)


def test_settle__no_seats__reverts_no_seats(court, executed, stranger, reverts):
    dispute_id, _ = executed
    with reverts(court.CourtNoSeats):
        court.settle(dispute_id, 0, [], sender=stranger)


def test_settle__seat_out_of_range__reverts_invalid_seat(court, executed, stranger, reverts):
    dispute_id, _ = executed
    with reverts(court.CourtInvalidSeat, disputeId=dispute_id, round=0, seat=3):
        court.settle(dispute_id, 0, [2, 3], sender=stranger)
    assert court.round(dispute_id, 0).settled == 0


def test_settle__unknown_dispute__reverts_unknown_dispute(court, executed, stranger, reverts):
    dispute_id, _ = executed
    with reverts(court.CourtUnknownDispute, disputeId=dispute_id + 1):
        court.settle(dispute_id + 1, 0, [0], sender=stranger)


# ---------------------------------------------------------------- locks beyond the stake


def test_settle__juror_locked_beyond_its_stake__loses_at_most_its_stake(
    court,
    token,
    jurors,
    create_juror,
    arbitrable,
    open_dispute,
    draw,
    pass_period,
    stranger,
    court_params,
    lock,
):
    """The only juror, staking exactly the minimum (10 locks), is drawn for 3 + 7 + 15 = 25
    seats and never votes: the first 10 seats slashed take its whole stake, the others take
    nothing, and every lock is released."""
    for juror in jurors:
        court.setStake(0, sender=juror)
    solo = create_juror(stake=court_params.min_stake)
    dispute_id = open_dispute()
    for _ in range(2):
        draw(dispute_id)
        for _period in range(3):
            pass_period(dispute_id)
        arbitrable.appeal(dispute_id, value=court.appealCost(dispute_id, b""), sender=stranger)
    draw(dispute_id)
    assert court.juror(solo).locked == 25 * lock > court.juror(solo).stake == 10 * lock
    for _period in range(4):
        pass_period(dispute_id)
    check_books(court, token)

    receipts = sdk.settle_dispute(court, dispute_id, stranger)

    slashed = [e["slashed"] for r in receipts for e in seat_event(court, r)]
    assert slashed == [lock] * 10 + [0] * 15
    info = court.juror(solo)
    assert (info.stake, info.locked, info.incoherent, info.weight) == (0, 0, 25, 0)
    t = check_books(court, token)
    assert t.residualTokens == court_params.min_stake
    assert t.residualEth == sum(court.round(dispute_id, r).fees for r in range(3))
