"""The lending market's governance: every setter (and the DebtAuction's setParams) with its
event and stored value, each parameter bound refused just outside and accepted at its edges,
the collateral listing's refusals, who may call what (the timelock; the guardian only pauses),
a pause that stops borrowing and nothing else, and the functions only the DebtAuction calls."""

from types import SimpleNamespace

import pytest

from tests.lending.markets import (
    FALLBACK_HEARTBEAT,
    PRIMARY_HEARTBEAT,
    USDC,
    WETH,
    WETH_PARAMS,
    feed_answer,
)
from tests.utils.fixtures import roles

UNLIMITED = 2**256 - 1
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
SUPPLY = 100_000 * USDC
DAY = 86_400
# A valid set of collateral parameters: max LTV, liquidation threshold, bonus, tier, supply cap.
VALID = (5_000, 6_000, 500, 1, 10**24)


def name32(name: str) -> bytes:
    """A parameter's name as the bytes32 the bound errors carry."""
    return name.encode().ljust(32, b"\0")


def with_field(base: tuple, index: int, value: int) -> tuple:
    return base[:index] + (value,) + base[index + 1 :]


def max_bonus(threshold_bps: int) -> int:
    """The bonus bound: at most 15%, and threshold * (1 + bonus) below 100%."""
    return min(1_500, (10_000 * 10_000 - 1) // threshold_bps - 10_000)


# ---------------------------------------------------------------- scenes


@pytest.fixture
def create_asset(lending, create_token, governance):
    """`create_asset(decimals=18, priced=True)`: a new token, priced by the oracle through
    WETH's feeds (the oracle accepts any pair of distinct feeds) unless `priced` is False."""

    def create(decimals=18, priced=True, symbol="NEW"):
        token = create_token(f"New {symbol}", symbol, decimals)
        if priced:
            primary, fallback = lending.feeds[str(lending.weth.address)]
            lending.oracle.setFeeds(
                token,
                (primary.address, PRIMARY_HEARTBEAT, 8),
                (fallback.address, FALLBACK_HEARTBEAT, 18),
                sender=governance,
            )
        return token

    return create


@pytest.fixture
def new_asset(create_asset):
    return create_asset()


@pytest.fixture
def supplied(market, usdc, supplier, fund):
    fund(usdc, supplier, SUPPLY, market)
    market.deposit(SUPPLY, supplier, sender=supplier)


@pytest.fixture
def with_reserves(market, usdc, chain, borrower, attest, fund, weth, supplied):
    """A loan of 50,000 USDC repaid after a year: the reserve holds 10% of the interest."""
    attest(borrower)
    fund(weth, borrower, 100 * WETH, market)
    market.depositCollateral(weth, 100 * WETH, sender=borrower)
    fund(usdc, borrower, 10_000 * USDC, market)
    borrowed = market.borrow(50_000 * USDC, sender=borrower)
    chain.pending_timestamp = borrowed.timestamp + 365 * DAY
    market.repay(borrower, UNLIMITED, sender=borrower)
    assert market.reserves() == 125 * USDC  # 10% of 2.5% of 50,000
    return market.reserves()


# ---------------------------------------------------------------- collateral listing


def test_list_collateral__lists_the_asset_with_its_parameters(
    market, governance, new_asset, weth, wbtc
):
    tx = market.listCollateral(new_asset, VALID, sender=governance)

    assert [(e.asset, tuple(e.params)) for e in tx.decode_logs(market.CollateralListed)] == [
        (new_asset, VALID)
    ]
    assert market.collaterals() == [weth, wbtc, new_asset]
    assert market.collateralParams(new_asset) == (VALID, 0)


def test_list_collateral__with_8_decimals_and_the_new_asset_usable(
    market, governance, create_asset, borrower, fund
):
    asset = create_asset(decimals=8)
    market.listCollateral(asset, VALID, sender=governance)
    fund(asset, borrower, 10**8, market)

    tx = market.depositCollateral(asset, 10**8, sender=borrower)

    assert [e.amount for e in tx.decode_logs(market.CollateralDeposited)] == [10**8]
    assert market.collateralParams(asset) == (VALID, 10**8)
    # One unit at WETH's price, 2,000 USD, at 50% LTV.
    assert market.positionOf(borrower).ltvLimit == 1_000 * USDC


def test_list_collateral__already_listed__refused(market, governance, weth, reverts):
    with reverts(market.LendingCollateralAlreadyListed, asset=weth):
        market.listCollateral(weth, VALID, sender=governance)


def test_list_collateral__the_stablecoin_itself__refused(market, governance, usdc, reverts):
    with reverts(market.LendingInvalidCollateral, asset=usdc):
        market.listCollateral(usdc, VALID, sender=governance)


def test_list_collateral__the_zero_address__refused(market, governance, reverts):
    with reverts(market.LendingInvalidCollateral, asset=ZERO_ADDRESS):
        market.listCollateral(ZERO_ADDRESS, VALID, sender=governance)


def test_list_collateral__the_market_itself__refused(market, governance, reverts):
    """The market's own shares cannot back a loan from it."""
    with reverts(market.LendingInvalidCollateral, asset=market):
        market.listCollateral(market, VALID, sender=governance)


def test_list_collateral__above_18_decimals__refused(market, governance, create_asset, reverts):
    asset = create_asset(decimals=19)

    with reverts(market.LendingInvalidCollateral, asset=asset):
        market.listCollateral(asset, VALID, sender=governance)


def test_list_collateral__at_18_decimals__accepted(market, governance, create_asset):
    asset = create_asset(decimals=18)

    market.listCollateral(asset, VALID, sender=governance)

    assert market.collateralParams(asset) == (VALID, 0)


def test_list_collateral__without_oracle_feeds__refused_with_the_oracles_error(
    market, lending, governance, create_asset, reverts
):
    """The oracle refuses an asset it has no feeds for, and the market lets that error through
    (not LendingInvalidCollateral, which it raises when the feeds exist but fail)."""
    asset = create_asset(priced=False)

    with reverts(lending.oracle.OracleAssetNotSupported, asset=asset):
        market.listCollateral(asset, VALID, sender=governance)


def test_list_collateral__with_both_feeds_failing__refused(
    market, lending, governance, create_token, create_feed, reverts
):
    asset = create_token("Dead Feeds", "DEAD", 18)
    primary, fallback = create_feed(8), create_feed(18)
    lending.oracle.setFeeds(
        asset,
        (primary.address, PRIMARY_HEARTBEAT, 8),
        (fallback.address, FALLBACK_HEARTBEAT, 18),
        sender=governance,
    )
    primary.setReverting(True, sender=governance)
    fallback.setReverting(True, sender=governance)

    with reverts(market.LendingInvalidCollateral, asset=asset):
        market.listCollateral(asset, VALID, sender=governance)


def test_list_collateral__a_17th_asset__refused_naming_the_maximum(
    market, governance, create_asset, reverts
):
    assert market.MAX_COLLATERALS() == 16
    for i in range(14):  # WETH and WBTC are listed already
        market.listCollateral(create_asset(symbol=f"C{i}"), VALID, sender=governance)
    assert len(market.collaterals()) == 16
    seventeenth = create_asset(symbol="C17")

    with reverts(market.LendingTooManyCollaterals, max=16):
        market.listCollateral(seventeenth, VALID, sender=governance)


def test_update_collateral__changes_the_parameters_and_keeps_the_total(
    market, governance, weth, borrower, fund
):
    fund(weth, borrower, 3 * WETH, market)
    market.depositCollateral(weth, 3 * WETH, sender=borrower)
    params = (7_000, 7_800, 700, 2, 5_000 * WETH)

    tx = market.updateCollateral(weth, params, sender=governance)

    assert [(e.asset, tuple(e.params)) for e in tx.decode_logs(market.CollateralUpdated)] == [
        (weth, params)
    ]
    assert market.collateralParams(weth) == (params, 3 * WETH)
    assert market.positionOf(borrower).ltvLimit == 4_200 * USDC  # 6,000 USD at 70%


def test_update_collateral__of_an_unlisted_asset__refused(market, governance, new_asset, reverts):
    with reverts(market.LendingCollateralNotListed, asset=new_asset):
        market.updateCollateral(new_asset, VALID, sender=governance)


def test_update_collateral__supply_cap_below_the_total__stops_deposits_only(
    market, governance, weth, borrower, fund, reverts
):
    fund(weth, borrower, 4 * WETH, market)
    market.depositCollateral(weth, 3 * WETH, sender=borrower)
    market.updateCollateral(weth, WETH_PARAMS[:4] + (2 * WETH,), sender=governance)

    with reverts(market.LendingSupplyCapExceeded, asset=weth, total=4 * WETH, cap=2 * WETH):
        market.depositCollateral(weth, WETH, sender=borrower)
    market.withdrawCollateral(weth, 3 * WETH, borrower, sender=borrower)
    assert weth.balanceOf(borrower) == 4 * WETH


# Each collateral bound: (field index, the other fields, min, max). The bonus bound depends on
# the liquidation threshold: threshold * (1 + bonus) must stay below 100%.
COLLATERAL_BOUNDS = {
    "maxLtv": (0, (0, 9_500, 500, 1, 10**24), 1, 9_000),
    "liquidationThreshold": (1, (5_000, 0, 500, 1, 10**24), 5_001, 9_500),
    "liquidationBonus@6000": (2, (5_000, 6_000, 0, 1, 10**24), 100, max_bonus(6_000)),
    "liquidationBonus@8500": (2, (8_000, 8_500, 0, 1, 10**24), 100, max_bonus(8_500)),
    "liquidationBonus@9000": (2, (8_000, 9_000, 0, 1, 10**24), 100, max_bonus(9_000)),
    "liquidationBonus@9500": (2, (9_000, 9_500, 0, 1, 10**24), 100, max_bonus(9_500)),
    "volatilityTier": (3, (5_000, 6_000, 500, 0, 10**24), 0, 3),
    "supplyCap": (4, (5_000, 6_000, 500, 1, 0), 1, 2**120 - 1),
}


def test_bonus_bound__worked_out_by_hand():
    assert (max_bonus(6_000), max_bonus(8_500), max_bonus(9_000), max_bonus(9_500)) == (
        1_500,
        1_500,
        1_111,
        526,
    )
    assert 9_500 * (10_000 + 526) < 10_000 * 10_000 < 9_500 * (10_000 + 527)


@pytest.fixture(params=["listCollateral", "updateCollateral"])
def collateral_setter(request, market, governance, new_asset):
    """(the setter, the asset it is called for, its event)."""
    if request.param == "listCollateral":
        return market.listCollateral, new_asset, market.CollateralListed
    # An asset listed at the lowest threshold, so the 10-point limit on a threshold cut
    # (tested on its own below) never binds here.
    market.listCollateral(new_asset, (5_000, 5_001, 500, 1, 10**24), sender=governance)
    return market.updateCollateral, new_asset, market.CollateralUpdated


@pytest.mark.parametrize("bound", COLLATERAL_BOUNDS.values(), ids=COLLATERAL_BOUNDS.keys())
def test_collateral_parameter__outside_its_bounds__refused_naming_it(
    market, governance, collateral_setter, bound, reverts
):
    setter, asset, _ = collateral_setter
    index, base, low, high = bound
    name = ("maxLtv", "liquidationThreshold", "liquidationBonus", "volatilityTier", "supplyCap")
    outside = ([low - 1] if low > 0 else []) + [high + 1]
    for value in outside:
        with reverts(
            market.LendingParameterOutOfBounds,
            name=name32(name[index]),
            value=value,
            min=low,
            max=high,
        ):
            setter(asset, with_field(base, index, value), sender=governance)


@pytest.mark.parametrize("edge", ["min", "max"])
@pytest.mark.parametrize("bound", COLLATERAL_BOUNDS.values(), ids=COLLATERAL_BOUNDS.keys())
def test_collateral_parameter__at_its_bounds__accepted(
    market, governance, collateral_setter, bound, edge
):
    setter, asset, event = collateral_setter
    index, base, low, high = bound
    params = with_field(base, index, low if edge == "min" else high)

    tx = setter(asset, params, sender=governance)

    assert [tuple(e.params) for e in tx.decode_logs(event)] == [params]
    assert market.collateralParams(asset)[0] == params


# ---------------------------------------------------------------- the other setters

DEFAULT_MODEL = (0, 400, 7_500, 8_000)
# Each scalar bound: (setter, bound name, min, max, the arguments for a value).
SCALAR_BOUNDS = {
    "baseRate": ("setRateModel", 0, 2_000, lambda v: ((v, 400, 7_500, 8_000),)),
    "slope1": ("setRateModel", 0, 10_000, lambda v: ((0, v, 7_500, 8_000),)),
    "slope2": ("setRateModel", 0, 30_000, lambda v: ((0, 400, v, 8_000),)),
    "kink": ("setRateModel", 5_000, 9_500, lambda v: ((0, 400, 7_500, v),)),
    "reserveFactor": ("setReserveFactor", 0, 5_000, lambda v: (v,)),
    "tier": ("setTierCap", 0, 3, lambda v: (v, 1_234 * USDC)),
    "tierCap": ("setTierCap", 0, (2**32 - 1) * USDC, lambda v: (2, v)),
    "largeLoanThreshold": ("setLargeLoanPolicy", 0, 2**112 - 1, lambda v: (v, 2)),
    "largeLoanLevel": ("setLargeLoanPolicy", 0, 3, lambda v: (1_000 * USDC, v)),
}


def stored_and_emitted(market, setter, args, tx):
    """(what the market stores now, what the setter's event said), each as the arguments."""
    if setter == "setRateModel":
        events = [(tuple(e.model),) for e in tx.decode_logs(market.RateModelSet)]
        return (tuple(market.rateModel()),), events
    if setter == "setReserveFactor":
        events = [(e.reserveFactorBps,) for e in tx.decode_logs(market.ReserveFactorSet)]
        return (market.reserveFactorBps(),), events
    if setter == "setTierCap":
        events = [(e.tier, e.cap) for e in tx.decode_logs(market.TierCapSet)]
        return (args[0], market.tierCap(args[0])), events
    events = [(e.threshold, e.minLevel) for e in tx.decode_logs(market.LargeLoanPolicySet)]
    return tuple(market.largeLoanPolicy()), events


@pytest.mark.parametrize("name", SCALAR_BOUNDS.keys())
def test_setter__outside_its_bounds__refused_naming_the_parameter(
    market, governance, name, reverts
):
    setter, low, high, arguments = SCALAR_BOUNDS[name]
    outside = ([low - 1] if low > 0 else []) + [high + 1]
    for value in outside:
        with reverts(
            market.LendingParameterOutOfBounds, name=name32(name), value=value, min=low, max=high
        ):
            getattr(market, setter)(*arguments(value), sender=governance)


@pytest.mark.parametrize("edge", ["min", "max"])
@pytest.mark.parametrize("name", SCALAR_BOUNDS.keys())
def test_setter__at_its_bounds__accepted_stored_and_reported(market, governance, name, edge):
    setter, low, high, arguments = SCALAR_BOUNDS[name]
    args = arguments(low if edge == "min" else high)

    tx = getattr(market, setter)(*args, sender=governance)

    stored, emitted = stored_and_emitted(market, setter, args, tx)
    assert stored == args
    assert emitted == [args]


def test_large_loan_level__bound_is_the_identity_registrys_highest_level(market, foundation):
    assert foundation.identity.MAX_LEVEL() == SCALAR_BOUNDS["largeLoanLevel"][2]


def test_set_rate_model__stores_the_curve(market, governance):
    model = (150, 900, 30_000, 8_500)

    tx = market.setRateModel(model, sender=governance)

    assert [tuple(e.model) for e in tx.decode_logs(market.RateModelSet)] == [model]
    assert market.rateModel() == model


def test_set_reserve_factor__stores_it(market, governance):
    tx = market.setReserveFactor(2_500, sender=governance)

    assert [e.reserveFactorBps for e in tx.decode_logs(market.ReserveFactorSet)] == [2_500]
    assert market.reserveFactorBps() == 2_500


def test_set_tier_cap__stores_it_per_tier(market, governance):
    tx = market.setTierCap(3, 77 * USDC, sender=governance)

    assert [(e.tier, e.cap) for e in tx.decode_logs(market.TierCapSet)] == [(3, 77 * USDC)]
    assert [market.tierCap(t) for t in range(4)] == [
        10_000_000 * USDC,
        1_000_000 * USDC,
        100_000 * USDC,
        77 * USDC,
    ]


def test_set_tier_cap__counts_whole_units_and_drops_a_fraction(market, governance):
    tx = market.setTierCap(1, 500 * USDC + 999_999, sender=governance)

    assert [(e.tier, e.cap) for e in tx.decode_logs(market.TierCapSet)] == [(1, 500 * USDC)]
    assert market.tierCap(1) == 500 * USDC


def test_set_large_loan_policy__stores_it(market, governance):
    tx = market.setLargeLoanPolicy(250_000 * USDC, 3, sender=governance)

    assert [(e.threshold, e.minLevel) for e in tx.decode_logs(market.LargeLoanPolicySet)] == [
        (250_000 * USDC, 3)
    ]
    assert market.largeLoanPolicy() == (250_000 * USDC, 3)


def test_withdraw_reserves__sends_them_to_the_recipient(
    market, usdc, governance, treasury, with_reserves
):
    cash = market.cash()

    tx = market.withdrawReserves(treasury, with_reserves, sender=governance)

    assert [(e.to, e.amount) for e in tx.decode_logs(market.ReservesWithdrawn)] == [
        (treasury, with_reserves)
    ]
    assert usdc.balanceOf(treasury) == with_reserves
    assert market.reserves() == 0
    assert market.cash() == cash - with_reserves


# ---------------------------------------------------------------- the debt auction's parameters


def test_auction_set_params__stores_them(auction, governance):
    tx = auction.setParams(5 * 10**18, 7 * USDC, sender=governance)

    assert [(e.initialLot, e.debtPerAuction) for e in tx.decode_logs(auction.AuctionParamsSet)] == [
        (5 * 10**18, 7 * USDC)
    ]
    assert (auction.initialLot(), auction.debtPerAuction()) == (5 * 10**18, 7 * USDC)


@pytest.mark.parametrize("field", [0, 1], ids=["initialLot", "debtPerAuction"])
def test_auction_set_params__outside_the_bounds__refused_naming_the_parameter(
    auction, governance, field, reverts
):
    name = ("initialLot", "debtPerAuction")[field]
    for value in (0, 2**128):
        args = with_field((10**18, USDC), field, value)
        with reverts(
            auction.AuctionParameterOutOfBounds,
            name=name32(name),
            value=value,
            min=1,
            max=2**128 - 1,
        ):
            auction.setParams(*args, sender=governance)


@pytest.mark.parametrize("value", [1, 2**128 - 1], ids=["min", "max"])
@pytest.mark.parametrize("field", [0, 1], ids=["initialLot", "debtPerAuction"])
def test_auction_set_params__at_the_bounds__accepted(auction, governance, field, value):
    args = with_field((10**18, USDC), field, value)

    tx = auction.setParams(*args, sender=governance)

    assert [(e.initialLot, e.debtPerAuction) for e in tx.decode_logs(auction.AuctionParamsSet)] == [
        args
    ]
    assert (auction.initialLot(), auction.debtPerAuction()) == args


# ---------------------------------------------------------------- access control

# Every governance-only function: (contract, method, its arguments for a scene).
GOVERNANCE_ONLY = {
    "listCollateral": ("market", "listCollateral", lambda x: (x.new_asset, VALID)),
    "updateCollateral": ("market", "updateCollateral", lambda x: (x.weth, VALID)),
    "setRateModel": ("market", "setRateModel", lambda x: (DEFAULT_MODEL,)),
    "setReserveFactor": ("market", "setReserveFactor", lambda x: (1_000,)),
    "setTierCap": ("market", "setTierCap", lambda x: (0, 1)),
    "setLargeLoanPolicy": ("market", "setLargeLoanPolicy", lambda x: (1, 0)),
    "unpauseBorrowing": ("market", "unpauseBorrowing", lambda x: ()),
    "withdrawReserves": ("market", "withdrawReserves", lambda x: (x.actor, 1)),
    "auction.setParams": ("auction", "setParams", lambda x: (1, 1)),
}


@roles("stranger", "guardian")
@pytest.mark.parametrize("function", GOVERNANCE_ONLY.values(), ids=GOVERNANCE_ONLY.keys())
def test_governance_only__refused_for_anyone_else(
    market, auction, weth, new_asset, with_reserves, actor, function, reverts
):
    target, method, arguments = function
    contract = {"market": market, "auction": auction}[target]
    args = arguments(SimpleNamespace(actor=actor, weth=weth, new_asset=new_asset))

    with reverts(contract.GovernedOnlyGovernance, caller=actor):
        getattr(contract, method)(*args, sender=actor)


def test_guardian__is_the_timelocks_canceller(market, guardian, stranger):
    assert market.isGuardian(guardian)
    assert not market.isGuardian(stranger)


# ---------------------------------------------------------------- pause


@pytest.mark.parametrize("role", ["guardian", "governance"])
def test_pause_borrowing__by_the_guardian_or_governance__stops_borrows(
    market, request, borrower, attest, fund, weth, supplied, role, reverts
):
    pauser = request.getfixturevalue(role)
    attest(borrower)
    fund(weth, borrower, WETH, market)
    market.depositCollateral(weth, WETH, sender=borrower)

    tx = market.pauseBorrowing(sender=pauser)

    assert [e.by for e in tx.decode_logs(market.BorrowingPaused)] == [pauser]
    assert market.borrowingPaused()
    with reverts(market.LendingBorrowingPaused):
        market.borrow(100 * USDC, sender=borrower)


def test_pause_borrowing__by_a_stranger__refused(market, stranger, reverts):
    with reverts(market.GovernedOnlyGovernanceOrGuardian, caller=stranger):
        market.pauseBorrowing(sender=stranger)
    assert not market.borrowingPaused()


def test_unpause_borrowing__by_governance__lets_borrows_resume(
    market, usdc, governance, guardian, borrower, attest, fund, weth, supplied, reverts
):
    attest(borrower)
    fund(weth, borrower, WETH, market)
    market.depositCollateral(weth, WETH, sender=borrower)
    market.pauseBorrowing(sender=guardian)
    with reverts(market.GovernedOnlyGovernance, caller=guardian):
        market.unpauseBorrowing(sender=guardian)
    assert market.borrowingPaused()

    tx = market.unpauseBorrowing(sender=governance)

    assert len(tx.decode_logs(market.BorrowingUnpaused)) == 1
    assert not market.borrowingPaused()
    market.borrow(100 * USDC, sender=borrower)
    assert usdc.balanceOf(borrower) == 100 * USDC


def test_pause__stops_only_borrowing(
    market,
    lending,
    usdc,
    weth,
    chain,
    guardian,
    supplier,
    borrower,
    liquidator,
    stranger,
    attest,
    fund,
    supplied,
    reverts,
):
    """While paused, suppliers deposit, mint, withdraw and redeem; the borrower repays, adds
    and takes back collateral; a liquidator liquidates; anyone accrues and pokes."""
    attest(borrower)
    fund(weth, borrower, 11 * WETH, market)
    usdc.approve(market, UNLIMITED, sender=borrower)
    market.depositCollateral(weth, 10 * WETH, sender=borrower)
    market.borrow(16_000 * USDC, sender=borrower)  # the LTV limit of 10 WETH at 2,000 USD
    market.pauseBorrowing(sender=guardian)
    fund(usdc, supplier, 3_000 * USDC, market)
    fund(usdc, liquidator, 10_000 * USDC, market)

    assert market.deposit(1_000 * USDC, supplier, sender=supplier).decode_logs(market.Deposit)
    assert market.mint(10**15, supplier, sender=supplier).decode_logs(market.Deposit)
    assert market.withdraw(500 * USDC, supplier, supplier, sender=supplier).decode_logs(
        market.Withdraw
    )
    assert market.redeem(10**14, supplier, supplier, sender=supplier).decode_logs(market.Withdraw)
    repaid = market.repay(borrower, 1_000 * USDC, sender=borrower)
    assert [e.amount for e in repaid.decode_logs(market.Repaid)] == [1_000 * USDC]
    added = market.depositCollateral(weth, WETH, sender=borrower)
    assert [e.amount for e in added.decode_logs(market.CollateralDeposited)] == [WETH]
    taken = market.withdrawCollateral(weth, WETH, borrower, sender=borrower)
    assert [e.amount for e in taken.decode_logs(market.CollateralWithdrawn)] == [WETH]
    assert market.accrueInterest(sender=stranger)
    # ETH falls to 1,700 USD on both feeds: health 14,450 / 15,000 and change, below 1.
    primary, fallback = lending.feeds[str(weth.address)]
    primary.setAnswer(feed_answer(1_700, 8), sender=stranger)
    fallback.setAnswer(feed_answer(1_700, 18), sender=stranger)
    poked = market.pokeHealth(borrower, sender=stranger)
    assert [e.account for e in poked.decode_logs(market.MarginCall)] == [borrower]
    liquidated = market.liquidate(borrower, weth, UNLIMITED, sender=liquidator)
    assert [e.account for e in liquidated.decode_logs(market.Liquidated)] == [borrower]
    assert weth.balanceOf(liquidator) > 0

    assert market.borrowingPaused()
    with reverts(market.LendingBorrowingPaused):
        market.borrow(1, sender=borrower)


# ---------------------------------------------------------------- the debt auction's hooks


@roles("stranger", "governance")
@pytest.mark.parametrize("method", ["recordAuctionProceeds", "writeDownDeficit"])
def test_debt_auction_hooks__refused_for_anyone_but_the_auction(market, actor, method, reverts):
    with reverts(market.LendingNotDebtAuction, caller=actor):
        getattr(market, method)(1, sender=actor)
