"""Identity limits per trade and over a rolling period: splitting a large trade into small ones
does not pass. Each account's volume of a token is a leaky bucket that drains its level's
`perPeriod` over VOLUME_PERIOD (30 days); a take that would overflow the taker's or the maker's
bucket is refused with EscrowVolumeLimitExceeded(account, amount, limit, headroom). A cancel
gives the volume back; a level whose perPeriod is max uint is not counted.

Level 0 (every account here) may trade PER_TRADE USDC per trade and PER_PERIOD per period. The
maker and `stranger` both make offers; the taker and `third` take them. Trades that must see
the same bucket are pinned to one timestamp, so headroom figures are exact."""

import pytest

from openotc.units import MAX_UINT256, USDC_UNIT
from tests.escrow.hardening import VOLUME_PERIOD, volume_of
from tests.escrow.trades import pin

PER_TRADE = 500 * USDC_UNIT
PER_PERIOD = 1_000 * USDC_UNIT


@pytest.fixture(scope="module")
def usdc_market(create_market, usdc, identity, governance, maker, taker, stranger):
    """USDC listed; the maker, the taker and `stranger` funded; level 0 limited."""
    market = create_market(usdc, traders=(maker, taker, stranger))
    identity.setLimit(usdc, 0, PER_TRADE, PER_PERIOD, sender=governance)
    return market


@pytest.fixture
def third(accounts):
    """A second taker (it buys, so it needs no tokens)."""
    return accounts[8]


@pytest.fixture
def offers(chain, usdc_market, create_offer, stranger):
    """Two SellCrypto offers valid for two periods: the maker's and `stranger`'s."""
    expiry = chain.pending_timestamp + 2 * VOLUME_PERIOD
    return (
        create_offer(usdc_market, expiry=expiry),
        create_offer(usdc_market, maker=stranger.address, expiry=expiry),
    )


@pytest.fixture
def take(escrow, chain, book):
    """`take(offer, amount, taker, at)` -> receipt: opens a trade in a block at `at`."""

    def run(offer, amount, taker, at):
        pin(chain, at)
        receipt = escrow.openTrade(offer[0].as_tuple(), offer[1], amount, sender=taker)
        book.apply(receipt)
        return receipt

    return run


@pytest.fixture
def now(chain):
    return chain.pending_timestamp + 10


def headroom_at(chain, escrow, account, token, timestamp):
    """`volumeHeadroom` read on a block mined at `timestamp`."""
    chain.mine(timestamp=timestamp)
    assert chain.blocks.head.timestamp == timestamp
    return escrow.volumeHeadroom(account, token)


def test_limits__as_governance_set_them__over_thirty_days(identity, usdc_market, taker):
    assert identity.VOLUME_PERIOD() == VOLUME_PERIOD
    limits = identity.limit(usdc_market, 0)
    assert (limits.perTransaction, limits.perPeriod) == (PER_TRADE, PER_PERIOD)
    level, (per_transaction, per_period) = identity.limitOf(taker, usdc_market)
    assert (level, per_transaction, per_period) == (0, PER_TRADE, PER_PERIOD)


def test_one_trade_over_the_per_trade_limit__reverts_limit_exceeded(
    escrow, usdc_market, offers, taker, reverts
):
    offer, signature = offers[0]
    with reverts(
        escrow.EscrowLimitExceeded, account=taker.address, amount=1_500 * USDC_UNIT, limit=PER_TRADE
    ):
        escrow.openTrade(offer.as_tuple(), signature, 1_500 * USDC_UNIT, sender=taker)
    assert volume_of(escrow, taker, usdc_market) == (0, 0)


def test_split_into_three__two_pass__the_third_reverts_naming_the_taker(
    chain, escrow, usdc_market, offers, take, now, maker, taker, stranger, reverts
):
    usdc = usdc_market
    # The taker takes 500 from each maker: its bucket is full, each maker's half full.
    take(offers[0], PER_TRADE, taker, now)
    take(offers[1], PER_TRADE, taker, now)
    assert volume_of(escrow, taker, usdc) == (now, PER_PERIOD)
    assert volume_of(escrow, maker, usdc) == (now, PER_TRADE)
    assert volume_of(escrow, stranger, usdc) == (now, PER_TRADE)

    pin(chain, now)
    with reverts(
        escrow.EscrowVolumeLimitExceeded,
        account=taker.address,
        amount=PER_TRADE,
        limit=PER_PERIOD,
        headroom=0,
    ):
        escrow.openTrade(offers[0][0].as_tuple(), offers[0][1], PER_TRADE, sender=taker)
    assert volume_of(escrow, taker, usdc) == (now, PER_PERIOD)
    assert volume_of(escrow, maker, usdc) == (now, PER_TRADE)


def test_maker_at_its_rolling_limit__a_taker_with_headroom_is_refused_naming_the_maker(
    chain, escrow, usdc_market, offers, take, now, maker, taker, third, reverts
):
    usdc = usdc_market
    # Two buyers take 500 each from the maker: the maker's bucket is full, theirs half full.
    take(offers[0], PER_TRADE, taker, now)
    take(offers[0], PER_TRADE, third, now)
    assert volume_of(escrow, maker, usdc) == (now, PER_PERIOD)
    assert escrow.volumeHeadroom(third, usdc) == PER_PERIOD - PER_TRADE

    pin(chain, now)
    with reverts(
        escrow.EscrowVolumeLimitExceeded,
        account=maker.address,
        amount=PER_TRADE,
        limit=PER_PERIOD,
        headroom=0,
    ):
        escrow.openTrade(offers[0][0].as_tuple(), offers[0][1], PER_TRADE, sender=third)
    assert volume_of(escrow, third, usdc) == (now, PER_TRADE)  # nothing counted
    assert volume_of(escrow, maker, usdc) == (now, PER_PERIOD)


def test_headroom_drains_linearly_over_the_period(
    chain, escrow, usdc_market, offers, take, now, taker, reverts
):
    usdc = usdc_market
    take(offers[0], PER_TRADE, taker, now)
    take(offers[1], PER_TRADE, taker, now)
    half = now + VOLUME_PERIOD // 2

    def drained(elapsed):  # what has drained of a full bucket after `elapsed` seconds
        return PER_PERIOD * elapsed // VOLUME_PERIOD

    assert headroom_at(chain, escrow, taker, usdc, now + 1) == drained(1)
    assert headroom_at(chain, escrow, taker, usdc, half - 1) == drained(VOLUME_PERIOD // 2 - 1)
    # One second short of half the period, 500 does not fit yet ...
    pin(chain, half - 1)
    with reverts(
        escrow.EscrowVolumeLimitExceeded,
        account=taker.address,
        amount=PER_TRADE,
        limit=PER_PERIOD,
        headroom=drained(VOLUME_PERIOD // 2 - 1),
    ):
        escrow.openTrade(offers[0][0].as_tuple(), offers[0][1], PER_TRADE, sender=taker)
    # ... at half the period exactly half the limit is free again.
    assert headroom_at(chain, escrow, taker, usdc, half) == PER_PERIOD // 2
    assert headroom_at(chain, escrow, taker, usdc, now + VOLUME_PERIOD - 1) == drained(
        VOLUME_PERIOD - 1
    )
    assert headroom_at(chain, escrow, taker, usdc, now + VOLUME_PERIOD) == PER_PERIOD
    assert headroom_at(chain, escrow, taker, usdc, now + VOLUME_PERIOD + 1) == PER_PERIOD

    # A take then counts from the drained figure.
    later = now + VOLUME_PERIOD + 2
    take(offers[0], PER_TRADE, taker, later)
    assert volume_of(escrow, taker, usdc) == (later, PER_TRADE)


def test_a_take_at_half_the_period__fits_exactly(escrow, usdc_market, offers, take, now, taker):
    usdc = usdc_market
    take(offers[0], PER_TRADE, taker, now)
    take(offers[1], PER_TRADE, taker, now)
    half = now + VOLUME_PERIOD // 2

    take(offers[0], PER_TRADE, taker, half)

    assert volume_of(escrow, taker, usdc) == (half, PER_PERIOD)
    assert escrow.volumeHeadroom(taker, usdc) == 0


def test_cancel__gives_the_volume_back_to_both_parties(
    chain, escrow, usdc_market, offers, take, now, act, maker, taker
):
    usdc = usdc_market
    receipt = take(offers[0], PER_TRADE, taker, now)
    take(offers[1], PER_TRADE, taker, now)
    trade_id = bytes(receipt.decode_logs(escrow.TradeOpened)[0].tradeId)
    assert escrow.volumeHeadroom(taker, usdc) == 0

    pin(chain, now)
    act("cancel", trade_id, sender=taker)

    assert volume_of(escrow, taker, usdc) == (now, PER_PERIOD - PER_TRADE)
    assert volume_of(escrow, maker, usdc) == (now, 0)
    assert escrow.volumeHeadroom(taker, usdc) == PER_PERIOD - PER_TRADE
    take(offers[0], PER_TRADE, taker, now)
    assert volume_of(escrow, taker, usdc) == (now, PER_PERIOD)


def test_cancel_a_quarter_period_later__gives_back_only_what_cannot_have_drained(
    chain, escrow, usdc_market, offers, take, now, act, taker
):
    """A trade cancelled after a quarter of the period gives back its amount less a quarter of
    the limit: the bucket drained that much since it opened, at most all of it from this
    trade. The later trade's volume stays counted."""
    usdc = usdc_market
    quarter = VOLUME_PERIOD // 4
    receipt = take(offers[0], PER_TRADE, taker, now)
    old_trade = bytes(receipt.decode_logs(escrow.TradeOpened)[0].tradeId)
    take(offers[1], PER_TRADE, taker, now + quarter)
    # 500 drained a quarter of 1,000 (250), then 500 more: 750 used, 250 of headroom.
    assert volume_of(escrow, taker, usdc) == (now + quarter, PER_PERIOD * 3 // 4)

    pin(chain, now + quarter)
    act("cancel", old_trade, sender=taker)

    # 500 - 250 given back, and the rounding unit the escrow leaves to the account: the newer
    # trade's 500 remain, less that unit.
    assert volume_of(escrow, taker, usdc) == (now + quarter, PER_TRADE - 1)
    drain_per_second = PER_PERIOD // VOLUME_PERIOD
    assert headroom_at(chain, escrow, taker, usdc, now + quarter + 1) == (
        PER_PERIOD - PER_TRADE + 1 + drain_per_second
    )


def test_level_without_a_rolling_limit__is_not_counted(
    escrow, identity, governance, usdc_market, offers, take, now, maker, taker, reverts
):
    usdc = usdc_market
    identity.setLimit(usdc, 0, PER_TRADE, MAX_UINT256, sender=governance)

    for offer in (offers[0], offers[1], offers[0]):
        take(offer, PER_TRADE, taker, now)

    assert volume_of(escrow, taker, usdc) == (0, 0)
    assert volume_of(escrow, maker, usdc) == (0, 0)
    assert escrow.volumeHeadroom(taker, usdc) == MAX_UINT256
    # The per-trade limit still holds.
    with reverts(
        escrow.EscrowLimitExceeded, account=taker.address, amount=PER_TRADE + 1, limit=PER_TRADE
    ):
        escrow.openTrade(offers[0][0].as_tuple(), offers[0][1], PER_TRADE + 1, sender=taker)


def test_cancel_of_a_trade_older_than_the_period__gives_no_headroom_back(
    chain, escrow, usdc_market, offers, take, now, act, taker, reverts
):
    usdc = usdc_market
    # A trade the taker keeps open (Funded) for a whole period: its volume drains away.
    receipt = take(offers[0], PER_TRADE, taker, now)
    old_trade = bytes(receipt.decode_logs(escrow.TradeOpened)[0].tradeId)
    later = now + VOLUME_PERIOD
    assert headroom_at(chain, escrow, taker, usdc, later) == PER_PERIOD

    # A period later the taker fills its bucket with two new trades ...
    take(offers[0], PER_TRADE, taker, later)
    take(offers[1], PER_TRADE, taker, later)
    assert volume_of(escrow, taker, usdc) == (later, PER_PERIOD)

    # ... cancels the old one, whose share had drained, and tries a third at the same second:
    # three live trades of 500 opened at one instant would exceed the 1,000 limit.
    pin(chain, later)
    act("cancel", old_trade, sender=taker)
    pin(chain, later)
    with reverts(
        escrow.EscrowVolumeLimitExceeded,
        account=taker.address,
        amount=PER_TRADE,
        limit=PER_PERIOD,
        headroom=0,
    ):
        escrow.openTrade(offers[0][0].as_tuple(), offers[0][1], PER_TRADE, sender=taker)
