"""The escrow with an ERC-792 arbitrator that is not OpenOTC's: the ERC-792 package's own
example, CentralizedArbitratorWithAppeal (contracts/test/KlerosCentralizedArbitrator.sol),
deployed with the deployment module's code (`deploy_escrow(arbitrator=...)`).

That arbitrator's `appeal` counts the appeal before it checks the payment, so it asks for twice
the `appealCost` it states. The escrow offers it the stated cost first and, refused, the whole
payment; whatever the arbitrator does not keep goes back to the payer (this one keeps all it
is sent). Below the stated cost the escrow refuses the appeal itself. Against OpenOTC's own
JurorCourt, which takes exactly its stated cost, a payment above the cost is charged the cost
and the rest comes back: tests/e2e/test_escrow_court.py.
"""

import pytest
from eth_utils import keccak

from openotc import escrow as sdk
from openotc.units import DAY, HOUR, MAX_UINT256, USDC_UNIT

AMOUNT = 1_000 * USDC_UNIT
BOND = sdk.bond_for(AMOUNT)
FEE_BPS = 25
APPEAL_WINDOW = 3 * 60  # CentralizedArbitratorWithAppeal's appealWindow, seconds


@pytest.fixture(scope="module")
def kleros(project, deployer):
    """The example arbitrator; the deployer is its owner, who gives rulings."""
    return deployer.deploy(project.KlerosCentralizedArbitrator)


@pytest.fixture(scope="module")
def escrow(create_escrow, kleros):
    return create_escrow(arbitrator=kleros, fee_bps=FEE_BPS).escrow


@pytest.fixture(scope="module")
def market(escrow, usdc, registry, identity, proxy, governance, maker):
    """USDC listed, no identity limit at any level, the maker (the seller) funded."""
    registry.addToken(usdc, "USD Coin", "USDC", 6, b"\x00" * 32, sender=governance)
    for level in range(identity.MAX_LEVEL() + 1):
        identity.setLimit(usdc, level, MAX_UINT256, MAX_UINT256, sender=governance)
    usdc.mint(maker, 100 * AMOUNT, sender=maker)
    usdc.approve(proxy, MAX_UINT256, sender=maker)
    return usdc


@pytest.fixture(scope="module")
def signed_offer(escrow, market, chain, maker):
    offer = sdk.build_offer(
        maker.address,
        market.address,
        (100 * USDC_UNIT, 100 * AMOUNT),
        "1.0001",
        chain.pending_timestamp + 30 * DAY,
        terms="Pay within 2 hours; reference the trade id.",
        payment_window=2 * HOUR,
    )
    return offer, sdk.sign_offer(offer, escrow.address, chain.chain_id, maker)


pytestmark = pytest.mark.usefixtures("kleros", "escrow", "market", "signed_offer")


@pytest.fixture
def book(escrow):
    return sdk.TradeBook(escrow)


@pytest.fixture
def act(escrow, book):
    """`act("markPaid", trade_id, *args, sender=..., value=0)`: an escrow trade call with the
    trade's current record, its receipt applied to the book."""

    def call(method, trade_id, *args, sender, value=0):
        record = book.record(trade_id).as_tuple()
        kwargs = {"sender": sender, "value": value} if value else {"sender": sender}
        receipt = getattr(escrow, method)(trade_id, record, *args, **kwargs)
        book.apply(receipt)
        return receipt

    return call


@pytest.fixture
def paid(escrow, signed_offer, book, act, taker):
    """A trade the taker (buyer) took and marked paid: its id."""
    offer, signature = signed_offer
    receipt = escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)
    book.apply(receipt)
    trade_id = bytes(receipt.decode_logs(escrow.TradeOpened)[0].tradeId)
    act("markPaid", trade_id, keccak(text="SEPA OTC-1"), sender=taker)
    return trade_id


@pytest.fixture
def disputed(escrow, kleros, paid, book, act, maker, taker):
    """(trade id, dispute id): the paid trade, both parties having deposited the
    arbitrator's cost, so the dispute is at the arbitrator."""
    trade_id = paid
    cost = kleros.arbitrationCost(b"")
    act("dispute", trade_id, sender=taker, value=cost)
    receipt = act("dispute", trade_id, sender=maker, value=cost)
    (created,) = receipt.decode_logs(kleros.DisputeCreation)
    assert created._arbitrable == escrow.address
    dispute_id = receipt.decode_logs(escrow.TradeDisputed)[0].disputeId
    assert dispute_id == created._disputeID
    assert book.record(trade_id).status == sdk.Status.DISPUTED
    assert kleros.balance == cost
    assert escrow.balance == cost  # the deposit held for the winner
    return trade_id, dispute_id


@pytest.fixture
def ruled(disputed, kleros, deployer):
    """`disputed`, with the arbitrator's first ruling (for the buyer) open to appeal."""
    _, dispute_id = disputed
    receipt = kleros.giveRuling(dispute_id, sdk.Ruling.BUYER_WINS, sender=deployer)
    assert receipt.decode_logs(kleros.AppealPossible)[0]._disputeID == dispute_id
    return disputed


@pytest.mark.parametrize("over", [0, 1, 10**15], ids=["exactly", "one_wei_more", "more"])
def test_appeal__kleros_example_asking_twice_its_appeal_cost__paid_through_the_escrow(
    escrow, kleros, ruled, act, maker, over
):
    trade_id, dispute_id = ruled
    stated = kleros.appealCost(dispute_id, b"")
    value = 2 * stated + over
    arbitrator_before, escrow_before, seller_before = kleros.balance, escrow.balance, maker.balance

    receipt = act("appeal", trade_id, dispute_id, sender=maker, value=value)

    # Refused the stated cost, the arbitrator was offered (and kept) the whole payment: it
    # returns nothing, so nothing comes back to the payer.
    appealed = receipt.decode_logs(escrow.TradeAppealed)[0]
    assert (bytes(appealed.tradeId), appealed.disputeId, appealed.by, appealed.cost) == (
        trade_id,
        dispute_id,
        maker.address,
        value,
    )
    assert receipt.decode_logs(kleros.AppealDecision)[0]._disputeID == dispute_id
    assert not receipt.decode_logs(escrow.FeeDepositReturned)
    assert kleros.balance == arbitrator_before + value
    assert escrow.balance == escrow_before
    assert maker.balance == seller_before - value - receipt.total_fees_paid
    assert kleros.disputeStatus(dispute_id) == 0  # Waiting: a new ruling is due
    assert kleros.appealCost(dispute_id, b"") == 2 * stated


def test_appeal__kleros_example_offered_only_its_stated_cost__reverts_its_insufficient_payment(
    escrow, kleros, ruled, act, maker, reverts
):
    trade_id, dispute_id = ruled
    stated = kleros.appealCost(dispute_id, b"")

    for value in (stated, 2 * stated - 1):
        with reverts(kleros.InsufficientPayment, _available=value, _required=2 * stated):
            act("appeal", trade_id, dispute_id, sender=maker, value=value)

    assert kleros.disputeStatus(dispute_id) == 1  # still Appealable


def test_appeal__below_the_stated_cost__reverts_wrong_arbitration_fee(
    escrow, kleros, ruled, act, maker, taker, reverts
):
    trade_id, dispute_id = ruled
    stated = kleros.appealCost(dispute_id, b"")

    for value, sender in ((stated - 1, maker), (0, taker)):
        with reverts(escrow.EscrowWrongArbitrationFee, sent=value, cost=stated):
            act("appeal", trade_id, dispute_id, sender=sender, value=value)


def test_appealed_ruling__executed_after_the_appeal_window__resolves_the_trade_for_the_winner(
    chain, escrow, kleros, market, ruled, act, book, maker, taker, deployer, stranger
):
    usdc = market
    trade_id, dispute_id = ruled
    act("appeal", trade_id, dispute_id, sender=maker, value=2 * kleros.appealCost(dispute_id, b""))
    kleros.giveRuling(dispute_id, sdk.Ruling.SELLER_WINS, sender=deployer)
    _, ends = kleros.appealPeriod(dispute_id)
    chain.pending_timestamp = ends + 1
    seller_eth, seller_usdc, buyer_usdc = (
        maker.balance,
        usdc.balanceOf(maker),
        usdc.balanceOf(taker),
    )
    cost = kleros.arbitrationCost(b"")

    receipt = kleros.executeRuling(dispute_id, sender=stranger)
    book.apply(receipt)

    ruled_log = receipt.decode_logs(escrow.Ruling)[0]
    assert (ruled_log._arbitrator, ruled_log._disputeID, ruled_log._ruling) == (
        kleros.address,
        dispute_id,
        sdk.Ruling.SELLER_WINS,
    )
    resolved = receipt.decode_logs(escrow.TradeResolved)[0]
    assert (bytes(resolved.tradeId), resolved.ruling, resolved.toBuyer, resolved.toSeller) == (
        trade_id,
        sdk.Ruling.SELLER_WINS,
        0,
        AMOUNT + BOND,
    )
    returned = receipt.decode_logs(escrow.FeeDepositReturned)
    assert [(bytes(e.tradeId), e.to, e.amount) for e in returned] == [
        (trade_id, maker.address, cost)
    ]
    assert maker.balance == seller_eth + cost
    assert usdc.balanceOf(maker) == seller_usdc + AMOUNT + BOND
    assert usdc.balanceOf(taker) == buyer_usdc
    assert escrow.balance == 0
    assert usdc.balanceOf(escrow) == 0
    assert book.record(trade_id).status == sdk.Status.RESOLVED
    assert escrow.tradeCommitment(trade_id) == book.record(trade_id).commitment()


def test_dispute__arbitrator_raised_its_cost_in_the_fee_window__first_payer_tops_up__created(
    escrow, kleros, paid, book, act, maker, taker
):
    """The example arbitrator refuses any payment but its exact cost, and anyone may change
    that cost: the escrow still pays it exactly."""
    trade_id = paid
    cost = kleros.arbitrationCost(b"")
    act("dispute", trade_id, sender=taker, value=cost)
    kleros.setArbitrationCost(2 * cost, sender=maker)

    # The seller owes the new cost; the buyer, short of it, gets a new window to top up.
    receipt = act("dispute", trade_id, sender=maker, value=2 * cost)
    paid_log = receipt.decode_logs(escrow.DisputeFeePaid)[0]
    assert (paid_log.by, paid_log.amount) == (maker.address, 2 * cost)
    assert paid_log.deadline == receipt.timestamp + sdk.FEE_WINDOW
    assert not receipt.decode_logs(escrow.TradeDisputed)
    fees = escrow.disputeFees(trade_id)
    assert (fees.buyer, fees.seller, fees.awaitingBuyer) == (cost, 2 * cost, True)

    receipt = act("dispute", trade_id, sender=taker, value=cost)

    (created,) = receipt.decode_logs(kleros.DisputeCreation)
    disputed = receipt.decode_logs(escrow.TradeDisputed)[0]
    assert (disputed.disputeId, disputed.by) == (created._disputeID, taker.address)
    assert not receipt.decode_logs(escrow.FeeDepositReturned)
    assert kleros.balance == 2 * cost
    assert escrow.balance == 2 * cost
    assert book.record(trade_id).status == sdk.Status.DISPUTED
