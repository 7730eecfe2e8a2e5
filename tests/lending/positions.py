"""Borrower-side helpers for the lending market's unit tests: cash in the market, collateral
pledged, prices moved on both feeds, feeds made to fail, and the market's arithmetic written
again in Python (valuation, health factor, liquidation terms), so that every test compares
the contract with an independent computation instead of with what the contract reports.

A module that uses a fixture of this file imports its function (`market_cash_fixture`):
pytest registers it under its own name (`market_cash`).

Prices are given as the primary feed's answer (USD with 8 decimals, integers: no float ever
touches an amount); the fallback feed gets the same price with 18 decimals."""

from dataclasses import dataclass

import pytest

from tests.lending.markets import (
    BTC_PRICE,
    ETH_PRICE,
    TIER_CAPS,
    USDC,
    WBTC_PARAMS,
    WETH_PARAMS,
)
from tests.utils.reverts import normalise

WAD = 10**18
BPS = 10_000
MAX_UINT256 = 2**256 - 1
FEED_UNIT = 10**8  # the primary feeds' answers have 8 decimals
ETH = ETH_PRICE * FEED_UNIT  # the starting answers
BTC = BTC_PRICE * FEED_UNIT
MARGIN_CALL_BAND = 11 * WAD // 10
FULL_CLOSE_HEALTH = 95 * WAD // 100
CLOSE_FACTOR_BPS = 5_000
SUPPLY = 3_000_000  # whole stablecoin units a supplier lends to the market in `market_cash`
USD_PER_USDC_UNIT = WAD // USDC  # USD (18 decimals) per USDC unit
ZERO_RATES = (0, 0, 0, 8_000)  # base, slope1, slope2 (bps a year), kink: no interest at all


@dataclass(frozen=True)
class Risk:
    """A collateral's risk parameters as listed by the fixtures."""

    decimals: int
    ltv: int  # bps
    threshold: int  # bps
    bonus: int  # bps
    tier: int


WETH_RISK = Risk(18, *WETH_PARAMS[:4])
WBTC_RISK = Risk(8, *WBTC_PARAMS[:4])


# ---------------------------------------------------------------- fixtures


@pytest.fixture(name="market_cash")
def market_cash_fixture(lending, supplier, fund):
    """The supplier has lent SUPPLY whole units of the stablecoin to the market."""
    amount = SUPPLY * 10 ** lending.stable.decimals()
    fund(lending.stable, supplier, amount, lending.market)
    lending.market.deposit(amount, supplier, sender=supplier)
    return amount


@pytest.fixture(name="zero_rates")
def zero_rates_fixture(lending, governance):
    """No interest: debts stay exactly what was borrowed between a test's transactions, so
    every boundary is exact to the unit."""
    lending.market.setRateModel(ZERO_RATES, sender=governance)


@pytest.fixture(name="attested_borrower")
def attested_borrower_fixture(attest, borrower):
    """The borrower, attested at the level that the large-loan rule asks for (level 2)."""
    attest(borrower)
    return borrower


# ---------------------------------------------------------------- actions


def pledge(lending, fund, account, asset, amount):
    """Mints `amount` of `asset` to `account` and deposits it as collateral."""
    fund(asset, account, amount, lending.market)
    return lending.market.depositCollateral(asset, amount, sender=account)


def set_price(lending, asset, answer, sender):
    """Moves `asset`'s price on both feeds: `answer` (8 decimals) on the primary, the same
    price with 18 decimals on the fallback (a move above 50% needs both to agree)."""
    primary, fallback = lending.feeds[str(asset.address)]
    primary.setAnswer(answer, sender=sender)
    fallback.setAnswer(answer * 10**10, sender=sender)


def fail_feeds(lending, asset, sender):
    """Both of `asset`'s feeds revert: the oracle has no reliable price for it."""
    for feed in lending.feeds[str(asset.address)]:
        feed.setReverting(True, sender=sender)


def feeds_updated_at(lending):
    """When the last of the market's feeds last answered."""
    pairs = lending.feeds.values()
    return max(feed.latestRoundData().updatedAt for pair in pairs for feed in pair)


def freeze_index(lending, chain, governance, sender, seconds=30 * 86_400) -> int:
    """Lets interest accrue for `seconds` at the default rates, then sets a zero rate model,
    which stops the borrow index where it is (a value other than 1e18, fixed for the rest of
    the test), and publishes fresh answers at the same prices. Returns that index."""
    chain.mine(timestamp=chain.blocks.head.timestamp + seconds)
    tx = lending.market.setRateModel(ZERO_RATES, sender=governance)
    (accrued,) = emitted(tx, lending.market.InterestAccrued)
    for asset, answer in ((lending.weth, ETH), (lending.wbtc, BTC)):
        set_price(lending, asset, answer, sender)
    return accrued["borrowIndex"]


def emitted(tx, event) -> list[dict]:
    """The `event` logs of `tx`, each as a dict of its arguments (addresses checksummed)."""
    return [
        {name: normalise(value) for name, value in log.event_arguments.items()}
        for log in tx.decode_logs(event)
    ]


def unit_of(token) -> int:
    return 10 ** token.decimals()


# ---------------------------------------------------------------- the market's arithmetic


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def price18(answer: int) -> int:
    """The oracle's price (18 decimals) for a primary answer with 8 decimals."""
    return answer * 10**10


def usd_per_unit(stable_decimals: int) -> int:
    return 10 ** (18 - stable_decimals)


@dataclass
class Valuation:
    """A position's collateral as the market values it, USD with 18 decimals."""

    collateral_value: int = 0
    ltv_limit: int = 0
    tier_limit: int = 0
    liquidation_value: int = 0


def value_of(balance: int, answer: int, risk: Risk) -> int:
    """USD value (18 decimals) of `balance` at a primary answer, rounded down."""
    return balance * price18(answer) // 10**risk.decimals


def valuation(holdings, tier_caps=TIER_CAPS) -> Valuation:
    """`holdings`: (risk, balance, answer) per collateral; `tier_caps` in USDC units (the
    markets of other stablecoins scale them to the same USD amounts)."""
    v = Valuation()
    for risk, balance, answer in holdings:
        value = value_of(balance, answer, risk)
        ltv_value = value * risk.ltv // BPS
        v.collateral_value += value
        v.ltv_limit += ltv_value
        v.tier_limit += min(ltv_value, tier_caps[risk.tier] * USD_PER_USDC_UNIT)
        v.liquidation_value += value * risk.threshold // BPS
    return v


def health(liquidation_value: int, debt: int, stable_decimals=6) -> int:
    """Health factor, 18 decimals, rounded down; max without debt."""
    if debt == 0:
        return MAX_UINT256
    return liquidation_value * WAD // (debt * usd_per_unit(stable_decimals))


def limit_in_units(usd: int, stable_decimals=6) -> int:
    """A limit in USD (18 decimals) in stablecoin units, rounded down."""
    return usd // usd_per_unit(stable_decimals)


@dataclass(frozen=True)
class Terms:
    repaid: int
    seized: int
    debt_left: int


def liquidation_terms(
    *,
    debt: int,
    health_before: int,
    balance: int,
    answer: int,
    risk: Risk,
    max_repay: int = MAX_UINT256,
    stable_decimals: int = 6,
) -> Terms:
    """What a liquidation repays and seizes: at most half the debt unless the position is
    deep (health < 0.95) or dust (debt <= 2,000 whole units); collateral worth the repayment
    plus the bonus, rounded down; with too little of the asset, all of it for a repayment
    worth that much, rounded up."""
    dust = 2_000 * 10**stable_decimals
    full = health_before < FULL_CLOSE_HEALTH or debt <= dust
    max_close = debt if full else debt * CLOSE_FACTOR_BPS // BPS
    repaid = min(max_repay, max_close)
    per_unit = usd_per_unit(stable_decimals)
    with_bonus = BPS + risk.bonus
    unit = 10**risk.decimals
    price = price18(answer)
    seized = (repaid * per_unit * with_bonus // BPS) * unit // price
    if seized > balance:
        seized = balance
        repaid = ceil_div(ceil_div(balance * price, unit) * BPS, with_bonus * per_unit)
    repaid = min(repaid, debt)
    return Terms(repaid, seized, debt - repaid)


def health_after_seizure(
    *, liquidation_value: int, terms: Terms, answer: int, risk: Risk, stable_decimals=6
) -> int:
    """The market's estimate of the health factor after a partial liquidation: the seized
    collateral's value at the liquidation threshold (rounded up) comes off."""
    lost = ceil_div(
        ceil_div(terms.seized * price18(answer), 10**risk.decimals) * risk.threshold, BPS
    )
    left = max(liquidation_value - lost, 0)
    return left * WAD // (terms.debt_left * usd_per_unit(stable_decimals))
