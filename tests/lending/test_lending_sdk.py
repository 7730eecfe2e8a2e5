"""The lending SDK (openotc/lending.py) against the real market, oracle and debt auction of
tests/lending/markets.py (USDC; WETH tier 0 at 2,000 USD, WBTC tier 1 at 60,000 USD; each with
a primary and a fallback mock feed):

- Supplier: deposits with an exact approval, redeems and withdraws (ERC-4626);
- Borrower: collateral in and out with exact approvals, borrowing, repayment (in part, in
  full after interest), closing a position, its health and its limits - the binding limit is
  the one the market names when it refuses a borrow one unit past the headroom;
- LiquidationKeeper: borrowers found from events, only unhealthy positions liquidated, the
  collateral worth most taken first, a budget respected, a deep position wound down asset by
  asset to bad debt;
- MarginCallWatcher: MarginCall events and recomputed health below the band;
- AuctionBidder: start on a deficit, bids stepping down from the offer or the best bid, a
  price floor, settlement and restart when due (at the end time, not a second before);
- the operators' summaries.
"""

import re
from pathlib import Path

import pytest

from openotc import lending as sdk
from openotc.units import BPS, DAY
from tests.lending.markets import (
    BTC_PRICE,
    DEBT_PER_AUCTION,
    ETH_PRICE,
    INITIAL_LOT,
    LARGE_LOAN,
    LEVEL_LIMITS,
    USDC,
    WBTC,
    WBTC_PARAMS,
    WETH,
    feed_answer,
)

SUPPLY = 3_000_000 * USDC  # what the supplier deposits in most tests
INTERFACES = Path(__file__).resolve().parents[2] / "interfaces"
DEFAULT_RATES = (0, 400, 7_500, 8_000)  # the market's constructor defaults


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module", autouse=True)
def interest_free(market, governance):
    """No interest in this module unless a test sets a rate: every debt below is exact."""
    receipt = market.setRateModel((0, 0, 0, 8_000), sender=governance)
    assert list(receipt.decode_logs(market.RateModelSet)[0].model) == [0, 0, 0, 8_000]


@pytest.fixture
def supplied(market, usdc, supplier):
    """The supplier has deposited SUPPLY through the SDK."""
    usdc.mint(supplier, SUPPLY, sender=supplier)
    sdk.Supplier(market, supplier, usdc).deposit(SUPPLY)
    return SUPPLY


@pytest.fixture
def open_position(market, usdc, weth, wbtc, attest):
    """`open_position(account, weth=0, wbtc=0, borrow=0, level=2)`: attests `account` at
    `level`, mints and deposits the collateral and borrows, all through an sdk.Borrower,
    which it returns."""

    def open_(account, weth_amount=0, wbtc_amount=0, borrow=0, level=2):
        attest(account, level)
        borrower = sdk.Borrower(market, account, usdc)
        for token, amount in ((weth, weth_amount), (wbtc, wbtc_amount)):
            if amount:
                token.mint(account, amount, sender=account)
                borrower.deposit_collateral(token, amount)
        if borrow:
            borrower.borrow(borrow)
        return borrower

    return open_


@pytest.fixture
def set_price(lending, deployer):
    """`set_price(asset, usd)`: both feeds of `asset` answer `usd` now (they agree, so even
    a move beyond the deviation bound is accepted)."""

    def set_(asset, usd):
        primary, fallback = lending.feeds[str(asset.address)]
        primary.setAnswer(feed_answer(usd, 8), sender=deployer)
        fallback.setAnswer(feed_answer(usd, 18), sender=deployer)

    return set_


@pytest.fixture
def funded(usdc):
    """`funded(account, amount)`: mints `amount` USDC to `account` (no approval: the SDK
    approves what each call needs)."""

    def fund_(account, amount):
        usdc.mint(account, amount, sender=account)
        return account

    return fund_


# A position of 10 WETH (20,000 USD) and 0.5 WBTC (30,000 USD) borrowing 36,000 USDC:
# health (17,000 + 22,500) / 36,000 = 1.097.
MIXED = {"weth_amount": 10 * WETH, "wbtc_amount": WBTC // 2, "borrow": 36_000 * USDC}


@pytest.fixture
def mixed(supplied, open_position, borrower):
    return open_position(borrower, **MIXED)


@pytest.fixture
def underwater(mixed, set_price, weth, wbtc):
    """The mixed position after ETH 1,800 and BTC 54,000: health 35,550 / 36,000 = 0.9875,
    liquidatable within the 50% close factor."""
    set_price(weth, 1_800)
    set_price(wbtc, 54_000)
    return mixed


@pytest.fixture
def deficit(supplied, open_position, borrower, set_price, weth, funded, liquidator, market):
    """A crash leaves bad debt: 10 WETH borrowing 15,000 USDC, ETH falls to 500 USD (both
    feeds agree), the keeper takes all the WETH. Returns the deficit left after the reserve."""
    open_position(borrower, weth_amount=10 * WETH, borrow=15_000 * USDC)
    set_price(weth, 500)
    funded(liquidator, 100_000 * USDC)
    done = sdk.LiquidationKeeper(market, liquidator).run()
    assert done[0].bad_debt > 0
    return market.deficit()


def lot_for(debt):
    """The lot a debt auction starts with for `debt` (stock and the token's cap permitting):
    initialLot for debtPerAuction, in proportion, at least 1 unit."""
    return max(INITIAL_LOT * debt // DEBT_PER_AUCTION, 1)


def solidity_enum(interface: str, name: str) -> list[str]:
    source = (INTERFACES / f"{interface}.sol").read_text()
    body = re.search(rf"\benum {name}\s*\{{(.*?)\}}", source, re.DOTALL).group(1)
    body = re.sub(r"//[^\n]*", "", body)
    return [member.strip() for member in body.split(",") if member.strip()]


def upper_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()


# ---------------------------------------------------------------- mirrors


def test_mirrors__band_health_one_and_no_debt_health__equal_the_markets(market, borrower):
    assert market.MARGIN_CALL_BAND() == sdk.MARGIN_CALL_BAND
    assert sdk.HEALTH_ONE == 10**18
    assert market.healthFactor(borrower) == sdk.NO_DEBT_HEALTH


@pytest.mark.parametrize(
    ("interface", "name", "mirror"),
    [("ILendingMarket", "BorrowLimit", sdk.BorrowLimit), ("IPriceOracle", "Source", None)],
)
def test_enum_mirrors__list_the_interfaces_members_in_order(interface, name, mirror):
    mirror = mirror or sdk.PriceSource
    members = solidity_enum(interface, name)

    assert [(upper_snake(m), i) for i, m in enumerate(members)] == [
        (member.name, member.value) for member in mirror
    ]


# ---------------------------------------------------------------- Supplier


def test_supplier_deposit__approves_exactly_and_receives_the_shares(market, usdc, supplier):
    usdc.mint(supplier, SUPPLY, sender=supplier)
    supply = sdk.Supplier(market, supplier, usdc)
    expected_shares = market.previewDeposit(SUPPLY)

    receipt = supply.deposit(SUPPLY)

    event = receipt.decode_logs(market.Deposit)[0]
    assert (event.sender, event.owner) == (supplier.address, supplier.address)
    assert (event.assets, event.shares) == (SUPPLY, expected_shares)
    assert supply.shares() == expected_shares
    assert supply.balance() == market.convertToAssets(expected_shares) == SUPPLY
    assert usdc.allowance(supplier, market) == 0
    assert market.cash() == SUPPLY


def test_supplier_redeem__nothing_lent__returns_the_deposit_and_burns_every_share(
    market, usdc, supplier, supplied
):
    supply = sdk.Supplier(market, supplier, usdc)
    shares = supply.shares()

    receipt = supply.redeem()

    event = receipt.decode_logs(market.Withdraw)[0]
    assert (event.assets, event.shares) == (SUPPLY, shares)
    assert supply.shares() == 0
    assert usdc.balanceOf(supplier) == SUPPLY


def test_supplier_redeem__cash_lent_out__redeems_what_the_cash_allows(
    market, usdc, supplier, mixed
):
    supply = sdk.Supplier(market, supplier, usdc)
    allowed = market.maxRedeem(supplier)

    receipt = supply.redeem()

    event = receipt.decode_logs(market.Withdraw)[0]
    assert event.shares == allowed
    assert supply.shares() > 0  # the part lent out stays supplied
    assert market.cash() < USDC  # less than one unit is left: the rest is lent


def test_supplier_withdraw__assets__pays_them_and_burns_the_shares_they_cost(
    market, usdc, supplier, supplied
):
    supply = sdk.Supplier(market, supplier, usdc)
    before = supply.shares()
    cost = market.previewWithdraw(1_000 * USDC)

    receipt = supply.withdraw(1_000 * USDC)

    event = receipt.decode_logs(market.Withdraw)[0]
    assert (event.assets, event.shares) == (1_000 * USDC, cost)
    assert supply.shares() == before - cost
    assert usdc.balanceOf(supplier) == 1_000 * USDC
    assert supply.max_withdraw() == SUPPLY - 1_000 * USDC


# ---------------------------------------------------------------- Borrower: collateral


def test_deposit_collateral__approves_exactly_and_records_the_deposit(
    market, usdc, weth, wbtc, borrower
):
    position = sdk.Borrower(market, borrower, usdc)
    weth.mint(borrower, 3 * WETH, sender=borrower)
    wbtc.mint(borrower, WBTC, sender=borrower)

    first = position.deposit_collateral(weth, 3 * WETH)
    second = position.deposit_collateral(wbtc, WBTC)

    for receipt, token, amount in ((first, weth, 3 * WETH), (second, wbtc, WBTC)):
        event = receipt.decode_logs(market.CollateralDeposited)[0]
        assert (event.account, event.asset, event.amount) == (
            borrower.address,
            token.address,
            amount,
        )
        assert token.allowance(borrower, market) == 0
    assert position.collateral(borrower) == {weth.address: 3 * WETH, wbtc.address: WBTC}


def test_collateral_values__18_and_8_decimals__in_usd_largest_first(
    supplied, open_position, borrower, weth, wbtc
):
    position = open_position(borrower, weth_amount=2 * WETH, wbtc_amount=WBTC // 10)

    values = position.collateral_values(borrower)

    assert list(values.items()) == [
        (wbtc.address, BTC_PRICE * 10**18 // 10),  # 0.1 WBTC: 6,000 USD
        (weth.address, 2 * ETH_PRICE * 10**18),  # 2 WETH: 4,000 USD
    ]


def test_position__equals_the_markets_view(market, mixed, borrower):
    position = mixed.position(borrower)

    assert position == sdk.Position.from_struct(market.positionOf(borrower))
    assert position.health_factor == mixed.health_factor(borrower) == market.healthFactor(borrower)
    assert position.debt == 36_000 * USDC
    assert position.collateral_value == 50_000 * 10**18
    assert position.liquidation_value == (17_000 + 22_500) * USDC
    assert position.prices_reliable and not position.liquidatable


def test_withdraw_collateral__no_debt__all_of_it_comes_back(
    market, supplied, open_position, borrower, weth
):
    position = open_position(borrower, weth_amount=3 * WETH)

    receipt = position.withdraw_collateral(weth)

    event = receipt.decode_logs(market.CollateralWithdrawn)[0]
    assert (event.account, event.asset, event.amount, event.to) == (
        borrower.address,
        weth.address,
        3 * WETH,
        borrower.address,
    )
    assert weth.balanceOf(borrower) == 3 * WETH
    assert position.collateral(borrower) == {}


def test_withdraw_collateral__rest_would_not_cover_the_debt__refused_naming_the_limit(
    market, mixed, borrower, wbtc, reverts
):
    # Without the WBTC the limit is the WETH's 16,000 (80% of 20,000) for a debt of 36,000.
    with reverts(
        market.LendingBorrowLimitExceeded,
        kind=sdk.BorrowLimit.LOAN_TO_VALUE,
        debt=36_000 * USDC,
        limit=16_000 * USDC,
    ):
        mixed.withdraw_collateral(wbtc)


# ---------------------------------------------------------------- Borrower: limits


def test_limits__identity_below_the_collateral__binds_and_a_borrow_past_it_names_it(
    market, supplied, open_position, borrower, reverts
):
    position = open_position(borrower, weth_amount=10 * WETH, level=0)

    limits = position.limits(borrower)

    assert limits.by_kind() == {
        sdk.BorrowLimit.IDENTITY: LEVEL_LIMITS[0],
        sdk.BorrowLimit.LOAN_TO_VALUE: 16_000 * USDC,
        sdk.BorrowLimit.VOLATILITY_TIER: 16_000 * USDC,
        sdk.BorrowLimit.LARGE_LOAN_LEVEL: LARGE_LOAN[0],  # level 0 is below the large-loan 2
    }
    assert (limits.binding, limits.limit, limits.headroom) == (
        sdk.BorrowLimit.IDENTITY,
        LEVEL_LIMITS[0],
        LEVEL_LIMITS[0],
    )
    with reverts(
        market.LendingBorrowLimitExceeded,
        kind=limits.binding,
        debt=limits.headroom + 1,
        limit=limits.limit,
    ):
        position.borrow(limits.headroom + 1)


def test_limits__loan_to_value_binds__a_borrow_past_the_headroom_names_it(
    market, supplied, open_position, borrower, reverts
):
    position = open_position(borrower, weth_amount=WETH, borrow=1_000 * USDC)

    limits = position.limits(borrower)

    assert (limits.binding, limits.limit) == (sdk.BorrowLimit.LOAN_TO_VALUE, 1_600 * USDC)
    assert (limits.debt, limits.headroom) == (1_000 * USDC, 600 * USDC)
    with reverts(
        market.LendingBorrowLimitExceeded,
        kind=limits.binding,
        debt=limits.limit + 1,
        limit=limits.limit,
    ):
        position.borrow(limits.headroom + 1)


def test_limits__volatility_tier_cap_below_the_ltv__binds_and_a_borrow_past_it_names_it(
    market, supplied, open_position, borrower, reverts
):
    # 30 WBTC: 1,800,000 USD, 70% is 1,260,000; tier 1's cap is 1,000,000.
    position = open_position(borrower, wbtc_amount=30 * WBTC)

    limits = position.limits(borrower)

    assert limits.loan_to_value == 1_260_000 * USDC
    assert (limits.binding, limits.limit) == (sdk.BorrowLimit.VOLATILITY_TIER, 1_000_000 * USDC)
    assert limits.large_loan is None  # level 2 may take a large loan
    with reverts(
        market.LendingBorrowLimitExceeded,
        kind=limits.binding,
        debt=limits.limit + 1,
        limit=limits.limit,
    ):
        position.borrow(limits.headroom + 1)


def test_limits__large_loan_threshold_below_the_others__binds_for_a_lower_level(
    market, governance, supplied, open_position, borrower, reverts
):
    receipt = market.setLargeLoanPolicy(50_000 * USDC, 2, sender=governance)
    assert receipt.decode_logs(market.LargeLoanPolicySet)[0].threshold == 50_000 * USDC
    # Level 1 lends up to 100,000; 100 WETH allow 160,000.
    position = open_position(borrower, weth_amount=100 * WETH, level=1)

    limits = position.limits(borrower)

    assert limits.large_loan == 50_000 * USDC
    assert (limits.binding, limits.limit) == (sdk.BorrowLimit.LARGE_LOAN_LEVEL, 50_000 * USDC)
    with reverts(
        market.LendingBorrowLimitExceeded,
        kind=limits.binding,
        debt=limits.limit + 1,
        limit=limits.limit,
    ):
        position.borrow(limits.headroom + 1)


def test_borrow_max__borrows_the_headroom_exactly_and_leaves_none(
    market, usdc, supplied, open_position, borrower
):
    position = open_position(borrower, weth_amount=WETH)

    receipt = position.borrow_max()

    event = receipt.decode_logs(market.Borrowed)[0]
    assert (event.account, event.amount, event.debt) == (
        borrower.address,
        1_600 * USDC,
        1_600 * USDC,
    )
    assert usdc.balanceOf(borrower) == 1_600 * USDC
    assert position.limits(borrower).headroom == 0


def test_limits__cash_below_the_headroom__borrowable_is_the_cash(
    market, usdc, supplier, open_position, borrower
):
    usdc.mint(supplier, 500 * USDC, sender=supplier)
    sdk.Supplier(market, supplier, usdc).deposit(500 * USDC)
    position = open_position(borrower, weth_amount=WETH)

    limits = position.limits(borrower)

    assert (limits.headroom, limits.cash, limits.borrowable) == (
        1_600 * USDC,
        500 * USDC,
        500 * USDC,
    )


def test_borrow_max__nothing_to_borrow__refused_by_the_sdk_before_sending(
    supplied, open_position, borrower
):
    position = open_position(borrower)
    nonce = borrower.nonce

    with pytest.raises(ValueError, match="can borrow nothing"):
        position.borrow_max()

    assert borrower.nonce == nonce


# ---------------------------------------------------------------- Borrower: repayment


def test_repay__part__approves_exactly_and_lowers_the_debt(market, usdc, mixed, borrower):
    receipt = mixed.repay(10_000 * USDC)

    event = receipt.decode_logs(market.Repaid)[0]
    assert (event.payer, event.account, event.amount, event.debt) == (
        borrower.address,
        borrower.address,
        10_000 * USDC,
        26_000 * USDC,
    )
    assert mixed.debt() == 26_000 * USDC
    assert usdc.allowance(borrower, market) == 0


def test_repay__for_another_account__the_payer_pays_its_debt(
    market, usdc, mixed, borrower, funded, stranger
):
    helper = sdk.Borrower(market, funded(stranger, 1_000 * USDC), usdc)

    receipt = helper.repay(1_000 * USDC, account=borrower)

    event = receipt.decode_logs(market.Repaid)[0]
    assert (event.payer, event.account, event.amount) == (
        stranger.address,
        borrower.address,
        1_000 * USDC,
    )
    assert market.debtOf(borrower) == 35_000 * USDC
    assert usdc.balanceOf(stranger) == 0


def test_repay_all__after_a_month_of_interest__repays_the_debt_exactly(
    chain, market, usdc, mixed, borrower, funded, governance
):
    market.setRateModel(DEFAULT_RATES, sender=governance)
    chain.pending_timestamp += 30 * DAY
    funded(borrower, 1_000 * USDC)  # for the interest
    before = usdc.balanceOf(borrower)

    receipt = mixed.repay_all()

    event = receipt.decode_logs(market.Repaid)[0]
    assert event.debt == 0
    assert event.amount > 36_000 * USDC  # interest accrued
    assert usdc.balanceOf(borrower) == before - event.amount
    assert mixed.debt() == 0


def test_repay_all__no_debt__refused_by_the_sdk_before_sending(supplied, open_position, borrower):
    position = open_position(borrower, weth_amount=WETH)
    nonce = borrower.nonce

    with pytest.raises(ValueError, match="has no debt"):
        position.repay_all()

    assert borrower.nonce == nonce


def test_close__repays_early_and_takes_every_collateral_back(
    market, usdc, weth, wbtc, mixed, borrower, funded
):
    funded(borrower, 10 * USDC)  # interest of the blocks since the borrow

    receipts = mixed.close()

    assert receipts[0].decode_logs(market.Repaid)[0].debt == 0
    withdrawn = [r.decode_logs(market.CollateralWithdrawn)[0] for r in receipts[1:]]
    assert {(w.asset, w.amount) for w in withdrawn} == {
        (weth.address, 10 * WETH),
        (wbtc.address, WBTC // 2),
    }
    assert (weth.balanceOf(borrower), wbtc.balanceOf(borrower)) == (10 * WETH, WBTC // 2)
    assert mixed.position(borrower).debt == 0
    assert mixed.collateral(borrower) == {}


# ---------------------------------------------------------------- LiquidationKeeper


def test_keeper__healthy_positions__does_nothing_and_sends_nothing(
    market, mixed, liquidator, funded
):
    keeper = sdk.LiquidationKeeper(market, funded(liquidator, 100_000 * USDC))
    nonce = liquidator.nonce

    done = keeper.run()

    assert done == []
    assert liquidator.nonce == nonce
    assert keeper.known == [mixed.address]


def test_keeper__finds_borrowers_from_events__each_once_and_new_ones_on_the_next_scan(
    market, supplied, open_position, borrower, taker, liquidator
):
    open_position(borrower, weth_amount=WETH, borrow=100 * USDC)
    keeper = sdk.LiquidationKeeper(market, liquidator)

    assert keeper.scan() == [borrower.address]
    open_position(taker, wbtc_amount=WBTC)  # deposits only
    sdk.Borrower(market, borrower).borrow(100 * USDC)  # a known borrower again

    assert keeper.scan() == [borrower.address, taker.address]


def test_keeper__unhealthy__takes_the_collateral_worth_most_within_the_close_factor(
    market, usdc, wbtc, underwater, borrower, liquidator, funded
):
    keeper = sdk.LiquidationKeeper(market, funded(liquidator, 100_000 * USDC))
    before = market.healthFactor(borrower)
    debt = market.debtOf(borrower)
    assert keeper.unhealthy() == [(borrower.address, before)]

    done = keeper.run()

    # WBTC (27,000 USD) is worth more than the WETH (18,000 USD).
    assert len(done) == 1
    liquidation = done[0]
    event = liquidation.receipt.decode_logs(market.Liquidated)[0]
    assert (event.liquidator, event.account, event.asset) == (
        liquidator.address,
        borrower.address,
        wbtc.address,
    )
    assert liquidation.repaid == event.repaid == debt * 5_000 // BPS == 18_000 * USDC
    bonus = BPS + WBTC_PARAMS[2]
    expected_seized = liquidation.repaid * 10**12 * bonus // BPS * WBTC // (54_000 * 10**18)
    assert liquidation.seized == event.seized == expected_seized
    assert (liquidation.asset, liquidation.debt_after, liquidation.bad_debt) == (
        wbtc.address,
        event.debt,
        0,
    )
    assert liquidation.health_before == before < liquidation.health_after
    assert liquidation.health_after == market.healthFactor(borrower)
    assert usdc.balanceOf(liquidator) == 100_000 * USDC - liquidation.repaid
    assert wbtc.balanceOf(liquidator) == liquidation.seized
    assert keeper.spent == liquidation.repaid


def test_keeper__budget__repays_at_most_the_budget_then_stops(
    market, underwater, borrower, liquidator, funded
):
    keeper = sdk.LiquidationKeeper(market, funded(liquidator, 100_000 * USDC), budget=1_000 * USDC)

    first = keeper.run()
    nonce = liquidator.nonce
    second = keeper.run()

    assert first[0].repaid == 1_000 * USDC
    assert first[0].receipt.decode_logs(market.Liquidated)[0].repaid == 1_000 * USDC
    assert keeper.spent == 1_000 * USDC
    assert market.healthFactor(borrower) < sdk.HEALTH_ONE  # still unhealthy...
    assert second == []  # ...but the budget is spent
    assert liquidator.nonce == nonce


def test_keeper__no_stablecoin__does_nothing(market, underwater, liquidator):
    keeper = sdk.LiquidationKeeper(market, liquidator)
    nonce = liquidator.nonce

    assert keeper.run() == []
    assert liquidator.nonce == nonce


def test_keeper__price_unreliable__leaves_the_position_alone(
    market, lending, underwater, weth, liquidator, funded, deployer
):
    for feed in lending.feeds[str(weth.address)]:
        feed.setReverting(True, sender=deployer)
    keeper = sdk.LiquidationKeeper(market, funded(liquidator, 100_000 * USDC))

    assert keeper.run() == []


def test_keeper__deep_position__winds_down_one_asset_per_pass_to_bad_debt(
    market, usdc, weth, wbtc, mixed, borrower, liquidator, funded, set_price
):
    # ETH -75%, BTC -75%: both feeds agree, so the oracle accepts the crash.
    set_price(weth, 500)
    set_price(wbtc, 15_000)
    keeper = sdk.LiquidationKeeper(market, funded(liquidator, 100_000 * USDC))
    debt = market.debtOf(borrower)

    first = keeper.run()
    second = keeper.run()

    # First the WBTC (7,500 USD), all of it; then the WETH (5,000 USD), all of it.
    assert [(d.asset, d.seized) for d in first + second] == [
        (wbtc.address, WBTC // 2),
        (weth.address, 10 * WETH),
    ]
    assert first[0].bad_debt == 0 and first[0].debt_after > 0
    booked = second[0].receipt.decode_logs(market.BadDebtBooked)[0]
    assert booked.account == borrower.address
    assert second[0].bad_debt == booked.amount == debt - first[0].repaid - second[0].repaid
    assert first[0].debt_after == debt - first[0].repaid
    assert second[0].debt_after == 0
    assert market.debtOf(borrower) == 0
    covered = sum(
        log.amount for log in second[0].receipt.decode_logs(market.DeficitCoveredByReserve)
    )
    assert market.deficit() == booked.amount - covered
    assert keeper.run() == []


# ---------------------------------------------------------------- MarginCallWatcher


def test_watcher__margin_called_and_computed_below_the_band__both_flagged_worst_first(
    chain, market, supplied, open_position, borrower, taker, maker, set_price, weth, stranger
):
    start = chain.blocks.head.number
    # Health 17,000 / 15,000 = 1.133 and 17,000 / 15,400 = 1.104; and a healthy one.
    open_position(borrower, weth_amount=10 * WETH, borrow=15_000 * USDC)
    open_position(taker, weth_amount=10 * WETH, borrow=15_400 * USDC)
    open_position(maker, weth_amount=10 * WETH, borrow=5_000 * USDC)
    set_price(weth, 1_900)  # 16,150 / 15,000 = 1.077; 16,150 / 15,400 = 1.049
    receipt = market.pokeHealth(borrower, sender=stranger)
    called = receipt.decode_logs(market.MarginCall)[0]
    watcher = sdk.MarginCallWatcher(market, from_block=start)

    at_risk = watcher.check()

    assert [log.account for log in watcher.margin_calls()] == [borrower.address]
    assert at_risk == [
        sdk.AtRisk(taker.address, market.healthFactor(taker)),
        sdk.AtRisk(borrower.address, called.healthFactor),
    ]
    assert all(health < sdk.MARGIN_CALL_BAND for _, health in at_risk)


def test_watcher__margin_called_then_repaid__no_longer_flagged(
    chain, market, supplied, open_position, borrower, set_price, weth, stranger
):
    start = chain.blocks.head.number
    position = open_position(borrower, weth_amount=10 * WETH, borrow=15_000 * USDC)
    set_price(weth, 1_900)
    market.pokeHealth(borrower, sender=stranger)
    watcher = sdk.MarginCallWatcher(market, from_block=start)
    assert [account for account, _ in watcher.check()] == [borrower.address]

    position.repay(5_000 * USDC)

    assert len(watcher.margin_calls()) == 1
    assert watcher.check() == []


# ---------------------------------------------------------------- AuctionBidder


def test_bidder__deficit__starts_an_auction_for_it_minting_the_lot(
    market, auction, token, deficit, maker
):
    supply = token.totalSupply()
    bidder = sdk.AuctionBidder(market, maker, auction)

    receipt = bidder.start_if_deficit()

    lot = lot_for(deficit)
    assert 0 < deficit < DEBT_PER_AUCTION and 0 < lot < INITIAL_LOT  # a lot in proportion
    started = receipt.decode_logs(auction.AuctionStarted)[0]
    assert (started.id, started.debt, started.lot) == (1, deficit, lot)
    assert receipt.decode_logs(auction.LotMinted)[0].amount == lot
    assert token.totalSupply() == supply + lot
    state = bidder.live()
    assert (state.id, state.debt, state.lot, state.has_bid) == (1, deficit, lot, False)
    assert state.ends_at == started.end


def test_bidder__no_deficit__starts_nothing(market, auction, supplied, maker):
    bidder = sdk.AuctionBidder(market, maker, auction)
    nonce = maker.nonce

    assert bidder.start_if_deficit() is None
    assert maker.nonce == nonce


def test_bidder__first_bid__asks_the_step_below_the_offer_and_pays_the_deficit(
    market, auction, usdc, deficit, maker, funded
):
    bidder = sdk.AuctionBidder(market, funded(maker, deficit), auction, step_bps=1_000)
    bidder.start_if_deficit()

    receipt = bidder.bid()

    placed = receipt.decode_logs(auction.BidPlaced)[0]
    assert (placed.id, placed.bidder, placed.lot, placed.debt) == (
        1,
        maker.address,
        lot_for(deficit) * 9 // 10,
        deficit,
    )
    covered = receipt.decode_logs(market.DeficitCoveredByAuction)[0]
    assert (covered.amount, covered.deficit) == (deficit, 0)
    assert usdc.balanceOf(maker) == 0
    assert market.deficit() == 0


def test_bidder__outbid__bids_the_minimum_decrease_below_and_the_first_bidder_is_refunded(
    market, auction, usdc, deficit, maker, taker, funded
):
    first = sdk.AuctionBidder(market, funded(maker, deficit), auction)
    second = sdk.AuctionBidder(market, funded(taker, deficit), auction)
    first.start_if_deficit()
    first.bid()

    receipt = second.bid()

    placed = receipt.decode_logs(auction.BidPlaced)[0]
    assert placed.lot == lot_for(deficit) * (BPS - auction.MIN_DECREASE_BPS()) // BPS
    assert (usdc.balanceOf(maker), usdc.balanceOf(taker)) == (deficit, 0)
    assert first.live().bidder == taker.address


def test_bidder__best_bid_already__does_not_bid_against_itself(
    market, auction, deficit, maker, funded
):
    bidder = sdk.AuctionBidder(market, funded(maker, 2 * deficit), auction)
    bidder.start_if_deficit()
    bidder.bid()
    nonce = maker.nonce

    assert bidder.bid() is None
    assert maker.nonce == nonce


def test_bidder__price_floor__never_asks_for_less_than_its_price_allows(
    market, auction, deficit, maker, taker, funded
):
    # The most maker pays per token: the deficit for 95% of the lot, so after taker's first
    # bid (the whole lot) maker may bid once at its floor, and never below it.
    floor_lot = lot_for(deficit) * 95 // 100
    max_price = -(-deficit * 10**18 // floor_lot)
    floor = sdk.AuctionBidder(
        market, funded(maker, deficit), auction, max_price=max_price, step_bps=3_000
    )
    other = sdk.AuctionBidder(market, funded(taker, 2 * deficit), auction)
    other.start_if_deficit()
    other.bid()

    receipt = floor.bid()

    lot = receipt.decode_logs(auction.BidPlaced)[0].lot
    assert lot == floor.floor_lot(floor.live()) <= floor_lot
    assert lot * max_price >= deficit * 10**18  # never pays more than max_price per token
    other.bid()  # 5% below maker's: beyond maker's floor
    nonce = maker.nonce
    assert floor.bid() is None
    assert maker.nonce == nonce


def test_bidder__settle_or_restart__waits_for_the_end_then_settles_to_the_winner(
    chain, market, auction, token, deficit, maker, funded
):
    bidder = sdk.AuctionBidder(market, funded(maker, deficit), auction)
    bidder.start_if_deficit()
    lot = bidder.bid().decode_logs(auction.BidPlaced)[0].lot
    ends_at = bidder.live().ends_at
    chain.pending_timestamp = ends_at - 1
    nonce = maker.nonce

    assert bidder.settle_or_restart() is None  # one second before the end
    assert maker.nonce == nonce
    chain.pending_timestamp = ends_at
    receipt = bidder.settle_or_restart()

    settled = receipt.decode_logs(auction.AuctionSettled)[0]
    assert (settled.id, settled.winner, settled.lot) == (1, maker.address, lot)
    assert token.balanceOf(maker) == lot
    assert bidder.live() is None
    assert auction.inventory() == lot_for(deficit) - lot


def test_bidder__no_bid_by_the_end__restarts_with_a_larger_lot(
    chain, market, auction, deficit, maker
):
    bidder = sdk.AuctionBidder(market, maker, auction)
    bidder.start_if_deficit()
    chain.pending_timestamp = bidder.live().end

    receipt = bidder.settle_or_restart()

    restarted = receipt.decode_logs(auction.AuctionRestarted)[0]
    increase = auction.RESTART_INCREASE_BPS()
    assert (restarted.id, restarted.lot) == (1, lot_for(deficit) * (BPS + increase) // BPS)
    assert bidder.live().lot == restarted.lot


def test_bidder__step__starts_bids_then_settles_when_due(
    chain, market, auction, token, deficit, maker, funded
):
    bidder = sdk.AuctionBidder(market, funded(maker, deficit), auction, step_bps=500)

    first = bidder.step()
    chain.pending_timestamp = bidder.live().ends_at
    second = bidder.step()

    assert [action for action, _ in first] == ["started", "bid"]
    assert [action for action, _ in second] == ["settled-or-restarted"]
    settled = second[0][1].decode_logs(auction.AuctionSettled)[0]
    assert token.balanceOf(maker) == settled.lot == lot_for(deficit) * 95 // 100
    assert market.deficit() == 0
    assert bidder.step() == []


# ---------------------------------------------------------------- operators' views


def test_market_summary__reports_the_markets_books(market, usdc, mixed):
    summary = sdk.market_summary(market)

    assert (summary.symbol, summary.decimals) == ("USDC", 6)
    assert summary.cash == market.cash() == SUPPLY - 36_000 * USDC
    assert summary.total_debt == market.totalDebt()
    assert (summary.reserves, summary.deficit, summary.borrowing_paused) == (
        market.reserves(),
        0,
        False,
    )
    assert summary.utilization == market.utilization() > 0
    assert summary.collaterals == tuple(market.collaterals())
    assert "borrowed 36,000.00" in summary.describe()


def test_positions__borrowers_with_debt_or_collateral__worst_first(
    market, supplied, open_position, borrower, taker, maker, weth
):
    open_position(borrower, weth_amount=10 * WETH, borrow=15_000 * USDC)
    open_position(taker, weth_amount=10 * WETH, borrow=5_000 * USDC)
    emptied = open_position(maker, weth_amount=WETH)
    emptied.withdraw_collateral(weth)

    rows = sdk.positions(market)

    assert [account for account, _ in rows] == [borrower.address, taker.address]
    assert rows[0][1] == sdk.Position.from_struct(market.positionOf(borrower))


def test_auction_summary__live_auction_inventory_minted_and_mintable(
    market, auction, token, deficit, maker
):
    sdk.AuctionBidder(market, maker, auction).start_if_deficit()

    summary = sdk.auction_summary(auction)

    assert summary.live.id == 1 and summary.live.debt == deficit
    assert summary.inventory == summary.total_minted == lot_for(deficit)
    assert summary.mintable == token.mintable()
    assert (summary.initial_lot, summary.debt_per_auction) == (
        auction.initialLot(),
        auction.debtPerAuction(),
    )


def test_describe_health__no_debt_and_a_value():
    assert sdk.describe_health(sdk.NO_DEBT_HEALTH) == "no debt"
    assert sdk.describe_health(1_097_222_222_222_222_222) == "1.0972"
