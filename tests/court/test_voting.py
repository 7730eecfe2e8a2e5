"""JurorCourt voting: commit (who, which seats, when, what), reveal (binding of the commitment
to choice, salt, juror, dispute, round, chain and court), and the period machine driven by
`passPeriod` (drawn jurors, period ends at t - 1 / t, early ends of Commit and Reveal, the
ERC-792 status and the `dispute` view along the way).

Seats are drawn at random (prevrandao), so no test assumes who holds which seat: each reads
the drawn jurors and picks a holder, another juror or a stranger from them. Votes go straight
through the contract, one commitment per juror and choice (the SDK's Juror is exercised in
test_juror_sdk.py).
"""

import pytest
from eth_utils import keccak

from openotc import court as sdk
from openotc.court import Period
from openotc.units import MAX_UINT256

# IArbitrator.DisputeStatus
WAITING, APPEALABLE, SOLVED = 0, 1, 2


# ---------------------------------------------------------------- fixtures and helpers


# What every test of this module starts from.
pytestmark = pytest.mark.usefixtures("jurors")


def pin(chain, timestamp):
    chain.pending_timestamp = timestamp
    return timestamp


def refused_one_second_early(court, chain, dispute_id, sender, reverts):
    """passPeriod in a block one second before the period's end reverts CourtPeriodNotOver."""
    ends = court.dispute(dispute_id).periodEnd
    pin(chain, ends - 1)
    with reverts(court.CourtPeriodNotOver, disputeId=dispute_id, endsAt=ends):
        court.passPeriod(dispute_id, sender=sender)


def pass_at_end(court, chain, dispute_id, entering, sender):
    """Passes the dispute's period in a block at its end, into `entering` (the only event);
    returns (that end, the dispute's view after)."""
    ends = pin(chain, court.dispute(dispute_id).periodEnd)
    tx = court.passPeriod(dispute_id, sender=sender)
    assert tx.events == [court.NewPeriod(dispute_id, entering)]
    return ends, court.dispute(dispute_id)


def salt_of(*parts) -> bytes:
    return keccak(text=":".join(str(p) for p in parts))


def current_round(court, dispute_id) -> int:
    return court.dispute(dispute_id).rounds - 1


def drawn_jurors(court, dispute_id) -> list[str]:
    return list(court.round(dispute_id, current_round(court, dispute_id)).jurors)


def seats_of(court, dispute_id, juror) -> list[int]:
    return [s for s, a in enumerate(drawn_jurors(court, dispute_id)) if a == juror]


def other_juror(jurors, address):
    """A staked juror that is not `address`."""
    return next(j for j in jurors if j.address != address)


def not_holding(court, jurors, dispute_id, seat):
    """A staked juror that does not hold `seat` of the current round."""
    return other_juror(jurors, drawn_jurors(court, dispute_id)[seat])


def seal(court, dispute_id, juror, choice, salt=None):
    salt = salt if salt is not None else salt_of(dispute_id, juror, choice)
    return salt, court.commitmentOf(
        choice, salt, juror, dispute_id, current_round(court, dispute_id)
    )


def commit_all(court, accounts, dispute_id, choice=1):
    """Every drawn juror commits `choice` for all its seats. Returns {juror: (seats, salt)}."""
    done = {}
    for juror in dict.fromkeys(drawn_jurors(court, dispute_id)):
        seats = seats_of(court, dispute_id, juror)
        salt, digest = seal(court, dispute_id, juror, choice)
        court.commit(dispute_id, seats, digest, sender=accounts[juror])
        done[juror] = (seats, salt)
    return done


def reveal_all(court, accounts, dispute_id, committed, choice=1):
    for juror, (seats, salt) in committed.items():
        court.reveal(dispute_id, seats, choice, salt, sender=accounts[juror])


@pytest.fixture
def to_period(court, draw, pass_period):
    """`to_period(dispute_id, period)`: draws if needed and passes periods (at their end) up
    to `period`, without any vote."""

    def go(dispute_id, period):
        while (info := court.dispute(dispute_id)).period < period:
            if info.period == Period.EVIDENCE and not drawn_jurors(court, dispute_id):
                draw(dispute_id)
            pass_period(dispute_id)

    return go


@pytest.fixture
def drawn(open_dispute, draw):
    """A dispute (2 choices) whose round 0 is drawn, still in Evidence."""
    dispute_id = open_dispute()
    draw(dispute_id)
    return dispute_id


@pytest.fixture
def committing(drawn, pass_period):
    """A dispute in the Commit period of round 0."""
    pass_period(drawn)
    return drawn


@pytest.fixture
def split(court, open_dispute, draw, pass_period):
    """A dispute in Commit whose seats are held by at least two jurors (the draw is random:
    opens disputes until one is)."""
    while True:
        dispute_id = open_dispute()
        draw(dispute_id)
        if len(set(drawn_jurors(court, dispute_id))) > 1:
            pass_period(dispute_id)
            return dispute_id


@pytest.fixture
def committed(court, accounts, committing):
    """(dispute id, {juror: (seats, salt)}): every seat committed 1, in Reveal."""
    votes = commit_all(court, accounts, committing)
    court.passPeriod(committing, sender=accounts[drawn_jurors(court, committing)[0]])
    return committing, votes


# ---------------------------------------------------------------- commit: when


@pytest.mark.parametrize(
    "period", [Period.EVIDENCE, Period.REVEAL, Period.APPEAL, Period.EXECUTION]
)
def test_commit__outside_commit_period__reverts_wrong_period(
    court, accounts, drawn, to_period, period, reverts
):
    to_period(drawn, period)
    juror = drawn_jurors(court, drawn)[0]
    _, digest = seal(court, drawn, juror, 1)

    with reverts(court.CourtWrongPeriod, disputeId=drawn, period=period):
        court.commit(drawn, [0], digest, sender=accounts[juror])
    assert court.round(drawn, 0).committed == 0


@pytest.mark.parametrize("offset", [0, 1], ids=["at_end", "after_end"])
def test_commit__at_or_after_commit_end__reverts_period_over(
    court, accounts, chain, committing, offset, reverts
):
    ends = court.dispute(committing).periodEnd
    juror = drawn_jurors(court, committing)[0]
    _, digest = seal(court, committing, juror, 1)
    pin(chain, ends + offset)

    with reverts(court.CourtPeriodOver, disputeId=committing, endedAt=ends):
        court.commit(committing, [0], digest, sender=accounts[juror])
    assert court.vote(committing, 0, 0).commitment == b"\x00" * 32


def test_commit__one_second_before_commit_end__is_accepted(court, accounts, chain, committing):
    juror = drawn_jurors(court, committing)[0]
    _, digest = seal(court, committing, juror, 1)
    pin(chain, court.dispute(committing).periodEnd - 1)

    tx = court.commit(committing, [0], digest, sender=accounts[juror])

    assert tx.events == [court.VoteCommitted(committing, 0, juror, [0], digest)]
    assert court.vote(committing, 0, 0).commitment == digest


def test_commit__unknown_dispute__reverts_unknown_dispute(court, accounts, committing, reverts):
    juror = drawn_jurors(court, committing)[0]
    with reverts(court.CourtUnknownDispute, disputeId=committing + 1):
        court.commit(committing + 1, [0], salt_of("x"), sender=accounts[juror])


# ---------------------------------------------------------------- commit: what and which seats


def test_commit__zero_commitment__reverts_zero_commitment(court, accounts, committing, reverts):
    juror = drawn_jurors(court, committing)[0]
    with reverts(court.CourtZeroCommitment):
        court.commit(committing, [0], b"\x00" * 32, sender=accounts[juror])
    assert court.round(committing, 0).committed == 0


def test_commit__no_seats__reverts_no_seats(court, accounts, committing, reverts):
    juror = drawn_jurors(court, committing)[0]
    _, digest = seal(court, committing, juror, 1)
    with reverts(court.CourtNoSeats):
        court.commit(committing, [], digest, sender=accounts[juror])


@pytest.mark.parametrize("seat", [3, MAX_UINT256], ids=["first_past_the_end", "max_uint"])
def test_commit__seat_out_of_range__reverts_invalid_seat(
    court, accounts, committing, seat, reverts
):
    juror = drawn_jurors(court, committing)[0]
    _, digest = seal(court, committing, juror, 1)
    with reverts(court.CourtInvalidSeat, disputeId=committing, round=0, seat=seat):
        court.commit(committing, [0, seat], digest, sender=accounts[juror])
    assert court.vote(committing, 0, 0).commitment == b"\x00" * 32


def test_commit__another_jurors_seat__reverts_not_seat_juror(court, jurors, committing, reverts):
    intruder = not_holding(court, jurors, committing, 2)
    _, digest = seal(court, committing, intruder.address, 1)
    with reverts(
        court.CourtNotSeatJuror, disputeId=committing, round=0, seat=2, caller=intruder.address
    ):
        court.commit(committing, [2], digest, sender=intruder)
    assert court.vote(committing, 0, 2).commitment == b"\x00" * 32


def test_commit__own_seat_with_someone_elses__reverts_and_commits_nothing(
    court, accounts, split, reverts
):
    committing = split
    drawn = drawn_jurors(court, committing)
    juror = drawn[0]
    others = [s for s, a in enumerate(drawn) if a != juror]
    _, digest = seal(court, committing, juror, 1)
    with reverts(
        court.CourtNotSeatJuror, disputeId=committing, round=0, seat=others[0], caller=juror
    ):
        court.commit(committing, [0, others[0]], digest, sender=accounts[juror])
    assert court.vote(committing, 0, 0).commitment == b"\x00" * 32
    assert court.round(committing, 0).committed == 0


def test_commit__by_a_non_juror__reverts_not_seat_juror(court, committing, stranger, reverts):
    _, digest = seal(court, committing, stranger.address, 1)
    with reverts(
        court.CourtNotSeatJuror, disputeId=committing, round=0, seat=0, caller=stranger.address
    ):
        court.commit(committing, [0], digest, sender=stranger)


def test_commit__twice__reverts_already_committed(court, accounts, committing, reverts):
    juror = drawn_jurors(court, committing)[1]
    _, first = seal(court, committing, juror, 1)
    _, second = seal(court, committing, juror, 2)
    court.commit(committing, [1], first, sender=accounts[juror])

    with reverts(court.CourtAlreadyCommitted, disputeId=committing, round=0, seat=1):
        court.commit(committing, [1], second, sender=accounts[juror])
    assert court.vote(committing, 0, 1).commitment == first
    assert court.round(committing, 0).committed == 1


def test_commit__same_seat_twice_in_one_call__reverts_already_committed(
    court, accounts, committing, reverts
):
    juror = drawn_jurors(court, committing)[0]
    _, digest = seal(court, committing, juror, 1)
    with reverts(court.CourtAlreadyCommitted, disputeId=committing, round=0, seat=0):
        court.commit(committing, [0, 0], digest, sender=accounts[juror])
    assert court.round(committing, 0).committed == 0


def test_commit__emits_vote_committed_and_never_shows_the_salt(court, accounts, committing):
    juror = drawn_jurors(court, committing)[0]
    seats = seats_of(court, committing, juror)
    salt, digest = seal(court, committing, juror, 2, salt=salt_of("secret", committing))

    tx = court.commit(committing, seats, digest, sender=accounts[juror])

    assert tx.events == [court.VoteCommitted(committing, 0, juror, seats, digest)]
    event = tx.decode_logs(court.VoteCommitted)[0]
    assert event.event_arguments == {
        "disputeId": committing,
        "round": 0,
        "juror": juror,
        "seats": seats,
        "commitment": digest,
    }
    # Neither the calldata nor any log (topics or data) carries the salt or the choice's seal.
    assert salt not in bytes(tx.transaction.data)
    for log in tx.logs:
        assert salt not in bytes(log["data"])
        assert all(bytes(topic) != salt for topic in log["topics"])
    vote = court.vote(committing, 0, seats[0])
    assert (vote.juror, vote.commitment, vote.choice, vote.revealed, vote.settled) == (
        juror,
        digest,
        0,
        False,
        False,
    )
    assert court.round(committing, 0).committed == len(seats)


@pytest.fixture
def solo_juror(court, jurors):
    """The only juror left staked: every seat of a new dispute is its."""
    for juror in jurors[1:]:
        court.setStake(0, sender=juror)
    return jurors[0]


def test_commit__juror_with_every_seat__commits_them_all_at_once(
    court, solo_juror, open_dispute, draw, pass_period
):
    dispute_id = open_dispute()
    draw(dispute_id)
    pass_period(dispute_id)
    assert drawn_jurors(court, dispute_id) == [solo_juror.address] * 3
    _, digest = seal(court, dispute_id, solo_juror.address, 2)

    tx = court.commit(dispute_id, [2, 0, 1], digest, sender=solo_juror)

    assert tx.events == [court.VoteCommitted(dispute_id, 0, solo_juror.address, [2, 0, 1], digest)]
    assert court.round(dispute_id, 0).committed == 3
    assert [court.vote(dispute_id, 0, s).commitment for s in range(3)] == [digest] * 3
    # Every seat committed: the Commit period may end at once.
    ended = court.passPeriod(dispute_id, sender=solo_juror)
    assert ended.events == [court.NewPeriod(dispute_id, Period.REVEAL)]


def test_commit__seats_one_at_a_time__each_with_its_own_commitment(
    court, solo_juror, open_dispute, draw, pass_period
):
    dispute_id = open_dispute()
    draw(dispute_id)
    pass_period(dispute_id)
    digests = [seal(court, dispute_id, solo_juror.address, c)[1] for c in (1, 2)]

    court.commit(dispute_id, [0, 2], digests[0], sender=solo_juror)
    court.commit(dispute_id, [1], digests[1], sender=solo_juror)

    assert [court.vote(dispute_id, 0, s).commitment for s in range(3)] == [
        digests[0],
        digests[1],
        digests[0],
    ]


# ---------------------------------------------------------------- commitmentOf


def test_commitment_of__equals_the_sdk_commitment(court, chain, committing):
    juror = drawn_jurors(court, committing)[0]
    salt = salt_of("sdk")
    for choice in (0, 1, 2, 2**32 - 1):
        assert court.commitmentOf(choice, salt, juror, committing, 0) == sdk.commitment(
            choice, salt, juror, committing, 0, chain.chain_id, court.address
        )


BASE = {"choice": 1, "salt": salt_of("base"), "dispute_id": 7, "round_index": 2}
CHANGES = [
    ("choice", {"choice": 2}),
    ("salt", {"salt": salt_of("other")}),
    ("dispute", {"dispute_id": 8}),
    ("round", {"round_index": 3}),
]


@pytest.mark.parametrize("change", CHANGES, ids=[c[0] for c in CHANGES])
def test_commitment_of__changes_with_every_argument(court, chain, stranger, change):
    _, changed = change
    base = court.commitmentOf(
        BASE["choice"], BASE["salt"], stranger, BASE["dispute_id"], BASE["round_index"]
    )
    args = {**BASE, **changed}
    other = court.commitmentOf(
        args["choice"], args["salt"], stranger, args["dispute_id"], args["round_index"]
    )

    assert other != base
    assert other == sdk.commitment(
        args["choice"],
        args["salt"],
        stranger.address,
        args["dispute_id"],
        args["round_index"],
        chain.chain_id,
        court.address,
    )


def test_commitment_of__binds_the_juror(court, stranger, treasury):
    args = (BASE["choice"], BASE["salt"])
    rest = (BASE["dispute_id"], BASE["round_index"])
    assert court.commitmentOf(*args, stranger, *rest) != court.commitmentOf(*args, treasury, *rest)


def test_commitment__binds_chain_id(court, chain, stranger):
    args = (BASE["choice"], BASE["salt"], stranger.address, BASE["dispute_id"], 0)
    here = sdk.commitment(*args, chain.chain_id, court.address)
    assert court.commitmentOf(*args) == here
    assert sdk.commitment(*args, chain.chain_id + 1, court.address) != here
    assert sdk.commitment(*args, 1, court.address) != here


def test_commitment_of__binds_the_court(
    project, deployer, court, randomness, token, timelock, treasury, court_params, chain, stranger
):
    other = deployer.deploy(
        project.JurorCourt, timelock, token, randomness, treasury, court_params.as_tuple()
    )
    args = (BASE["choice"], BASE["salt"], stranger.address, BASE["dispute_id"], 0)

    assert other.commitmentOf(*args) != court.commitmentOf(*args)
    assert other.commitmentOf(*args) == sdk.commitment(*args, chain.chain_id, other.address)


# ---------------------------------------------------------------- reveal


@pytest.mark.parametrize("period", [Period.COMMIT, Period.APPEAL, Period.EXECUTION])
def test_reveal__outside_reveal_period__reverts_wrong_period(
    court, accounts, committing, to_period, period, reverts
):
    juror = drawn_jurors(court, committing)[0]
    seats = seats_of(court, committing, juror)
    salt, digest = seal(court, committing, juror, 1)
    court.commit(committing, seats, digest, sender=accounts[juror])
    to_period(committing, period)

    with reverts(court.CourtWrongPeriod, disputeId=committing, period=period):
        court.reveal(committing, seats, 1, salt, sender=accounts[juror])
    assert court.round(committing, 0).revealed == 0


@pytest.mark.parametrize("offset", [0, 1], ids=["at_end", "after_end"])
def test_reveal__at_or_after_reveal_end__reverts_period_over(
    court, accounts, chain, committed, offset, reverts
):
    dispute_id, votes = committed
    juror, (seats, salt) = next(iter(votes.items()))
    ends = court.dispute(dispute_id).periodEnd
    pin(chain, ends + offset)

    with reverts(court.CourtPeriodOver, disputeId=dispute_id, endedAt=ends):
        court.reveal(dispute_id, seats, 1, salt, sender=accounts[juror])
    assert court.vote(dispute_id, 0, seats[0]).revealed is False


def test_reveal__one_second_before_reveal_end__emits_vote_revealed(
    court, accounts, chain, committed
):
    dispute_id, votes = committed
    juror, (seats, salt) = next(iter(votes.items()))
    pin(chain, court.dispute(dispute_id).periodEnd - 1)

    tx = court.reveal(dispute_id, seats, 1, salt, sender=accounts[juror])

    assert tx.events == [court.VoteRevealed(dispute_id, 0, juror, seats, 1)]
    assert tx.decode_logs(court.VoteRevealed)[0].event_arguments == {
        "disputeId": dispute_id,
        "round": 0,
        "juror": juror,
        "seats": seats,
        "choice": 1,
    }
    for seat in seats:
        vote = court.vote(dispute_id, 0, seat)
        assert (vote.juror, vote.choice, vote.revealed, vote.settled) == (juror, 1, True, False)
    info = court.round(dispute_id, 0)
    assert (info.revealed, info.ruling) == (len(seats), 1)
    assert court.currentRuling(dispute_id) == 1


def test_reveal__seat_never_committed__reverts_not_committed(
    court, accounts, committing, to_period, reverts
):
    juror = drawn_jurors(court, committing)[0]
    salt, _ = seal(court, committing, juror, 1)
    to_period(committing, Period.REVEAL)

    with reverts(court.CourtNotCommitted, disputeId=committing, round=0, seat=0):
        court.reveal(committing, [0], 1, salt, sender=accounts[juror])


@pytest.mark.parametrize("wrong", ["salt", "choice"])
def test_reveal__wrong_salt_or_choice__reverts_commitment_mismatch(
    court, accounts, committed, wrong, reverts
):
    dispute_id, votes = committed
    juror, (seats, salt) = next(iter(votes.items()))
    choice = 2 if wrong == "choice" else 1
    if wrong == "salt":
        salt = salt_of("not", salt.hex())

    with reverts(court.CourtCommitmentMismatch, disputeId=dispute_id, round=0, seat=seats[0]):
        court.reveal(dispute_id, seats, choice, salt, sender=accounts[juror])
    assert court.round(dispute_id, 0).revealed == 0


def test_reveal__choice_above_choices__reverts_invalid_choice(
    court, accounts, committing, to_period, reverts
):
    juror = drawn_jurors(court, committing)[0]
    seats = seats_of(court, committing, juror)
    # Even a commitment to 3 cannot be revealed in a dispute with 2 choices.
    salt, digest = seal(court, committing, juror, 3)
    court.commit(committing, seats, digest, sender=accounts[juror])
    to_period(committing, Period.REVEAL)

    with reverts(court.CourtInvalidChoice, choice=3, choices=2):
        court.reveal(committing, seats, 3, salt, sender=accounts[juror])
    assert court.round(committing, 0).revealed == 0


@pytest.mark.parametrize("choice", [0, 2], ids=["refuse", "highest"])
def test_reveal__choice_zero_or_highest__is_counted(court, accounts, committing, to_period, choice):
    juror = drawn_jurors(court, committing)[0]
    seats = seats_of(court, committing, juror)
    salt, digest = seal(court, committing, juror, choice)
    court.commit(committing, seats, digest, sender=accounts[juror])
    to_period(committing, Period.REVEAL)

    tx = court.reveal(committing, seats, choice, salt, sender=accounts[juror])

    assert tx.events == [court.VoteRevealed(committing, 0, juror, seats, choice)]
    assert court.round(committing, 0).ruling == choice


def test_reveal__twice__reverts_already_revealed(court, accounts, committed, reverts):
    dispute_id, votes = committed
    juror, (seats, salt) = next(iter(votes.items()))
    court.reveal(dispute_id, seats, 1, salt, sender=accounts[juror])

    with reverts(court.CourtAlreadyRevealed, disputeId=dispute_id, round=0, seat=seats[0]):
        court.reveal(dispute_id, seats, 1, salt, sender=accounts[juror])
    assert court.round(dispute_id, 0).revealed == len(seats)


def test_reveal__another_jurors_seat__reverts_not_seat_juror(court, jurors, committed, reverts):
    dispute_id, votes = committed
    juror, (seats, salt) = next(iter(votes.items()))
    intruder = other_juror(jurors, juror)
    with reverts(
        court.CourtNotSeatJuror,
        disputeId=dispute_id,
        round=0,
        seat=seats[0],
        caller=intruder.address,
    ):
        court.reveal(dispute_id, seats, 1, salt, sender=intruder)


def test_reveal__commitment_copied_from_another_juror__cannot_be_revealed_by_the_copier(
    court, accounts, split, to_period, reverts
):
    committing = split
    drawn = drawn_jurors(court, committing)
    author = drawn[0]
    copier = next(a for a in drawn if a != author)
    author_seats, copier_seats = (
        seats_of(court, committing, author),
        seats_of(court, committing, copier),
    )
    salt, digest = seal(court, committing, author, 2)
    court.commit(committing, author_seats, digest, sender=accounts[author])
    court.commit(committing, copier_seats, digest, sender=accounts[copier])  # copied
    to_period(committing, Period.REVEAL)

    # The copier learns choice and salt once the author reveals: still no match for it.
    court.reveal(committing, author_seats, 2, salt, sender=accounts[author])
    with reverts(
        court.CourtCommitmentMismatch, disputeId=committing, round=0, seat=copier_seats[0]
    ):
        court.reveal(committing, copier_seats, 2, salt, sender=accounts[copier])
    assert court.round(committing, 0).revealed == len(author_seats)
    assert all(not court.vote(committing, 0, s).revealed for s in copier_seats)


def test_reveal__commitment_of_another_round__reverts_commitment_mismatch(
    court, accounts, committing, to_period, reverts
):
    """A commitment bound to round 1 (or another dispute) does not open round 0's seat."""
    juror = drawn_jurors(court, committing)[0]
    seats = seats_of(court, committing, juror)
    salt = salt_of("round")
    court.commit(
        committing, seats, court.commitmentOf(1, salt, juror, committing, 1), sender=accounts[juror]
    )
    to_period(committing, Period.REVEAL)

    with reverts(court.CourtCommitmentMismatch, disputeId=committing, round=0, seat=seats[0]):
        court.reveal(committing, seats, 1, salt, sender=accounts[juror])


# ---------------------------------------------------------------- passPeriod: Evidence


def test_pass_period__evidence_without_draw__reverts_jurors_not_drawn(
    court, chain, open_dispute, stranger, reverts
):
    dispute_id = open_dispute()
    pin(chain, court.dispute(dispute_id).periodEnd + 1)

    with reverts(court.CourtJurorsNotDrawn, disputeId=dispute_id):
        court.passPeriod(dispute_id, sender=stranger)
    assert court.dispute(dispute_id).period == Period.EVIDENCE


def test_pass_period__evidence_one_second_before_end__reverts_period_not_over(
    court, chain, drawn, stranger, reverts
):
    refused_one_second_early(court, chain, drawn, stranger, reverts)
    assert court.dispute(drawn).period == Period.EVIDENCE


def test_pass_period__evidence_at_end__enters_commit(court, chain, drawn, stranger, court_params):
    ends, info = pass_at_end(court, chain, drawn, Period.COMMIT, stranger)
    assert (info.period, info.periodStart, info.periodEnd) == (
        Period.COMMIT,
        ends,
        ends + court_params.commit_period,
    )
    assert court.disputeStatus(drawn) == WAITING


def test_pass_period__unknown_dispute__reverts_unknown_dispute(court, stranger, reverts):
    with reverts(court.CourtUnknownDispute, disputeId=0):
        court.passPeriod(0, sender=stranger)


# ---------------------------------------------------------------- passPeriod: Commit and Reveal


def test_pass_period__commit_not_all_committed_one_second_before_end__reverts(
    court, accounts, chain, committing, stranger, reverts
):
    juror = drawn_jurors(court, committing)[0]
    court.commit(committing, [0], seal(court, committing, juror, 1)[1], sender=accounts[juror])
    refused_one_second_early(court, chain, committing, stranger, reverts)


def test_pass_period__commit_at_end_with_missing_commits__enters_reveal(
    court, chain, committing, stranger, court_params
):
    ends, info = pass_at_end(court, chain, committing, Period.REVEAL, stranger)
    assert (info.period, info.periodStart, info.periodEnd) == (
        Period.REVEAL,
        ends,
        ends + court_params.reveal_period,
    )


def test_pass_period__commit_every_seat_committed__ends_early(
    court, accounts, chain, committing, stranger, court_params
):
    commit_end = court.dispute(committing).periodEnd
    commit_all(court, accounts, committing)
    assert court.round(committing, 0).committed == 3

    tx = court.passPeriod(committing, sender=stranger)

    assert tx.events == [court.NewPeriod(committing, Period.REVEAL)]
    info = court.dispute(committing)
    assert (info.period, info.periodStart) == (Period.REVEAL, chain.blocks.head.timestamp)
    assert info.periodStart < commit_end  # long before the commit period's end
    assert info.periodEnd == info.periodStart + court_params.reveal_period


def test_pass_period__reveal_not_all_revealed_one_second_before_end__reverts(
    court, accounts, chain, split, stranger, reverts
):
    dispute_id = split
    votes = commit_all(court, accounts, dispute_id)
    court.passPeriod(dispute_id, sender=stranger)
    juror, (seats, salt) = next(iter(votes.items()))
    court.reveal(dispute_id, seats, 1, salt, sender=accounts[juror])
    assert court.round(dispute_id, 0).revealed < 3
    refused_one_second_early(court, chain, dispute_id, stranger, reverts)


def test_pass_period__reveal_every_seat_revealed__ends_early_and_appeal_is_possible(
    court, accounts, committed, stranger, arbitrable, court_params
):
    dispute_id, votes = committed
    reveal_all(court, accounts, dispute_id, votes)

    tx = court.passPeriod(dispute_id, sender=stranger)

    assert tx.events == [
        court.NewPeriod(dispute_id, Period.APPEAL),
        court.AppealPossible(dispute_id, arbitrable.address),
    ]
    info = court.dispute(dispute_id)
    assert info.period == Period.APPEAL
    assert info.periodEnd == info.periodStart + court_params.appeal_period
    assert court.disputeStatus(dispute_id) == APPEALABLE
    assert court.appealPeriod(dispute_id) == (info.periodStart, info.periodEnd)


def test_pass_period__reveal_at_end_without_votes__enters_appeal_with_ruling_zero(
    court, chain, committing, to_period, stranger, arbitrable
):
    to_period(committing, Period.REVEAL)
    pin(chain, court.dispute(committing).periodEnd)

    tx = court.passPeriod(committing, sender=stranger)

    assert [e.event_name for e in tx.events] == ["NewPeriod", "AppealPossible"]
    assert tx.decode_logs(court.AppealPossible)[0].event_arguments == {
        "_disputeID": committing,
        "_arbitrable": arbitrable.address,
    }
    assert court.currentRuling(committing) == 0


# ---------------------------------------------------------------- passPeriod: Appeal, Execution


@pytest.fixture
def appealable(committed, court, accounts):
    dispute_id, votes = committed
    reveal_all(court, accounts, dispute_id, votes)
    court.passPeriod(dispute_id, sender=accounts[next(iter(votes))])
    return dispute_id


def test_pass_period__appeal_one_second_before_end__reverts_period_not_over(
    court, chain, appealable, stranger, reverts
):
    refused_one_second_early(court, chain, appealable, stranger, reverts)
    assert court.disputeStatus(appealable) == APPEALABLE


def test_pass_period__appeal_at_end__enters_execution_solved(
    court, chain, appealable, stranger, arbitrable
):
    ends, info = pass_at_end(court, chain, appealable, Period.EXECUTION, stranger)
    assert (info.period, info.periodStart, info.periodEnd, info.ruled, info.ruling) == (
        Period.EXECUTION,
        ends,
        0,
        False,
        1,
    )
    assert court.disputeStatus(appealable) == SOLVED
    assert court.appealPeriod(appealable) == (0, 0)
    assert court.appealCost(appealable, b"") == MAX_UINT256
    assert arbitrable.ruled(appealable) is False  # passing a period does not rule


def test_pass_period__in_execution__reverts_wrong_period(
    court, appealable, pass_period, stranger, reverts
):
    pass_period(appealable)
    with reverts(court.CourtWrongPeriod, disputeId=appealable, period=Period.EXECUTION):
        court.passPeriod(appealable, sender=stranger)


# ---------------------------------------------------------------- the whole machine, viewed


def test_dispute_view_and_status__through_every_period(
    court, accounts, chain, arbitrable, open_dispute, draw, court_params, stranger
):
    dispute_id = open_dispute(choices=5)
    created = chain.blocks.head.timestamp
    durations = {
        Period.EVIDENCE: court_params.evidence_period,
        Period.COMMIT: court_params.commit_period,
        Period.REVEAL: court_params.reveal_period,
        Period.APPEAL: court_params.appeal_period,
    }

    def check(period, start, ruling=0):
        info = court.dispute(dispute_id)
        end = start + durations[period] if period != Period.EXECUTION else 0
        assert (
            info.arbitrable,
            info.choices,
            info.period,
            info.periodStart,
            info.periodEnd,
            info.rounds,
            info.ruled,
            info.ruling,
        ) == (arbitrable.address, 5, period, start, end, 1, False, ruling)
        status = {Period.APPEAL: APPEALABLE, Period.EXECUTION: SOLVED}.get(period, WAITING)
        assert court.disputeStatus(dispute_id) == status
        return end

    end = check(Period.EVIDENCE, created)
    draw(dispute_id)
    check(Period.EVIDENCE, created)
    events = []
    for period, act in [
        (Period.COMMIT, None),
        (Period.REVEAL, "commit"),
        (Period.APPEAL, "reveal"),
        (Period.EXECUTION, None),
    ]:
        if act == "commit":
            votes = commit_all(court, accounts, dispute_id, choice=4)
        elif act == "reveal":
            reveal_all(court, accounts, dispute_id, votes, choice=4)
        if act is None:
            pin(chain, end)
        tx = court.passPeriod(dispute_id, sender=stranger)
        events += tx.decode_logs(court.NewPeriod)
        start = chain.blocks.head.timestamp
        end = check(period, start, ruling=4 if period >= Period.APPEAL else 0)
    assert [(e.disputeId, e.period) for e in events] == [
        (dispute_id, Period.COMMIT),
        (dispute_id, Period.REVEAL),
        (dispute_id, Period.APPEAL),
        (dispute_id, Period.EXECUTION),
    ]


def test_dispute_params__are_fixed_when_the_dispute_is_created(
    court, governance, court_params, drawn, pass_period
):
    longer = court_params.commit_period * 2
    changed = list(court_params.as_tuple())
    changed[6] = longer
    court.setParams(tuple(changed), sender=governance)

    pass_period(drawn)

    info = court.dispute(drawn)
    assert info.periodEnd - info.periodStart == court_params.commit_period
    assert court.disputeParams(drawn).commitPeriod == court_params.commit_period
    assert court.params().commitPeriod == longer


@pytest.mark.parametrize("view", ["dispute", "disputeStatus", "currentRuling", "appealPeriod"])
def test_dispute_views__unknown_dispute__revert_unknown_dispute(court, stranger, view, reverts):
    with reverts(court.CourtUnknownDispute, disputeId=3):
        getattr(court, view).transact(3, sender=stranger)
