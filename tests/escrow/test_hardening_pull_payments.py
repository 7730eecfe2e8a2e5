"""One party's inability to receive never blocks the other's funds: a token payment that fails
(a USDC-style blacklist) or an ETH deposit return that a contract refuses is credited to its
payee (PaymentDeferred), who takes it later with `withdraw` (Withdrawn), to any address;
the other party is paid as usual. The same in release, rule and cancel.

Trades are of MockBlacklistToken (6 decimals, like USDC): the maker sells (seller), the taker
buys (buyer), with a protocol fee of FEE_BPS."""

import pytest

from openotc import escrow as sdk
from openotc.escrow import Ruling, Status
from openotc.units import USDC_UNIT, ZERO_ADDRESS
from tests.escrow.hardening import (
    at_arbitrator_fixture,  # noqa: F401 (a fixture)
    deferred,
)
from tests.escrow.trades import assert_committed, pin
from tests.utils.fixtures import values
from tests.utils.reverts import encode_error

AMOUNT = 1_000 * USDC_UNIT
BOND = sdk.bond_for(AMOUNT)
FEE_BPS = 50
FEE = AMOUNT * FEE_BPS // sdk.BPS

trade_amount, fee_bps = values(trade_amount=AMOUNT, fee_bps=FEE_BPS)


@pytest.fixture(scope="module")
def blacklist_token(project, deployer, create_market):
    """MockBlacklistToken, listed, maker and taker funded and approving the proxy."""
    return create_market(deployer.deploy(project.MockBlacklistToken))


@pytest.fixture
def offer(blacklist_token, create_offer):
    return create_offer(blacklist_token)


@pytest.fixture
def blacklist(blacklist_token, stranger):
    def listed(account):
        blacklist_token.setBlacklisted(account, True, sender=stranger)

    return listed


@pytest.fixture
def payee(accounts):
    """An account that withdraws credits to it (it holds nothing and has no role)."""
    return accounts[8]


def assert_withdraws_once(escrow, token, account, to, amount, reverts):
    """`account` withdraws its credit of `token` to `to`, and cannot a second time."""
    before = token.balanceOf(to)
    tx = escrow.withdraw(token, to, sender=account)
    assert tx.events == [
        escrow.Withdrawn(account.address, token.address, to.address, amount),
        token.Transfer(escrow.address, to.address, amount),
    ]
    assert token.balanceOf(to) == before + amount
    assert escrow.creditOf(account, token) == 0
    with reverts(escrow.EscrowNothingToWithdraw, account=account.address, token=token.address):
        escrow.withdraw(token, to, sender=account)


def test_release__buyer_blacklisted__seller_gets_the_bond__buyer_credited_and_withdraws(
    escrow, blacklist_token, book, paid, act, buyer, seller, payee, blacklist, reverts
):
    token = blacklist_token
    blacklist(buyer)
    seller_before = token.balanceOf(seller)

    tx = act("release", paid, sender=seller)

    assert tx.events == [
        escrow.TradeReleased(paid, seller.address, AMOUNT - FEE, FEE),
        escrow.PaymentDeferred(buyer.address, token.address, AMOUNT - FEE),
        token.Transfer(escrow.address, seller.address, BOND),
    ]
    assert token.balanceOf(seller) == seller_before + BOND
    assert escrow.creditOf(buyer, token) == AMOUNT - FEE
    assert token.balanceOf(escrow) == AMOUNT  # the credit and the fee
    assert_committed(escrow, book, paid, Status.RELEASED)

    # Still blacklisted, the buyer cannot take it to itself; it takes it to another address.
    with reverts(token.Blacklisted, account=buyer.address):
        escrow.withdraw(token, buyer, sender=buyer)
    assert_withdraws_once(escrow, token, buyer, payee, AMOUNT - FEE, reverts)
    assert token.balanceOf(escrow) == FEE == escrow.accruedFees(token)


@pytest.mark.parametrize(
    "blacklisted, ruling",
    [("buyer", Ruling.BUYER_WINS), ("buyer", Ruling.REFUSED), ("seller", Ruling.REFUSED)],
    ids=["buyer_wins_blacklisted", "refused_buyer_blacklisted", "refused_seller_blacklisted"],
)
def test_rule__blacklisted_party_credited__the_other_paid(
    escrow,
    arbitrator,
    blacklist_token,
    book,
    at_arbitrator,
    buyer,
    seller,
    ruler,
    payee,
    blacklist,
    arbitration_cost,
    blacklisted,
    ruling,
    reverts,
):
    token = blacklist_token
    trade_id, dispute_id = at_arbitrator
    shares = {
        Ruling.BUYER_WINS: {"buyer": AMOUNT - FEE + BOND, "seller": 0},
        Ruling.REFUSED: {"buyer": AMOUNT // 2, "seller": AMOUNT - AMOUNT // 2 + BOND},
    }[ruling]
    parties = {"buyer": buyer, "seller": seller}
    stuck, other = parties[blacklisted], parties["seller" if blacklisted == "buyer" else "buyer"]
    stuck_share = shares[blacklisted]
    other_share = shares["seller" if blacklisted == "buyer" else "buyer"]
    blacklist(stuck)
    other_before = token.balanceOf(other)

    tx = arbitrator.giveRuling(dispute_id, ruling, sender=ruler)
    book.apply(tx)

    assert deferred(tx, escrow) == [(stuck.address, token.address, stuck_share)]
    assert token.balanceOf(other) == other_before + other_share
    assert escrow.creditOf(stuck, token) == stuck_share
    assert escrow.balance == 0  # the deposits went back as ETH: no blacklist there
    assert_committed(escrow, book, trade_id, Status.RESOLVED)
    assert_withdraws_once(escrow, token, stuck, payee, stuck_share, reverts)


@pytest.mark.parametrize("canceller", ["buyer", "seller"])
def test_cancel__seller_blacklisted__credited_amount_and_bond__withdraws(
    chain,
    escrow,
    blacklist_token,
    book,
    funded,
    act,
    buyer,
    seller,
    payee,
    blacklist,
    canceller,
    reverts,
):
    token = blacklist_token
    blacklist(seller)
    if canceller == "seller":
        pin(chain, book.record(funded).payment_deadline)
    offer_hash = book.record(funded).offer_hash
    caller = buyer if canceller == "buyer" else seller

    tx = act("cancel", funded, sender=caller)

    assert tx.events == [
        escrow.TradeCancelled(funded, caller.address),
        escrow.OfferRefilled(offer_hash, funded, AMOUNT),
        escrow.PaymentDeferred(seller.address, token.address, AMOUNT + BOND),
    ]
    assert escrow.creditOf(seller, token) == AMOUNT + BOND
    assert_committed(escrow, book, funded, Status.CANCELLED)
    assert_withdraws_once(escrow, token, seller, payee, AMOUNT + BOND, reverts)
    assert token.balanceOf(escrow) == 0


def test_fee_deposit_return_refused_by_a_contract__credited_in_eth__withdrawn_elsewhere(
    project,
    deployer,
    escrow,
    governance,
    blacklist_token,
    book,
    offer,
    act,
    seller,
    stranger,
    payee,
    arbitration_cost,
    reverts,
):
    escrow.setFee(FEE_BPS, sender=governance)
    # The buyer is a contract account: it takes the offer, marks paid and disputes.
    buyer = deployer.deploy(project.TestReentrantRecipient)

    def as_buyer(method, *args, value=0):
        data = getattr(escrow, method).encode_input(*args)
        receipt = buyer.execute(escrow, data, value=value, sender=stranger)
        book.apply(receipt)
        return receipt

    receipt = as_buyer("openTrade", offer[0].as_tuple(), offer[1], AMOUNT)
    trade_id = bytes(receipt.decode_logs(escrow.TradeOpened)[0].tradeId)
    assert book.record(trade_id).buyer == buyer.address
    as_buyer("markPaid", trade_id, book.record(trade_id).as_tuple(), b"\x01" * 32)
    as_buyer("dispute", trade_id, book.record(trade_id).as_tuple(), value=arbitration_cost)
    assert_committed(escrow, book, trade_id, Status.AWAITING_FEE)

    # It stops accepting ETH; the seller concedes: the tokens reach it, the deposit is credited.
    buyer.setRejecting(True, sender=stranger)
    tx = act("release", trade_id, sender=seller)

    assert tx.decode_logs(escrow.FeeDepositReturned)[0].to == buyer.address
    assert deferred(tx, escrow) == [(buyer.address, ZERO_ADDRESS, arbitration_cost)]
    assert blacklist_token.balanceOf(buyer) == AMOUNT - FEE
    assert escrow.creditOf(buyer, ZERO_ADDRESS) == arbitration_cost
    assert escrow.balance == arbitration_cost
    assert_committed(escrow, book, trade_id, Status.RELEASED)

    # Withdrawn to itself it still fails; to another address it arrives, once.
    to_self = escrow.withdraw.encode_input(ZERO_ADDRESS, buyer)
    refused = encode_error(escrow.EscrowTransferFailed, to=buyer.address, amount=arbitration_cost)
    with reverts(buyer.CallFailed, data=refused):
        buyer.execute(escrow, to_self, sender=stranger)
    before = payee.balance
    tx = buyer.execute(escrow, escrow.withdraw.encode_input(ZERO_ADDRESS, payee), sender=stranger)

    assert tx.decode_logs(escrow.Withdrawn)[0].amount == arbitration_cost
    assert [(e.account, e.token, e.to) for e in tx.decode_logs(escrow.Withdrawn)] == [
        (buyer.address, ZERO_ADDRESS, payee.address)
    ]
    assert payee.balance == before + arbitration_cost
    assert escrow.balance == 0
    assert escrow.creditOf(buyer, ZERO_ADDRESS) == 0
    nothing = encode_error(
        escrow.EscrowNothingToWithdraw, account=buyer.address, token=ZERO_ADDRESS
    )
    with reverts(buyer.CallFailed, data=nothing):
        buyer.execute(escrow, escrow.withdraw.encode_input(ZERO_ADDRESS, payee), sender=stranger)


def test_withdraw__to_the_zero_address__reverts_zero_address__nothing_credited_reverts(
    escrow, blacklist_token, stranger, reverts
):
    for token in (blacklist_token.address, ZERO_ADDRESS):
        with reverts(escrow.EscrowZeroAddress):
            escrow.withdraw(token, ZERO_ADDRESS, sender=stranger)
        with reverts(escrow.EscrowNothingToWithdraw, account=stranger.address, token=token):
            escrow.withdraw(token, stranger, sender=stranger)
