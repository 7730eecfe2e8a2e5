"""Audit property: no role can move a supplier's or a borrower's assets in the lending market.

The scene: a supplier's deposit, partly lent out; a borrower with WETH and WBTC collateral and
a debt a month old, so the reserve holds interest. Every holder of a role - the governance
timelock, the guardian and the Governor contract (both hold the timelock's CANCELLER_ROLE) -
calls every function its role allows, at the harshest values the bounds allow, and tries the
paths that would move someone else's assets (shares through ERC-4626 and ERC-20, collateral,
liquidation of a healthy position, the debt auction's hooks). Afterwards the supplier's
redeemable assets have not fallen, the borrower's collateral is where it was, and both can
still leave. What governance can take is the reserve, and only the reserve: never above it,
never while a deficit is open. The extension, called at its own address, holds nothing and
changes nothing in the market.
"""

from types import SimpleNamespace

import pytest

from tests.lending.market_math import same_second
from tests.lending.markets import (
    FALLBACK_HEARTBEAT,
    PRIMARY_HEARTBEAT,
    USDC,
    WBTC,
    WETH,
    feed_answer,
)

UNLIMITED = 2**256 - 1
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
SUPPLY = 100_000 * USDC
LOAN = 60_000 * USDC
COLLATERAL = {"weth": 50 * WETH, "wbtc": 1 * WBTC}  # 100,000 + 60,000 USD
DAY = 86_400

PRIVILEGED = ["governance", "guardian", "governor"]


# ---------------------------------------------------------------- the scene


@pytest.fixture
def holdings(market, lending, usdc, weth, wbtc, chain, supplier, borrower, attest, fund, stranger):
    fund(usdc, supplier, SUPPLY, market)
    market.deposit(SUPPLY, supplier, sender=supplier)
    attest(borrower)
    for token, amount in ((weth, COLLATERAL["weth"]), (wbtc, COLLATERAL["wbtc"])):
        fund(token, borrower, amount, market)
        market.depositCollateral(token, amount, sender=borrower)
    usdc.approve(market, UNLIMITED, sender=borrower)
    borrowed = market.borrow(LOAN, sender=borrower)
    refresh(lending, chain, borrowed.timestamp + 30 * DAY, stranger)
    market.accrueInterest(sender=stranger)
    assert market.reserves() > 0
    return SimpleNamespace(shares=market.balanceOf(supplier))


def refresh(lending, chain, timestamp, sender):
    """Both feeds of each collateral answer again at `timestamp` (a month passed: they were
    stale), at their current prices."""
    for primary, fallback in lending.feeds.values():
        for feed in (primary, fallback):
            chain.pending_timestamp = timestamp
            feed.setAnswer(feed.latestRoundData().answer, sender=sender)


@pytest.fixture(params=PRIVILEGED)
def actor(request, governor, impersonate):
    if request.param == "governor":
        return impersonate(governor)
    return request.getfixturevalue(request.param)


@pytest.fixture
def role(request):
    return request.node.callspec.params["actor"]


@pytest.fixture
def assert_assets_intact(market, usdc, weth, wbtc, supplier, borrower, holdings):
    """After each attempt: the supplier holds its shares and they redeem for no less than
    before; the borrower's collateral balances, and the market's holdings of them, are
    unchanged; the market holds at least its counted cash."""
    redeemable = market.previewRedeem(holdings.shares)
    held = (weth.balanceOf(market), wbtc.balanceOf(market))

    def check():
        assert market.balanceOf(supplier) == holdings.shares
        assert market.previewRedeem(holdings.shares) >= redeemable
        assert market.collateralOf(borrower, weth) == COLLATERAL["weth"]
        assert market.collateralOf(borrower, wbtc) == COLLATERAL["wbtc"]
        assert (weth.balanceOf(market), wbtc.balanceOf(market)) == held
        assert usdc.balanceOf(market) >= market.cash()

    check()
    return check


def set_price(lending, asset, price_usd, sender):
    """Both of `asset`'s feeds answer `price_usd` now (a move both confirm)."""
    primary, fallback = lending.feeds[str(asset.address)]
    primary.setAnswer(feed_answer(price_usd, 8), sender=sender)
    fallback.setAnswer(feed_answer(price_usd, 18), sender=sender)


# ---------------------------------------------------------------- paths to others' assets


def test_privileged_actor__supplier_shares__cannot_be_redeemed_withdrawn_or_moved(
    market, chain, supplier, actor, holdings, assert_assets_intact, reverts
):
    one_usdc_of_shares = 10**12
    with reverts(
        market.ERC20InsufficientAllowance, spender=actor, allowance=0, needed=one_usdc_of_shares
    ):
        market.redeem(one_usdc_of_shares, actor, supplier, sender=actor)
    assert_assets_intact()

    same_second(chain)
    needed = market.previewWithdraw(USDC)
    with reverts(market.ERC20InsufficientAllowance, spender=actor, allowance=0, needed=needed):
        market.withdraw(USDC, actor, supplier, sender=actor)
    assert_assets_intact()

    with reverts(market.ERC20InsufficientAllowance, spender=actor, allowance=0, needed=1):
        market.transferFrom(supplier, actor, 1, sender=actor)
    assert_assets_intact()


def test_privileged_actor__borrower_collateral__cannot_be_withdrawn_or_liquidated(
    market, weth, wbtc, chain, borrower, actor, holdings, assert_assets_intact, reverts
):
    for asset in (weth, wbtc):
        with reverts(market.LendingInsufficientCollateral, account=actor, asset=asset, balance=0):
            market.withdrawCollateral(asset, 1, actor, sender=actor)
        assert_assets_intact()

        same_second(chain)
        health = market.healthFactor(borrower)
        with reverts(market.LendingPositionHealthy, account=borrower, healthFactor=health):
            market.liquidate(borrower, asset, UNLIMITED, sender=actor)
        assert_assets_intact()


def test_privileged_actor__debt_auction_hooks__refused(
    market, actor, holdings, assert_assets_intact, reverts
):
    """recordAuctionProceeds would book cash nobody paid; writeDownDeficit would cut the
    share price. Only the DebtAuction may call them."""
    for method in ("recordAuctionProceeds", "writeDownDeficit"):
        with reverts(market.LendingNotDebtAuction, caller=actor):
            getattr(market, method)(SUPPLY, sender=actor)
        assert_assets_intact()


# ---------------------------------------------------------------- every allowed call


@pytest.fixture
def listed_asset(lending, create_token, governance):
    """A new token priced through WETH's feeds, ready to be listed."""
    token = create_token("Listed Later", "LATE", 18)
    primary, fallback = lending.feeds[str(lending.weth.address)]
    lending.oracle.setFeeds(
        token,
        (primary.address, PRIMARY_HEARTBEAT, 8),
        (fallback.address, FALLBACK_HEARTBEAT, 18),
        sender=governance,
    )
    return token


def governance_powers(market, auction, weth, wbtc, actor, listed_asset):
    """Every governance-only call, at the bounds' harshest values (for the suppliers and the
    borrower): the steepest rate curve, the largest reserve factor, no tier caps, every loan
    a large one, the new collateral listed, WETH and WBTC at the tightest parameters that keep
    this borrower healthy, the whole reserve taken."""
    return [
        lambda: market.setRateModel((2_000, 10_000, 30_000, 5_000), sender=actor),
        lambda: market.setReserveFactor(5_000, sender=actor),
        *[lambda tier=tier: market.setTierCap(tier, 0, sender=actor) for tier in range(4)],
        lambda: market.setLargeLoanPolicy(0, 3, sender=actor),
        lambda: market.listCollateral(listed_asset, (1, 2, 100, 3, 1), sender=actor),
        # The deepest threshold cut one change allows: 10 points.
        lambda: market.updateCollateral(weth, (1, 7_500, 1_500, 3, 1), sender=actor),
        lambda: market.updateCollateral(wbtc, (1, 6_500, 1_500, 3, 1), sender=actor),
        lambda: market.pauseBorrowing(sender=actor),
        lambda: market.unpauseBorrowing(sender=actor),
        lambda: market.pauseBorrowing(sender=actor),
        lambda: auction.setParams(1, 1, sender=actor),
        lambda: market.withdrawReserves(actor, market.reserves(), sender=actor),
    ]


def anyones_powers(market, borrower, actor):
    return [
        lambda: market.accrueInterest(sender=actor),
        lambda: market.coverDeficit(sender=actor),
        lambda: market.pokeHealth(borrower, sender=actor),
    ]


def test_privileged_actor__every_call_its_role_allows__moves_no_user_assets(
    market,
    auction,
    usdc,
    weth,
    wbtc,
    chain,
    supplier,
    borrower,
    actor,
    role,
    listed_asset,
    holdings,
    assert_assets_intact,
):
    calls = anyones_powers(market, borrower, actor)
    if role == "governance":
        calls += governance_powers(market, auction, weth, wbtc, actor, listed_asset)
    else:
        calls += [lambda: market.pauseBorrowing(sender=actor)]
    actor_cash = usdc.balanceOf(actor)

    withdrawn = []
    for call in calls:
        tx = call()
        withdrawn += [e.amount for e in tx.decode_logs(market.ReservesWithdrawn)]
        assert_assets_intact()

    # What the actor received is reserve it withdrew (governance only), and nothing else.
    assert usdc.balanceOf(actor) - actor_cash == sum(withdrawn)
    assert len(withdrawn) == (1 if role == "governance" else 0)
    assert market.healthFactor(borrower) >= 10**18  # still healthy: nothing to liquidate


def test_privileged_actor__after_its_calls__supplier_and_borrower_still_leave_with_everything(
    market,
    auction,
    usdc,
    weth,
    wbtc,
    chain,
    supplier,
    borrower,
    actor,
    role,
    listed_asset,
    holdings,
):
    calls = anyones_powers(market, borrower, actor)
    if role == "governance":
        calls += governance_powers(market, auction, weth, wbtc, actor, listed_asset)
    else:
        calls += [lambda: market.pauseBorrowing(sender=actor)]
    for call in calls:
        call()

    # The borrower repays (never paused) and takes all its collateral back.
    usdc.mint(borrower, 10_000 * USDC, sender=borrower)
    market.repay(borrower, UNLIMITED, sender=borrower)
    market.withdrawCollateral(weth, UNLIMITED, borrower, sender=borrower)
    market.withdrawCollateral(wbtc, UNLIMITED, borrower, sender=borrower)
    assert (weth.balanceOf(borrower), wbtc.balanceOf(borrower)) == (
        COLLATERAL["weth"],
        COLLATERAL["wbtc"],
    )
    # The supplier redeems every share, for more than it deposited.
    same_second(chain)
    owed = market.previewRedeem(holdings.shares)
    assert market.maxRedeem(supplier) == holdings.shares
    market.redeem(holdings.shares, supplier, supplier, sender=supplier)
    assert usdc.balanceOf(supplier) == owed > SUPPLY


def test_guardian__may_only_pause(market, guardian, holdings, reverts):
    tx = market.pauseBorrowing(sender=guardian)

    assert [e.by for e in tx.decode_logs(market.BorrowingPaused)] == [guardian]
    with reverts(market.GovernedOnlyGovernance, caller=guardian):
        market.withdrawReserves(guardian, 1, sender=guardian)
    with reverts(market.GovernedOnlyGovernance, caller=guardian):
        market.unpauseBorrowing(sender=guardian)


def test_governance__threshold_cut_of_more_than_ten_points__refused(
    market, weth, governance, reverts
):
    with reverts(
        market.LendingParameterOutOfBounds,
        name=b"liquidationThreshold".ljust(32, b"\x00"),
        value=7_499,
        min=7_500,
        max=9_500,
    ):
        market.updateCollateral(weth, (1, 7_499, 1_500, 3, 10**24), sender=governance)
    market.updateCollateral(weth, (1, 7_500, 1_500, 3, 10**24), sender=governance)
    assert market.collateralParams(weth)[0][1] == 7_500


def test_governance__threshold_cut__lets_liquidators_take_collateral_at_most_at_the_bonus(
    market, usdc, weth, wbtc, chain, governance, borrower, liquidator, holdings, fund
):
    """What governance's parameters can do to a borrower, stated plainly: a cut of the
    liquidation thresholds (within their bounds) can make a healthy position liquidatable at
    once, and a liquidator (anyone, governance included) then repays the debt and takes
    collateral worth the repayment plus the asset's bonus (at most 15%). Nothing goes to
    governance by the cut itself; the borrower's loss is bounded by the bonus; the timelock's
    delay is the borrower's time to repay or add collateral - once per step, since a change
    lowers a threshold by at most 10 points: from 85% and 75% to 0.02%, nine changes."""
    thresholds = {weth: 8_500, wbtc: 7_500}
    while any(t > 2 for t in thresholds.values()):
        for asset, threshold in thresholds.items():
            thresholds[asset] = max(threshold - 1_000, 2)
            market.updateCollateral(
                asset, (1, thresholds[asset], 1_500, 3, 10**24), sender=governance
            )
    assert market.healthFactor(borrower) < market.FULL_CLOSE_HEALTH_FACTOR()
    fund(usdc, liquidator, SUPPLY, market)
    same_second(chain)
    debt = market.debtOf(borrower)

    tx = market.liquidate(borrower, weth, UNLIMITED, sender=liquidator)

    event = tx.decode_logs(market.Liquidated)[0]
    assert event.repaid == debt  # the whole debt: health far below 0.95
    # WETH at 2,000 USD: the repayment plus 15%, rounded down.
    assert event.seized == debt * 10**12 * 11_500 // 10_000 * WETH // (2_000 * 10**18)
    assert market.collateralOf(borrower, weth) == COLLATERAL["weth"] - event.seized
    assert market.collateralOf(borrower, wbtc) == COLLATERAL["wbtc"]
    assert market.debtOf(borrower) == 0
    assert usdc.balanceOf(governance) == 0


# ---------------------------------------------------------------- the reserve, and only it


@pytest.fixture
def repaid(market, usdc, chain, borrower, holdings):
    """The borrower repaid everything: the reserve stops growing."""
    usdc.mint(borrower, 10_000 * USDC, sender=borrower)
    market.repay(borrower, UNLIMITED, sender=borrower)
    assert market.totalDebt() == 0
    return market.reserves()


def test_withdraw_reserves__all_of_it__leaves_the_suppliers_assets_as_they_were(
    market, usdc, governance, treasury, supplier, holdings, repaid
):
    total = market.totalAssets()
    redeemable = market.previewRedeem(holdings.shares)

    tx = market.withdrawReserves(treasury, repaid, sender=governance)

    assert [(e.to, e.amount) for e in tx.decode_logs(market.ReservesWithdrawn)] == [
        (treasury, repaid)
    ]
    assert usdc.balanceOf(treasury) == repaid
    assert market.reserves() == 0
    assert market.totalAssets() == total
    assert market.previewRedeem(holdings.shares) == redeemable


def test_withdraw_reserves__one_unit_above_the_reserve__refused(
    market, governance, treasury, holdings, repaid, reverts
):
    with reverts(market.LendingInsufficientReserves, requested=repaid + 1, reserves=repaid):
        market.withdrawReserves(treasury, repaid + 1, sender=governance)
    assert market.reserves() == repaid


def test_withdraw_reserves__above_the_reserve_while_interest_accrues__refused_exactly(
    market, chain, governance, treasury, holdings, reverts
):
    same_second(chain)
    reserves = market.reserves()

    with reverts(market.LendingInsufficientReserves, requested=reserves + 1, reserves=reserves):
        market.withdrawReserves(treasury, reserves + 1, sender=governance)


def test_withdraw_reserves__more_than_the_cash__refused(
    market, usdc, chain, governance, treasury, supplier, borrower, holdings, reverts
):
    """All the cash lent out: the reserve is a claim on interest not yet repaid, and paying it
    would take from what the suppliers' withdrawals need."""
    market.borrow(market.cash(), sender=borrower)
    chain.mine(timestamp=chain.blocks.head.timestamp + DAY)
    same_second(chain)
    reserves = market.reserves()
    assert market.cash() == 0 < reserves

    with reverts(market.LendingInsufficientCash, requested=reserves, cash=0):
        market.withdrawReserves(treasury, reserves, sender=governance)


def test_withdraw_reserves__to_the_zero_address__refused(
    market, governance, holdings, repaid, reverts
):
    with reverts(market.LendingZeroAddress):
        market.withdrawReserves(ZERO_ADDRESS, repaid, sender=governance)


def test_withdraw_reserves__of_zero__refused(market, governance, treasury, holdings, reverts):
    with reverts(market.LendingZeroAmount):
        market.withdrawReserves(treasury, 0, sender=governance)


@pytest.fixture
def deficit(market, lending, usdc, weth, chain, supplier, stranger, liquidator, attest, fund):
    """A crash leaves bad debt beyond the reserve: a borrower with 10 WETH owing 16,000 USDC;
    ETH halves to 1,000 USD (both feeds); a liquidation takes all the WETH for about 9,524
    USDC; the rest is bad debt, the reserve (a few seconds of interest) covers a sliver."""
    fund(usdc, supplier, SUPPLY, market)
    market.deposit(SUPPLY, supplier, sender=supplier)
    attest(stranger)
    fund(weth, stranger, 10 * WETH, market)
    market.depositCollateral(weth, 10 * WETH, sender=stranger)
    market.borrow(16_000 * USDC, sender=stranger)
    chain.pending_timestamp = chain.blocks.head.timestamp + 600
    set_price(lending, weth, 1_000, stranger)
    fund(usdc, liquidator, SUPPLY, market)

    tx = market.liquidate(stranger, weth, UNLIMITED, sender=liquidator)

    [booked] = tx.decode_logs(market.BadDebtBooked)
    assert booked.account == stranger
    assert market.collateralOf(stranger, weth) == 0
    assert market.reserves() == 0
    assert 0 < market.deficit() < booked.amount
    return market.deficit()


def test_withdraw_reserves__while_a_deficit_is_open__refused(
    market, governance, treasury, deficit, reverts
):
    with reverts(market.LendingDeficitOutstanding, deficit=deficit):
        market.withdrawReserves(treasury, 1, sender=governance)


def test_withdraw_reserves__while_a_deficit_is_open__refused_even_with_new_reserves(
    market, chain, governance, treasury, borrower, stranger, attest, fund, weth, deficit, reverts
):
    """Interest keeps coming in after the crash; the reserve it builds goes to the deficit
    (coverDeficit, open to anyone) before governance can take any of it."""
    attest(borrower)
    fund(weth, borrower, 20 * WETH, market)
    market.depositCollateral(weth, 20 * WETH, sender=borrower)
    market.borrow(10_000 * USDC, sender=borrower)
    chain.mine(timestamp=chain.blocks.head.timestamp + 3_000)
    same_second(chain)
    reserves = market.reserves()
    assert 0 < reserves < deficit

    with reverts(market.LendingDeficitOutstanding, deficit=deficit):
        market.withdrawReserves(treasury, reserves, sender=governance)
    same_second(chain)
    tx = market.coverDeficit(sender=stranger)

    events = tx.decode_logs(market.DeficitCoveredByReserve)
    assert [(e.amount, e.deficit) for e in events] == [(reserves, deficit - reserves)]
    assert market.reserves() == 0
    with reverts(market.LendingDeficitOutstanding, deficit=deficit - reserves):
        market.withdrawReserves(treasury, 1, sender=governance)


# ---------------------------------------------------------------- the extension on its own


@pytest.fixture
def extension(project, chain, lending):
    """The LendingMarketExtension at its own address (the market delegatecalls into it)."""
    address = lending.extension_address
    chain.contracts.cache_contract_type(address, project.LendingMarketExtension.contract_type)
    return project.LendingMarketExtension.at(address)


@pytest.fixture
def market_state(market, usdc, weth, wbtc, supplier, borrower):
    """`market_state()`: everything a call on the extension must not change."""

    def read():
        return (  # (views that interest moves every second are left out)
            market.cash(),
            market.deficit(),
            tuple(market.rateModel()),
            market.reserveFactorBps(),
            market.borrowingPaused(),
            tuple(market.collaterals()),
            tuple(market.tierCap(t) for t in range(4)),
            tuple(market.largeLoanPolicy()),
            market.balanceOf(supplier),
            market.collateralOf(borrower, weth),
            market.collateralOf(borrower, wbtc),
            usdc.balanceOf(market),
            weth.balanceOf(market),
            wbtc.balanceOf(market),
        )

    return read


def test_extension__holds_nothing_and_has_no_state_of_its_own(
    extension, usdc, weth, wbtc, chain, holdings
):
    for token in (usdc, weth, wbtc):
        assert token.balanceOf(extension) == 0
    assert chain.provider.get_balance(extension.address) == 0
    assert extension.collaterals() == []
    assert extension.rateModel() == (0, 0, 0, 0)
    assert (extension.totalDebt(), extension.reserves(), extension.deficit()) == (0, 0, 0)


def test_extension__called_by_governance__changes_only_its_own_empty_storage(
    extension, market, weth, governance, treasury, listed_asset, market_state, holdings, reverts
):
    before = market_state()

    extension.setRateModel((2_000, 10_000, 30_000, 5_000), sender=governance)
    extension.setReserveFactor(5_000, sender=governance)
    extension.setTierCap(0, 0, sender=governance)
    extension.setLargeLoanPolicy(0, 3, sender=governance)
    extension.listCollateral(listed_asset, (1, 2, 100, 3, 1), sender=governance)
    extension.pauseBorrowing(sender=governance)
    with reverts(extension.LendingCollateralNotListed, asset=weth):
        extension.updateCollateral(weth, (1, 6_000, 1_500, 3, 1), sender=governance)
    with reverts(extension.LendingInsufficientReserves, requested=1, reserves=0):
        extension.withdrawReserves(treasury, 1, sender=governance)

    assert market_state() == before
    assert extension.collaterals() == [listed_asset]
    assert extension.borrowingPaused()


def test_extension__forged_bookkeeping__still_pays_only_from_its_own_empty_balance(
    extension,
    market,
    auction,
    usdc,
    governance,
    treasury,
    impersonate,
    market_state,
    holdings,
    reverts,
):
    """The market's DebtAuction is the one caller the extension's hooks accept: booking
    proceeds there raises the extension's own reserve, and governance's withdrawal of it then
    fails at the token, because the extension holds no stablecoin; the market is untouched."""
    before = market_state()
    as_auction = impersonate(auction)

    tx = extension.recordAuctionProceeds(SUPPLY, sender=as_auction)

    assert [e.amount for e in tx.decode_logs(extension.DeficitCoveredByAuction)] == [SUPPLY]
    assert extension.reserves() == SUPPLY
    with reverts(usdc.ERC20InsufficientBalance, sender=extension, balance=0, needed=SUPPLY):
        extension.withdrawReserves(treasury, SUPPLY, sender=governance)
    assert usdc.balanceOf(treasury) == 0
    assert market_state() == before


@pytest.mark.parametrize("who", ["stranger", "guardian"])
def test_extension__governance_functions__refused_for_others_there_too(
    extension, request, who, holdings, reverts
):
    caller = request.getfixturevalue(who)

    with reverts(extension.GovernedOnlyGovernance, caller=caller):
        extension.withdrawReserves(caller, 1, sender=caller)
    with reverts(extension.LendingNotDebtAuction, caller=caller):
        extension.writeDownDeficit(1, sender=caller)
