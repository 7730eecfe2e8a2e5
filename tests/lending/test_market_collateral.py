"""LendingMarket, collateral: deposits and withdrawals, the supply cap, the valuation of 8- and
18-decimal assets, and withdrawals against the loan-to-value and volatility-tier limits while
the position has debt (prices must then be reliable; without debt, never asked)."""

from openotc.units import MAX_UINT256, ZERO_ADDRESS
from tests.lending.markets import FALLBACK_HEARTBEAT, USDC, WBTC, WETH, WETH_PARAMS
from tests.lending.positions import (
    BTC,
    ETH,
    WAD,
    WBTC_RISK,
    WETH_RISK,
    attested_borrower_fixture,  # noqa: F401 (a fixture)
    emitted,
    fail_feeds,
    feeds_updated_at,
    health,
    limit_in_units,
    market_cash_fixture,  # noqa: F401 (a fixture)
    pledge,
    set_price,
    valuation,
    value_of,
    zero_rates_fixture,  # noqa: F401 (a fixture)
)

WETH_CAP = WETH_PARAMS[4]
FEE_TOKEN_PARAMS = (5_000, 6_000, 500, 3, 1_000_000 * WETH)  # LTV, LT, bonus, tier, cap


# ---------------------------------------------------------------- deposits


def test_deposit_collateral__listed_asset__credits_the_position_and_emits_collateral_deposited(
    lending, market, borrower, fund
):
    fund(lending.weth, borrower, 3 * WETH, market)

    tx = market.depositCollateral(lending.weth, 2 * WETH, sender=borrower)

    assert emitted(tx, market.CollateralDeposited) == [
        {"account": borrower.address, "asset": lending.weth.address, "amount": 2 * WETH}
    ]
    assert market.collateralOf(borrower, lending.weth) == 2 * WETH
    assert market.collateralParams(lending.weth)[1] == 2 * WETH
    assert market.collateralsOf(borrower) == [lending.weth.address]
    assert lending.weth.balanceOf(market) == 2 * WETH
    assert lending.weth.balanceOf(borrower) == WETH


def test_deposit_collateral__second_deposit__adds_to_the_balance_listed_once(
    lending, market, borrower, fund
):
    pledge(lending, fund, borrower, lending.weth, WETH)

    tx = pledge(lending, fund, borrower, lending.weth, 2 * WETH)

    assert emitted(tx, market.CollateralDeposited) == [
        {"account": borrower.address, "asset": lending.weth.address, "amount": 2 * WETH}
    ]
    assert market.collateralOf(borrower, lending.weth) == 3 * WETH
    assert market.collateralsOf(borrower) == [lending.weth.address]


def test_collaterals_of__in_listing_order_whatever_the_order_of_deposits(
    lending, market, borrower, fund
):
    pledge(lending, fund, borrower, lending.wbtc, WBTC)
    assert market.collateralsOf(borrower) == [lending.wbtc.address]

    pledge(lending, fund, borrower, lending.weth, WETH)

    assert market.collaterals() == [lending.weth.address, lending.wbtc.address]
    assert market.collateralsOf(borrower) == [lending.weth.address, lending.wbtc.address]


def test_collaterals_of__asset_leaves_at_a_zero_balance_and_returns_with_a_new_deposit(
    lending, market, borrower, fund
):
    weth, wbtc = lending.weth, lending.wbtc
    pledge(lending, fund, borrower, weth, 2 * WETH)
    pledge(lending, fund, borrower, wbtc, WBTC)

    market.withdrawCollateral(weth, 2 * WETH - 1, borrower, sender=borrower)
    assert market.collateralsOf(borrower) == [weth.address, wbtc.address]  # 1 wei left
    market.withdrawCollateral(weth, 1, borrower, sender=borrower)
    assert market.collateralsOf(borrower) == [wbtc.address]

    market.depositCollateral(weth, WETH, sender=borrower)
    assert market.collateralsOf(borrower) == [weth.address, wbtc.address]

    market.withdrawCollateral(wbtc, MAX_UINT256, borrower, sender=borrower)
    assert market.collateralsOf(borrower) == [weth.address]
    market.withdrawCollateral(weth, MAX_UINT256, borrower, sender=borrower)
    assert market.collateralsOf(borrower) == []
    assert market.positionOf(borrower).collateralValue == 0


def test_deposit_collateral__up_to_the_supply_cap__accepted_one_unit_above_refused(
    lending, market, borrower, stranger, fund, reverts
):
    weth = lending.weth
    pledge(lending, fund, stranger, weth, WETH_CAP - 1)  # the cap counts every account
    fund(weth, borrower, 2, market)

    with reverts(market.LendingSupplyCapExceeded, asset=weth, total=WETH_CAP + 1, cap=WETH_CAP):
        market.depositCollateral(weth, 2, sender=borrower)
    market.depositCollateral(weth, 1, sender=borrower)  # exactly at the cap
    assert market.collateralParams(weth)[1] == WETH_CAP
    with reverts(market.LendingSupplyCapExceeded, asset=weth, total=WETH_CAP + 1, cap=WETH_CAP):
        market.depositCollateral(weth, 1, sender=borrower)

    # A withdrawal makes room again.
    market.withdrawCollateral(weth, 1, stranger, sender=stranger)
    tx = market.depositCollateral(weth, 1, sender=borrower)
    assert emitted(tx, market.CollateralDeposited)[0]["amount"] == 1
    assert market.collateralParams(weth)[1] == WETH_CAP


def test_deposit_collateral__unlisted_asset__refused(lending, market, borrower, dai, fund, reverts):
    fund(dai, borrower, WETH, market)
    fund(lending.stable, borrower, USDC, market)

    with reverts(market.LendingCollateralNotListed, asset=dai):
        market.depositCollateral(dai, WETH, sender=borrower)
    with reverts(market.LendingCollateralNotListed, asset=lending.stable):
        market.depositCollateral(lending.stable, USDC, sender=borrower)


def test_deposit_collateral__zero_amount__refused(lending, market, borrower, reverts):
    with reverts(market.LendingZeroAmount):
        market.depositCollateral(lending.weth, 0, sender=borrower)


def test_deposit_collateral__fee_on_transfer_token__refused_naming_the_amount_received(
    lending, market, governance, create_feed, fee_token, borrower, fund, reverts
):
    # Governance gives the token feeds and lists it, as it could by mistake.
    primary = create_feed(8, 10**8, "FEE / USD")
    fallback = create_feed(18, WAD, "FEE / USD")
    lending.oracle.setFeeds(
        fee_token, (primary.address, 3_600, 8), (fallback.address, 86_400, 18), sender=governance
    )
    market.listCollateral(fee_token, FEE_TOKEN_PARAMS, sender=governance)
    amount = 100 * WETH
    fee = amount * fee_token.FEE_BPS() // 10_000
    fund(fee_token, borrower, amount, market)

    with reverts(
        market.LendingTransferAmountMismatch,
        token=fee_token,
        expected=amount,
        received=amount - fee,
    ):
        market.depositCollateral(fee_token, amount, sender=borrower)
    assert fee_token.balanceOf(borrower) == amount


# ---------------------------------------------------------------- withdrawals without debt


def test_withdraw_collateral__max__withdraws_the_whole_balance_to_the_recipient(
    lending, market, borrower, stranger, fund
):
    weth = lending.weth
    pledge(lending, fund, borrower, weth, 5 * WETH // 2)

    tx = market.withdrawCollateral(weth, MAX_UINT256, stranger, sender=borrower)

    assert emitted(tx, market.CollateralWithdrawn) == [
        {
            "account": borrower.address,
            "asset": weth.address,
            "amount": 5 * WETH // 2,
            "to": stranger.address,
        }
    ]
    assert weth.balanceOf(stranger) == 5 * WETH // 2
    assert weth.balanceOf(market) == 0
    assert market.collateralOf(borrower, weth) == 0
    assert market.collateralParams(weth)[1] == 0


def test_withdraw_collateral__the_balance_accepted_one_unit_more_refused(
    lending, market, borrower, fund, reverts
):
    wbtc = lending.wbtc
    pledge(lending, fund, borrower, wbtc, 3 * WBTC)

    with reverts(
        market.LendingInsufficientCollateral, account=borrower, asset=wbtc, balance=3 * WBTC
    ):
        market.withdrawCollateral(wbtc, 3 * WBTC + 1, borrower, sender=borrower)
    tx = market.withdrawCollateral(wbtc, 3 * WBTC, borrower, sender=borrower)

    assert emitted(tx, market.CollateralWithdrawn)[0]["amount"] == 3 * WBTC
    assert wbtc.balanceOf(borrower) == 3 * WBTC
    assert market.collateralOf(borrower, wbtc) == 0


def test_withdraw_collateral__asset_not_held__refused_naming_a_zero_balance(
    lending, market, borrower, dai, reverts
):
    with reverts(
        market.LendingInsufficientCollateral, account=borrower, asset=lending.weth, balance=0
    ):
        market.withdrawCollateral(lending.weth, 1, borrower, sender=borrower)
    with reverts(market.LendingInsufficientCollateral, account=borrower, asset=dai, balance=0):
        market.withdrawCollateral(dai, 1, borrower, sender=borrower)


def test_withdraw_collateral__zero_amount_or_max_of_nothing__refused(
    lending, market, borrower, fund, reverts
):
    pledge(lending, fund, borrower, lending.weth, WETH)

    with reverts(market.LendingZeroAmount):
        market.withdrawCollateral(lending.weth, 0, borrower, sender=borrower)
    with reverts(market.LendingZeroAmount):
        market.withdrawCollateral(lending.wbtc, MAX_UINT256, borrower, sender=borrower)


def test_withdraw_collateral__to_the_zero_address__refused(
    lending, market, borrower, fund, reverts
):
    pledge(lending, fund, borrower, lending.weth, WETH)

    with reverts(market.LendingZeroAddress):
        market.withdrawCollateral(lending.weth, WETH, ZERO_ADDRESS, sender=borrower)


def test_withdraw_collateral__without_debt__allowed_when_both_feeds_failed(
    lending, market, borrower, fund, chain
):
    weth, wbtc = lending.weth, lending.wbtc
    pledge(lending, fund, borrower, weth, WETH)
    pledge(lending, fund, borrower, wbtc, WBTC)
    chain.mine(timestamp=feeds_updated_at(lending) + FALLBACK_HEARTBEAT + 1)
    assert not market.positionOf(borrower).pricesReliable

    first = market.withdrawCollateral(weth, MAX_UINT256, borrower, sender=borrower)
    second = market.withdrawCollateral(wbtc, WBTC // 2, borrower, sender=borrower)

    assert emitted(first, market.CollateralWithdrawn)[0]["amount"] == WETH
    assert emitted(second, market.CollateralWithdrawn)[0]["amount"] == WBTC // 2
    assert (weth.balanceOf(borrower), wbtc.balanceOf(borrower)) == (WETH, WBTC // 2)


# ---------------------------------------------------------------- valuation


def test_position_of__values_8_and_18_decimal_collateral_exactly(lending, market, borrower, fund):
    pledge(lending, fund, borrower, lending.weth, 3 * WETH // 2)  # 3,000 USD
    pledge(lending, fund, borrower, lending.wbtc, WBTC // 4)  # 15,000 USD

    p = market.positionOf(borrower)

    assert p.collateralValue == 18_000 * WAD
    assert p.ltvLimit == (3_000 * 80 + 15_000 * 70) // 100 * USDC  # 12,900
    assert p.tierLimit == p.ltvLimit  # far below the tiers' caps
    assert p.liquidationValue == (3_000 * 85 + 15_000 * 75) // 100 * USDC  # 13,800
    assert (p.debt, p.healthFactor, p.pricesReliable) == (0, MAX_UINT256, True)


def test_position_of__collateral_value_rounds_down(lending, market, borrower, deployer, fund):
    eth, btc = ETH - 1, BTC - 1  # 1,999.99999999 and 59,999.99999999 USD
    set_price(lending, lending.weth, eth, deployer)
    set_price(lending, lending.wbtc, btc, deployer)
    weth_balance, wbtc_balance = 1_234_567_890_123_456_789, 12_345
    pledge(lending, fund, borrower, lending.weth, weth_balance)
    pledge(lending, fund, borrower, lending.wbtc, wbtc_balance)

    p = market.positionOf(borrower)

    weth_value = value_of(weth_balance, eth, WETH_RISK)
    wbtc_value = value_of(wbtc_balance, btc, WBTC_RISK)
    # The WETH product does not divide evenly: the market keeps the fraction of a wei (WBTC's
    # is exact: 8-decimal answers are scaled by 10**10, which 10**8 divides).
    assert weth_value * WETH < weth_balance * eth * 10**10
    assert wbtc_value * WBTC == wbtc_balance * btc * 10**10
    assert p.collateralValue == weth_value + wbtc_value
    expected = valuation([(WETH_RISK, weth_balance, eth), (WBTC_RISK, wbtc_balance, btc)])
    assert p.ltvLimit == limit_in_units(expected.ltv_limit)
    assert p.liquidationValue == limit_in_units(expected.liquidation_value)


# ---------------------------------------------------------------- withdrawals with debt


def test_withdraw_collateral__with_debt__allowed_down_to_the_ltv_limit_one_wei_more_refused(
    zero_rates, market_cash, lending, market, attested_borrower, fund, reverts
):
    borrower, weth = attested_borrower, lending.weth
    pledge(lending, fund, borrower, weth, WETH)
    market.borrow(800 * USDC, sender=borrower)

    # A quarter: the LTV limit falls to 1,200, health 1.59 - no margin call.
    first = market.withdrawCollateral(weth, WETH // 4, borrower, sender=borrower)
    assert emitted(first, market.MarginCall) == []
    # Another quarter: the LTV limit is the debt exactly (0.5 WETH * 2,000 * 80% = 800).
    second = market.withdrawCollateral(weth, WETH // 4, borrower, sender=borrower)
    position = market.positionOf(borrower)
    assert position.ltvLimit == position.debt == 800 * USDC
    expected_health = health(valuation([(WETH_RISK, WETH // 2, ETH)]).liquidation_value, 800 * USDC)
    assert expected_health == 10_625 * WAD // 10_000  # 850 / 800
    assert emitted(second, market.MarginCall) == [
        {"account": borrower.address, "healthFactor": expected_health}
    ]
    assert emitted(second, market.CollateralWithdrawn)[0]["amount"] == WETH // 4

    limit = limit_in_units(valuation([(WETH_RISK, WETH // 2 - 1, ETH)]).ltv_limit)
    assert limit == 800 * USDC - 1
    with reverts(market.LendingBorrowLimitExceeded, kind=1, debt=800 * USDC, limit=limit):
        market.withdrawCollateral(weth, 1, borrower, sender=borrower)


def test_withdraw_collateral__with_debt__refused_naming_the_volatility_tier_when_its_cap_binds(
    zero_rates, market_cash, lending, market, governance, attested_borrower, fund, reverts
):
    borrower, weth, wbtc = attested_borrower, lending.weth, lending.wbtc
    market.setTierCap(1, 10_000 * USDC, sender=governance)  # WBTC's tier
    pledge(lending, fund, borrower, wbtc, WBTC)  # LTV value 42,000, capped at 10,000
    pledge(lending, fund, borrower, weth, 10 * WETH)  # LTV value 16,000 (tier 0: 10M cap)
    debt = 26_000 * USDC  # the tier limit exactly
    market.borrow(debt, sender=borrower)

    # Half the WBTC: its LTV value (21,000) is still above the cap, the tier limit unchanged.
    tx = market.withdrawCollateral(wbtc, WBTC // 2, borrower, sender=borrower)
    assert emitted(tx, market.CollateralWithdrawn)[0]["amount"] == WBTC // 2

    # One WETH: the tier limit falls to 10,000 + 14,400, below the LTV limit (21,000 + 14,400).
    limits = valuation(
        [(WETH_RISK, 9 * WETH, ETH), (WBTC_RISK, WBTC // 2, BTC)],
        tier_caps=(10_000_000 * USDC, 10_000 * USDC, 0, 0),
    )
    assert limit_in_units(limits.tier_limit) == 24_400 * USDC
    assert limit_in_units(limits.ltv_limit) == 35_400 * USDC
    with reverts(market.LendingBorrowLimitExceeded, kind=2, debt=debt, limit=24_400 * USDC):
        market.withdrawCollateral(weth, WETH, borrower, sender=borrower)


def test_withdraw_collateral__with_debt__refused_while_a_collateral_has_no_price(
    market_cash, lending, market, attested_borrower, deployer, fund, reverts
):
    borrower, weth, wbtc = attested_borrower, lending.weth, lending.wbtc
    pledge(lending, fund, borrower, weth, 10 * WETH)
    pledge(lending, fund, borrower, wbtc, WBTC)
    market.borrow(1_000 * USDC, sender=borrower)
    fail_feeds(lending, wbtc, deployer)

    # Even the asset that still has a price: the position cannot be valued.
    with reverts(market.LendingPriceUnavailable, asset=wbtc):
        market.withdrawCollateral(weth, 1, borrower, sender=borrower)
    with reverts(market.LendingPriceUnavailable, asset=wbtc):
        market.withdrawCollateral(wbtc, 1, borrower, sender=borrower)


def test_withdraw_collateral__with_debt__whole_unpriced_asset_allowed_when_the_rest_covers_it(
    market_cash, lending, market, attested_borrower, deployer, fund
):
    borrower, weth, wbtc = attested_borrower, lending.weth, lending.wbtc
    pledge(lending, fund, borrower, weth, 10 * WETH)
    pledge(lending, fund, borrower, wbtc, WBTC)
    market.borrow(1_000 * USDC, sender=borrower)
    fail_feeds(lending, wbtc, deployer)

    # Without it, only priced collateral is left to value, and it covers the debt.
    tx = market.withdrawCollateral(wbtc, MAX_UINT256, borrower, sender=borrower)

    assert emitted(tx, market.CollateralWithdrawn)[0]["amount"] == WBTC
    assert market.collateralsOf(borrower) == [weth.address]
    assert market.positionOf(borrower).pricesReliable


def test_withdraw_collateral__with_debt__refused_when_both_feeds_went_stale(
    market_cash, lending, market, attested_borrower, fund, chain, reverts
):
    borrower, weth = attested_borrower, lending.weth
    pledge(lending, fund, borrower, weth, 10 * WETH)
    market.borrow(1_000 * USDC, sender=borrower)
    chain.mine(timestamp=feeds_updated_at(lending) + FALLBACK_HEARTBEAT + 1)

    with reverts(market.LendingPriceUnavailable, asset=weth):
        market.withdrawCollateral(weth, 1, borrower, sender=borrower)
