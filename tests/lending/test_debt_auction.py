"""DebtAuction: the bad-debt backstop (seed section 8).

Debt that no collateral backs becomes the market's deficit; the reserve covers it first, then
the market's DebtAuction sells newly minted protocol token for the stablecoin, within the
token's inflation cap (2% of supply per 365 days); what the cap cannot cover is written down
against the suppliers' share price.

The markets here charge no interest (their rate model is zero), so a deficit booked by
`bad_debt(amount)` stays exactly `amount` and the reserve stays empty unless a test turns the
default rates back on. Bidders are maker ("bidder"), taker ("rival") and stranger, who also
stands for "anyone" when it starts, settles or restarts an auction.
"""

import pytest

from openotc.units import DAY, HOUR, TOKEN_UNIT, ZERO_ADDRESS
from tests.lending.deficits import book_bad_debt, supply, without_interest
from tests.lending.markets import DEBT_PER_AUCTION, INITIAL_LOT, USDC, WETH
from tests.utils.fixtures import roles

BPS = 10_000
MIN_DECREASE_BPS = 500  # each later bid asks for at least 5% less
RESTART_INCREASE_BPS = 5_000  # a restart offers 50% more
BID_DURATION = 3 * HOUR
AUCTION_DURATION = 2 * DAY
MAX_PARAM = 2**128 - 1
DEFAULT_RATES = (0, 400, 7_500, 8_000)  # the market's rate model at deployment
DEFICIT = 1_234 * USDC  # below DEBT_PER_AUCTION: one auction covers it all
BIDDER_FUNDS = 1_000_000 * USDC


def lot_for(debt, initial_lot=INITIAL_LOT, debt_per_auction=DEBT_PER_AUCTION):
    """The lot a start offers for `debt`, before stock and the token's cap limit it: initialLot
    for debtPerAuction, in proportion, rounded down, and at least 1 unit."""
    return max(initial_lot * debt // debt_per_auction, 1)


LOT = lot_for(DEFICIT)  # 2,468 protocol tokens for 1,234 USDC


def lower(lot):
    """The most a bid after one asking `lot` may ask for (5% less, rounded down)."""
    return lot * (BPS - MIN_DECREASE_BPS) // BPS


def grown(lot):
    """The lot a restart offers after one of `lot` (50% more, rounded down)."""
    return lot * (BPS + RESTART_INCREASE_BPS) // BPS


def send_at(chain, timestamp):
    """The next transaction is mined at exactly `timestamp`."""
    chain.pending_timestamp = timestamp
    return timestamp


def read_at(chain, timestamp):
    """Views called from now on see `block.timestamp == timestamp`."""
    chain.mine(timestamp=timestamp)


def events_of(tx, *contracts):
    """`tx`'s events emitted by `contracts`, in order. The market's InterestAccrued is left
    out: without interest it only says that time passed since the last action."""
    addresses = {str(c.address) for c in contracts}
    return [
        e
        for e in tx.events
        if str(e.contract_address) in addresses and e.event_name != "InterestAccrued"
    ]


def fields(auction, auction_id):
    a = auction.auctionOf(auction_id)
    return (a.debt, a.lot, a.bidder, a.bidExpiry, a.end)


def books_balance(market):
    """The market's deficit accounting: totalAssets = cash + totalDebt - reserves + deficit."""
    return (
        market.cash() + market.totalDebt() + market.deficit()
        == market.totalAssets() + market.reserves()
    )


def use_up_cap(token, governance, minter, leave=0):
    """Governance makes `minter` a minter, which mints all the token's cap allows but `leave`."""
    token.grantMinter(minter, sender=governance)
    token.mint(minter, token.mintable() - leave, sender=minter)
    assert token.mintable() == leave


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module", autouse=True)
def _usdc_without_interest(lending, governance):
    return without_interest(lending, governance)


@pytest.fixture(scope="module")
def blacklist_lending(project, deployer, create_lending, weth, wbtc, governance):
    """A market whose stablecoin has a USDC-style blacklist (MockBlacklistToken, 6 decimals)."""
    stable = deployer.deploy(project.MockBlacklistToken)
    return without_interest(create_lending(stable, weth, wbtc), governance)


@pytest.fixture(scope="module")
def fee_switch_lending(project, deployer, create_lending, weth, wbtc, governance):
    """A market whose stablecoin can start charging a transfer fee (MockFeeSwitchToken)."""
    stable = deployer.deploy(project.MockFeeSwitchToken)
    return without_interest(create_lending(stable, weth, wbtc), governance)


@pytest.fixture
def bad_debt(lending, borrower, supplier, liquidator, attest):
    """`bad_debt(amount, on=lending, account=borrower)`: books exactly `amount` of deficit in
    the market of `on` (see tests/lending/deficits.py); returns the liquidation's receipt."""

    def book(amount, on=None, account=None):
        return book_bad_debt(
            on or lending,
            amount,
            account or borrower,
            supplier=supplier,
            liquidator=liquidator,
            attest=attest,
        )

    return book


@pytest.fixture
def bidder(maker, fund, lending):
    """maker, holding BIDDER_FUNDS of the stablecoin and approving the auction (as the others)."""
    fund(lending.stable, maker, BIDDER_FUNDS, lending.auction)
    return maker


@pytest.fixture
def rival(taker, fund, lending):
    fund(lending.stable, taker, BIDDER_FUNDS, lending.auction)
    return taker


@pytest.fixture
def third_bidder(stranger, fund, lending):
    fund(lending.stable, stranger, BIDDER_FUNDS, lending.auction)
    return stranger


@pytest.fixture
def started(auction, bad_debt, stranger):
    """Auction 1 runs for a deficit of DEFICIT: its receipt."""
    bad_debt(DEFICIT)
    return auction.start(sender=stranger)


# ---------------------------------------------------------------- constants and wiring


def test_deployment__wired_to_its_market_and_set_as_documented(
    auction, market, lending, token, governance
):
    assert auction.market() == market.address
    assert market.debtAuction() == auction.address
    assert auction.stablecoin() == lending.stable.address
    assert auction.protocolToken() == token.address == market.protocolToken()
    assert auction.governance() == governance.address
    assert token.isMinter(auction)
    assert auction.MIN_DECREASE_BPS() == MIN_DECREASE_BPS
    assert auction.RESTART_INCREASE_BPS() == RESTART_INCREASE_BPS
    assert auction.BID_DURATION() == BID_DURATION
    assert auction.AUCTION_DURATION() == AUCTION_DURATION
    assert (auction.initialLot(), auction.debtPerAuction()) == (INITIAL_LOT, DEBT_PER_AUCTION)
    assert (auction.liveAuction(), auction.inventory(), auction.totalMinted()) == (0, 0, 0)


# ---------------------------------------------------------------- start


def test_start__no_deficit__refused(auction, market, stranger, reverts):
    assert market.deficit() == 0
    with reverts(auction.AuctionNoDeficit):
        auction.start(sender=stranger)


def test_start__auction_running__refused_naming_it(auction, started, stranger, reverts):
    with reverts(auction.AuctionLive, id=1):
        auction.start(sender=stranger)


def test_start__mints_the_lot_for_its_debt_into_the_auction_and_offers_it_for_the_deficit(
    auction, market, token, bad_debt, stranger, chain
):
    booked = bad_debt(DEFICIT)
    assert booked.decode_logs(market.BadDebtBooked)[0].amount == DEFICIT
    assert market.deficit() == DEFICIT
    supply_before = token.totalSupply()
    minted_before = token.mintedInWindow()

    at = send_at(chain, chain.pending_timestamp + 10)
    tx = auction.start(sender=stranger)

    end = at + AUCTION_DURATION
    assert events_of(tx, market, auction, token) == [
        auction.LotMinted(LOT),
        token.Transfer(ZERO_ADDRESS, auction.address, LOT),
        token.InflationMinted(auction.address, auction.address, LOT),
        auction.AuctionStarted(1, DEFICIT, LOT, end),
    ]
    assert tx.return_value == 1
    assert fields(auction, 1) == (DEFICIT, LOT, ZERO_ADDRESS, 0, end)
    assert auction.liveAuction() == 1
    assert token.totalSupply() == supply_before + LOT
    assert token.mintedInWindow() == minted_before + LOT
    assert token.balanceOf(auction) == auction.inventory() == LOT
    assert auction.totalMinted() == LOT
    assert market.deficit() == DEFICIT  # nothing is paid until a bid


def test_start__reserve_covers_part_first__auctions_only_the_rest(
    auction, market, lending, bad_debt, supplier, stranger, attest, governance, chain
):
    bad_debt(DEFICIT)
    # Interest on another loan fills the reserve (10% of it) while the deficit waits.
    market.setRateModel(DEFAULT_RATES, sender=governance)
    supply(lending, supplier, 10_000 * USDC)
    lending.weth.mint(stranger, 10 * WETH, sender=stranger)
    lending.weth.approve(market, 10 * WETH, sender=stranger)
    market.depositCollateral(lending.weth, 10 * WETH, sender=stranger)
    attest(stranger)
    market.borrow(8_000 * USDC, sender=stranger)
    at = chain.pending_timestamp + 365 * DAY
    read_at(chain, at)
    reserve = market.reserves()
    assert 0 < reserve < DEFICIT

    send_at(chain, at)
    tx = auction.start(sender=stranger)

    rest = DEFICIT - reserve
    assert lot_for(rest) < LOT  # the lot is for the rest only
    assert tx.decode_logs(market.DeficitCoveredByReserve) == [
        market.DeficitCoveredByReserve(reserve, rest)
    ]
    assert tx.decode_logs(auction.LotMinted) == [auction.LotMinted(lot_for(rest))]
    assert tx.decode_logs(auction.AuctionStarted) == [
        auction.AuctionStarted(1, rest, lot_for(rest), at + AUCTION_DURATION)
    ]
    assert (market.reserves(), market.deficit()) == (0, rest)
    assert (auction.auctionOf(1).debt, auction.auctionOf(1).lot) == (rest, lot_for(rest))


def test_start__reserve_covers_it_all__refused_for_lack_of_deficit(
    auction, market, lending, bad_debt, supplier, stranger, attest, governance, chain, reverts
):
    bad_debt(1 * USDC)
    market.setRateModel(DEFAULT_RATES, sender=governance)
    supply(lending, supplier, 10_000 * USDC)
    lending.weth.mint(stranger, 10 * WETH, sender=stranger)
    lending.weth.approve(market, 10 * WETH, sender=stranger)
    market.depositCollateral(lending.weth, 10 * WETH, sender=stranger)
    attest(stranger)
    market.borrow(8_000 * USDC, sender=stranger)
    read_at(chain, chain.pending_timestamp + 365 * DAY)
    assert market.reserves() > 1 * USDC

    # The transaction reverts, the cover with it: coverDeficit is what a keeper calls first.
    with reverts(auction.AuctionNoDeficit):
        auction.start(sender=stranger)
    tx = market.coverDeficit(sender=stranger)
    assert tx.decode_logs(market.DeficitCoveredByReserve) == [
        market.DeficitCoveredByReserve(1 * USDC, 0)
    ]
    with reverts(auction.AuctionNoDeficit):
        auction.start(sender=stranger)


def test_start__deficit_above_debt_per_auction__covered_by_sequential_auctions(
    auction, market, token, lending, bad_debt, bidder, rival, stranger, chain
):
    deficit = DEBT_PER_AUCTION + 10_000 * USDC
    rest = deficit - DEBT_PER_AUCTION
    # A full auction offers the whole initialLot; the rest a fifth of it.
    assert (lot_for(DEBT_PER_AUCTION), lot_for(rest)) == (INITIAL_LOT, INITIAL_LOT // 5)
    bad_debt(deficit)
    first = auction.start(sender=stranger)
    assert first.decode_logs(auction.AuctionStarted)[0].debt == DEBT_PER_AUCTION
    assert first.decode_logs(auction.AuctionStarted)[0].lot == INITIAL_LOT

    bid_at = send_at(chain, chain.pending_timestamp + 10)
    auction.bid(1, INITIAL_LOT, sender=bidder)
    assert market.deficit() == rest
    send_at(chain, bid_at + BID_DURATION)
    auction.settle(1, sender=stranger)

    at = send_at(chain, bid_at + BID_DURATION + 1)
    second = auction.start(sender=stranger)
    assert second.return_value == 2
    assert events_of(second, auction) == [
        auction.LotMinted(lot_for(rest)),  # the first lot was sold whole: nothing in stock
        auction.AuctionStarted(2, rest, lot_for(rest), at + AUCTION_DURATION),
    ]
    tx = auction.bid(2, lot_for(rest), sender=rival)
    assert tx.decode_logs(market.DeficitCoveredByAuction) == [
        market.DeficitCoveredByAuction(rest, 0)
    ]
    assert market.deficit() == 0
    assert auction.totalMinted() == INITIAL_LOT + lot_for(rest)


def test_start__tiny_deficit__offers_a_lot_in_proportion_to_its_debt(
    auction, token, bad_debt, stranger
):
    """One unit of debt (a millionth of a USDC) is offered initialLot / debtPerAuction, not the
    whole initialLot."""
    bad_debt(1)

    tx = auction.start(sender=stranger)

    lot = INITIAL_LOT * 1 // DEBT_PER_AUCTION
    assert lot == lot_for(1) == 2 * 10**12  # 0.000002 protocol token
    assert events_of(tx, auction) == [
        auction.LotMinted(lot),
        auction.AuctionStarted(1, 1, lot, tx.timestamp + AUCTION_DURATION),
    ]
    assert fields(auction, 1) == (1, lot, ZERO_ADDRESS, 0, tx.timestamp + AUCTION_DURATION)
    assert auction.inventory() == token.balanceOf(auction) == auction.totalMinted() == lot


def test_start__lot_in_proportion_rounds_to_zero__offers_one_unit(
    auction, token, bad_debt, governance, stranger
):
    auction.setParams(1, 2 * DEFICIT, sender=governance)
    assert 1 * DEFICIT // (2 * DEFICIT) == 0  # half of a one-unit initialLot
    assert lot_for(DEFICIT, initial_lot=1, debt_per_auction=2 * DEFICIT) == 1
    bad_debt(DEFICIT)

    tx = auction.start(sender=stranger)

    assert events_of(tx, auction) == [
        auction.LotMinted(1),
        auction.AuctionStarted(1, DEFICIT, 1, tx.timestamp + AUCTION_DURATION),
    ]
    assert auction.inventory() == token.balanceOf(auction) == auction.totalMinted() == 1


# ---------------------------------------------------------------- bid


def test_bid__first__pays_the_market_against_the_deficit(
    auction, market, lending, started, bidder, chain
):
    stable = lending.stable
    cash, held, funds = market.cash(), stable.balanceOf(market), stable.balanceOf(bidder)
    end = started.decode_logs(auction.AuctionStarted)[0].end

    at = send_at(chain, chain.pending_timestamp + 10)
    tx = auction.bid(1, LOT, sender=bidder)

    assert events_of(tx, market, auction, stable) == [
        auction.BidPlaced(1, bidder.address, LOT, DEFICIT),
        stable.Transfer(bidder.address, market.address, DEFICIT),
        market.DeficitCoveredByAuction(DEFICIT, 0),
    ]
    assert fields(auction, 1) == (DEFICIT, LOT, bidder.address, at + BID_DURATION, end)
    assert market.cash() == cash + DEFICIT
    assert stable.balanceOf(market) == held + DEFICIT
    assert stable.balanceOf(bidder) == funds - DEFICIT
    assert stable.balanceOf(auction) == 0
    assert market.deficit() == 0
    assert books_balance(market)


def test_bid__first_may_ask_less_than_offered(auction, started, bidder):
    tx = auction.bid(1, LOT - 1, sender=bidder)
    assert tx.decode_logs(auction.BidPlaced) == [
        auction.BidPlaced(1, bidder.address, LOT - 1, DEFICIT)
    ]
    assert auction.auctionOf(1).lot == LOT - 1


def test_bid__first_above_the_offered_lot__refused(auction, started, bidder, reverts):
    with reverts(auction.AuctionBidTooHigh, lot=LOT + 1, maxLot=LOT):
        auction.bid(1, LOT + 1, sender=bidder)


def test_bid__zero_lot__refused(auction, started, bidder, reverts):
    with reverts(auction.AuctionZeroLot):
        auction.bid(1, 0, sender=bidder)


def test_bid__later_at_5_percent_less__refunds_the_bid_it_beats_exactly(
    auction, market, lending, started, bidder, rival, chain
):
    stable = lending.stable
    auction.bid(1, LOT, sender=bidder)
    cash, deficit = market.cash(), market.deficit()
    bidder_funds, rival_funds = stable.balanceOf(bidder), stable.balanceOf(rival)
    end = auction.auctionOf(1).end

    at = send_at(chain, chain.pending_timestamp + 10)
    tx = auction.bid(1, lower(LOT), sender=rival)

    assert lower(LOT) == LOT * 9_500 // 10_000
    assert events_of(tx, market, auction, stable) == [
        auction.BidPlaced(1, rival.address, lower(LOT), DEFICIT),
        stable.Transfer(rival.address, auction.address, DEFICIT),
        stable.Transfer(auction.address, auction.address, DEFICIT),  # the exact-amount check
        stable.Transfer(auction.address, bidder.address, DEFICIT),
    ]
    assert fields(auction, 1) == (DEFICIT, lower(LOT), rival.address, at + BID_DURATION, end)
    assert stable.balanceOf(bidder) == bidder_funds + DEFICIT
    assert stable.balanceOf(rival) == rival_funds - DEFICIT
    assert stable.balanceOf(auction) == 0
    assert auction.refundOf(bidder) == 0
    # The market was paid once, by the first bid.
    assert (market.cash(), market.deficit()) == (cash, deficit)


def test_bid__later_asking_one_more_than_5_percent_less__refused(
    auction, started, bidder, rival, reverts
):
    auction.bid(1, LOT, sender=bidder)
    with reverts(auction.AuctionBidTooHigh, lot=lower(LOT) + 1, maxLot=lower(LOT)):
        auction.bid(1, lower(LOT) + 1, sender=rival)


def test_bid__later__the_5_percent_bound_rounds_down(auction, started, bidder, rival, reverts):
    """95% of LOT - 1 is not whole: the largest lot allowed is below it, never above."""
    auction.bid(1, LOT - 1, sender=bidder)
    bound = lower(LOT - 1)
    assert bound * BPS < (LOT - 1) * (BPS - MIN_DECREASE_BPS) < (bound + 1) * BPS
    with reverts(auction.AuctionBidTooHigh, lot=bound + 1, maxLot=bound):
        auction.bid(1, bound + 1, sender=rival)
    assert auction.bid(1, bound, sender=rival).decode_logs(auction.BidPlaced) == [
        auction.BidPlaced(1, rival.address, bound, DEFICIT)
    ]


def test_bid__same_bidder_may_bid_again_lower(auction, lending, started, bidder):
    funds = lending.stable.balanceOf(bidder)
    auction.bid(1, LOT, sender=bidder)
    tx = auction.bid(1, lower(LOT), sender=bidder)
    assert tx.decode_logs(auction.BidPlaced) == [
        auction.BidPlaced(1, bidder.address, lower(LOT), DEFICIT)
    ]
    assert lending.stable.balanceOf(bidder) == funds - DEFICIT  # paid once, refunded once


def test_bid__bids_close_bid_duration_after_the_last_bid__one_second_before_accepted(
    auction, started, bidder, rival, chain
):
    last = send_at(chain, chain.pending_timestamp + 10)
    auction.bid(1, LOT, sender=bidder)

    send_at(chain, last + BID_DURATION - 1)
    tx = auction.bid(1, lower(LOT), sender=rival)

    assert tx.decode_logs(auction.BidPlaced)[0].bidder == rival.address
    assert auction.auctionOf(1).bidExpiry == last + 2 * BID_DURATION - 1


@pytest.mark.parametrize("after", [0, 1], ids=["at_close", "one_second_after"])
def test_bid__bids_close_bid_duration_after_the_last_bid__refused_from_then(
    auction, started, bidder, rival, chain, reverts, after
):
    last = send_at(chain, chain.pending_timestamp + 10)
    auction.bid(1, LOT, sender=bidder)

    send_at(chain, last + BID_DURATION + after)
    with reverts(auction.AuctionEnded, id=1, endedAt=last + BID_DURATION):
        auction.bid(1, lower(LOT), sender=rival)


def test_bid__one_second_before_the_end_time__accepted(auction, started, bidder, chain):
    end = auction.auctionOf(1).end
    send_at(chain, end - 1)
    tx = auction.bid(1, LOT, sender=bidder)
    assert tx.decode_logs(auction.BidPlaced)[0].bidder == bidder.address


@pytest.mark.parametrize("after", [0, 1], ids=["at_end", "one_second_after"])
def test_bid__at_or_after_the_end_time__refused(auction, started, bidder, chain, reverts, after):
    end = auction.auctionOf(1).end
    send_at(chain, end + after)
    with reverts(auction.AuctionEnded, id=1, endedAt=end):
        auction.bid(1, LOT, sender=bidder)


def test_bid__late_bid_does_not_extend_the_auction_past_its_end_time(
    auction, started, bidder, rival, stranger, chain, reverts
):
    """A bidder cannot keep an auction open: BID_DURATION after a late bid is cut at the end."""
    end = auction.auctionOf(1).end
    send_at(chain, end - 1)
    auction.bid(1, LOT, sender=bidder)
    assert auction.auctionOf(1).bidExpiry == end - 1 + BID_DURATION

    send_at(chain, end)
    with reverts(auction.AuctionEnded, id=1, endedAt=end):
        auction.bid(1, lower(LOT), sender=rival)
    tx = auction.settle(1, sender=stranger)
    assert tx.decode_logs(auction.AuctionSettled) == [
        auction.AuctionSettled(1, bidder.address, LOT)
    ]


# ---------------------------------------------------------------- refunds a bidder cannot take


@pytest.fixture
def blacklist_auction(blacklist_lending, bad_debt, maker, taker, stranger, fund):
    """Auction 1 of the blacklist-token market, live for DEFICIT, maker and taker funded."""
    for account in (maker, taker):
        fund(blacklist_lending.stable, account, BIDDER_FUNDS, blacklist_lending.auction)
    bad_debt(DEFICIT, on=blacklist_lending)
    blacklist_lending.auction.start(sender=stranger)
    return blacklist_lending.auction


def test_bid__outbid_bidder_cannot_receive__credited_and_the_new_bid_stands(
    blacklist_lending, blacklist_auction, maker, taker, stranger, reverts
):
    """Griefing: a bidder that cannot receive its refund (blacklisted) blocks nobody."""
    auction, stable, market = blacklist_auction, blacklist_lending.stable, blacklist_lending.market
    auction.bid(1, LOT, sender=maker)
    stable.setBlacklisted(maker, True, sender=stranger)
    taker_funds = stable.balanceOf(taker)

    tx = auction.bid(1, lower(LOT), sender=taker)

    assert events_of(tx, market, auction, stable) == [
        auction.BidPlaced(1, taker.address, lower(LOT), DEFICIT),
        stable.Transfer(taker.address, auction.address, DEFICIT),
        stable.Transfer(auction.address, auction.address, DEFICIT),
        auction.RefundDeferred(maker.address, DEFICIT),
    ]
    assert auction.auctionOf(1).bidder == taker.address
    assert auction.refundOf(maker) == DEFICIT
    assert stable.balanceOf(auction) == DEFICIT  # exactly the credit
    assert stable.balanceOf(taker) == taker_funds - DEFICIT


def test_withdraw_refund__credited_bidder__withdraws_once_it_can_receive(
    blacklist_lending, blacklist_auction, maker, taker, stranger, reverts
):
    auction, stable = blacklist_auction, blacklist_lending.stable
    auction.bid(1, LOT, sender=maker)
    stable.setBlacklisted(maker, True, sender=stranger)
    auction.bid(1, lower(LOT), sender=taker)
    funds = stable.balanceOf(maker)

    # Paid to the bidder itself, the refund waits while the bidder is blacklisted.
    with reverts(stable.Blacklisted, account=maker.address):
        auction.withdrawRefund(maker, sender=maker)
    stable.setBlacklisted(maker, False, sender=stranger)
    tx = auction.withdrawRefund(maker, sender=maker)

    assert events_of(tx, auction, stable) == [
        auction.RefundWithdrawn(maker.address, maker.address, DEFICIT),
        stable.Transfer(auction.address, maker.address, DEFICIT),
    ]
    assert stable.balanceOf(maker) == funds + DEFICIT
    assert auction.refundOf(maker) == 0
    assert stable.balanceOf(auction) == 0
    with reverts(auction.AuctionNoRefund, bidder=maker.address):
        auction.withdrawRefund(maker, sender=maker)


def test_withdraw_refund__blacklisted_bidder__names_another_recipient(
    blacklist_lending, blacklist_auction, maker, taker, stranger
):
    auction, stable = blacklist_auction, blacklist_lending.stable
    auction.bid(1, LOT, sender=maker)
    stable.setBlacklisted(maker, True, sender=stranger)
    auction.bid(1, lower(LOT), sender=taker)
    funds = stable.balanceOf(stranger)

    tx = auction.withdrawRefund(stranger, sender=maker)

    assert events_of(tx, auction, stable) == [
        auction.RefundWithdrawn(maker.address, stranger.address, DEFICIT),
        stable.Transfer(auction.address, stranger.address, DEFICIT),
    ]
    assert stable.balanceOf(stranger) == funds + DEFICIT
    assert auction.refundOf(maker) == 0


def test_withdraw_refund__to_the_zero_address__refused(
    blacklist_lending, blacklist_auction, maker, taker, stranger, reverts
):
    auction, stable = blacklist_auction, blacklist_lending.stable
    auction.bid(1, LOT, sender=maker)
    stable.setBlacklisted(maker, True, sender=stranger)
    auction.bid(1, lower(LOT), sender=taker)

    with reverts(auction.AuctionZeroAddress):
        auction.withdrawRefund(ZERO_ADDRESS, sender=maker)


def test_withdraw_refund__nothing_credited__refused(auction, stranger, reverts):
    with reverts(auction.AuctionNoRefund, bidder=stranger.address):
        auction.withdrawRefund(stranger, sender=stranger)


def test_settle__winner_blacklisted_on_the_stablecoin__still_receives_the_lot(
    blacklist_lending, blacklist_auction, maker, stranger, chain, token
):
    """Griefing: the lot is protocol token, so the stablecoin's blacklist cannot stop a settle."""
    auction, stable = blacklist_auction, blacklist_lending.stable
    at = send_at(chain, chain.pending_timestamp + 10)
    auction.bid(1, LOT, sender=maker)
    stable.setBlacklisted(maker, True, sender=stranger)

    send_at(chain, at + BID_DURATION)
    tx = auction.settle(1, sender=stranger)

    assert tx.decode_logs(auction.AuctionSettled) == [auction.AuctionSettled(1, maker.address, LOT)]
    assert token.balanceOf(maker) == LOT


# ---------------------------------------------------------------- fee-on-transfer stablecoin


@pytest.fixture
def fee_switch_auction(fee_switch_lending, bad_debt, maker, taker, stranger, fund):
    """Auction 1 of the fee-switch market, live for DEFICIT (booked while the fee was off)."""
    for account in (maker, taker):
        fund(fee_switch_lending.stable, account, BIDDER_FUNDS, fee_switch_lending.auction)
    bad_debt(DEFICIT, on=fee_switch_lending)
    fee_switch_lending.auction.start(sender=stranger)
    return fee_switch_lending.auction


def test_bid__stablecoin_charges_a_fee__first_bid_refused(
    fee_switch_lending, fee_switch_auction, maker, stranger, reverts
):
    stable = fee_switch_lending.stable
    stable.setFeeBps(100, sender=stranger)
    fee = DEFICIT * 100 // BPS
    with reverts(
        fee_switch_auction.AuctionTransferAmountMismatch,
        token=stable.address,
        expected=DEFICIT,
        received=DEFICIT - fee,
    ):
        fee_switch_auction.bid(1, LOT, sender=maker)


def test_bid__stablecoin_charges_a_fee__later_bid_refused(
    fee_switch_lending, fee_switch_auction, maker, taker, stranger, reverts
):
    stable = fee_switch_lending.stable
    fee_switch_auction.bid(1, LOT, sender=maker)
    stable.setFeeBps(100, sender=stranger)
    fee = DEFICIT * 100 // BPS
    with reverts(
        fee_switch_auction.AuctionTransferAmountMismatch,
        token=stable.address,
        expected=DEFICIT,
        received=DEFICIT - fee,
    ):
        fee_switch_auction.bid(1, lower(LOT), sender=taker)


# ---------------------------------------------------------------- settle


def test_settle__before_the_auction_ends__refused(
    auction, started, bidder, stranger, chain, reverts
):
    last = send_at(chain, chain.pending_timestamp + 10)
    auction.bid(1, LOT, sender=bidder)
    send_at(chain, last + BID_DURATION - 1)
    with reverts(auction.AuctionNotEnded, id=1, endsAt=last + BID_DURATION):
        auction.settle(1, sender=stranger)


@pytest.mark.parametrize("after", [0, 1], ids=["at_close", "one_second_after"])
def test_settle__once_ended__anyone_sends_the_lot_to_the_winner(
    auction, market, token, started, bidder, rival, stranger, chain, after
):
    last = send_at(chain, chain.pending_timestamp + 10)
    auction.bid(1, LOT, sender=bidder)
    send_at(chain, last + 1)
    auction.bid(1, lower(LOT), sender=rival)
    deficit = market.deficit()

    send_at(chain, last + 1 + BID_DURATION + after)
    tx = auction.settle(1, sender=stranger)

    assert events_of(tx, market, auction, token) == [
        auction.AuctionSettled(1, rival.address, lower(LOT)),
        token.Transfer(auction.address, rival.address, lower(LOT)),
    ]
    assert token.balanceOf(rival) == lower(LOT)
    assert token.balanceOf(stranger) == 0
    assert auction.liveAuction() == 0
    assert auction.inventory() == token.balanceOf(auction) == LOT - lower(LOT)
    assert market.deficit() == deficit


@pytest.mark.parametrize("after", [-1, 0], ids=["running", "ended"])
def test_settle__without_a_bid__refused(auction, started, stranger, chain, reverts, after):
    send_at(chain, auction.auctionOf(1).end + after)
    with reverts(auction.AuctionNoBid, id=1):
        auction.settle(1, sender=stranger)


def test_settle__unsold_rest_stays_in_stock_and_the_next_auction_uses_it(
    auction, market, token, started, bad_debt, bidder, stranger, chain
):
    sold = LOT * 6 // 10
    last = send_at(chain, chain.pending_timestamp + 10)
    auction.bid(1, sold, sender=bidder)
    send_at(chain, last + BID_DURATION)
    auction.settle(1, sender=stranger)
    assert auction.inventory() == token.balanceOf(auction) == LOT - sold

    bad_debt(DEFICIT)
    tx = auction.start(sender=stranger)

    assert events_of(tx, auction, token) == [
        auction.LotMinted(sold),  # only what the stock lacks
        token.Transfer(ZERO_ADDRESS, auction.address, sold),
        token.InflationMinted(auction.address, auction.address, sold),
        auction.AuctionStarted(2, DEFICIT, LOT, tx.timestamp + AUCTION_DURATION),
    ]
    assert auction.inventory() == token.balanceOf(auction) == LOT
    assert auction.totalMinted() == LOT + sold


# ---------------------------------------------------------------- restart


@pytest.mark.parametrize("after", [-1, 0], ids=["running", "ended"])
def test_restart__with_a_bid__refused(auction, started, bidder, stranger, chain, reverts, after):
    auction.bid(1, LOT, sender=bidder)
    send_at(chain, auction.auctionOf(1).end + after)
    with reverts(auction.AuctionHasBid, id=1):
        auction.restart(1, sender=stranger)


def test_restart__before_the_end_time__refused(auction, started, stranger, chain, reverts):
    end = auction.auctionOf(1).end
    send_at(chain, end - 1)
    with reverts(auction.AuctionNotEnded, id=1, endsAt=end):
        auction.restart(1, sender=stranger)


@pytest.mark.parametrize("after", [0, 1], ids=["at_end", "one_second_after"])
def test_restart__at_or_after_the_end_time__offers_half_as_much_again(
    auction, market, token, started, bidder, stranger, chain, after
):
    at = send_at(chain, auction.auctionOf(1).end + after)
    tx = auction.restart(1, sender=stranger)

    new_end = at + AUCTION_DURATION
    assert grown(LOT) == LOT * 3 // 2
    assert events_of(tx, market, auction, token) == [
        auction.LotMinted(LOT // 2),
        token.Transfer(ZERO_ADDRESS, auction.address, LOT // 2),
        token.InflationMinted(auction.address, auction.address, LOT // 2),
        auction.AuctionRestarted(1, grown(LOT), new_end),
    ]
    assert fields(auction, 1) == (DEFICIT, grown(LOT), ZERO_ADDRESS, 0, new_end)
    assert auction.liveAuction() == 1
    assert auction.inventory() == token.balanceOf(auction) == grown(LOT)
    assert auction.totalMinted() == grown(LOT)
    # It runs again: bids are taken up to the larger lot.
    assert auction.bid(1, grown(LOT), sender=bidder).decode_logs(auction.BidPlaced) == [
        auction.BidPlaced(1, bidder.address, grown(LOT), DEFICIT)
    ]


def test_restart__cap_allows_only_part__offers_what_it_allows(
    auction, token, started, stranger, governance, treasury, chain
):
    allowed = 1_000 * TOKEN_UNIT
    assert allowed < grown(LOT) - LOT  # a restart would mint 1,234 tokens
    use_up_cap(token, governance, treasury, leave=allowed)
    at = send_at(chain, auction.auctionOf(1).end)

    tx = auction.restart(1, sender=stranger)

    assert events_of(tx, auction) == [
        auction.LotMinted(allowed),
        auction.AuctionRestarted(1, LOT + allowed, at + AUCTION_DURATION),
    ]
    assert token.mintable() == 0
    assert auction.inventory() == LOT + allowed


def test_restart__cap_exhausted__abandons_and_writes_the_debt_down_against_suppliers(
    auction, market, token, started, supplier, stranger, governance, treasury, chain, reverts
):
    use_up_cap(token, governance, treasury)
    shares = market.balanceOf(supplier)
    total_shares = market.totalSupply()
    assets_before = market.totalAssets()
    price_before = market.convertToAssets(shares)
    offset = 10**6  # virtual shares: the market's shares carry 6 more decimals
    assert price_before == shares * (assets_before + 1) // (total_shares + offset)
    send_at(chain, auction.auctionOf(1).end)

    tx = auction.restart(1, sender=stranger)

    assert events_of(tx, market, auction, token) == [
        auction.AuctionAbandoned(1, DEFICIT),
        market.DeficitWrittenDown(DEFICIT, 0),
    ]
    assert auction.liveAuction() == 0
    assert market.deficit() == 0
    assert market.totalAssets() == assets_before - DEFICIT
    assert market.convertToAssets(shares) == shares * (assets_before - DEFICIT + 1) // (
        total_shares + offset
    )
    assert books_balance(market)
    # The lot was not sold: it stays in stock, and the auction is over.
    assert auction.inventory() == token.balanceOf(auction) == LOT
    with reverts(auction.AuctionNotLive):
        auction.restart(1, sender=stranger)


def test_restart__minter_role_revoked__abandons_and_writes_the_debt_down(
    auction, market, token, started, governance, stranger, chain, reverts
):
    """Without its minter role the auction mints nothing, so a restart cannot grow the lot."""
    token.revokeMinter(auction, sender=governance)
    assert not token.isMinter(auction) and token.mintable() > 0
    assets_before = market.totalAssets()
    send_at(chain, auction.auctionOf(1).end)

    tx = auction.restart(1, sender=stranger)

    assert events_of(tx, market, auction, token) == [
        auction.AuctionAbandoned(1, DEFICIT),
        market.DeficitWrittenDown(DEFICIT, 0),
    ]
    assert auction.liveAuction() == 0
    assert market.deficit() == 0
    assert market.totalAssets() == assets_before - DEFICIT
    assert books_balance(market)
    assert auction.inventory() == token.balanceOf(auction) == auction.totalMinted() == LOT
    with reverts(auction.AuctionNotLive):
        auction.restart(1, sender=stranger)


def test_start__after_an_abandoned_auction__offers_the_lot_in_stock_without_minting(
    auction, token, started, bad_debt, stranger, governance, treasury, chain
):
    use_up_cap(token, governance, treasury)
    send_at(chain, auction.auctionOf(1).end)
    auction.restart(1, sender=stranger)
    bad_debt(DEFICIT)

    tx = auction.start(sender=stranger)

    assert events_of(tx, auction, token) == [
        auction.AuctionStarted(2, DEFICIT, LOT, tx.timestamp + AUCTION_DURATION)
    ]
    assert auction.totalMinted() == LOT


def test_start__nothing_mintable_and_nothing_in_stock__abandoned_at_once(
    auction, market, token, bad_debt, stranger, governance, treasury, chain, reverts
):
    use_up_cap(token, governance, treasury)
    bad_debt(DEFICIT)
    assets_before = market.totalAssets()

    at = send_at(chain, chain.pending_timestamp + 10)
    tx = auction.start(sender=stranger)

    assert events_of(tx, market, auction, token) == [
        auction.AuctionAbandoned(1, DEFICIT),
        market.DeficitWrittenDown(DEFICIT, 0),
    ]
    assert tx.return_value == 1
    assert fields(auction, 1) == (DEFICIT, 0, ZERO_ADDRESS, 0, at + AUCTION_DURATION)
    assert auction.liveAuction() == 0
    assert (auction.inventory(), auction.totalMinted()) == (0, 0)
    assert market.deficit() == 0
    assert market.totalAssets() == assets_before - DEFICIT
    with reverts(auction.AuctionNotLive):
        auction.bid(1, 1, sender=stranger)
    with reverts(auction.AuctionNoDeficit):
        auction.start(sender=stranger)


def test_start__minter_role_revoked__writes_the_deficit_down(
    auction, market, token, bad_debt, governance, stranger, chain, reverts
):
    """Without its minter role (revoked by the guardian or governance) and with nothing in
    stock, the auction has nothing to offer: the deficit is written down at once."""
    token.revokeMinter(auction, sender=governance)
    assert not token.isMinter(auction) and token.mintable() > 0
    bad_debt(DEFICIT)
    assets_before = market.totalAssets()
    supply_before = token.totalSupply()

    at = send_at(chain, chain.pending_timestamp + 10)
    tx = auction.start(sender=stranger)

    assert events_of(tx, market, auction, token) == [
        auction.AuctionAbandoned(1, DEFICIT),
        market.DeficitWrittenDown(DEFICIT, 0),
    ]
    assert tx.return_value == 1
    assert fields(auction, 1) == (DEFICIT, 0, ZERO_ADDRESS, 0, at + AUCTION_DURATION)
    assert auction.liveAuction() == 0
    assert (auction.inventory(), auction.totalMinted()) == (0, 0)
    assert token.totalSupply() == supply_before
    assert market.deficit() == 0
    assert market.totalAssets() == assets_before - DEFICIT
    assert books_balance(market)
    with reverts(auction.AuctionNotLive):
        auction.bid(1, 1, sender=stranger)


def test_restart__repeatedly__never_mints_more_than_the_token_cap_over_the_window(
    auction, market, token, started, stranger, chain
):
    cap = token.mintable() + token.mintedInWindow()  # what the window allows in all
    lot = LOT
    restarts = 0
    while True:
        send_at(chain, auction.auctionOf(1).end)
        tx = auction.restart(1, sender=stranger)
        restarts += 1
        assert token.mintedInWindow() <= cap
        assert auction.totalMinted() == token.mintedInWindow()
        if tx.decode_logs(auction.AuctionAbandoned):
            break
        lot = min(grown(lot), cap)
        assert tx.decode_logs(auction.AuctionRestarted)[0].lot == lot == auction.inventory()

    # 2,468 grows by half sixteen times to about 1,621,083; the seventeenth restart stops at
    # the cap (2M); the eighteenth can grow the lot no more and gives up.
    assert restarts == 18
    assert auction.totalMinted() == cap == token.mintedInWindow()
    assert token.mintable() == 0
    assert market.deficit() == 0


def start_after_using_up_the_cap(auction, token, bad_debt, governance, treasury, chain, after):
    """The cap is used up at T (by another minter); a deficit waits; anyone (the treasury
    here) calls start() at T plus the token's window plus `after` seconds. Returns
    (T + window, the receipt)."""
    window = token.INFLATION_WINDOW()
    used_at = send_at(chain, chain.pending_timestamp + 10)
    use_up_cap(token, governance, treasury)
    bad_debt(DEFICIT)
    send_at(chain, used_at + window + after)
    return used_at + window, auction.start(sender=treasury)


def test_start__cap_used_up__one_second_before_those_mints_leave_the_window__abandoned(
    auction, token, bad_debt, governance, treasury, chain
):
    _, tx = start_after_using_up_the_cap(auction, token, bad_debt, governance, treasury, chain, -1)
    assert events_of(tx, auction) == [auction.AuctionAbandoned(1, DEFICIT)]
    assert auction.totalMinted() == 0


@pytest.mark.parametrize("after", [0, 1], ids=["at_window", "one_second_after"])
def test_start__cap_used_up__once_those_mints_leave_the_window__mints_again(
    auction, token, bad_debt, governance, treasury, chain, after
):
    """The window is (now - INFLATION_WINDOW, now]: a mint at T leaves it at T + WINDOW."""
    left_at, tx = start_after_using_up_the_cap(
        auction, token, bad_debt, governance, treasury, chain, after
    )
    assert events_of(tx, auction) == [
        auction.LotMinted(LOT),
        auction.AuctionStarted(1, DEFICIT, LOT, left_at + after + AUCTION_DURATION),
    ]
    assert auction.totalMinted() == token.mintedInWindow() == LOT


# ---------------------------------------------------------------- ids


@pytest.mark.parametrize("method", ["bid", "settle", "restart"])
@pytest.mark.parametrize("wrong", [0, 2])
def test_actions__not_the_live_auction__refused(auction, started, stranger, reverts, method, wrong):
    args = (wrong, LOT) if method == "bid" else (wrong,)
    with reverts(auction.AuctionNotLive):
        getattr(auction, method)(*args, sender=stranger)


@pytest.mark.parametrize("method", ["bid", "settle", "restart"])
def test_actions__settled_auction__no_longer_live(
    auction, started, bidder, stranger, chain, reverts, method
):
    last = send_at(chain, chain.pending_timestamp + 10)
    auction.bid(1, LOT, sender=bidder)
    send_at(chain, last + BID_DURATION)
    auction.settle(1, sender=stranger)
    args = (1, LOT) if method == "bid" else (1,)
    with reverts(auction.AuctionNotLive):
        getattr(auction, method)(*args, sender=stranger)


# ---------------------------------------------------------------- setParams


def test_set_params__by_governance__the_next_auction_uses_them(
    auction, bad_debt, governance, stranger
):
    tx = auction.setParams(2 * LOT, 500 * USDC, sender=governance)
    assert tx.events == [auction.AuctionParamsSet(2 * LOT, 500 * USDC)]
    assert (auction.initialLot(), auction.debtPerAuction()) == (2 * LOT, 500 * USDC)

    bad_debt(DEFICIT)
    started = auction.start(sender=stranger)
    assert started.decode_logs(auction.AuctionStarted)[0].debt == 500 * USDC
    assert started.decode_logs(auction.AuctionStarted)[0].lot == 2 * LOT


def test_set_params__during_an_auction__leaves_it_as_started(auction, started, bidder, governance):
    auction.setParams(2 * LOT, 1 * USDC, sender=governance)
    assert auction.auctionOf(1).debt == DEFICIT
    assert auction.auctionOf(1).lot == LOT
    with_bid = auction.bid(1, LOT, sender=bidder)
    assert with_bid.decode_logs(auction.BidPlaced)[0].debt == DEFICIT


def test_set_params__at_the_largest_value__accepted(auction, governance):
    tx = auction.setParams(MAX_PARAM, MAX_PARAM, sender=governance)
    assert tx.events == [auction.AuctionParamsSet(MAX_PARAM, MAX_PARAM)]


@pytest.mark.parametrize("value", [0, MAX_PARAM + 1], ids=["zero", "above_2_128_minus_1"])
@pytest.mark.parametrize("name", ["initialLot", "debtPerAuction"])
def test_set_params__out_of_bounds__refused_naming_the_parameter(
    auction, governance, reverts, name, value
):
    lot, debt = (value, DEBT_PER_AUCTION) if name == "initialLot" else (LOT, value)
    with reverts(
        auction.AuctionParameterOutOfBounds,
        name=name.encode().ljust(32, b"\x00"),
        value=value,
        min=1,
        max=MAX_PARAM,
    ):
        auction.setParams(lot, debt, sender=governance)


@roles("stranger", "guardian")
def test_set_params__not_governance__refused(auction, reverts, actor):
    with reverts(auction.GovernedOnlyGovernance, caller=actor.address):
        auction.setParams(LOT, DEBT_PER_AUCTION, sender=actor)


def test_record_auction_proceeds_and_write_down__only_the_auction(market, stranger, reverts):
    with reverts(market.LendingNotDebtAuction, caller=stranger.address):
        market.recordAuctionProceeds(1, sender=stranger)
    with reverts(market.LendingNotDebtAuction, caller=stranger.address):
        market.writeDownDeficit(1, sender=stranger)


# ---------------------------------------------------------------- accounting over a full cycle


def test_full_cycle__suppliers_made_whole_and_the_books_balance_at_every_step(
    auction,
    market,
    lending,
    token,
    bad_debt,
    supplier,
    bidder,
    rival,
    third_bidder,
    stranger,
    chain,
):
    stable = lending.stable
    deficit = DEBT_PER_AUCTION + 10_000 * USDC
    first_lot, second_lot = lot_for(DEBT_PER_AUCTION), lot_for(deficit - DEBT_PER_AUCTION)
    supply(lending, supplier, 100_000 * USDC)
    supplied = market.totalAssets()
    bad_debt(deficit)
    funds = {a: stable.balanceOf(a) for a in (bidder, rival, third_bidder)}

    def check():
        assert books_balance(market)
        assert stable.balanceOf(market) == market.cash()
        assert stable.balanceOf(auction) == sum(auction.refundOf(a) for a in funds)
        assert token.balanceOf(auction) == auction.inventory()

    check()
    assert market.totalAssets() == supplied  # the deficit still counts as owed to suppliers
    auction.start(sender=stranger)
    check()
    t = send_at(chain, chain.pending_timestamp + 10)
    for step, account in enumerate((bidder, rival, third_bidder, bidder)):
        send_at(chain, t + step)
        auction.bid(1, lower(auction.auctionOf(1).lot) if step else first_lot, sender=account)
        check()
    send_at(chain, t + 3 + BID_DURATION)
    auction.settle(1, sender=stranger)
    check()

    # The rest of the deficit: no bid, a restart, then a bid.
    auction.start(sender=stranger)
    check()
    send_at(chain, auction.auctionOf(2).end)
    auction.restart(2, sender=stranger)
    check()
    send_at(chain, auction.auctionOf(2).end - 1)
    auction.bid(2, grown(second_lot), sender=rival)
    send_at(chain, auction.auctionOf(2).end)
    auction.settle(2, sender=stranger)
    check()

    assert market.deficit() == 0
    assert market.totalAssets() == supplied
    winning_lot = lower(lower(lower(first_lot)))
    assert token.balanceOf(bidder) == winning_lot
    assert token.balanceOf(rival) == grown(second_lot)
    assert stable.balanceOf(bidder) == funds[bidder] - DEBT_PER_AUCTION
    assert stable.balanceOf(rival) == funds[rival] - (deficit - DEBT_PER_AUCTION)
    assert stable.balanceOf(third_bidder) == funds[third_bidder]
    # The second auction used the first one's unsold rest before minting.
    assert 0 < first_lot - winning_lot < second_lot
    assert auction.inventory() == 0
    assert auction.totalMinted() == winning_lot + grown(second_lot)


def test_bid__reserve_covered_part_since_the_start__the_excess_refills_the_reserve(
    auction, market, lending, started, bidder, supplier, stranger, attest, governance, chain
):
    market.setRateModel(DEFAULT_RATES, sender=governance)
    supply(lending, supplier, 10_000 * USDC)
    lending.weth.mint(stranger, 10 * WETH, sender=stranger)
    lending.weth.approve(market, 10 * WETH, sender=stranger)
    market.depositCollateral(lending.weth, 10 * WETH, sender=stranger)
    attest(stranger)
    market.borrow(8_000 * USDC, sender=stranger)
    at = send_at(chain, chain.pending_timestamp + DAY)  # the auction runs two days
    covered = market.coverDeficit(sender=stranger).decode_logs(market.DeficitCoveredByReserve)
    reserve = covered[0].amount
    assert 0 < reserve < DEFICIT and market.deficit() == DEFICIT - reserve

    send_at(chain, at)
    tx = auction.bid(1, LOT, sender=bidder)

    assert tx.decode_logs(market.DeficitCoveredByAuction) == [
        market.DeficitCoveredByAuction(DEFICIT, 0)
    ]
    assert market.deficit() == 0
    assert market.reserves() == reserve  # what the reserve paid, back
    assert books_balance(market)
