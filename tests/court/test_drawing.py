"""JurorCourt drawing: when a round can be drawn (the randomness window, its first and last
block, an expired ticket renewed), what a draw does (seats, one JurorsDrawn event with the
juror id of every seat, locks, pendingDraws, the freeze lifted), every refusal, and the draw
itself recomputed in Python from the fixed random value.

The reference draw: seat s of round r of dispute d takes
    target = uint256(keccak256(abi.encode(value, d, r, s))) % totalWeight
and the first juror, in id order, whose cumulative weight exceeds target. The tree walk of
SortitionTree only skips whole subtrees in leaf order, so it must agree exactly.

Every test starts with the five module jurors staked (10x the minimum each).
"""

from collections import Counter

import pytest
from eth_abi import encode
from eth_utils import keccak

from openotc.court import Period
from openotc.deployment.params import TOKEN_UNIT
from tests.court.court_model import reference_draw

# ---------------------------------------------------------------- fixtures and helpers


# What every test of this module starts from.
pytestmark = pytest.mark.usefixtures("jurors")


@pytest.fixture
def min_stake(court_params):
    return court_params.min_stake


@pytest.fixture
def window(randomness):
    return randomness.WINDOW()


def only(receipt, event):
    logs = receipt.decode_logs(event)
    assert len(logs) == 1, logs
    return logs[0]


def mine_to(chain, block):
    """The next transaction lands in `block`."""
    missing = block - chain.blocks.head.number - 1
    assert missing >= 0, f"already past block {block}"
    if missing:
        chain.mine(missing)


def ticket_of(court, dispute_id, round_index=0):
    return court.round(dispute_id, round_index).ticket


def target_of(court, randomness, dispute_id, round_index=0):
    return randomness.targetBlock(ticket_of(court, dispute_id, round_index))


def jurors_drawn(court, receipt, dispute_id, round_index):
    """The one JurorsDrawn event of a draw of `round_index` of `dispute_id`, as the juror
    addresses by seat; every id is the id its juror got on its first stake."""
    event = only(receipt, court.JurorsDrawn)
    assert (event.disputeId, event.round) == (dispute_id, round_index)
    addresses = [court.jurorAt(i) for i in event.jurorIds]
    assert [court.juror(a).id for a in addresses] == list(event.jurorIds)
    return addresses


def weights_by_id(court):
    return [court.juror(court.jurorAt(i)).weight for i in range(court.jurorCount())]


def expected_jurors(court, randomness, dispute_id, round_index):
    """The round's jurors by seat, recomputed from its fixed random value."""
    info = court.round(dispute_id, round_index)
    value = randomness.valueOf(info.ticket)
    assert value != 0
    weights = weights_by_id(court)
    assert sum(weights) == court.totalWeight()
    seats = []
    for seat in range(info.seats):
        random = int.from_bytes(
            keccak(
                encode(
                    ["uint256", "uint256", "uint256", "uint256"],
                    [value, dispute_id, round_index, seat],
                )
            ),
            "big",
        )
        seats.append(court.jurorAt(reference_draw(weights, random)))
    return seats


# ---------------------------------------------------------------- when a round can be drawn


def test_draw__before_the_window__reverts_randomness_not_ready(
    court, randomness, open_dispute, stranger, reverts
):
    dispute_id = open_dispute()
    ticket = ticket_of(court, dispute_id)
    target = randomness.targetBlock(ticket)

    with reverts(randomness.RandomnessNotReady, ticket=ticket, targetBlock=target):
        court.draw(dispute_id, sender=stranger)
    assert court.round(dispute_id, 0).jurors == []
    assert court.pendingDraws() == 1
    assert court.frozen()


def test_draw__one_block_before_the_target__reverts_then_at_the_target_draws(
    court, randomness, chain, open_dispute, stranger, reverts
):
    dispute_id = open_dispute()
    ticket = ticket_of(court, dispute_id)
    target = randomness.targetBlock(ticket)
    mine_to(chain, target - 1)

    with reverts(randomness.RandomnessNotReady, ticket=ticket, targetBlock=target):
        court.draw(dispute_id, sender=stranger)
    assert chain.blocks.head.number == target - 1  # the refused draw was mined there

    mine_to(chain, target)
    receipt = court.draw(dispute_id, sender=stranger)

    assert receipt.block_number == target
    fixed = receipt.decode_logs(randomness.RandomnessFixed)
    assert [e.ticket for e in fixed] == [ticket]
    assert fixed[0].value == randomness.valueOf(ticket) != 0
    drawn = jurors_drawn(court, receipt, dispute_id, 0)
    assert len(drawn) == 3
    assert drawn == court.round(dispute_id, 0).jurors
    assert receipt.decode_logs(court.DrawRequested) == []


def test_draw__in_the_last_block_of_the_window__draws(
    court, randomness, chain, open_dispute, stranger, window
):
    dispute_id = open_dispute()
    target = target_of(court, randomness, dispute_id)
    mine_to(chain, target + window - 1)

    receipt = court.draw(dispute_id, sender=stranger)

    assert receipt.block_number == target + window - 1
    drawn = jurors_drawn(court, receipt, dispute_id, 0)
    assert len(drawn) == 3
    assert drawn == court.round(dispute_id, 0).jurors
    assert receipt.decode_logs(court.DrawRequested) == []
    assert court.pendingDraws() == 0


def test_draw__ticket_expired_unfulfilled__requests_a_new_ticket_and_draws_no_seat(
    court, randomness, chain, open_dispute, stranger, window
):
    dispute_id = open_dispute()
    expired = ticket_of(court, dispute_id)
    target = randomness.targetBlock(expired)
    mine_to(chain, target + window)

    receipt = court.draw(dispute_id, sender=stranger)

    fresh = randomness.ticketCount() - 1
    assert fresh == expired + 1
    assert only(receipt, court.DrawRequested).event_arguments == {
        "disputeId": dispute_id,
        "round": 0,
        "ticket": fresh,
    }
    requested = only(receipt, randomness.RandomnessRequested)
    assert (requested.ticket, requested.requester) == (fresh, court.address)
    assert requested.targetBlock == receipt.block_number + randomness.LOOKAHEAD()
    assert receipt.decode_logs(court.JurorsDrawn) == []
    assert receipt.decode_logs(randomness.RandomnessFixed) == []
    assert randomness.valueOf(expired) == 0
    assert court.round(dispute_id, 0).ticket == fresh
    assert court.round(dispute_id, 0).jurors == []
    assert court.pendingDraws() == 1
    assert court.frozen()
    assert court.totals().locked == 0


def test_draw__after_renewing_an_expired_ticket__draws_in_the_new_window(
    court, randomness, chain, open_dispute, draw, stranger, window, reverts
):
    dispute_id = open_dispute()
    mine_to(chain, target_of(court, randomness, dispute_id) + window)
    court.draw(dispute_id, sender=stranger)
    fresh = ticket_of(court, dispute_id)
    # The new ticket has its own window: not ready straight away.
    with reverts(
        randomness.RandomnessNotReady, ticket=fresh, targetBlock=randomness.targetBlock(fresh)
    ):
        court.draw(dispute_id, sender=stranger)

    receipt = draw(dispute_id)

    assert receipt.block_number == randomness.targetBlock(fresh)
    drawn = jurors_drawn(court, receipt, dispute_id, 0)
    assert len(drawn) == 3
    assert drawn == court.round(dispute_id, 0).jurors
    assert drawn == expected_jurors(court, randomness, dispute_id, 0)
    assert court.pendingDraws() == 0


def test_draw__ticket_fulfilled_by_anyone_in_its_window__draws_after_the_window(
    court, randomness, chain, open_dispute, stranger, maker, window
):
    """The value fixed by a keeper's fulfil stays the round's value for ever."""
    dispute_id = open_dispute()
    ticket = ticket_of(court, dispute_id)
    target = randomness.targetBlock(ticket)
    mine_to(chain, target)
    fixed = randomness.fulfil(ticket, sender=maker).decode_logs(randomness.RandomnessFixed)
    mine_to(chain, target + window + 10)

    receipt = court.draw(dispute_id, sender=stranger)

    assert receipt.decode_logs(court.DrawRequested) == []
    assert receipt.decode_logs(randomness.RandomnessFixed) == []
    assert randomness.valueOf(ticket) == fixed[0].value
    drawn = jurors_drawn(court, receipt, dispute_id, 0)
    assert len(drawn) == 3
    assert drawn == court.round(dispute_id, 0).jurors
    assert drawn == expected_jurors(court, randomness, dispute_id, 0)


# ---------------------------------------------------------------- what a draw does


def test_draw__fills_three_seats_with_one_jurors_drawn_event_and_locks_each_seat(
    court, open_dispute, draw, jurors, lock
):
    dispute_id = open_dispute()
    stakes = {j.address: court.juror(j).stake for j in jurors}
    weights = {j.address: court.juror(j).weight for j in jurors}
    ids = {court.juror(j).id: j.address for j in jurors}

    receipt = draw(dispute_id)

    event = only(receipt, court.JurorsDrawn)
    assert (event.disputeId, event.round) == (dispute_id, 0)
    assert len(event.jurorIds) == 3
    assert set(event.jurorIds) <= set(ids)
    drawn = [court.jurorAt(i) for i in event.jurorIds]
    assert drawn == [ids[i] for i in event.jurorIds]
    assert court.round(dispute_id, 0).jurors == drawn
    for seat, juror in enumerate(drawn):
        assert court.vote(dispute_id, 0, seat).juror == juror
    assert set(drawn) <= set(stakes)
    seats = Counter(drawn)
    for juror in jurors:
        info = court.juror(juror)
        assert info.locked == lock * seats[juror.address]
        # Locking changes neither the stake nor the drawing weight.
        assert info.stake == stakes[juror.address]
        assert info.weight == weights[juror.address]
    assert court.totals().locked == 3 * lock
    assert court.totals().staked == sum(stakes.values())
    assert court.pendingDraws() == 0
    assert not court.frozen()
    assert receipt.decode_logs(court.DrawRequested) == []


def test_draw__by_anyone__is_accepted(court, randomness, chain, open_dispute, maker):
    dispute_id = open_dispute()
    mine_to(chain, target_of(court, randomness, dispute_id))

    receipt = court.draw(dispute_id, sender=maker)

    drawn = jurors_drawn(court, receipt, dispute_id, 0)
    assert len(drawn) == 3
    assert drawn == court.round(dispute_id, 0).jurors


def test_draw__each_pending_round__decrements_pending_draws(court, open_dispute, draw):
    first, second = open_dispute(), open_dispute()
    assert court.pendingDraws() == 2

    draw(second)
    assert court.pendingDraws() == 1
    assert court.frozen()

    draw(first)
    assert court.pendingDraws() == 0
    assert not court.frozen()


def test_draw__twice__reverts_already_drawn(court, open_dispute, draw, stranger, reverts):
    dispute_id = open_dispute()
    draw(dispute_id)

    with reverts(court.CourtAlreadyDrawn, disputeId=dispute_id, round=0):
        court.draw(dispute_id, sender=stranger)
    assert court.pendingDraws() == 0


def test_draw__in_commit_period__reverts_wrong_period(
    court, open_dispute, draw, pass_period, stranger, reverts
):
    dispute_id = open_dispute()
    draw(dispute_id)
    pass_period(dispute_id)

    with reverts(court.CourtWrongPeriod, disputeId=dispute_id, period=Period.COMMIT):
        court.draw(dispute_id, sender=stranger)


def test_draw__unknown_dispute__reverts_unknown_dispute(court, open_dispute, stranger, reverts):
    open_dispute()
    unknown = court.disputeCount()

    with reverts(court.CourtUnknownDispute, disputeId=unknown):
        court.draw(unknown, sender=stranger)


def test_draw__nobody_staked_once_randomness_is_fixed__reverts_no_jurors(
    court, randomness, chain, jurors, open_dispute, stranger, reverts
):
    """Every juror leaves before the dispute opens (nothing pending: no stale mark), so the
    round's ticket is valid and its value is fixed, but the tree is empty."""
    for juror in jurors:
        court.setStake(0, sender=juror)
    assert court.totalWeight() == 0
    dispute_id = open_dispute()
    ticket = ticket_of(court, dispute_id)
    assert not court.frozen()
    mine_to(chain, randomness.targetBlock(ticket))

    with reverts(court.CourtNoJurors):
        court.draw(dispute_id, sender=stranger)
    # The whole draw reverted: the value was not fixed.
    assert randomness.valueOf(ticket) == 0
    assert court.pendingDraws() == 1
    assert court.round(dispute_id, 0).jurors == []


def test_draw__juror_joins_after_no_jurors__renews_the_known_ticket(
    court, randomness, chain, jurors, open_dispute, stranger, reverts, min_stake
):
    """After a CourtNoJurors refusal the would-be value is public (anyone can fulfil it). A
    juror joining now (applied at once: the tree is empty) must not be judged by it: the next
    draw renews the ticket."""
    for juror in jurors:
        court.setStake(0, sender=juror)
    dispute_id = open_dispute()
    ticket = ticket_of(court, dispute_id)
    mine_to(chain, randomness.targetBlock(ticket))
    with reverts(court.CourtNoJurors):
        court.draw(dispute_id, sender=stranger)
    value = randomness.fulfil(ticket, sender=stranger).decode_logs(randomness.RandomnessFixed)
    assert value[0].value == randomness.valueOf(ticket) != 0
    receipt = court.setStake(min_stake, sender=jurors[0])
    assert only(receipt, court.StakeSet).stake == min_stake

    renewal = court.draw(dispute_id, sender=stranger)

    assert only(renewal, court.DrawRequested).ticket == ticket + 1
    assert renewal.decode_logs(court.JurorsDrawn) == []
    assert court.round(dispute_id, 0).ticket == ticket + 1


# ---------------------------------------------------------------- who is drawn


def test_draw__recomputed_from_the_random_value__matches_every_seat_of_two_rounds(
    court,
    randomness,
    arbitrable,
    create_juror,
    open_dispute,
    draw,
    vote_round,
    stranger,
    min_stake,
):
    """Uneven stakes on top of the five module jurors; round 0 (3 seats) and, after an
    appeal, round 1 (7 seats): the round index is part of every seat's random number."""
    for stake in (min_stake, 3 * min_stake + 12_345, 25 * min_stake + 1):
        create_juror(stake=stake)
    dispute_id = open_dispute()

    drawn = vote_round(dispute_id, lambda _juror: 1)

    assert drawn == expected_jurors(court, randomness, dispute_id, 0)
    cost = court.appealCost(dispute_id, b"")
    arbitrable.appeal(dispute_id, value=cost, sender=stranger)
    receipt = draw(dispute_id)
    expected = expected_jurors(court, randomness, dispute_id, 1)
    assert len(expected) == 7
    assert jurors_drawn(court, receipt, dispute_id, 1) == expected
    assert court.round(dispute_id, 1).jurors == expected


def test_draw__round_of_fifteen_seats__every_seat_past_the_eighth_matches_too(
    court, randomness, arbitrable, create_juror, open_dispute, draw, vote_round, stranger, min_stake
):
    """Round 2 (after two appeals) has 15 seats: more than one storage word of juror ids.
    Every seat of the event, of round() and of vote() is the reference draw's juror."""
    for stake in (2 * min_stake + 7, 13 * min_stake):
        create_juror(stake=stake)
    dispute_id = open_dispute()
    vote_round(dispute_id, lambda _juror: 1)
    arbitrable.appeal(dispute_id, value=court.appealCost(dispute_id, b""), sender=stranger)
    vote_round(dispute_id, lambda _juror: 1)
    arbitrable.appeal(dispute_id, value=court.appealCost(dispute_id, b""), sender=stranger)

    receipt = draw(dispute_id)

    expected = expected_jurors(court, randomness, dispute_id, 2)
    assert len(expected) == 15
    assert jurors_drawn(court, receipt, dispute_id, 2) == expected
    assert court.round(dispute_id, 2).jurors == expected
    assert [court.vote(dispute_id, 2, seat).juror for seat in range(15)] == expected


def test_draw__over_several_disputes__only_staked_jurors_and_mostly_the_largest_stake(
    court, randomness, create_juror, jurors, open_dispute, draw, min_stake
):
    """A whale with 99% of the weight, a juror who staked and left (weight 0) and an account
    that never staked. Over three disputes (nine seats) only jurors with weight are drawn, the
    whale holds at least six seats (a chance below 2e-6 to fail at random), and every seat is
    what the reference draw gives."""
    whale_stake = 4_950_000 * TOKEN_UNIT
    whale = create_juror(stake=whale_stake, funds=whale_stake)
    leaver = create_juror(stake=min_stake)
    court.setStake(0, sender=leaver)
    never = create_juror()
    assert court.juror(leaver).weight == 0
    disputes = [open_dispute() for _ in range(3)]

    seats = []
    for dispute_id in disputes:
        draw(dispute_id)
        drawn = court.round(dispute_id, 0).jurors
        assert drawn == expected_jurors(court, randomness, dispute_id, 0)
        seats.extend(drawn)

    staked = {j.address for j in jurors} | {whale.address}
    assert set(seats) <= staked
    assert leaver.address not in seats
    assert never.address not in seats
    assert all(court.juror(address).weight > 0 for address in seats)
    assert Counter(seats)[whale.address] >= 6
