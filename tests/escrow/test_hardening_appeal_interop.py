"""The escrow's appeal path works with any ERC-792 arbitrator: it checks the payment against the
arbitrator's `appealCost`, offers the arbitrator exactly that cost, and the whole payment only
if the arbitrator refuses the cost alone; whatever the arbitrator does not keep goes back to
the appellant (FeeDepositReturned).

- The ERC-792 package's CentralizedArbitratorWithAppeal (KlerosCentralizedArbitrator here)
  charges twice its stated `appealCost`: this module's escrow is decided by it.
- OpenOTC's JurorCourt charges exactly its `appealCost`: an overpayment comes back.
- The escrow accepts ETH only from its arbitrator (EscrowUnexpectedEth)."""

import pytest

from openotc import court as court_sdk
from openotc.deployment.params import CourtParams
from openotc.escrow import Ruling, Status, TradeBook
from openotc.units import MINUTE, USDC_UNIT
from tests.escrow.hardening import (
    at_arbitrator_fixture,  # noqa: F401 (a fixture)
    returned,
)
from tests.escrow.trades import assert_committed, pin
from tests.utils.constants import GAS_MONEY, JUROR_FUNDS

KLEROS_APPEAL_WINDOW = 3 * MINUTE  # CentralizedArbitratorWithAppeal.appealWindow
EXTRA = 12_345  # wei paid above the appeal cost


@pytest.fixture(scope="module")
def kleros(project, deployer):
    """The ERC-792 package's example arbitrator; `deployer` is its owner, who rules."""
    return deployer.deploy(project.KlerosCentralizedArbitrator)


@pytest.fixture(scope="module")
def escrow_layer(create_escrow, kleros, deployer, arbitration_cost):
    """This module's escrow is decided by the Kleros example arbitrator, at the suites' cost."""
    kleros.setArbitrationCost(arbitration_cost, sender=deployer)
    return create_escrow(arbitrator=kleros)


@pytest.fixture
def appealable(kleros, at_arbitrator, deployer):
    """(trade id, dispute id) of a dispute Kleros ruled for the buyer, in its appeal window."""
    trade_id, dispute_id = at_arbitrator
    kleros.giveRuling(dispute_id, Ruling.BUYER_WINS, sender=deployer)
    return trade_id, dispute_id


# ---------------------------------------------------------------- an arbitrator asking for more


@pytest.mark.parametrize("extra", [0, EXTRA], ids=["twice_the_cost", "twice_the_cost_and_more"])
def test_appeal_through_kleros__twice_the_appeal_cost__accepted__cost_it_took_reported(
    chain,
    escrow,
    kleros,
    book,
    appealable,
    act,
    seller,
    stranger,
    deployer,
    arbitration_cost,
    extra,
):
    trade_id, dispute_id = appealable
    cost = kleros.appealCost(dispute_id, b"")
    assert cost == arbitration_cost
    kleros_before, seller_before = kleros.balance, seller.balance

    tx = act("appeal", trade_id, dispute_id, sender=seller, value=2 * cost + extra)

    assert tx.events == [
        kleros.AppealDecision(dispute_id, escrow.address),
        escrow.TradeAppealed(trade_id, dispute_id, seller.address, 2 * cost + extra),
    ]
    assert returned(tx, escrow) == []  # this arbitrator keeps all it is sent
    assert kleros.balance == kleros_before + 2 * cost + extra
    assert seller.balance == seller_before - 2 * cost - extra - tx.total_fees_paid
    assert escrow.balance == arbitration_cost  # only the held deposit
    assert_committed(escrow, book, trade_id, Status.DISPUTED)

    # The appeal reverses the ruling; once the window passes the ruling is executed.
    kleros.giveRuling(dispute_id, Ruling.SELLER_WINS, sender=deployer)
    start, end = kleros.appealPeriod(dispute_id)
    assert end - start == KLEROS_APPEAL_WINDOW
    pin(chain, end + 1)
    tx = kleros.executeRuling(dispute_id, sender=stranger)
    book.apply(tx)

    resolved = tx.decode_logs(escrow.TradeResolved)[0]
    assert (resolved.ruling, resolved.toBuyer) == (Ruling.SELLER_WINS, 0)
    assert returned(tx, escrow) == [(seller.address, arbitration_cost)]
    assert escrow.balance == 0
    assert_committed(escrow, book, trade_id, Status.RESOLVED)


def test_appeal_through_kleros__exactly_the_stated_cost__reverts_with_the_arbitrators_error(
    escrow, kleros, book, appealable, act, seller, reverts
):
    trade_id, dispute_id = appealable
    cost = kleros.appealCost(dispute_id, b"")

    # The arbitrator refuses its own stated cost; the escrow has nothing more to offer.
    with reverts(kleros.InsufficientPayment, _available=cost, _required=2 * cost):
        act("appeal", trade_id, dispute_id, sender=seller, value=cost)
    assert_committed(escrow, book, trade_id, Status.DISPUTED)


@pytest.mark.parametrize("short", [1, "all"], ids=["one_wei_short", "nothing"])
def test_appeal__less_than_the_appeal_cost__reverts_wrong_arbitration_fee(
    escrow, kleros, appealable, act, buyer, short, reverts
):
    trade_id, dispute_id = appealable
    cost = kleros.appealCost(dispute_id, b"")
    sent = 0 if short == "all" else cost - short

    with reverts(escrow.EscrowWrongArbitrationFee, sent=sent, cost=cost):
        act("appeal", trade_id, dispute_id, sender=buyer, value=sent)


# ---------------------------------------------------------------- ETH only from the arbitrator


@pytest.mark.parametrize("role", ["stranger", "buyer", "seller"])
def test_eth_sent_to_the_escrow__by_anyone_but_the_arbitrator__reverts_unexpected_eth(
    escrow, role, request, reverts
):
    sender = request.getfixturevalue(role)
    with reverts(escrow.EscrowUnexpectedEth, sender=sender.address):
        sender.transfer(escrow, 1)
    assert escrow.balance == 0


def test_eth_sent_to_the_escrow__by_its_arbitrator__accepted(escrow, kleros, impersonate):
    impersonate(kleros).transfer(escrow, EXTRA)
    assert escrow.balance == EXTRA


# ---------------------------------------------------------------- OpenOTC's court: the exact cost


@pytest.fixture(scope="module")
def court_escrow(create_escrow, court):
    """A second escrow, decided by a JurorCourt."""
    return create_escrow(arbitrator=court).escrow


@pytest.fixture
def juror(accounts, token, treasury, court, chain, tmp_path):
    """One staked juror: every seat of a draw is its."""
    account = accounts.generate_test_account()
    account.balance = GAS_MONEY
    token.transfer(account, JUROR_FUNDS, sender=treasury)
    juror = court_sdk.Juror(
        court, account, court_sdk.SaltStore(tmp_path / "salts.json"), chain.chain_id
    )
    juror.stake(token, 10 * CourtParams().min_stake)
    return juror


def test_appeal_through_the_court__overpaid__exactly_the_cost_charged__the_excess_returned(
    chain,
    court,
    randomness,
    court_escrow,
    usdc_market,
    create_offer,
    juror,
    pass_period,
    taker,
    maker,
    stranger,
):
    escrow = court_escrow
    book = TradeBook(escrow)
    offer, signature = create_offer(usdc_market, verifying=escrow.address)

    def call(method, trade_id, *args, sender, value=0):
        receipt = getattr(escrow, method)(
            trade_id, book.record(trade_id).as_tuple(), *args, sender=sender, value=value
        )
        book.apply(receipt)
        return receipt

    # A paid trade both parties dispute before the court.
    receipt = escrow.openTrade(offer.as_tuple(), signature, 500 * USDC_UNIT, sender=taker)
    book.apply(receipt)
    trade_id = bytes(receipt.decode_logs(escrow.TradeOpened)[0].tradeId)
    call("markPaid", trade_id, b"\x01" * 32, sender=taker)
    dispute_cost = court.arbitrationCost(b"")
    call("dispute", trade_id, sender=taker, value=dispute_cost)
    receipt = call("dispute", trade_id, sender=maker, value=dispute_cost)
    dispute_id = receipt.decode_logs(escrow.TradeDisputed)[0].disputeId

    # The juror rules for the buyer; the dispute enters the appeal period.
    court_sdk.draw_when_ready(court, randomness, chain, dispute_id, stranger)
    pass_period(dispute_id)  # -> Commit
    juror.commit(dispute_id, Ruling.BUYER_WINS)
    pass_period(dispute_id)  # -> Reveal
    juror.reveal(dispute_id)
    pass_period(dispute_id)  # -> Appeal
    cost = court.appealCost(dispute_id, b"")
    assert cost == 7 * CourtParams().fee_per_juror
    court_before, seller_before = court.balance, maker.balance

    receipt = call("appeal", trade_id, dispute_id, sender=maker, value=cost + EXTRA)

    assert receipt.decode_logs(escrow.TradeAppealed)[0].cost == cost
    appealed = receipt.decode_logs(escrow.TradeAppealed)[0]
    assert (bytes(appealed.tradeId), appealed.disputeId, appealed.by) == (
        trade_id,
        dispute_id,
        maker.address,
    )
    assert returned(receipt, escrow) == [(maker.address, EXTRA)]
    assert court.balance == court_before + cost
    assert maker.balance == seller_before - cost - receipt.total_fees_paid
    assert escrow.balance == dispute_cost  # only the held deposit
    assert court.round(dispute_id, 1).fees == cost
