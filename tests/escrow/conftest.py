"""Fixtures of the escrow suites: the escrow and its SingleArbitrator deployed with the same
code as `ape run deploy`, authorized on the asset proxy, markets (a listed token with
identity limits and funded, approving traders) and signed offers.

They are module-scoped, not session-scoped: ape keeps what a session fixture does for the
rest of the session, and other suites expect a registry with nothing listed and a proxy
that authorizes no one. Module scope is rolled back when the module ends.

Trade records: every escrow call about a trade takes its current `Trade` record; `book`
(an `openotc.escrow.TradeBook`) follows them from events - call `book.apply(receipt)` after
each escrow transaction, then `book.record(trade_id).as_tuple()`."""

import pytest
from eth_utils import keccak

from openotc import escrow as sdk
from openotc.deployment.params import EscrowParams
from openotc.units import DAY, HOUR, UNLIMITED
from tests.utils.fixtures import attribute


@pytest.fixture(scope="session")
def ruler(accounts):
    """Decides disputes on the SingleArbitrator."""
    return accounts[7]


@pytest.fixture(scope="session")
def arbitration_cost():
    return 10**16


@pytest.fixture(scope="module")
def escrow_layer(create_escrow, ruler, arbitration_cost):
    return create_escrow(EscrowParams(ruler=ruler.address, arbitration_cost=arbitration_cost))


escrow = attribute("escrow_layer", "escrow", scope="module")
arbitrator = attribute("escrow_layer", "arbitrator", scope="module")


@pytest.fixture(scope="module")
def reentrant_token(project, deployer):
    return deployer.deploy(project.MockReentrantToken)


@pytest.fixture(scope="module")
def create_market(registry, identity, proxy, governance, maker, taker):
    """Lists `token`, lets every level trade any amount of it (no per-trade and no rolling
    limit), and funds `traders` (default: maker and taker) with `funds` each, approving the
    proxy without limit."""

    def create(token, traders=None, funds=None, list_token=True):
        decimals = token.decimals()
        if list_token:
            registry.addToken(
                token, token.name(), token.symbol(), decimals, b"\x00" * 32, sender=governance
            )
        for level in range(4):
            identity.setLimit(token, level, UNLIMITED, UNLIMITED, sender=governance)
        for trader in traders or (maker, taker):
            token.mint(trader, funds or 1_000_000 * 10**decimals, sender=trader)
            token.approve(proxy, UNLIMITED, sender=trader)
        return token

    return create


@pytest.fixture(scope="module")
def usdc_market(create_market, usdc):
    return create_market(usdc)


@pytest.fixture(scope="module")
def create_offer(escrow, chain, maker):
    """`create_offer(**overrides)` -> (Offer, signature): a SellCrypto offer by `maker` of
    100 to 10,000 units, valid for a day, signed by `signer` (default: the maker)."""

    def create(token, signer=None, chain_id=None, verifying=None, **overrides):
        unit = 10 ** token.decimals()
        fields = {
            "maker": maker.address,
            "side": sdk.Side.SELL_CRYPTO,
            "token": token.address,
            "min_amount": 100 * unit,
            "max_amount": 10_000 * unit,
            "fiat_currency": sdk.fiat("USD"),
            "price": sdk.price("1.0002"),
            "payment_methods_hash": keccak(text="SEPA,Revolut"),
            "payment_window": 2 * HOUR,
            "terms_hash": keccak(text="Pay within 2 hours; reference the trade id."),
            "min_level": 0,
            "expiry": chain.pending_timestamp + DAY,
            "nonce": 1,
        }
        fields.update(overrides)
        offer = sdk.Offer(**fields)
        signature = sdk.sign_offer(
            offer,
            str(verifying or escrow.address),
            chain.chain_id if chain_id is None else chain_id,
            signer or _account_of(offer.maker),
        )
        return offer, signature

    def _account_of(address):
        from ape import accounts

        return accounts[address]

    return create


@pytest.fixture
def book(escrow):
    return sdk.TradeBook(escrow)


@pytest.fixture
def open_trade(escrow, book, taker):
    """`open_trade(offer, signature, amount, sender=taker)` -> (trade_id, receipt), with the
    record in `book`."""

    def open_(offer, signature, amount, sender=None):
        receipt = escrow.openTrade(offer.as_tuple(), signature, amount, sender=sender or taker)
        book.apply(receipt)
        trade_id = bytes(receipt.decode_logs(escrow.TradeOpened)[0].tradeId)
        return trade_id, receipt

    return open_


@pytest.fixture
def act(escrow, book):
    """`act("markPaid", trade_id, *args, sender=buyer, value=0)`: calls an escrow trade method
    with the current record and applies the receipt to `book`."""

    def call(method, trade_id, *args, sender, value=0):
        record = book.record(trade_id).as_tuple()
        kwargs = {"sender": sender}
        if value:
            kwargs["value"] = value
        receipt = getattr(escrow, method)(trade_id, record, *args, **kwargs)
        book.apply(receipt)
        return receipt

    return call


# ---------------------------------------------------------------- a trade in each state
# Modules override `trade_amount`, `fee_bps` and `payment_reference` where they need other
# values; `funded` opens the trade from `offer` with the fee in force at that moment.


@pytest.fixture
def seller(maker):
    return maker


@pytest.fixture
def buyer(taker):
    return taker


@pytest.fixture
def offer(usdc_market, create_offer):
    return create_offer(usdc_market)


@pytest.fixture
def trade_amount():
    return 1_000 * 10**6


@pytest.fixture
def fee_bps():
    return 0


@pytest.fixture
def payment_reference():
    return keccak(text="SEPA transfer, reference OTC-1")


@pytest.fixture
def funded(escrow, governance, offer, open_trade, trade_amount, fee_bps):
    """A Funded trade of `trade_amount`, opened while the fee is `fee_bps`."""
    if fee_bps:
        escrow.setFee(fee_bps, sender=governance)
    trade_id, _ = open_trade(*offer, trade_amount)
    return trade_id


@pytest.fixture
def paid(funded, act, buyer, payment_reference):
    act("markPaid", funded, payment_reference, sender=buyer)
    return funded


@pytest.fixture
def released(paid, act, seller):
    act("release", paid, sender=seller)
    return paid


@pytest.fixture
def dispute_to_arbitrator(escrow, act, arbitration_cost):
    """`dispute_to_arbitrator(trade_id, first, second)` -> (dispute id, receipts):
    `first` opens the fee window of a Paid trade with the arbitration cost, `second` deposits
    the cost too, and the escrow creates the dispute at the arbitrator (status Disputed)."""

    def dispute(trade_id, first, second):
        opened = act("dispute", trade_id, sender=first, value=arbitration_cost)
        created = act("dispute", trade_id, sender=second, value=arbitration_cost)
        return created.decode_logs(escrow.TradeDisputed)[0].disputeId, (opened, created)

    return dispute


@pytest.fixture
def awaiting_fee(paid, act, buyer, arbitration_cost):
    """A Paid trade whose buyer deposited the arbitration fee: the seller's fee window is open
    (status AwaitingFee)."""
    act("dispute", paid, sender=buyer, value=arbitration_cost)
    return paid


@pytest.fixture
def disputed(paid, dispute_to_arbitrator, buyer, seller):
    """(trade id, dispute id) of a Paid trade the buyer disputed and the seller answered with
    its own deposit: the dispute is at the arbitrator (status Disputed)."""
    dispute_id, _ = dispute_to_arbitrator(paid, buyer, seller)
    return paid, dispute_id


@pytest.fixture
def cancelled(funded, act, buyer):
    act("cancel", funded, sender=buyer)
    return funded
