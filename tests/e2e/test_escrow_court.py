"""The escrow decided by the JurorCourt, end to end: both deployed with the deployment module's
code (`deploy_court`, then `deploy_escrow(arbitrator=court)`), the escrow authorized on the
asset proxy, jurors staking the protocol token and voting with the SDK (`openotc.court`), the
traders following their records with the SDK's TradeBook.

- A paid seller who does not release loses the bond through a court ruling; coherent jurors
  share the ETH fees and the incoherent juror's slashed lock.
- A party appeals through the escrow and the larger round flips the ruling.
- Disputes reach the court only once both parties deposited its cost (the buyer first, the
  seller within its fee window); the winner's deposit comes back with the ruling.
- The escrow's appeal refuses strangers, fees below the cost, foreign disputes, trades not in
  dispute, and any fee outside the court's appeal period; it pays the court exactly its cost
  and returns any excess to the payer.
- A refused ruling (nobody revealed, or a tie) splits the amount and returns the bond.

Drawing is random (prevrandao). Where a test needs the seats spread over several jurors, it
draws from a chain snapshot and, if the seats went to too few jurors, rolls back and draws
again one block later (see `draw`)."""

from collections import Counter
from dataclasses import dataclass

import pytest
from eth_utils import keccak

from openotc import court as court_sdk
from openotc import escrow as sdk
from openotc.deployment.params import CourtParams
from openotc.units import DAY, HOUR, UNLIMITED
from tests.utils.constants import GAS_MONEY, JUROR_FUNDS

USDC = 10**6
FEE_BPS = 25
JUROR_STAKE = 10 * CourtParams().min_stake


# ---------------------------------------------------------------- the deployment
# `court`, `randomness` and `court_params` come from the root conftest (`create_court`).


@pytest.fixture(scope="module")
def escrow(create_escrow, court):
    return create_escrow(arbitrator=court, fee_bps=FEE_BPS).escrow


@pytest.fixture(scope="module")
def market(usdc, registry, identity, proxy, governance, maker):
    """USDC listed, every level allowed any amount (per trade and over the rolling period),
    the maker (the seller) funded and approving the proxy."""
    registry.addToken(usdc, "USD Coin", "USDC", 6, b"\x00" * 32, sender=governance)
    for level in range(4):
        identity.setLimit(usdc, level, UNLIMITED, UNLIMITED, sender=governance)
    usdc.mint(maker, 1_000_000 * USDC, sender=maker)
    usdc.approve(proxy, UNLIMITED, sender=maker)
    return usdc


@pytest.fixture(scope="module")
def signed_offer(escrow, market, chain, maker):
    """A SellCrypto offer by the maker (the maker sells USDC for fiat), and its signature."""
    offer = sdk.Offer(
        maker.address,
        sdk.Side.SELL_CRYPTO,
        market.address,
        100 * USDC,
        100_000 * USDC,
        sdk.fiat("USD"),
        sdk.price("1.0002"),
        keccak(text="SEPA"),
        2 * HOUR,
        keccak(text="Pay within 2 hours; reference the trade id."),
        0,
        chain.pending_timestamp + 30 * DAY,
        1,
    )
    return offer, sdk.sign_offer(offer, escrow.address, chain.chain_id, maker)


@pytest.fixture(scope="module")
def salts(tmp_path_factory):
    return court_sdk.SaltStore(tmp_path_factory.mktemp("escrow-court-salts") / "salts.json")


@pytest.fixture(scope="module")
def create_jurors(accounts, token, treasury, court, salts, chain):
    """`create_jurors(n)`: n fresh accounts holding protocol tokens from the treasury, each
    staking JUROR_STAKE through the SDK. Returns `openotc.court.Juror`s by address."""

    def create(count):
        jurors = {}
        for _ in range(count):
            account = accounts.generate_test_account()
            account.balance = GAS_MONEY
            token.transfer(account, JUROR_FUNDS, sender=treasury)
            juror = court_sdk.Juror(court, account, salts, chain.chain_id)
            juror.stake(token, JUROR_STAKE)
            jurors[account.address] = juror
        return jurors

    return create


# What every test of this module starts from.
pytestmark = pytest.mark.usefixtures("court", "randomness", "escrow", "market", "signed_offer")


# ---------------------------------------------------------------- trading and voting


@pytest.fixture
def book(escrow):
    return sdk.TradeBook(escrow)


@pytest.fixture
def open_paid_trade(escrow, signed_offer, book, taker):
    """`open_paid_trade(amount)` -> trade id: the taker takes the offer and marks it paid."""

    def open_(amount):
        receipt = escrow.openTrade(
            signed_offer[0].as_tuple(), signed_offer[1], amount, sender=taker
        )
        book.apply(receipt)
        trade_id = bytes(receipt.decode_logs(escrow.TradeOpened)[0].tradeId)
        record = book.record(trade_id).as_tuple()
        book.apply(escrow.markPaid(trade_id, record, keccak(text="SEPA OTC-1"), sender=taker))
        assert book.record(trade_id).status == sdk.Status.PAID
        return trade_id

    return open_


@pytest.fixture
def dispute(escrow, court, book, maker, taker):
    """`dispute(trade_id)` -> dispute id: the buyer deposits the court's cost, which opens the
    seller's fee window; the seller deposits it too, and the escrow creates the dispute."""

    def dispute_(trade_id):
        cost = court.arbitrationCost(b"")
        opened = escrow.dispute(
            trade_id, book.record(trade_id).as_tuple(), sender=taker, value=cost
        )
        book.apply(opened)
        paid = opened.decode_logs(escrow.DisputeFeePaid)[0]
        assert (bytes(paid.tradeId), paid.by, paid.amount) == (trade_id, taker.address, cost)
        assert paid.deadline == opened.timestamp + sdk.FEE_WINDOW
        assert not opened.decode_logs(court.DisputeCreation)
        assert book.record(trade_id).status == sdk.Status.AWAITING_FEE

        receipt = escrow.dispute(
            trade_id, book.record(trade_id).as_tuple(), sender=maker, value=cost
        )
        book.apply(receipt)
        paid = receipt.decode_logs(escrow.DisputeFeePaid)[0]
        assert (paid.by, paid.amount, paid.deadline) == (maker.address, cost, 0)
        disputed = receipt.decode_logs(escrow.TradeDisputed)[0]
        assert bytes(disputed.tradeId) == trade_id
        assert disputed.by == maker.address
        created = receipt.decode_logs(court.DisputeCreation)[0]
        assert created._disputeID == disputed.disputeId
        assert created._arbitrable == escrow.address
        evidence = receipt.decode_logs(escrow.Dispute)[0]
        assert (evidence._arbitrator, evidence._disputeID) == (court.address, disputed.disputeId)
        assert evidence._metaEvidenceID == book.record(trade_id).policy_id == escrow.policyId()
        assert evidence._evidenceGroupID == int.from_bytes(trade_id, "big")
        assert escrow.tradeOfDispute(disputed.disputeId) == trade_id
        assert escrow.disputeFees(trade_id) == (cost, cost, 0, False)
        assert book.record(trade_id).status == sdk.Status.DISPUTED
        return disputed.disputeId

    return dispute_


@pytest.fixture
def draw(court, randomness, chain, stranger):
    """`draw(dispute_id, distinct=1)` -> the drawn addresses by seat. Draws the current round
    with the SDK; while its seats went to fewer than `distinct` jurors, rolls the draw back
    and draws again one block later (another prevrandao)."""

    def draw_(dispute_id, distinct=1):
        round_index = court.dispute(dispute_id).rounds - 1
        for _ in range(30):
            snapshot = chain.snapshot()
            receipt = court_sdk.draw_when_ready(court, randomness, chain, dispute_id, stranger)
            drawn = list(court.round(dispute_id, round_index).jurors)
            if len(set(drawn)) >= distinct:
                (event,) = receipt.decode_logs(court.JurorsDrawn)
                assert (event.disputeId, event.round) == (dispute_id, round_index)
                assert [court.jurorAt(i) for i in event.jurorIds] == drawn
                assert list(event.jurorIds) == [court.juror(j).id for j in drawn]
                return drawn
            chain.restore(snapshot)
            chain.mine()
        raise AssertionError(f"no draw spread over {distinct} jurors in 30 tries")

    return draw_


@pytest.fixture
def vote(court, pass_period):
    """`vote(dispute_id, jurors, drawn, choose, reveal=lambda address: True)`: commits
    `choose(address)` for every drawn juror (None: no commit) with the SDK, reveals where
    `reveal` says so, and leaves the dispute in the Appeal period."""

    def vote_(dispute_id, jurors, drawn, choose, reveal=lambda _address: True):
        round_index = court.dispute(dispute_id).rounds - 1
        pass_period(dispute_id)  # -> Commit
        committed = []
        for address in dict.fromkeys(drawn):
            choice = choose(address)
            if choice is None:
                continue
            receipt = jurors[address].commit(dispute_id, choice)
            event = receipt.decode_logs(court.VoteCommitted)[0]
            assert (event.disputeId, event.round, event.juror) == (
                dispute_id,
                round_index,
                address,
            )
            assert list(event.seats) == court_sdk.seats_of(court, dispute_id, address)
            committed.append(address)
        pass_period(dispute_id)  # -> Reveal
        for address in committed:
            if not reveal(address):
                continue
            receipt = jurors[address].reveal(dispute_id)
            event = receipt.decode_logs(court.VoteRevealed)[0]
            assert (event.disputeId, event.round, event.juror, event.choice) == (
                dispute_id,
                round_index,
                address,
                choose(address),
            )
        receipt = pass_period(dispute_id)  # -> Appeal
        assert receipt.decode_logs(court.NewPeriod)[0].period == court_sdk.Period.APPEAL
        assert receipt.decode_logs(court.AppealPossible)[0]._disputeID == dispute_id

    return vote_


@pytest.fixture
def execute_ruling(court, escrow, book, chain, stranger):
    """`execute_ruling(dispute_id)` -> the escrow's TradeResolved event, once the appeal period
    is over; checks the court's RulingExecuted and the escrow's ERC-792 Ruling."""

    def execute(dispute_id):
        info = court.dispute(dispute_id)
        if info.periodEnd > chain.pending_timestamp:
            chain.pending_timestamp = info.periodEnd
        receipt = court.executeRuling(dispute_id, sender=stranger)
        book.apply(receipt)
        executed = receipt.decode_logs(court.RulingExecuted)[0]
        assert (executed.disputeId, executed.arbitrable) == (dispute_id, escrow.address)
        ruled = receipt.decode_logs(escrow.Ruling)[0]
        assert (ruled._arbitrator, ruled._disputeID, ruled._ruling) == (
            court.address,
            dispute_id,
            executed.ruling,
        )
        (resolved,) = receipt.decode_logs(escrow.TradeResolved)
        assert resolved.disputeId == dispute_id
        assert resolved.ruling == executed.ruling
        trade_id = bytes(resolved.tradeId)
        assert book.record(trade_id).status == sdk.Status.RESOLVED
        assert escrow.tradeCommitment(trade_id) == book.record(trade_id).commitment()
        assert court.dispute(dispute_id).ruled
        return resolved

    return execute


@dataclass(frozen=True)
class Hearing:
    """A paid trade the buyer disputed before the court: its staked jurors (`openotc.court.Juror`
    by address), ids and bond, and the traders' USDC before it opened. `draw`, `vote` and
    `execute_ruling` are the module's fixtures of those names, applied to its dispute."""

    jurors: dict
    trade_id: bytes
    dispute_id: int
    bond: int
    seller_before: int
    buyer_before: int
    steps: tuple  # (draw, vote, execute_ruling)

    def draw(self, distinct=1):
        return self.steps[0](self.dispute_id, distinct)

    def vote(self, drawn, choose, reveal=lambda _address: True):
        return self.steps[1](self.dispute_id, self.jurors, drawn, choose, reveal)

    def execute_ruling(self):
        return self.steps[2](self.dispute_id)


@pytest.fixture
def hearing(
    market, maker, taker, create_jurors, open_paid_trade, dispute, draw, vote, execute_ruling
):
    """`hearing(amount, jurors=5)` -> Hearing: `jurors` fresh staked jurors, then a trade of
    `amount` that the taker (the buyer) takes, marks paid and disputes."""

    def create(amount, jurors=5):
        staked = create_jurors(jurors)
        before = market.balanceOf(maker), market.balanceOf(taker)
        trade_id = open_paid_trade(amount)
        dispute_id = dispute(trade_id)
        steps = (draw, vote, execute_ruling)
        return Hearing(staked, trade_id, dispute_id, sdk.bond_for(amount), *before, steps)

    return create


def settled_seats(court, receipts) -> dict:
    """SeatSettled events of `receipts` by (round, seat)."""
    return {
        (e.round, e.seat): e for receipt in receipts for e in receipt.decode_logs(court.SeatSettled)
    }


# ---------------------------------------------------------------- the court decides


def test_dispute_through_court__seller_who_does_not_release_loses_bond__coherent_jurors_paid(
    court, escrow, market, token, maker, taker, stranger, court_params, hearing
):
    usdc, lock = market, court.lockPerSeat()
    amount = 2_000 * USDC
    fee = amount * FEE_BPS // 10_000

    # The buyer pays, the seller stays silent; the buyer disputes at the court's cost.
    case = hearing(amount)
    cost = court.arbitrationCost(b"")
    assert cost == 3 * court_params.fee_per_juror
    assert court.round(case.dispute_id, 0).fees == cost
    assert court.balance == cost
    assert escrow.balance == cost  # the other deposit, held for the winner
    assert usdc.balanceOf(maker) == case.seller_before - amount - case.bond

    # Three seats, spread over at least two jurors; the juror with the fewest seats votes for
    # the seller, the others for the buyer.
    drawn = case.draw(distinct=2)
    seats = Counter(drawn)
    dissenter = min(seats, key=seats.get)
    assert seats[dissenter] == 1
    case.vote(drawn, lambda a: 2 if a == dissenter else sdk.Ruling.BUYER_WINS)
    assert court.currentRuling(case.dispute_id) == sdk.Ruling.BUYER_WINS

    buyer_eth = taker.balance
    resolved = case.execute_ruling()

    # The buyer gets the amount minus the fee and the whole bond, and its fee deposit back;
    # the seller nothing back.
    assert bytes(resolved.tradeId) == case.trade_id
    assert taker.balance == buyer_eth + cost
    assert escrow.balance == 0
    assert (resolved.ruling, resolved.toBuyer, resolved.toSeller) == (
        1,
        amount - fee + case.bond,
        0,
    )
    assert usdc.balanceOf(taker) == case.buyer_before + amount - fee + case.bond
    assert usdc.balanceOf(maker) == case.seller_before - amount - case.bond
    assert usdc.balanceOf(escrow) == fee == escrow.accruedFees(usdc)
    assert escrow.statsOf(maker, usdc).disputesLost == 1
    assert escrow.statsOf(taker, usdc).disputesWon == 1

    # Every seat settled: the dissenting seat loses its lock, the two coherent seats share it
    # and the round's fees.
    receipts = court_sdk.settle_dispute(court, case.dispute_id, stranger)
    events = settled_seats(court, receipts)
    assert sorted(events) == [(0, 0), (0, 1), (0, 2)]
    for seat, juror in enumerate(drawn):
        event = events[(0, seat)]
        assert event.juror == juror
        if juror == dissenter:
            assert (event.coherent, event.rewardTokens, event.rewardEth, event.slashed) == (
                False,
                0,
                0,
                lock,
            )
        else:
            assert (event.coherent, event.rewardTokens, event.rewardEth, event.slashed) == (
                True,
                lock // 2,
                cost // 2,
                0,
            )

    # The dissenter's stake is reduced by the lock, and its drawing weight halved.
    info = court.juror(dissenter)
    assert (info.stake, info.locked, info.coherent, info.incoherent) == (
        JUROR_STAKE - lock,
        0,
        0,
        1,
    )
    assert info.weight == (JUROR_STAKE - lock) // 2 // court.WEIGHT_UNIT()
    assert (info.rewardTokens, info.rewardEth) == (0, 0)
    assert case.jurors[dissenter].withdraw_rewards() is None

    # Coherent jurors withdraw exactly their shares: ETH fees and the slashed lock.
    for juror, held in seats.items():
        if juror == dissenter:
            continue
        info = court.juror(juror)
        assert (info.stake, info.locked, info.coherent, info.incoherent) == (
            JUROR_STAKE,
            0,
            held,
            0,
        )
        tokens_before, eth_before = token.balanceOf(juror), case.jurors[juror].account.balance
        receipt = case.jurors[juror].withdraw_rewards()
        withdrawn = receipt.decode_logs(court.RewardsWithdrawn)[0]
        assert (withdrawn.juror, withdrawn.tokens, withdrawn.eth) == (
            juror,
            held * (lock // 2),
            held * (cost // 2),
        )
        assert token.balanceOf(juror) == tokens_before + held * (lock // 2)
        assert case.jurors[juror].account.balance == (
            eth_before + held * (cost // 2) - receipt.total_fees_paid
        )

    # Nothing is left owed, held or as residual.
    totals = court.totals()
    assert totals.staked == 5 * JUROR_STAKE - lock
    assert (totals.locked, totals.penaltiesHeld, totals.feesHeld) == (0, 0, 0)
    assert (totals.rewardTokensOwed, totals.rewardEthOwed) == (0, 0)
    assert (totals.residualTokens, totals.residualEth) == (0, 0)
    assert court.balance == 0
    assert token.balanceOf(court) == totals.staked


def test_escrow_appeal__flips_the_ruling(
    court, escrow, market, maker, taker, stranger, book, court_params, hearing
):
    usdc = market
    amount = 3_000 * USDC
    case = hearing(amount, jurors=9)
    cost = court.arbitrationCost(b"")

    # Round 0 (3 seats) rules for the buyer.
    drawn = case.draw()
    case.vote(drawn, lambda _: sdk.Ruling.BUYER_WINS)
    assert court.currentRuling(case.dispute_id) == sdk.Ruling.BUYER_WINS

    # The seller appeals through the escrow, paying 7 seats.
    appeal_cost = court.appealCost(case.dispute_id, b"")
    assert appeal_cost == 7 * court_params.fee_per_juror
    receipt = escrow.appeal(
        case.trade_id,
        book.record(case.trade_id).as_tuple(),
        case.dispute_id,
        value=appeal_cost,
        sender=maker,
    )
    book.apply(receipt)

    appealed = receipt.decode_logs(escrow.TradeAppealed)[0]
    assert (bytes(appealed.tradeId), appealed.disputeId, appealed.by, appealed.cost) == (
        case.trade_id,
        case.dispute_id,
        maker.address,
        appeal_cost,
    )
    decision = receipt.decode_logs(court.AppealDecision)[0]
    assert (decision._disputeID, decision._arbitrable) == (case.dispute_id, escrow.address)
    assert receipt.decode_logs(court.NewPeriod)[0].period == court_sdk.Period.EVIDENCE
    requested = receipt.decode_logs(court.DrawRequested)[0]
    assert (requested.disputeId, requested.round) == (case.dispute_id, 1)
    assert court.dispute(case.dispute_id).rounds == 2
    assert court.round(case.dispute_id, 1).seats == 7
    assert court.round(case.dispute_id, 1).fees == appeal_cost
    assert court.balance == cost + appeal_cost
    assert escrow.balance == cost  # the held deposit only: the appeal fee went to the court
    assert not receipt.decode_logs(escrow.FeeDepositReturned)
    assert book.record(case.trade_id).status == sdk.Status.DISPUTED

    # Round 1 (7 seats) rules for the seller: the final ruling.
    drawn_1 = case.draw()
    assert len(drawn_1) == 7
    case.vote(drawn_1, lambda _: sdk.Ruling.SELLER_WINS)
    assert court.currentRuling(case.dispute_id) == sdk.Ruling.SELLER_WINS

    seller_eth = maker.balance
    resolved = case.execute_ruling()

    assert bytes(resolved.tradeId) == case.trade_id
    assert (resolved.ruling, resolved.toBuyer, resolved.toSeller) == (2, 0, amount + case.bond)
    assert maker.balance == seller_eth + cost  # the winner's fee deposit
    assert escrow.balance == 0
    assert usdc.balanceOf(maker) == case.seller_before
    assert usdc.balanceOf(taker) == case.buyer_before
    assert usdc.balanceOf(escrow) == 0 == escrow.accruedFees(usdc)
    assert escrow.statsOf(maker, usdc).disputesWon == 1
    assert escrow.statsOf(taker, usdc).disputesLost == 1

    # Round 0 had no coherent seat: its jurors revealed, so keep their locks, and its fees go
    # to the treasury; round 1's seven coherent seats share its fees.
    events = settled_seats(court, court_sdk.settle_dispute(court, case.dispute_id, stranger))
    assert len(events) == 3 + 7
    for seat in range(3):
        event = events[(0, seat)]
        assert (event.coherent, event.rewardTokens, event.rewardEth, event.slashed) == (
            False,
            0,
            0,
            0,
        )
    for seat in range(7):
        event = events[(1, seat)]
        assert (event.coherent, event.rewardTokens, event.rewardEth, event.slashed) == (
            True,
            0,
            appeal_cost // 7,
            0,
        )
    totals = court.totals()
    assert (totals.residualEth, totals.residualTokens) == (cost, 0)
    assert totals.staked == 9 * JUROR_STAKE
    assert totals.rewardEthOwed == appeal_cost


# ---------------------------------------------------------------- the escrow's appeal refuses


@pytest.fixture
def two_disputes(book, create_jurors, open_paid_trade, dispute):
    """Five staked jurors and two paid trades of the offer, both disputed by the buyer:
    (jurors, book, [(trade_id, dispute_id), ...])."""
    jurors = create_jurors(5)
    pairs = []
    for amount in (500 * USDC, 700 * USDC):
        trade_id = open_paid_trade(amount)
        pairs.append((trade_id, dispute(trade_id)))
    return jurors, book, pairs


def test_escrow_appeal__by_a_stranger__reverts_not_party(escrow, two_disputes, stranger, reverts):
    _, book, [(trade_id, dispute_id), _] = two_disputes
    record = book.record(trade_id).as_tuple()

    with reverts(escrow.EscrowNotParty, caller=stranger.address):
        escrow.appeal(trade_id, record, dispute_id, sender=stranger)


def test_escrow_appeal__dispute_of_another_trade__reverts_unknown_dispute(
    escrow, two_disputes, maker, reverts
):
    _, book, [(trade_id, _), (_, other_dispute)] = two_disputes
    record = book.record(trade_id).as_tuple()

    with reverts(escrow.EscrowUnknownDispute, disputeId=other_dispute):
        escrow.appeal(trade_id, record, other_dispute, sender=maker)
    with reverts(escrow.EscrowUnknownDispute, disputeId=other_dispute + 1):
        escrow.appeal(trade_id, record, other_dispute + 1, sender=maker)


def test_escrow_appeal__trade_not_disputed__reverts_wrong_status(
    escrow, market, open_paid_trade, book, maker, reverts
):
    trade_id = open_paid_trade(400 * USDC)

    with reverts(escrow.EscrowWrongStatus, tradeId=trade_id, status=sdk.Status.PAID):
        escrow.appeal(trade_id, book.record(trade_id).as_tuple(), 0, sender=maker)


def test_escrow_appeal__outside_the_appeal_period__cost_is_max_so_any_value_reverts(
    escrow, court, court_params, two_disputes, maker, taker, reverts
):
    _, book, [(trade_id, dispute_id), _] = two_disputes
    record = book.record(trade_id).as_tuple()
    assert court.dispute(dispute_id).period == court_sdk.Period.EVIDENCE
    assert court.appealCost(dispute_id, b"") == UNLIMITED

    for value, sender in ((0, maker), (7 * court_params.fee_per_juror, taker)):
        with reverts(escrow.EscrowWrongArbitrationFee, sent=value, cost=UNLIMITED):
            escrow.appeal(trade_id, record, dispute_id, value=value, sender=sender)


def test_escrow_appeal__in_the_appeal_period__below_cost_reverts__then_period_and_trade_close(
    chain,
    escrow,
    court,
    two_disputes,
    maker,
    taker,
    stranger,
    draw,
    vote,
    execute_ruling,
    reverts,
):
    jurors, book, [(trade_id, dispute_id), _] = two_disputes
    record = book.record(trade_id).as_tuple()
    drawn = draw(dispute_id)
    vote(dispute_id, jurors, drawn, lambda _: sdk.Ruling.BUYER_WINS)
    cost = court.appealCost(dispute_id, b"")

    for value in (cost - 1, 1, 0):
        with reverts(escrow.EscrowWrongArbitrationFee, sent=value, cost=cost):
            escrow.appeal(trade_id, record, dispute_id, value=value, sender=maker)

    # From the end of the appeal period (even before anyone executes the ruling) the court
    # quotes no cost, so the escrow refuses whatever is paid.
    ends_at = court.dispute(dispute_id).periodEnd
    chain.pending_timestamp = ends_at - 1
    assert court.appealCost(dispute_id, b"") == cost
    chain.mine(timestamp=ends_at)
    assert court.appealCost(dispute_id, b"") == 2**256 - 1
    with reverts(escrow.EscrowWrongArbitrationFee, sent=cost, cost=2**256 - 1):
        escrow.appeal(trade_id, record, dispute_id, value=cost, sender=taker)

    # Once ruled, the trade is no longer disputed.
    execute_ruling(dispute_id)
    with reverts(escrow.EscrowWrongStatus, tradeId=trade_id, status=sdk.Status.RESOLVED):
        escrow.appeal(trade_id, book.record(trade_id).as_tuple(), dispute_id, sender=maker)


@pytest.mark.parametrize("excess", [1, 10**18], ids=["one_wei", "one_ether"])
def test_escrow_appeal__paying_more_than_the_cost__court_charged_the_cost__rest_returned(
    escrow, court, two_disputes, maker, draw, vote, excess
):
    jurors, book, [(trade_id, dispute_id), _] = two_disputes
    drawn = draw(dispute_id)
    vote(dispute_id, jurors, drawn, lambda _: sdk.Ruling.BUYER_WINS)
    cost = court.appealCost(dispute_id, b"")
    court_before, escrow_before, seller_before = court.balance, escrow.balance, maker.balance

    receipt = escrow.appeal(
        trade_id, book.record(trade_id).as_tuple(), dispute_id, value=cost + excess, sender=maker
    )

    appealed = receipt.decode_logs(escrow.TradeAppealed)[0]
    assert (bytes(appealed.tradeId), appealed.disputeId, appealed.by, appealed.cost) == (
        trade_id,
        dispute_id,
        maker.address,
        cost,
    )
    returned = receipt.decode_logs(escrow.FeeDepositReturned)
    assert [(bytes(e.tradeId), e.to, e.amount) for e in returned] == [
        (trade_id, maker.address, excess)
    ]
    assert court.round(dispute_id, 1).fees == cost
    assert court.balance == court_before + cost
    assert escrow.balance == escrow_before
    assert maker.balance == seller_before - cost - receipt.total_fees_paid


# ---------------------------------------------------------------- the court refuses


def test_no_juror_reveals__ruling_0__amount_split_bond_to_seller__jurors_slashed(
    court, escrow, market, token, maker, taker, stranger, treasury, court_params, hearing
):
    usdc, lock = market, court.lockPerSeat()
    amount = 1_500 * USDC + 1  # odd: the odd unit goes to the seller
    case = hearing(amount)
    cost = court.arbitrationCost(b"")

    # Every drawn juror commits; nobody reveals.
    drawn = case.draw()
    case.vote(drawn, lambda _: sdk.Ruling.BUYER_WINS, reveal=lambda _: False)
    assert court.round(case.dispute_id, 0).revealed == 0
    assert court.currentRuling(case.dispute_id) == sdk.Ruling.REFUSED
    eth_before = taker.balance, maker.balance

    resolved = case.execute_ruling()

    # The held fee deposit is split between the parties.
    assert (taker.balance, maker.balance) == (
        eth_before[0] + cost // 2,
        eth_before[1] + cost - cost // 2,
    )
    assert escrow.balance == 0

    assert bytes(resolved.tradeId) == case.trade_id
    assert (resolved.ruling, resolved.toBuyer, resolved.toSeller) == (
        0,
        amount // 2,
        amount - amount // 2 + case.bond,
    )
    assert usdc.balanceOf(taker) == case.buyer_before + amount // 2
    assert usdc.balanceOf(maker) == case.seller_before - amount // 2
    assert usdc.balanceOf(escrow) == 0 == escrow.accruedFees(usdc)

    # Every seat was unrevealed: each loses its lock, to the treasury with the round's fees.
    events = settled_seats(court, court_sdk.settle_dispute(court, case.dispute_id, stranger))
    assert sorted(events) == [(0, 0), (0, 1), (0, 2)]
    for seat, juror in enumerate(drawn):
        event = events[(0, seat)]
        assert (event.juror, event.coherent, event.rewardTokens, event.rewardEth) == (
            juror,
            False,
            0,
            0,
        )
        assert event.slashed == lock
    for juror, held in Counter(drawn).items():
        info = court.juror(juror)
        assert (info.stake, info.locked, info.incoherent) == (JUROR_STAKE - held * lock, 0, held)
    totals = court.totals()
    assert (totals.residualTokens, totals.residualEth) == (3 * lock, cost)

    treasury_tokens, treasury_eth = token.balanceOf(treasury), treasury.balance
    receipt = court.sweepResidual(sender=stranger)
    swept = receipt.decode_logs(court.ResidualSwept)[0]
    assert (swept.treasury, swept.tokens, swept.eth) == (treasury.address, 3 * lock, cost)
    assert token.balanceOf(treasury) == treasury_tokens + 3 * lock
    assert treasury.balance == treasury_eth + cost
    assert court.balance == 0


def test_tie__ruling_0__amount_split__revealed_jurors_keep_locks__silent_juror_slashed(
    court, market, maker, taker, stranger, court_params, hearing
):
    usdc, lock = market, court.lockPerSeat()
    amount = 800 * USDC
    case = hearing(amount)

    # Three jurors, one seat each: one votes for the buyer, one for the seller, the third
    # commits but never reveals. One vote each way: a tie.
    drawn = case.draw(distinct=3)
    buyer_juror, seller_juror, silent = drawn
    choices = {buyer_juror: sdk.Ruling.BUYER_WINS, seller_juror: sdk.Ruling.SELLER_WINS}
    case.vote(drawn, lambda a: choices.get(a, 1), reveal=lambda a: a != silent)
    assert court.round(case.dispute_id, 0).revealed == 2
    assert court.currentRuling(case.dispute_id) == sdk.Ruling.REFUSED

    resolved = case.execute_ruling()

    assert (resolved.ruling, resolved.toBuyer, resolved.toSeller) == (
        0,
        amount // 2,
        amount - amount // 2 + case.bond,
    )
    assert usdc.balanceOf(taker) == case.buyer_before + amount // 2
    assert usdc.balanceOf(maker) == case.seller_before - amount // 2

    # No coherent seat: the revealed seats get their locks back untouched, the silent seat
    # is slashed.
    events = settled_seats(court, court_sdk.settle_dispute(court, case.dispute_id, stranger))
    for seat, juror in enumerate(drawn):
        event = events[(0, seat)]
        assert (event.juror, event.coherent, event.rewardTokens, event.rewardEth) == (
            juror,
            False,
            0,
            0,
        )
        assert event.slashed == (lock if juror == silent else 0)
    for juror in (buyer_juror, seller_juror):
        info = court.juror(juror)
        assert (info.stake, info.locked, info.coherent, info.incoherent) == (JUROR_STAKE, 0, 0, 0)
    info = court.juror(silent)
    assert (info.stake, info.locked, info.incoherent) == (JUROR_STAKE - lock, 0, 1)
    assert court.totals().residualTokens == lock
