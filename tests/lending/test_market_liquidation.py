"""LendingMarket, liquidation: the health factor boundary at exactly 1, the close factor (50%,
100% below 0.95 or for dust debt), the collateral seized (repayment plus bonus, rounded down;
all of a small balance for a repayment rounded up), the rule that a partial liquidation must
raise the health factor, bad debt booked and covered by the reserve, and the same economics
on a 6- and an 18-decimal stablecoin.

Every expected amount is computed in Python from the prices and balances (tests/lending/
positions.py); `zero_rates` keeps debts exact between a test's transactions."""

import pytest

from openotc.units import MAX_UINT256
from tests.lending.markets import USDC, WBTC, WETH
from tests.lending.positions import (
    BTC,
    FEED_UNIT,
    FULL_CLOSE_HEALTH,
    MARGIN_CALL_BAND,
    WAD,
    WBTC_RISK,
    WETH_RISK,
    ZERO_RATES,
    attested_borrower_fixture,  # noqa: F401 (a fixture)
    ceil_div,
    emitted,
    fail_feeds,
    freeze_index,
    health,
    health_after_seizure,
    liquidation_terms,
    market_cash_fixture,  # noqa: F401 (a fixture)
    pledge,
    set_price,
    valuation,
    zero_rates_fixture,  # noqa: F401 (a fixture)
)

DUST_DEBT = 2_000 * USDC
# 10 WETH against 12,750: at 1,500 USD its liquidation value (85%) is the debt exactly.
COLLATERAL, DEBT, PRICE_AT_ONE = 10 * WETH, 12_750 * USDC, 1_500 * FEED_UNIT
PRICE_AT_095 = 1_425 * FEED_UNIT  # health 0.95 exactly for the same position


def open_position(lending, fund, borrower, debt, weth=0, wbtc=0):
    """Pledges `weth` and `wbtc` and borrows `debt`."""
    if weth:
        pledge(lending, fund, borrower, lending.weth, weth)
    if wbtc:
        pledge(lending, fund, borrower, lending.wbtc, wbtc)
    lending.market.borrow(debt, sender=borrower)


@pytest.fixture
def keeper(lending, liquidator, fund):
    """The liquidator, holding 1M of the stablecoin approved to the market."""
    fund(lending.stable, liquidator, 1_000_000 * 10 ** lending.stable.decimals(), lending.market)
    return liquidator


def single_weth(answer, debt=DEBT, balance=COLLATERAL):
    """Expected health of a WETH-only position at `answer`."""
    return health(valuation([(WETH_RISK, balance, answer)]).liquidation_value, debt)


def liquidated(tx, market):
    (event,) = emitted(tx, market.Liquidated)
    return event


# ---------------------------------------------------------------- the health factor boundary


@pytest.mark.parametrize(
    "offset", [0, 1, 10 * FEED_UNIT], ids=["exactly_one", "one_unit_above", "above"]
)
def test_liquidate__health_at_or_above_one__refused_position_healthy(
    zero_rates,
    market_cash,
    lending,
    market,
    deployer,
    attested_borrower,
    keeper,
    fund,
    reverts,
    offset,
):
    borrower = attested_borrower
    open_position(lending, fund, borrower, DEBT, weth=COLLATERAL)
    set_price(lending, lending.weth, PRICE_AT_ONE + offset, deployer)
    expected = single_weth(PRICE_AT_ONE + offset)
    assert expected >= WAD
    assert (expected == WAD) == (offset == 0)
    assert market.healthFactor(borrower) == expected

    with reverts(market.LendingPositionHealthy, account=borrower, healthFactor=expected):
        market.liquidate(borrower, lending.weth, MAX_UINT256, sender=keeper)


def test_liquidate__one_feed_unit_below_health_one__liquidates_half_the_debt(
    zero_rates, market_cash, lending, market, deployer, attested_borrower, keeper, fund
):
    borrower, weth, stable = attested_borrower, lending.weth, lending.stable
    open_position(lending, fund, borrower, DEBT, weth=COLLATERAL)
    answer = PRICE_AT_ONE - 1
    set_price(lending, weth, answer, deployer)
    before = single_weth(answer)
    assert FULL_CLOSE_HEALTH <= before < WAD
    paid_before = stable.balanceOf(keeper)

    tx = market.liquidate(borrower, weth, MAX_UINT256, sender=keeper)

    terms = liquidation_terms(
        debt=DEBT, health_before=before, balance=COLLATERAL, answer=answer, risk=WETH_RISK
    )
    assert terms.repaid == DEBT // 2  # the close factor, although the liquidator offered more
    assert liquidated(tx, market) == {
        "liquidator": keeper.address,
        "account": borrower.address,
        "asset": weth.address,
        "repaid": terms.repaid,
        "seized": terms.seized,
        "debt": DEBT - terms.repaid,
    }
    liquidation_value = valuation([(WETH_RISK, COLLATERAL, answer)]).liquidation_value
    after = health_after_seizure(
        liquidation_value=liquidation_value, terms=terms, answer=answer, risk=WETH_RISK
    )
    assert after > MARGIN_CALL_BAND  # 1.1075: healthy enough for no margin call
    assert emitted(tx, market.MarginCall) == []
    assert paid_before - stable.balanceOf(keeper) == terms.repaid
    assert weth.balanceOf(keeper) == terms.seized
    assert market.collateralOf(borrower, weth) == COLLATERAL - terms.seized
    assert market.collateralParams(weth)[1] == COLLATERAL - terms.seized
    assert market.debtOf(borrower) == DEBT - terms.repaid
    assert market.healthFactor(borrower) > before


# ---------------------------------------------------------------- the close factor


def test_liquidate__health_exactly_0_95__close_factor_still_half(
    zero_rates, market_cash, lending, market, deployer, attested_borrower, keeper, fund
):
    borrower = attested_borrower
    open_position(lending, fund, borrower, DEBT, weth=COLLATERAL)
    set_price(lending, lending.weth, PRICE_AT_095, deployer)
    assert single_weth(PRICE_AT_095) == FULL_CLOSE_HEALTH

    tx = market.liquidate(borrower, lending.weth, MAX_UINT256, sender=keeper)

    assert liquidated(tx, market)["repaid"] == DEBT // 2
    assert market.debtOf(borrower) == DEBT - DEBT // 2


def test_liquidate__health_below_0_95__repays_all_of_the_debt(
    zero_rates, market_cash, lending, market, deployer, attested_borrower, keeper, fund
):
    borrower, weth = attested_borrower, lending.weth
    open_position(lending, fund, borrower, DEBT, weth=COLLATERAL)
    answer = PRICE_AT_095 - 1
    set_price(lending, weth, answer, deployer)
    before = single_weth(answer)
    assert before < FULL_CLOSE_HEALTH

    tx = market.liquidate(borrower, weth, MAX_UINT256, sender=keeper)

    terms = liquidation_terms(
        debt=DEBT, health_before=before, balance=COLLATERAL, answer=answer, risk=WETH_RISK
    )
    assert terms.repaid == DEBT and terms.seized < COLLATERAL
    assert liquidated(tx, market) == {
        "liquidator": keeper.address,
        "account": borrower.address,
        "asset": weth.address,
        "repaid": DEBT,
        "seized": terms.seized,
        "debt": 0,
    }
    assert emitted(tx, market.BadDebtBooked) == []
    assert emitted(tx, market.MarginCall) == []
    assert market.debtOf(borrower) == 0
    assert market.collateralOf(borrower, weth) == COLLATERAL - terms.seized  # the rest stays
    assert market.healthFactor(borrower) == MAX_UINT256


@pytest.mark.parametrize(
    ("debt", "repaid"),
    [(DUST_DEBT, DUST_DEBT), (DUST_DEBT + 1, (DUST_DEBT + 1) // 2)],
    ids=["at_dust", "one_unit_above_dust"],
)
def test_liquidate__dust_debt__repays_all_of_it(
    zero_rates,
    market_cash,
    lending,
    market,
    deployer,
    attested_borrower,
    keeper,
    fund,
    debt,
    repaid,
):
    borrower = attested_borrower
    assert market.DUST_DEBT() == DUST_DEBT
    open_position(lending, fund, borrower, debt, weth=2 * WETH)
    answer = 1_150 * FEED_UNIT  # health 2 * 1,150 * 85% / 2,000 = 0.9775: not deep
    set_price(lending, lending.weth, answer, deployer)
    assert FULL_CLOSE_HEALTH < single_weth(answer, debt, 2 * WETH) < WAD

    tx = market.liquidate(borrower, lending.weth, MAX_UINT256, sender=keeper)

    assert liquidated(tx, market)["repaid"] == repaid
    assert market.debtOf(borrower) == debt - repaid


# ---------------------------------------------------------------- the collateral seized


@pytest.mark.parametrize(
    ("asset_name", "risk", "balance", "debt", "answer", "max_repay"),
    [
        ("weth", WETH_RISK, COLLATERAL, DEBT, PRICE_AT_ONE - 1, 1_234_567_891),
        ("wbtc", WBTC_RISK, WBTC, 40_000 * USDC, 53_000 * FEED_UNIT - 7, 5_000 * USDC + 1),
    ],
    ids=["weth_18_decimals", "wbtc_8_decimals"],
)
def test_liquidate__seizes_the_repayment_plus_bonus_at_the_price_rounded_down(
    zero_rates,
    market_cash,
    lending,
    market,
    deployer,
    attested_borrower,
    keeper,
    fund,
    asset_name,
    risk,
    balance,
    debt,
    answer,
    max_repay,
):
    borrower, asset = attested_borrower, getattr(lending, asset_name)
    pledge(lending, fund, borrower, asset, balance)
    market.borrow(debt, sender=borrower)
    set_price(lending, asset, answer, deployer)
    before = health(valuation([(risk, balance, answer)]).liquidation_value, debt)
    assert before < WAD

    tx = market.liquidate(borrower, asset, max_repay, sender=keeper)

    terms = liquidation_terms(
        debt=debt,
        health_before=before,
        balance=balance,
        answer=answer,
        risk=risk,
        max_repay=max_repay,
    )
    assert terms.repaid == max_repay  # below the close factor
    exact = max_repay * 10**12 * (10_000 + risk.bonus) * 10**risk.decimals
    assert terms.seized == exact // (10_000 * answer * 10**10)
    assert terms.seized * 10_000 * answer * 10**10 < exact  # rounded down, not exact
    event = liquidated(tx, market)
    assert (event["repaid"], event["seized"], event["debt"]) == (
        max_repay,
        terms.seized,
        debt - max_repay,
    )
    assert asset.balanceOf(keeper) == terms.seized


def test_liquidate__too_little_of_the_asset__seizes_all_of_it_for_a_repayment_rounded_up(
    zero_rates, market_cash, lending, market, deployer, attested_borrower, keeper, fund
):
    borrower, weth, wbtc = attested_borrower, lending.weth, lending.wbtc
    small = WBTC // 100  # 600 USD of WBTC
    debt = 16_420 * USDC  # the LTV limit of 10 WETH and 0.01 WBTC
    open_position(lending, fund, borrower, debt, weth=10 * WETH, wbtc=small)
    eth = 1_850 * FEED_UNIT
    set_price(lending, weth, eth, deployer)
    holdings = [(WETH_RISK, 10 * WETH, eth), (WBTC_RISK, small, BTC)]
    before = health(valuation(holdings).liquidation_value, debt)
    assert FULL_CLOSE_HEALTH <= before < WAD

    tx = market.liquidate(borrower, wbtc, MAX_UINT256, sender=keeper)

    # Half the debt would buy 0.15 WBTC: all 0.01 is taken for 600 / 1.10, rounded up.
    repaid = ceil_div(600 * WAD * 10_000, 11_000 * 10**12)
    assert repaid == 545_454_546
    assert liquidated(tx, market) == {
        "liquidator": keeper.address,
        "account": borrower.address,
        "asset": wbtc.address,
        "repaid": repaid,
        "seized": small,
        "debt": debt - repaid,
    }
    assert market.collateralsOf(borrower) == [weth.address]
    assert market.debtOf(borrower) == debt - repaid
    assert wbtc.balanceOf(keeper) == small


# ---------------------------------------------------------------- a deep position, two assets


DEEP_WETH, DEEP_WBTC, DEEP_DEBT = 10 * WETH, WBTC, 58_000 * USDC  # borrowed at its LTV limit
DEEP_ETH, DEEP_BTC = 1_200 * FEED_UNIT, 53_000 * FEED_UNIT  # health about 0.861


@pytest.fixture
def deep_position(zero_rates, market_cash, lending, deployer, attested_borrower, fund):
    """A position whose health (about 0.861) lies between WBTC's threshold x (1 + bonus),
    0.825, and WETH's, 0.8925: seizing part of the WETH lowers it, part of the WBTC raises it.
    Returns (holdings, health)."""
    open_position(lending, fund, attested_borrower, DEEP_DEBT, weth=DEEP_WETH, wbtc=DEEP_WBTC)
    set_price(lending, lending.weth, DEEP_ETH, deployer)
    set_price(lending, lending.wbtc, DEEP_BTC, deployer)
    holdings = [(WETH_RISK, DEEP_WETH, DEEP_ETH), (WBTC_RISK, DEEP_WBTC, DEEP_BTC)]
    before = health(valuation(holdings).liquidation_value, DEEP_DEBT)
    assert 8_250 * WAD // 10_000 < before < 8_925 * WAD // 10_000
    return holdings, before


def test_liquidate__part_of_an_asset_that_lowers_health__refused_naming_both_healths(
    deep_position, lending, market, attested_borrower, keeper, reverts
):
    holdings, before = deep_position
    terms = liquidation_terms(
        debt=DEEP_DEBT,
        health_before=before,
        balance=DEEP_WETH,
        answer=DEEP_ETH,
        risk=WETH_RISK,
        max_repay=1_000 * USDC,
    )
    after = health_after_seizure(
        liquidation_value=valuation(holdings).liquidation_value,
        terms=terms,
        answer=DEEP_ETH,
        risk=WETH_RISK,
    )
    assert after < before

    with reverts(
        market.LendingLiquidationWorsensHealth,
        account=attested_borrower,
        before=before,
        afterwards=after,
    ):
        market.liquidate(attested_borrower, lending.weth, 1_000 * USDC, sender=keeper)


def test_liquidate__part_of_an_asset_that_raises_health__accepted(
    deep_position, lending, market, attested_borrower, keeper
):
    holdings, before = deep_position

    tx = market.liquidate(attested_borrower, lending.wbtc, 1_000 * USDC, sender=keeper)

    terms = liquidation_terms(
        debt=DEEP_DEBT,
        health_before=before,
        balance=DEEP_WBTC,
        answer=DEEP_BTC,
        risk=WBTC_RISK,
        max_repay=1_000 * USDC,
    )
    after = health_after_seizure(
        liquidation_value=valuation(holdings).liquidation_value,
        terms=terms,
        answer=DEEP_BTC,
        risk=WBTC_RISK,
    )
    assert after > before
    assert liquidated(tx, market)["seized"] == terms.seized
    assert emitted(tx, market.MarginCall) == [
        {"account": attested_borrower.address, "healthFactor": after}
    ]
    assert market.healthFactor(attested_borrower) > before


def test_liquidate__the_whole_of_one_asset__accepted_though_health_falls(
    deep_position, lending, market, attested_borrower, keeper
):
    holdings, before = deep_position

    tx = market.liquidate(attested_borrower, lending.weth, MAX_UINT256, sender=keeper)

    # 100% may be repaid (health < 0.95), which would buy 50.75 WETH: all 10 are taken.
    repaid = ceil_div(12_000 * WAD * 10_000, 10_500 * 10**12)
    assert liquidated(tx, market) == {
        "liquidator": keeper.address,
        "account": attested_borrower.address,
        "asset": lending.weth.address,
        "repaid": repaid,
        "seized": DEEP_WETH,
        "debt": DEEP_DEBT - repaid,
    }
    after = health(valuation(holdings[1:]).liquidation_value, DEEP_DEBT - repaid)
    assert market.healthFactor(attested_borrower) == after < before
    assert market.collateralsOf(attested_borrower) == [lending.wbtc.address]
    assert emitted(tx, market.BadDebtBooked) == []


def partial_liquidation_after_interest(lending, chain, governance, deployer, borrower, fund):
    """A WETH position that borrowed DEBT at index 1e18 (scaled debt DEBT), an index frozen
    above 1e18 after 30 days, and a price that makes it liquidatable. Returns (index, debt,
    and a repayment whose scaled part, rounded down, leaves one unit more than debt - it)."""
    open_position(lending, fund, borrower, DEBT, weth=COLLATERAL)
    index = freeze_index(lending, chain, governance, deployer)
    set_price(lending, lending.weth, PRICE_AT_ONE - 1, deployer)
    debt = ceil_div(DEBT * index, WAD)
    amount = next(
        a
        for a in range(1_000 * USDC, 1_001 * USDC)
        if ceil_div((DEBT - a * WAD // index) * index, WAD) != debt - a
    )
    return index, debt, amount


def test_liquidate__part_after_interest__debt_left_rounds_up(
    market_cash, lending, market, chain, governance, deployer, attested_borrower, keeper, fund
):
    borrower = attested_borrower
    index, debt, amount = partial_liquidation_after_interest(
        lending, chain, governance, deployer, borrower, fund
    )

    tx = market.liquidate(borrower, lending.weth, amount, sender=keeper)

    assert liquidated(tx, market)["repaid"] == amount
    left = ceil_div((DEBT - amount * WAD // index) * index, WAD)
    assert market.debtOf(borrower) == left == debt - amount + 1


def test_liquidate__part_after_interest__liquidated_event_reports_the_debt_left(
    market_cash, lending, market, chain, governance, deployer, attested_borrower, keeper, fund
):
    borrower = attested_borrower
    _, _, amount = partial_liquidation_after_interest(
        lending, chain, governance, deployer, borrower, fund
    )

    tx = market.liquidate(borrower, lending.weth, amount, sender=keeper)

    assert liquidated(tx, market)["debt"] == market.debtOf(borrower)


# ---------------------------------------------------------------- bad debt


BAD_ETH = 1_100 * FEED_UNIT  # 10 WETH worth 11,000 against 12,750 of debt
BAD_REPAID = ceil_div(11_000 * WAD * 10_000, 10_500 * 10**12)  # all 10 WETH, at 1.05


def test_liquidate__last_collateral_taken_with_debt_left__books_the_rest_as_bad_debt(
    zero_rates, market_cash, lending, market, deployer, attested_borrower, keeper, fund
):
    borrower, weth = attested_borrower, lending.weth
    open_position(lending, fund, borrower, DEBT, weth=COLLATERAL)
    set_price(lending, weth, BAD_ETH, deployer)
    rest = DEBT - BAD_REPAID

    tx = market.liquidate(borrower, weth, MAX_UINT256, sender=keeper)

    assert liquidated(tx, market) == {
        "liquidator": keeper.address,
        "account": borrower.address,
        "asset": weth.address,
        "repaid": BAD_REPAID,
        "seized": COLLATERAL,
        "debt": 0,
    }
    assert emitted(tx, market.BadDebtBooked) == [{"account": borrower.address, "amount": rest}]
    assert emitted(tx, market.DeficitCoveredByReserve) == []  # no interest, no reserve
    assert market.deficit() == rest
    assert market.debtOf(borrower) == market.totalDebt() == 0
    assert market.collateralsOf(borrower) == []
    # The suppliers' assets are unchanged until the deficit is covered or written down.
    assert market.totalAssets() == market_cash


def test_liquidate__bad_debt_with_a_reserve__reserve_covers_it_first(
    market_cash, lending, market, chain, deployer, attested_borrower, keeper, fund
):
    borrower, weth = attested_borrower, lending.weth
    open_position(lending, fund, borrower, DEBT, weth=COLLATERAL)  # scaled debt = DEBT
    chain.mine(timestamp=chain.blocks.head.timestamp + 365 * 86_400)
    set_price(lending, weth, BAD_ETH, deployer)

    tx = market.liquidate(borrower, weth, MAX_UINT256, sender=keeper)

    (accrued,) = emitted(tx, market.InterestAccrued)
    reserve = accrued["reserves"]
    assert reserve > 0
    # What the position still owes: its scaled debt less what the repayment removed (rounded
    # down), valued at the index and rounded up - at most one unit above debt - repaid.
    index = accrued["borrowIndex"]
    rest = ceil_div((DEBT - BAD_REPAID * WAD // index) * index, WAD)
    assert 0 <= rest - (ceil_div(DEBT * index, WAD) - BAD_REPAID) <= 1
    assert liquidated(tx, market)["repaid"] == BAD_REPAID
    assert emitted(tx, market.BadDebtBooked) == [{"account": borrower.address, "amount": rest}]
    covered = min(reserve, rest)
    assert emitted(tx, market.DeficitCoveredByReserve) == [
        {"amount": covered, "deficit": rest - covered}
    ]
    assert market.deficit() == rest - covered
    assert market.reserves() == reserve - covered
    assert market.debtOf(borrower) == 0


# ---------------------------------------------------------------- when and by whom


def test_liquidate__while_borrowing_is_paused__accepted(
    zero_rates, market_cash, lending, market, deployer, guardian, attested_borrower, keeper, fund
):
    borrower = attested_borrower
    open_position(lending, fund, borrower, DEBT, weth=COLLATERAL)
    set_price(lending, lending.weth, PRICE_AT_ONE - 1, deployer)
    market.pauseBorrowing(sender=guardian)

    tx = market.liquidate(borrower, lending.weth, MAX_UINT256, sender=keeper)

    assert liquidated(tx, market)["repaid"] == DEBT // 2


def test_liquidate__both_feeds_failed__refused_price_unavailable(
    zero_rates, market_cash, lending, market, deployer, attested_borrower, keeper, fund, reverts
):
    borrower = attested_borrower
    open_position(lending, fund, borrower, DEBT, weth=COLLATERAL)
    set_price(lending, lending.weth, PRICE_AT_ONE - 1, deployer)
    fail_feeds(lending, lending.weth, deployer)

    with reverts(market.LendingPriceUnavailable, asset=lending.weth):
        market.liquidate(borrower, lending.weth, MAX_UINT256, sender=keeper)


def test_liquidate__account_without_debt__refused(
    lending, market, stranger, borrower, keeper, fund, reverts
):
    pledge(lending, fund, borrower, lending.weth, WETH)

    with reverts(market.LendingNoDebt, account=borrower):
        market.liquidate(borrower, lending.weth, MAX_UINT256, sender=keeper)
    with reverts(market.LendingNoDebt, account=stranger):
        market.liquidate(stranger, lending.weth, MAX_UINT256, sender=keeper)


def test_liquidate__unlisted_asset_or_asset_not_held__refused(
    zero_rates,
    market_cash,
    lending,
    market,
    deployer,
    dai,
    attested_borrower,
    keeper,
    fund,
    reverts,
):
    borrower = attested_borrower
    open_position(lending, fund, borrower, DEBT, weth=COLLATERAL)
    set_price(lending, lending.weth, PRICE_AT_ONE - 1, deployer)

    with reverts(market.LendingCollateralNotListed, asset=dai):
        market.liquidate(borrower, dai, MAX_UINT256, sender=keeper)
    with reverts(
        market.LendingInsufficientCollateral, account=borrower, asset=lending.wbtc, balance=0
    ):
        market.liquidate(borrower, lending.wbtc, MAX_UINT256, sender=keeper)


def test_liquidate__zero_max_repay__refused(
    zero_rates, market_cash, lending, market, deployer, attested_borrower, keeper, fund, reverts
):
    borrower = attested_borrower
    open_position(lending, fund, borrower, DEBT, weth=COLLATERAL)
    set_price(lending, lending.weth, PRICE_AT_ONE - 1, deployer)

    with reverts(market.LendingZeroAmount):
        market.liquidate(borrower, lending.weth, 0, sender=keeper)


# ---------------------------------------------------------------- 6 and 18 decimals


@pytest.fixture(scope="module")
def dai_lending(create_lending, dai, weth, wbtc):
    """A second market, on an 18-decimal stablecoin, with its own oracle and feeds."""
    return create_lending(dai, weth, wbtc)


def liquidate_in(
    lending,
    governance,
    supplier,
    borrower,
    liquidator,
    fund,
    deployer,
    weth_balance,
    debt_whole,
    answer,
):
    """Opens a WETH position borrowing `debt_whole` whole units in `lending`'s market (no
    interest), moves the price to `answer` and liquidates as much as allowed. Returns
    (health before, repaid, seized, debt left)."""
    market, stable = lending.market, lending.stable
    unit = 10 ** stable.decimals()
    market.setRateModel(ZERO_RATES, sender=governance)
    fund(stable, supplier, 100_000 * unit, market)
    market.deposit(100_000 * unit, supplier, sender=supplier)
    pledge(lending, fund, borrower, lending.weth, weth_balance)
    market.borrow(debt_whole * unit, sender=borrower)
    set_price(lending, lending.weth, answer, deployer)
    before = market.healthFactor(borrower)
    fund(stable, liquidator, 100_000 * unit, market)
    event = liquidated(
        market.liquidate(borrower, lending.weth, MAX_UINT256, sender=liquidator), market
    )
    return before, event["repaid"], event["seized"], event["debt"]


@pytest.mark.parametrize(
    ("answer", "exact"),
    [(PRICE_AT_ONE - 1, True), (BAD_ETH, False)],
    ids=["close_factor", "whole_balance"],
)
def test_liquidate__6_and_18_decimal_stablecoins__same_economic_result(
    lending,
    dai_lending,
    governance,
    supplier,
    attested_borrower,
    liquidator,
    fund,
    deployer,
    answer,
    exact,
):
    args = (
        governance,
        supplier,
        attested_borrower,
        liquidator,
        fund,
        deployer,
        COLLATERAL,
        12_750,
        answer,
    )

    health6, repaid6, seized6, left6 = liquidate_in(lending, *args)
    health18, repaid18, seized18, left18 = liquidate_in(dai_lending, *args)

    assert health6 == health18 < WAD
    assert seized6 == seized18 > 0
    if exact:  # half of 12,750 is exact in both units
        assert repaid18 == repaid6 * 10**12
        assert left18 == left6 * 10**12
    else:  # all of the WETH for 11,000 / 1.05: each rounds up in its own unit
        assert repaid6 * 10**12 - 10**12 < repaid18 <= repaid6 * 10**12
        assert dai_lending.market.deficit() >= lending.market.deficit() * 10**12
