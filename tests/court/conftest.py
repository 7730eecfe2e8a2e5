"""Fixtures of the court suites: the JurorCourt and its randomness source deployed with the
same code as `ape run deploy`, jurors funded with the protocol token, and a third-party
ERC-792 arbitrable (TestArbitrable) that opens disputes.

Module-scoped for the same reason as the escrow fixtures: session-scoped state would leak
into other suites. `vote_round` and friends drive a dispute through its periods with the SDK
(`openotc.court`), the way a juror's client would."""

import pytest
from eth_utils import keccak

from openotc import court as sdk
from openotc.units import UNLIMITED
from tests.utils.constants import GAS_MONEY, JUROR_FUNDS


@pytest.fixture(scope="module")
def lock(court):
    """Stake locked per seat."""
    return court.lockPerSeat()


@pytest.fixture(scope="module")
def arbitration_fee(court):
    return court.arbitrationCost(b"")


@pytest.fixture(scope="module")
def arbitrable(project, deployer, court):
    """A third-party ERC-792 arbitrable using the court."""
    return deployer.deploy(project.TestArbitrable, court)


@pytest.fixture(scope="module")
def create_juror(accounts, token, treasury, court):
    """`create_juror(stake=None, funds=JUROR_FUNDS)`: a fresh account holding `funds` of the
    protocol token, the court approved without limit, staked with `stake` if given."""

    def create(stake=None, funds=JUROR_FUNDS):
        account = accounts.generate_test_account()
        account.balance = GAS_MONEY
        token.transfer(account, funds, sender=treasury)
        token.approve(court, UNLIMITED, sender=account)
        if stake:
            court.setStake(stake, sender=account)
        return account

    return create


@pytest.fixture(scope="module")
def salts(tmp_path_factory):
    return sdk.SaltStore(tmp_path_factory.mktemp("salts") / "salts.json")


@pytest.fixture(scope="module")
def as_juror(court, salts, chain):
    """`as_juror(account)` -> an `openotc.court.Juror`."""

    def wrap(account):
        return sdk.Juror(court, account, salts, chain.chain_id)

    return wrap


@pytest.fixture(scope="module")
def jurors(create_juror, court_params):
    """Five jurors staking 10x the minimum each."""
    return [create_juror(stake=10 * court_params.min_stake) for _ in range(5)]


@pytest.fixture
def open_dispute(court, arbitrable, arbitration_fee, stranger):
    """`open_dispute(choices=2)` -> dispute id, created through the arbitrable."""

    def open_(choices=2, value=None):
        receipt = arbitrable.createDispute(
            choices, value=arbitration_fee if value is None else value, sender=stranger
        )
        return receipt.decode_logs(court.DisputeCreation)[0]._disputeID

    return open_


@pytest.fixture
def draw(court, randomness, chain, stranger):
    """`draw(dispute_id)`: mines to the randomness window and draws the current round."""

    def draw_(dispute_id):
        return sdk.draw_when_ready(court, randomness, chain, dispute_id, stranger)

    return draw_


@pytest.fixture
def vote_round(court, accounts, as_juror, draw, pass_period):
    """`vote_round(dispute_id, choose, reveal=lambda juror: True)`: draws the current round,
    commits `choose(juror_address)` for every drawn juror (None: no commit), reveals where
    `reveal` says so, and leaves the dispute in the Appeal period. Returns the drawn
    addresses by seat."""

    def run(dispute_id, choose, reveal=lambda _juror: True):
        draw(dispute_id)
        pass_period(dispute_id)  # -> Commit
        rounds = court.dispute(dispute_id).rounds
        drawn = list(court.round(dispute_id, rounds - 1).jurors)
        committed = []
        for address in dict.fromkeys(drawn):
            choice = choose(address)
            if choice is None:
                continue
            as_juror(accounts[address]).commit(dispute_id, choice)
            committed.append(address)
        pass_period(dispute_id)  # -> Reveal
        for address in committed:
            if reveal(address):
                as_juror(accounts[address]).reveal(dispute_id)
        pass_period(dispute_id)  # -> Appeal
        return drawn

    return run


@pytest.fixture
def play(court, accounts, draw, pass_period):
    """`play(dispute_id, votes, hidden=())`: draws the current round, commits `votes[seat]`
    for each seat (None: no commit) from whoever holds it, reveals every committed seat but
    those in `hidden`, and leaves the dispute in Appeal. Returns the drawn jurors by seat."""

    def run(dispute_id, votes, hidden=()):
        draw(dispute_id)
        pass_period(dispute_id)  # -> Commit
        round_index = court.dispute(dispute_id).rounds - 1
        drawn = list(court.round(dispute_id, round_index).jurors)
        assert len(votes) == len(drawn)
        groups: dict[tuple, list[int]] = {}
        for seat, choice in enumerate(votes):
            if choice is not None:
                groups.setdefault((drawn[seat], choice, seat in hidden), []).append(seat)
        salts = {}
        for key, seats in groups.items():
            juror, choice, _ = key
            salts[key] = keccak(text=f"{dispute_id}:{round_index}:{key}")
            digest = court.commitmentOf(choice, salts[key], juror, dispute_id, round_index)
            court.commit(dispute_id, seats, digest, sender=accounts[juror])
        pass_period(dispute_id)  # -> Reveal
        for key, seats in groups.items():
            juror, choice, hide = key
            if not hide:
                court.reveal(dispute_id, seats, choice, salts[key], sender=accounts[juror])
        pass_period(dispute_id)  # -> Appeal
        return drawn

    return run
