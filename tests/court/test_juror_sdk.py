"""The juror SDK (openotc/court.py): SaltStore (a 0600 file, replaced atomically, that keeps
every committed vote until it is revealed), Juror (stake, commit with the salt saved first,
reveal then forget), settle_dispute (incoherent seats first, round by round) and
draw_when_ready (mines to the randomness window, then draws).

SaltStore tests need no chain; the others run against the court like a juror's client.
"""

import os
import stat

import pytest

from openotc import court as sdk
from openotc.court import Period, SaltStore

KEY = SaltStore.key(
    31337,
    "0xAbC0000000000000000000000000000000000001",
    4,
    1,
    "0xDeF0000000000000000000000000000000000002",
)


# ---------------------------------------------------------------- fixtures and helpers


# What every test of this module starts from.
pytestmark = pytest.mark.usefixtures("jurors")


@pytest.fixture
def store(tmp_path):
    return SaltStore(tmp_path / "juror" / "salts.json")


@pytest.fixture
def juror_of(court, accounts, chain, store):
    """`juror_of(address)`: an sdk.Juror with this test's own salt store."""

    def make(address):
        return sdk.Juror(court, accounts[address], store, chain.chain_id)

    return make


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def drawn_jurors(court, dispute_id):
    return list(court.round(dispute_id, court.dispute(dispute_id).rounds - 1).jurors)


@pytest.fixture
def committing(open_dispute, draw, pass_period):
    dispute_id = open_dispute()
    draw(dispute_id)
    pass_period(dispute_id)
    return dispute_id


# ---------------------------------------------------------------- SaltStore


def test_salt_store__key__is_chain_court_dispute_round_juror_lowercased():
    assert KEY == (
        "31337:0xabc0000000000000000000000000000000000001:4:1:"
        "0xdef0000000000000000000000000000000000002"
    )


def test_salt_store__seal__creates_the_file_with_mode_0600(store):
    assert not store.path.exists()
    previous = os.umask(0)  # even with a permissive umask
    try:
        sealed = store.seal(KEY, 2)
    finally:
        os.umask(previous)

    assert store.path.exists()
    assert mode_of(store.path) == 0o600
    assert (sealed.choice, len(sealed.salt)) == (2, 32)
    assert not store.path.with_suffix(".json.tmp").exists()  # replaced atomically, no leftover


def test_salt_store__existing_world_readable_file__is_replaced_by_a_0600_one(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{}")
    os.chmod(store.path, 0o644)

    store.seal(KEY, 1)

    assert mode_of(store.path) == 0o600


def test_salt_store__leftover_world_readable_temporary_file__still_gives_mode_0600(store):
    store.path.parent.mkdir(parents=True)
    leftover = store.path.with_suffix(".json.tmp")
    leftover.write_text("")
    os.chmod(leftover, 0o644)

    store.seal(KEY, 1)

    assert mode_of(store.path) == 0o600


def test_salt_store__recall__returns_what_was_sealed(store):
    sealed = store.seal(KEY, 2)
    assert store.recall(KEY) == sealed


def test_salt_store__seal__fresh_salt_every_time_and_keys_kept_apart(store):
    other = SaltStore.key(31337, "0x" + "ab" * 20, 4, 2, "0x" + "cd" * 20)
    first, second = store.seal(KEY, 1), store.seal(other, 1)

    assert first.salt != second.salt
    assert store.recall(KEY) == first
    assert store.recall(other) == second
    resealed = store.seal(KEY, 2)  # sealing again replaces the key's vote
    assert resealed.salt != first.salt
    assert store.recall(KEY) == resealed
    assert store.recall(other) == second


def test_salt_store__survives_a_new_instance_on_the_same_path(store):
    sealed = store.seal(KEY, 1)

    reopened = SaltStore(str(store.path))

    assert reopened.recall(KEY) == sealed


def test_salt_store__recall_unknown_key__raises_key_error(store):
    with pytest.raises(KeyError, match="no sealed vote"):
        store.recall(KEY)  # no file yet
    store.seal(KEY, 1)
    with pytest.raises(KeyError):
        store.recall(KEY + "0")


def test_salt_store__forget__removes_only_that_key(store):
    other = SaltStore.key(1, "0x" + "ab" * 20, 0, 0, "0x" + "cd" * 20)
    store.seal(KEY, 1)
    kept = store.seal(other, 2)

    store.forget(KEY)

    with pytest.raises(KeyError):
        store.recall(KEY)
    assert SaltStore(store.path).recall(other) == kept
    assert mode_of(store.path) == 0o600


def test_salt_store__forget_unknown_key__changes_nothing(store):
    store.forget(KEY)  # no file: nothing to do
    assert not store.path.exists()
    sealed = store.seal(KEY, 1)
    before = store.path.stat().st_mtime_ns

    store.forget("unknown")

    assert store.path.stat().st_mtime_ns == before
    assert store.recall(KEY) == sealed


# ---------------------------------------------------------------- Juror


def test_period__matches_the_contracts_enum(court, committing, pass_period):
    assert [p.value for p in Period] == [0, 1, 2, 3, 4]
    assert court.dispute(committing).period == Period.COMMIT


def test_seats_of__lists_a_jurors_seats_in_the_current_round(court, committing, stranger):
    drawn = drawn_jurors(court, committing)
    for juror in set(drawn):
        assert sdk.seats_of(court, committing, juror) == [
            s for s, a in enumerate(drawn) if a == juror
        ]
        assert sdk.seats_of(court, committing, juror.lower(), 0) == sdk.seats_of(
            court, committing, juror
        )
    assert sdk.seats_of(court, committing, stranger.address) == []


def test_juror_stake__approves_and_sets_the_stake(
    court, token, accounts, treasury, chain, store, court_params
):
    account = accounts.generate_test_account()
    account.balance = 10**20
    token.transfer(account, court_params.min_stake, sender=treasury)
    juror = sdk.Juror(court, account, store, chain.chain_id)
    assert token.allowance(account, court) == 0

    tx = juror.stake(token, court_params.min_stake)

    assert token.allowance(account, court) == sdk.UNLIMITED  # an unlimited approval stays so
    info = court.juror(account)
    assert (info.exists, info.stake) == (True, court_params.min_stake)
    event = tx.decode_logs(court.StakeSet)[0]
    assert (event.juror, event.jurorId, event.stake) == (
        account.address,
        info.id,
        court_params.min_stake,
    )


class SpyCourt:
    """The court, recording what the salt store holds when `commit` is sent."""

    def __init__(self, court, store, key):
        self._court, self._store, self._key = court, store, key
        self.seen_at_commit = None

    def __getattr__(self, name):
        return getattr(self._court, name)

    def commit(self, *args, **kwargs):
        self.seen_at_commit = self._store.recall(self._key)
        return self._court.commit(*args, **kwargs)


def test_juror_commit__saves_the_salt_before_sending_the_commit(
    court, accounts, chain, store, committing
):
    address = drawn_jurors(court, committing)[0]
    key = SaltStore.key(chain.chain_id, court.address, committing, 0, address)
    spy = SpyCourt(court, store, key)
    juror = sdk.Juror(spy, accounts[address], store, chain.chain_id)

    tx = juror.commit(committing, 2)

    sealed = store.recall(key)
    assert spy.seen_at_commit == sealed  # on disk before the transaction was sent
    assert sealed.choice == 2
    digest = sdk.commitment(2, sealed.salt, address, committing, 0, chain.chain_id, court.address)
    seats = sdk.seats_of(court, committing, address)
    assert tx.events == [court.VoteCommitted(committing, 0, address, seats, digest)]
    assert all(court.vote(committing, 0, s).commitment == digest for s in seats)
    assert sealed.salt not in bytes(tx.transaction.data)


def test_juror_commit__failed_transaction__salt_stays_saved(
    court, accounts, chain, store, open_dispute, draw, reverts
):
    dispute_id = open_dispute()
    draw(dispute_id)  # still in Evidence: the commit reverts
    address = drawn_jurors(court, dispute_id)[0]
    juror = sdk.Juror(court, accounts[address], store, chain.chain_id)

    with reverts(court.CourtWrongPeriod, disputeId=dispute_id, period=Period.EVIDENCE):
        juror.commit(dispute_id, 1)

    key = SaltStore.key(chain.chain_id, court.address, dispute_id, 0, address)
    assert store.recall(key).choice == 1


def test_juror_commit__holding_no_seat__raises_value_error(
    court, chain, store, committing, stranger
):
    juror = sdk.Juror(court, stranger, store, chain.chain_id)
    with pytest.raises(ValueError, match="holds no seat"):
        juror.commit(committing, 1)
    assert not store.path.exists()  # nothing sealed


def test_juror_reveal__reveals_every_seat_and_forgets_the_salt(
    court, chain, store, committing, juror_of, pass_period
):
    drawn = drawn_jurors(court, committing)
    jurors = [juror_of(a) for a in dict.fromkeys(drawn)]
    for juror in jurors:
        juror.commit(committing, 1)
    pass_period(committing)

    for juror in jurors:
        seats = sdk.seats_of(court, committing, juror.address)
        tx = juror.reveal(committing)
        assert tx.events == [court.VoteRevealed(committing, 0, juror.address, seats, 1)]
        with pytest.raises(KeyError):
            store.recall(SaltStore.key(chain.chain_id, court.address, committing, 0, juror.address))

    assert court.round(committing, 0).revealed == 3
    assert court.currentRuling(committing) == 1


def test_juror_reveal__failed_transaction__keeps_the_salt(
    court, chain, store, committing, juror_of, reverts
):
    juror = juror_of(drawn_jurors(court, committing)[0])
    juror.commit(committing, 2)

    with reverts(court.CourtWrongPeriod, disputeId=committing, period=Period.COMMIT):
        juror.reveal(committing)  # too early

    key = SaltStore.key(chain.chain_id, court.address, committing, 0, juror.address)
    assert store.recall(key).choice == 2


def test_juror_reveal__salt_lost__raises_key_error_and_sends_nothing(
    court, store, committing, juror_of, pass_period
):
    juror = juror_of(drawn_jurors(court, committing)[0])
    juror.commit(committing, 1)
    pass_period(committing)
    store.path.unlink()

    with pytest.raises(KeyError):
        juror.reveal(committing)
    assert court.round(committing, 0).revealed == 0


def test_juror__salts_of_two_disputes_do_not_mix(
    court, chain, store, open_dispute, draw, pass_period, juror_of
):
    disputes = [open_dispute(), open_dispute()]
    for dispute_id in disputes:
        draw(dispute_id)
        pass_period(dispute_id)
    address = drawn_jurors(court, disputes[0])[0]
    juror = juror_of(address)
    held = [d for d in disputes if sdk.seats_of(court, d, address)]
    for choice, dispute_id in enumerate(held, start=1):
        juror.commit(dispute_id, choice)
    keys = [SaltStore.key(chain.chain_id, court.address, d, 0, address) for d in held]

    assert [store.recall(k).choice for k in keys] == list(range(1, len(held) + 1))


# ---------------------------------------------------------------- settle_dispute


@pytest.fixture
def vote_round(court, draw, pass_period, juror_of):
    """`vote_round(dispute_id, choose)` -> the round's jurors by seat: draws the round; every
    drawn juror commits `choose(address, drawn)` with the SDK (None: no vote) and reveals it;
    leaves the dispute in the Appeal period."""

    def vote(dispute_id, choose):
        draw(dispute_id)
        pass_period(dispute_id)  # -> Commit
        drawn = drawn_jurors(court, dispute_id)
        voters = [a for a in dict.fromkeys(drawn) if choose(a, drawn) is not None]
        for address in voters:
            juror_of(address).commit(dispute_id, choose(address, drawn))
        pass_period(dispute_id)  # -> Reveal
        for address in voters:
            juror_of(address).reveal(dispute_id)
        pass_period(dispute_id)  # -> Appeal
        return drawn

    return vote


def test_settle_dispute__every_round_incoherent_seats_first(
    court, accounts, arbitrable, open_dispute, pass_period, vote_round, stranger, lock
):
    """Round 0: everyone votes 2; appeal; round 1: everyone votes 1 but the first drawn juror,
    who does not vote. Final ruling 1: in round 0 every seat is incoherent, in round 1 only
    the non-voter's."""
    dispute_id = open_dispute()
    vote_round(dispute_id, lambda _address, _drawn: 2)
    arbitrable.appeal(dispute_id, value=court.appealCost(dispute_id, b""), sender=stranger)
    second = vote_round(dispute_id, lambda address, drawn: None if address == drawn[0] else 1)
    silent = second[0]
    pass_period(dispute_id)  # -> Execution
    assert court.dispute(dispute_id).ruling == 1

    receipts = sdk.settle_dispute(court, dispute_id, stranger)

    settled = [
        [(e.round, e.seat, e.coherent) for e in r.decode_logs(court.SeatSettled)] for r in receipts
    ]
    silent_seats = [s for s, a in enumerate(second) if a == silent]
    expected = [[(0, s, False) for s in range(3)]]  # round 0: no coherent seat, one call
    expected.append([(1, s, False) for s in silent_seats])
    expected.append([(1, s, True) for s in range(7) if s not in silent_seats])
    assert settled == expected
    assert all(
        court.round(dispute_id, r).settled == court.round(dispute_id, r).seats for r in range(2)
    )
    assert court.totals().locked == 0


def test_settle_dispute__after_a_partial_settlement__settles_the_rest(
    court, open_dispute, pass_period, vote_round, stranger
):
    dispute_id = open_dispute()
    vote_round(dispute_id, lambda _address, _drawn: 1)
    pass_period(dispute_id)
    court.settle(dispute_id, 0, [1], sender=stranger)  # every seat coherent: any order

    receipts = sdk.settle_dispute(court, dispute_id, stranger)

    assert [[e.seat for e in r.decode_logs(court.SeatSettled)] for r in receipts] == [[0, 2]]
    assert court.round(dispute_id, 0).settled == 3


# ---------------------------------------------------------------- draw_when_ready


def test_draw_when_ready__mines_to_the_target_block_and_draws(
    court, randomness, chain, open_dispute, stranger
):
    dispute_id = open_dispute()
    target = randomness.targetBlock(court.round(dispute_id, 0).ticket)
    assert target > chain.blocks.head.number + 1

    tx = sdk.draw_when_ready(court, randomness, chain, dispute_id, stranger)

    assert tx.block_number == target  # the first block that can fix the value
    (event,) = tx.decode_logs(court.JurorsDrawn)
    assert (event.disputeId, event.round, len(event.jurorIds)) == (dispute_id, 0, 3)
    assert [court.jurorAt(i) for i in event.jurorIds] == drawn_jurors(court, dispute_id)
    assert court.pendingDraws() == 0


def test_draw_when_ready__window_already_open__draws_without_mining(
    court, randomness, chain, open_dispute, stranger
):
    dispute_id = open_dispute()
    target = randomness.targetBlock(court.round(dispute_id, 0).ticket)
    chain.mine(target + 5 - chain.blocks.head.number)
    head = chain.blocks.head.number

    tx = sdk.draw_when_ready(court, randomness, chain, dispute_id, stranger)

    assert tx.block_number == head + 1
    assert [len(e.jurorIds) for e in tx.decode_logs(court.JurorsDrawn)] == [3]


def test_draw_when_ready__window_expired__renews_the_ticket_then_draws_in_the_new_window(
    court, randomness, chain, open_dispute, stranger, court_params
):
    dispute_id = open_dispute()
    old = court.round(dispute_id, 0).ticket
    expired = randomness.targetBlock(old) + court_params.randomness_window
    chain.mine(expired - chain.blocks.head.number)

    drawn = sdk.draw_when_ready(court, randomness, chain, dispute_id, stranger)

    new = court.round(dispute_id, 0).ticket
    assert new == old + 1
    assert drawn.block_number == randomness.targetBlock(new)
    (event,) = drawn.decode_logs(court.JurorsDrawn)
    assert (event.disputeId, event.round, len(event.jurorIds)) == (dispute_id, 0, 3)
    assert randomness.valueOf(old) == 0
    assert randomness.valueOf(new) != 0
