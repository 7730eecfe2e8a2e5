"""LendingMarket, borrowing and repayment: the Borrowed event and the debt rounding up, each
borrow limit at its exact boundary (identity, loan-to-value, volatility tier, large-loan level)
and which one a refusal names, cash, pause and oracle failure, margin calls from a borrow and
from pokeHealth, and repayment (partial, full, by anyone, without a fee, never paused, even
without prices).

Boundaries to the unit use `zero_rates` (no interest between a test's transactions); the tests
about rounding use `freeze_index` (an index other than 1e18, then fixed)."""

import pytest

from openotc.units import MAX_UINT256
from tests.lending.markets import (
    FALLBACK_HEARTBEAT,
    LARGE_LOAN,
    PRIMARY_HEARTBEAT,
    USDC,
    WBTC,
    WETH,
)
from tests.lending.positions import (
    ETH,
    MARGIN_CALL_BAND,
    SUPPLY,
    WAD,
    WETH_RISK,
    attested_borrower_fixture,  # noqa: F401 (a fixture)
    ceil_div,
    emitted,
    fail_feeds,
    freeze_index,
    health,
    market_cash_fixture,  # noqa: F401 (a fixture)
    pledge,
    price18,
    valuation,
    zero_rates_fixture,  # noqa: F401 (a fixture)
)

IDENTITY, LOAN_TO_VALUE, VOLATILITY_TIER, LARGE_LOAN_LEVEL = range(4)  # BorrowLimit
PRIMARY, FALLBACK = 0, 1  # IPriceOracle.Source
LEVEL_0_LIMIT = 1_000 * USDC
THRESHOLD, LARGE_LOAN_MIN_LEVEL = LARGE_LOAN


def borrowed(tx, market):
    (event,) = emitted(tx, market.Borrowed)
    return event


def repaid(tx, market):
    (event,) = emitted(tx, market.Repaid)
    return event


# ---------------------------------------------------------------- borrow


def test_borrow__within_the_limits__sends_the_stablecoin_and_emits_borrowed(
    zero_rates, market_cash, lending, market, attested_borrower, fund
):
    borrower = attested_borrower
    pledge(lending, fund, borrower, lending.weth, WETH)

    tx = market.borrow(1_000 * USDC, sender=borrower)

    assert borrowed(tx, market) == {
        "account": borrower.address,
        "amount": 1_000 * USDC,
        "debt": 1_000 * USDC,
    }
    assert emitted(tx, market.MarginCall) == []  # health 1.7
    assert lending.stable.balanceOf(borrower) == 1_000 * USDC
    assert market.cash() == market_cash - 1_000 * USDC
    assert market.debtOf(borrower) == market.totalDebt() == 1_000 * USDC
    assert lending.stable.balanceOf(market) == market_cash - 1_000 * USDC


def test_borrow__debt_rounds_up_against_the_borrower(
    market_cash, lending, market, chain, governance, deployer, attested_borrower, fund
):
    borrower = attested_borrower
    pledge(lending, fund, borrower, lending.weth, 10 * WETH)
    first = 1_000 * USDC + 1
    market.borrow(first, sender=borrower)  # at index 1e18: scaled debt = first
    index = freeze_index(lending, chain, governance, deployer)
    assert index > WAD

    amount = 333_333_333
    tx = market.borrow(amount, sender=borrower)

    scaled = first + ceil_div(amount * WAD, index)  # the scaled amount added rounds up
    assert scaled * index % WAD != 0  # so that the debt's own rounding shows
    debt = ceil_div(scaled * index, WAD)
    assert borrowed(tx, market)["debt"] == debt == market.debtOf(borrower)
    assert debt >= ceil_div(first * index, WAD) + amount  # owes at least what it received
    assert lending.stable.balanceOf(borrower) == first + amount


def test_borrow__unattested_borrower__up_to_the_level_0_limit_then_refused_naming_identity(
    zero_rates, market_cash, lending, market, borrower, fund, reverts
):
    pledge(lending, fund, borrower, lending.weth, WETH)  # LTV limit 1,600
    assert market.positionOf(borrower).ltvLimit == 1_600 * USDC

    market.borrow(LEVEL_0_LIMIT - 1, sender=borrower)
    with reverts(
        market.LendingBorrowLimitExceeded,
        kind=IDENTITY,
        debt=LEVEL_0_LIMIT + 1,
        limit=LEVEL_0_LIMIT,
    ):
        market.borrow(2, sender=borrower)
    tx = market.borrow(1, sender=borrower)

    assert borrowed(tx, market)["debt"] == LEVEL_0_LIMIT
    with reverts(
        market.LendingBorrowLimitExceeded,
        kind=IDENTITY,
        debt=LEVEL_0_LIMIT + 1,
        limit=LEVEL_0_LIMIT,
    ):
        market.borrow(1, sender=borrower)


def test_borrow__up_to_the_ltv_limit_then_refused_naming_loan_to_value(
    zero_rates, market_cash, lending, market, attested_borrower, fund, reverts
):
    borrower = attested_borrower
    pledge(lending, fund, borrower, lending.weth, WETH)
    limit = 1_600 * USDC  # 1 WETH * 2,000 * 80%
    assert market.positionOf(borrower).ltvLimit == limit

    market.borrow(limit - 1, sender=borrower)
    with reverts(
        market.LendingBorrowLimitExceeded, kind=LOAN_TO_VALUE, debt=limit + 1, limit=limit
    ):
        market.borrow(2, sender=borrower)
    tx = market.borrow(1, sender=borrower)

    assert borrowed(tx, market)["debt"] == limit
    with reverts(
        market.LendingBorrowLimitExceeded, kind=LOAN_TO_VALUE, debt=limit + 1, limit=limit
    ):
        market.borrow(1, sender=borrower)


def test_borrow__above_a_lowered_tier_cap__refused_naming_volatility_tier_and_its_limit(
    zero_rates, market_cash, lending, market, governance, attested_borrower, fund, reverts
):
    borrower = attested_borrower
    cap = 10_000 * USDC
    market.setTierCap(1, cap, sender=governance)  # WBTC's tier
    pledge(lending, fund, borrower, lending.wbtc, WBTC)  # LTV limit 42,000
    position = market.positionOf(borrower)
    assert (position.ltvLimit, position.tierLimit) == (42_000 * USDC, cap)

    market.borrow(cap - 1, sender=borrower)
    with reverts(market.LendingBorrowLimitExceeded, kind=VOLATILITY_TIER, debt=cap + 1, limit=cap):
        market.borrow(2, sender=borrower)
    tx = market.borrow(1, sender=borrower)

    assert borrowed(tx, market)["debt"] == cap


def test_borrow__large_loan_by_a_level_1_borrower__refused_above_the_threshold(
    zero_rates,
    market_cash,
    lending,
    market,
    foundation,
    governance,
    attest,
    borrower,
    fund,
    reverts,
):
    # Level 1 may borrow up to 2M by its identity limit: only the large-loan rule binds.
    foundation.identity.setLimit(
        lending.stable, 1, 2_000_000 * USDC, MAX_UINT256, sender=governance
    )
    attest(borrower, level=1)
    pledge(lending, fund, borrower, lending.weth, 500 * WETH)  # LTV limit 800,000

    market.borrow(THRESHOLD - 1, sender=borrower)
    with reverts(
        market.LendingBorrowLimitExceeded,
        kind=LARGE_LOAN_LEVEL,
        debt=THRESHOLD + 1,
        limit=THRESHOLD,
    ):
        market.borrow(2, sender=borrower)
    tx = market.borrow(1, sender=borrower)  # at the threshold: not above it

    assert borrowed(tx, market)["debt"] == THRESHOLD


def test_borrow__large_loan_by_a_level_2_borrower__allowed_above_the_threshold(
    zero_rates, market_cash, lending, market, attested_borrower, fund
):
    borrower = attested_borrower
    pledge(lending, fund, borrower, lending.weth, 500 * WETH)

    tx = market.borrow(THRESHOLD + 1, sender=borrower)

    assert borrowed(tx, market)["debt"] == THRESHOLD + 1


@pytest.mark.parametrize(
    ("weth_amount", "wbtc_amount", "wbtc_tier_cap", "amount", "kind", "limit"),
    [
        # identity 1,000 < LTV 1,600
        (WETH, 0, None, 2_000 * USDC, IDENTITY, LEVEL_0_LIMIT),
        # LTV 800 < identity 1,000
        (WETH // 2, 0, None, 1_200 * USDC, LOAN_TO_VALUE, 800 * USDC),
        # tier 500 < identity 1,000 < LTV 42,000
        (0, WBTC, 500 * USDC, 2_000 * USDC, VOLATILITY_TIER, 500 * USDC),
        # LTV 400 (WETH alone: tier 0) + tier 300 (WBTC) = 700 < identity 1,000 < LTV 42,400
        (WETH // 4, WBTC, 300 * USDC, 1_500 * USDC, VOLATILITY_TIER, 700 * USDC),
    ],
    ids=["identity", "loan_to_value", "volatility_tier", "tier_over_two_assets"],
)
def test_borrow__several_limits_exceeded__refusal_names_the_smallest(
    zero_rates,
    market_cash,
    lending,
    market,
    governance,
    borrower,
    fund,
    reverts,
    weth_amount,
    wbtc_amount,
    wbtc_tier_cap,
    amount,
    kind,
    limit,
):
    if wbtc_tier_cap is not None:
        market.setTierCap(1, wbtc_tier_cap, sender=governance)
    if weth_amount:
        pledge(lending, fund, borrower, lending.weth, weth_amount)
    if wbtc_amount:
        pledge(lending, fund, borrower, lending.wbtc, wbtc_amount)

    with reverts(market.LendingBorrowLimitExceeded, kind=kind, debt=amount, limit=limit):
        market.borrow(amount, sender=borrower)


def test_borrow__large_loan_above_a_smaller_ltv_limit__refusal_names_loan_to_value(
    zero_rates,
    market_cash,
    lending,
    market,
    foundation,
    governance,
    attest,
    borrower,
    fund,
    reverts,
):
    foundation.identity.setLimit(
        lending.stable, 1, 2_000_000 * USDC, MAX_UINT256, sender=governance
    )
    attest(borrower, level=1)
    pledge(lending, fund, borrower, lending.weth, 300 * WETH)  # LTV limit 480,000 < 500,000
    amount = 600_000 * USDC

    with reverts(
        market.LendingBorrowLimitExceeded, kind=LOAN_TO_VALUE, debt=amount, limit=480_000 * USDC
    ):
        market.borrow(amount, sender=borrower)


def test_borrow__more_than_the_cash__refused_naming_the_cash(
    lending, market, supplier, attested_borrower, fund, reverts
):
    borrower, cash = attested_borrower, 1_000 * USDC
    fund(lending.stable, supplier, cash, market)
    market.deposit(cash, supplier, sender=supplier)
    pledge(lending, fund, borrower, lending.weth, WETH)

    with reverts(market.LendingInsufficientCash, requested=cash + 1, cash=cash):
        market.borrow(cash + 1, sender=borrower)
    tx = market.borrow(cash, sender=borrower)

    assert borrowed(tx, market)["amount"] == cash
    assert market.cash() == 0
    with reverts(market.LendingInsufficientCash, requested=1, cash=0):
        market.borrow(1, sender=borrower)


def test_borrow__while_paused__refused_until_governance_unpauses(
    market_cash, lending, market, guardian, governance, attested_borrower, fund, reverts
):
    borrower = attested_borrower
    pledge(lending, fund, borrower, lending.weth, WETH)
    paused = market.pauseBorrowing(sender=guardian)
    assert emitted(paused, market.BorrowingPaused) == [{"by": guardian.address}]

    with reverts(market.LendingBorrowingPaused):
        market.borrow(USDC, sender=borrower)
    market.unpauseBorrowing(sender=governance)
    tx = market.borrow(USDC, sender=borrower)

    assert borrowed(tx, market)["amount"] == USDC


def test_borrow__zero_amount__refused(lending, market, attested_borrower, reverts):
    with reverts(market.LendingZeroAmount):
        market.borrow(0, sender=attested_borrower)


def test_borrow__both_feeds_stale__refused_price_unavailable(
    market_cash, lending, market, chain, attested_borrower, fund, reverts
):
    borrower, weth = attested_borrower, lending.weth
    pledge(lending, fund, borrower, weth, WETH)
    _, fallback = lending.feeds[str(weth.address)]
    chain.pending_timestamp = fallback.latestRoundData().updatedAt + FALLBACK_HEARTBEAT + 1

    with reverts(market.LendingPriceUnavailable, asset=weth):
        market.borrow(USDC, sender=borrower)


def test_borrow__fallback_at_its_heartbeat__borrows_at_the_fallback_price(
    market_cash, lending, market, chain, attested_borrower, fund
):
    borrower, weth = attested_borrower, lending.weth
    pledge(lending, fund, borrower, weth, WETH)
    _, fallback = lending.feeds[str(weth.address)]
    chain.pending_timestamp = fallback.latestRoundData().updatedAt + FALLBACK_HEARTBEAT

    tx = market.borrow(USDC, sender=borrower)

    assert borrowed(tx, market)["amount"] == USDC
    assert emitted(tx, lending.oracle.PriceSourceChanged) == [
        {"asset": weth.address, "previous": PRIMARY, "source": FALLBACK, "price": price18(ETH)}
    ]


def test_borrow__primary_stale_only__falls_back_and_borrows(
    market_cash, lending, market, chain, deployer, attested_borrower, fund
):
    borrower, weth = attested_borrower, lending.weth
    pledge(lending, fund, borrower, weth, WETH)
    primary, fallback = lending.feeds[str(weth.address)]
    chain.mine(timestamp=primary.latestRoundData().updatedAt + PRIMARY_HEARTBEAT + 1)
    fallback.setAnswer(price18(ETH - 100 * 10**8), sender=deployer)  # 1,900 from the fallback

    tx = market.borrow(1_000 * USDC, sender=borrower)

    assert borrowed(tx, market)["debt"] == 1_000 * USDC
    assert emitted(tx, lending.oracle.PriceSourceChanged) == [
        {
            "asset": weth.address,
            "previous": PRIMARY,
            "source": FALLBACK,
            "price": price18(ETH - 100 * 10**8),
        }
    ]
    assert market.positionOf(borrower).collateralValue == 1_900 * WAD


# ---------------------------------------------------------------- margin calls


def test_borrow__ending_below_the_margin_call_band__emits_margin_call_and_not_at_the_band(
    zero_rates, market_cash, lending, market, attested_borrower, fund
):
    borrower = attested_borrower
    # 0.55 WETH: value 1,100, liquidation value 935 = 1.1 * 850.
    pledge(lending, fund, borrower, lending.weth, 55 * WETH // 100)

    at_band = market.borrow(850 * USDC, sender=borrower)
    below = market.borrow(1, sender=borrower)

    assert market.healthFactor(borrower) < MARGIN_CALL_BAND
    assert emitted(at_band, market.MarginCall) == []
    liquidation_value = valuation([(WETH_RISK, 55 * WETH // 100, ETH)]).liquidation_value
    assert health(liquidation_value, 850 * USDC) == MARGIN_CALL_BAND
    assert emitted(below, market.MarginCall) == [
        {"account": borrower.address, "healthFactor": health(liquidation_value, 850 * USDC + 1)}
    ]
    assert borrowed(below, market)["debt"] == 850 * USDC + 1


def test_poke_health__below_the_band__emits_margin_call_and_returns_the_health(
    zero_rates, market_cash, lending, market, stranger, attested_borrower, fund
):
    borrower = attested_borrower
    pledge(lending, fund, borrower, lending.weth, 55 * WETH // 100)
    market.borrow(850 * USDC + 1, sender=borrower)
    expected = health(
        valuation([(WETH_RISK, 55 * WETH // 100, ETH)]).liquidation_value, 850 * USDC + 1
    )

    tx = market.pokeHealth(borrower, sender=stranger)

    assert market.pokeHealth.call(borrower, sender=stranger) == expected < MARGIN_CALL_BAND
    assert emitted(tx, market.MarginCall) == [
        {"account": borrower.address, "healthFactor": expected}
    ]


def test_poke_health__at_the_band__no_margin_call(
    zero_rates, market_cash, lending, market, stranger, attested_borrower, fund
):
    borrower = attested_borrower
    pledge(lending, fund, borrower, lending.weth, 55 * WETH // 100)
    market.borrow(850 * USDC, sender=borrower)

    tx = market.pokeHealth(borrower, sender=stranger)

    assert market.pokeHealth.call(borrower, sender=stranger) == MARGIN_CALL_BAND
    assert emitted(tx, market.MarginCall) == []


def test_poke_health__without_debt__returns_max_even_without_prices(
    lending, market, deployer, stranger, borrower, fund
):
    pledge(lending, fund, borrower, lending.weth, WETH)
    fail_feeds(lending, lending.weth, deployer)

    tx = market.pokeHealth(borrower, sender=stranger)

    assert market.pokeHealth.call(borrower, sender=stranger) == MAX_UINT256
    assert market.pokeHealth.call(stranger, sender=stranger) == MAX_UINT256
    assert emitted(tx, market.MarginCall) == []


def test_poke_health__with_debt_and_failed_feeds__refused_price_unavailable(
    market_cash, lending, market, deployer, stranger, attested_borrower, fund, reverts
):
    borrower = attested_borrower
    pledge(lending, fund, borrower, lending.weth, WETH)
    market.borrow(USDC, sender=borrower)
    fail_feeds(lending, lending.weth, deployer)

    with reverts(market.LendingPriceUnavailable, asset=lending.weth):
        market.pokeHealth(borrower, sender=stranger)


# ---------------------------------------------------------------- repay


def test_repay__part__takes_exactly_the_amount_and_lowers_the_debt_by_it(
    zero_rates, market_cash, lending, market, attested_borrower, fund
):
    borrower, stable = attested_borrower, lending.stable
    pledge(lending, fund, borrower, lending.weth, WETH)
    market.borrow(1_000 * USDC, sender=borrower)
    stable.approve(market, MAX_UINT256, sender=borrower)

    assert market.repay.call(borrower, 400 * USDC, sender=borrower) == 400 * USDC
    tx = market.repay(borrower, 400 * USDC, sender=borrower)

    assert repaid(tx, market) == {
        "payer": borrower.address,
        "account": borrower.address,
        "amount": 400 * USDC,
        "debt": 600 * USDC,
    }
    # No fee: the borrower paid exactly what its debt went down by.
    assert stable.balanceOf(borrower) == 600 * USDC
    assert market.debtOf(borrower) == market.totalDebt() == 600 * USDC
    assert market.cash() == SUPPLY * USDC - 600 * USDC


def test_repay__more_than_the_debt__repays_exactly_the_debt_with_its_interest(
    market_cash, lending, market, chain, deployer, attested_borrower, fund
):
    borrower, stable = attested_borrower, lending.stable
    pledge(lending, fund, borrower, lending.weth, WETH)
    market.borrow(1_000 * USDC, sender=borrower)  # scaled debt 1,000 at index 1e18
    chain.mine(timestamp=chain.blocks.head.timestamp + 30 * 86_400)
    fund(stable, borrower, 10 * USDC, market)  # for the interest

    tx = market.repay(borrower, 2_000 * USDC, sender=borrower)

    (accrued,) = emitted(tx, market.InterestAccrued)
    debt = ceil_div(1_000 * USDC * accrued["borrowIndex"], WAD)
    assert debt > 1_000 * USDC
    assert repaid(tx, market) == {
        "payer": borrower.address,
        "account": borrower.address,
        "amount": debt,
        "debt": 0,
    }
    assert stable.balanceOf(borrower) == 1_010 * USDC - debt
    assert market.debtOf(borrower) == market.totalDebt() == 0


def test_repay__for_another_account__the_payer_pays_and_is_named(
    zero_rates, market_cash, lending, market, stranger, attested_borrower, fund
):
    borrower = attested_borrower
    pledge(lending, fund, borrower, lending.weth, WETH)
    market.borrow(1_000 * USDC, sender=borrower)
    fund(lending.stable, stranger, 1_500 * USDC, market)

    tx = market.repay(borrower, MAX_UINT256, sender=stranger)

    assert repaid(tx, market) == {
        "payer": stranger.address,
        "account": borrower.address,
        "amount": 1_000 * USDC,
        "debt": 0,
    }
    assert lending.stable.balanceOf(stranger) == 500 * USDC
    assert lending.stable.balanceOf(borrower) == 1_000 * USDC
    assert market.debtOf(borrower) == 0


def test_repay__part_after_interest__debt_left_rounds_up(
    market_cash, lending, market, chain, governance, deployer, attested_borrower, fund
):
    borrower = attested_borrower
    pledge(lending, fund, borrower, lending.weth, 10 * WETH)
    scaled = 1_000 * USDC + 1
    market.borrow(scaled, sender=borrower)
    index = freeze_index(lending, chain, governance, deployer)
    lending.stable.approve(market, MAX_UINT256, sender=borrower)
    debt = ceil_div(scaled * index, WAD)
    amount = 123_456_789

    tx = market.repay(borrower, amount, sender=borrower)

    # The scaled debt removed rounds down, the debt left rounds up: never below debt - amount.
    left = ceil_div((scaled - amount * WAD // index) * index, WAD)
    assert market.debtOf(borrower) == left >= debt - amount
    assert repaid(tx, market)["amount"] == amount


def test_repay__part_after_interest__repaid_event_reports_the_debt_left(
    market_cash, lending, market, chain, governance, deployer, attested_borrower, fund
):
    borrower = attested_borrower
    pledge(lending, fund, borrower, lending.weth, 10 * WETH)
    scaled = 1_000 * USDC + 1
    market.borrow(scaled, sender=borrower)
    index = freeze_index(lending, chain, governance, deployer)
    lending.stable.approve(market, MAX_UINT256, sender=borrower)
    debt = ceil_div(scaled * index, WAD)
    # An amount whose scaled part, rounded down, leaves one unit more than debt - amount.
    amount = next(
        a
        for a in range(100 * USDC, 101 * USDC)
        if ceil_div((scaled - a * WAD // index) * index, WAD) != debt - a
    )

    tx = market.repay(borrower, amount, sender=borrower)

    assert repaid(tx, market)["debt"] == market.debtOf(borrower)


def test_repay__no_debt__refused(lending, market, stranger, borrower, reverts):
    with reverts(market.LendingNoDebt, account=borrower):
        market.repay(borrower, USDC, sender=stranger)


def test_repay__zero_amount__refused(lending, market, stranger, borrower, reverts):
    with reverts(market.LendingZeroAmount):
        market.repay(borrower, 0, sender=stranger)


def test_repay__early_in_full__then_all_the_collateral_withdrawn_at_once(
    zero_rates, market_cash, lending, market, attested_borrower, fund
):
    borrower, weth, wbtc = attested_borrower, lending.weth, lending.wbtc
    pledge(lending, fund, borrower, weth, WETH)
    pledge(lending, fund, borrower, wbtc, WBTC)
    market.borrow(20_000 * USDC, sender=borrower)
    lending.stable.approve(market, MAX_UINT256, sender=borrower)

    market.repay(borrower, MAX_UINT256, sender=borrower)
    first = market.withdrawCollateral(weth, MAX_UINT256, borrower, sender=borrower)
    second = market.withdrawCollateral(wbtc, MAX_UINT256, borrower, sender=borrower)

    assert emitted(first, market.CollateralWithdrawn)[0]["amount"] == WETH
    assert emitted(second, market.CollateralWithdrawn)[0]["amount"] == WBTC
    assert (weth.balanceOf(borrower), wbtc.balanceOf(borrower)) == (WETH, WBTC)
    assert market.collateralsOf(borrower) == []
    assert market.debtOf(borrower) == 0


def test_repay__while_paused__accepted(
    zero_rates, market_cash, lending, market, guardian, attested_borrower, fund
):
    borrower = attested_borrower
    pledge(lending, fund, borrower, lending.weth, WETH)
    market.borrow(1_000 * USDC, sender=borrower)
    market.pauseBorrowing(sender=guardian)
    lending.stable.approve(market, MAX_UINT256, sender=borrower)

    tx = market.repay(borrower, 300 * USDC, sender=borrower)

    assert repaid(tx, market)["debt"] == 700 * USDC
    assert market.borrowingPaused()


def test_repay__both_feeds_failed__accepted_and_collateral_released_once_repaid(
    zero_rates, market_cash, lending, market, deployer, attested_borrower, fund
):
    borrower, weth, wbtc = attested_borrower, lending.weth, lending.wbtc
    pledge(lending, fund, borrower, weth, WETH)
    pledge(lending, fund, borrower, wbtc, WBTC)
    market.borrow(1_000 * USDC, sender=borrower)
    fail_feeds(lending, weth, deployer)
    fail_feeds(lending, wbtc, deployer)
    lending.stable.approve(market, MAX_UINT256, sender=borrower)

    tx = market.repay(borrower, MAX_UINT256, sender=borrower)
    withdrawn = market.withdrawCollateral(wbtc, MAX_UINT256, borrower, sender=borrower)

    assert repaid(tx, market)["amount"] == 1_000 * USDC
    assert emitted(withdrawn, market.CollateralWithdrawn)[0]["amount"] == WBTC
    assert not market.positionOf(borrower).pricesReliable
