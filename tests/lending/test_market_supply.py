"""The lending market's supplier side: ERC-4626 deposit, mint, withdraw and redeem with their
events and exact share arithmetic (shares carry the stablecoin's decimals plus 6), the
first-depositor inflation attack, withdrawals bounded by cash while money is lent out, interest
reaching suppliers, rounding against the user, and markets on USDT-like, 18-decimal and
fee-on-transfer stablecoins."""

import pytest

from tests.lending.market_math import (
    WAD,
    YEAR,
    Book,
    borrow_rate,
    same_second,
    to_assets,
    to_shares,
)
from tests.lending.markets import LEVEL_LIMITS, USDC, WETH

UNLIMITED = 2**256 - 1
SUPPLY = 100_000 * USDC
COLLATERAL = 100 * WETH  # 200,000 USD at 2,000: 160,000 USDC of borrowing power at 80% LTV
LOAN = 50_000 * USDC
DAY = 86_400


# ---------------------------------------------------------------- scenes


@pytest.fixture
def supply(market, usdc, fund):
    """`supply(account, amount)`: mints `amount` of USDC to `account` and deposits it."""

    def supply_(account, amount=SUPPLY):
        fund(usdc, account, amount, market)
        return market.deposit(amount, account, sender=account)

    return supply_


@pytest.fixture
def open_loan(lending, borrower, attest, fund):
    """`open_loan(amount, lending=lending)`: the borrower, attested at level 2, deposits
    COLLATERAL of WETH and borrows `amount` (in the market's stablecoin units)."""

    def open_(amount, market_layer=lending):
        market = market_layer.market
        attest(borrower)
        fund(market_layer.weth, borrower, COLLATERAL, market)
        market.depositCollateral(market_layer.weth, COLLATERAL, sender=borrower)
        return market.borrow(amount, sender=borrower)

    return open_


@pytest.fixture
def repay_all(usdc, chain, borrower, fund):
    """`repay_all(market, at=None, stable=usdc)`: the borrower repays its whole debt, at
    timestamp `at` if given (minted a supply's worth first, more than the interest it owes)."""

    def repay(market, at=None, stable=usdc):
        fund(stable, borrower, SUPPLY, market)
        if at is not None:
            chain.pending_timestamp = at
        return market.repay(borrower, UNLIMITED, sender=borrower)

    return repay


@pytest.fixture
def earned(market, chain, supplier, supply, open_loan, repay_all):
    """The supplier deposited SUPPLY; the borrower borrowed LOAN and repaid it with 30 days of
    interest. No debt is left, so the share price (above 1 unit per 1e6 shares, and not a
    round number) stays put while time passes."""
    supply(supplier)
    borrowed = open_loan(LOAN)
    repay_all(market, at=borrowed.timestamp + 30 * DAY)
    assert market.totalDebt() == 0
    assert market.totalAssets() > SUPPLY
    return market.totalAssets()


def state(market):
    """(totalSupply, totalAssets) now."""
    return market.totalSupply(), market.totalAssets()


# ---------------------------------------------------------------- deposit and mint


def test_deposit__into_an_empty_market__mints_a_million_shares_per_unit_and_counts_the_cash(
    market, usdc, supplier, fund
):
    fund(usdc, supplier, SUPPLY, market)

    tx = market.deposit(SUPPLY, supplier, sender=supplier)

    shares = SUPPLY * 10**6
    assert [(e.sender, e.owner, e.assets, e.shares) for e in tx.decode_logs(market.Deposit)] == [
        (supplier, supplier, SUPPLY, shares)
    ]
    assert market.decimals() == usdc.decimals() + 6 == 12
    assert market.balanceOf(supplier) == market.totalSupply() == shares
    assert market.totalAssets() == market.cash() == usdc.balanceOf(market) == SUPPLY
    assert usdc.balanceOf(supplier) == 0


def test_deposit__for_another_receiver__gives_it_the_shares(market, usdc, supplier, stranger, fund):
    fund(usdc, supplier, SUPPLY, market)

    tx = market.deposit(SUPPLY, stranger, sender=supplier)

    assert [(e.sender, e.owner) for e in tx.decode_logs(market.Deposit)] == [(supplier, stranger)]
    assert market.balanceOf(stranger) == SUPPLY * 10**6
    assert market.balanceOf(supplier) == 0


def test_deposit__at_a_share_price_above_one__mints_shares_rounded_down(
    market, usdc, stranger, fund, earned
):
    amount = 12_345_678_901
    supply_before, assets_before = state(market)
    expected = to_shares(amount, supply_before, assets_before)
    assert expected < to_shares(amount, supply_before, assets_before, round_up=True)
    fund(usdc, stranger, amount, market)

    tx = market.deposit(amount, stranger, sender=stranger)

    assert [(e.assets, e.shares) for e in tx.decode_logs(market.Deposit)] == [(amount, expected)]
    assert market.balanceOf(stranger) == expected
    assert state(market) == (supply_before + expected, assets_before + amount)


def test_mint__in_an_empty_market__charges_one_unit_per_million_shares(
    market, usdc, supplier, fund
):
    fund(usdc, supplier, USDC, market)

    tx = market.mint(10**6, supplier, sender=supplier)

    assert [(e.assets, e.shares) for e in tx.decode_logs(market.Deposit)] == [(1, 10**6)]
    assert usdc.balanceOf(supplier) == USDC - 1
    assert market.cash() == 1


def test_mint__of_a_fraction_of_a_unit__charges_a_whole_unit(market, usdc, supplier, fund):
    """One share is a millionth of a unit: minting it costs a whole unit (rounded up)."""
    fund(usdc, supplier, USDC, market)

    tx = market.mint(1, supplier, sender=supplier)

    assert [(e.assets, e.shares) for e in tx.decode_logs(market.Deposit)] == [(1, 1)]
    assert market.balanceOf(supplier) == 1
    assert market.cash() == 1


def test_mint__at_a_share_price_above_one__charges_assets_rounded_up(
    market, usdc, stranger, fund, earned
):
    shares = 7 * 10**15 + 3
    supply_before, assets_before = state(market)
    expected = to_assets(shares, supply_before, assets_before, round_up=True)
    assert expected > to_assets(shares, supply_before, assets_before)
    fund(usdc, stranger, expected, market)

    tx = market.mint(shares, stranger, sender=stranger)

    assert [(e.sender, e.owner, e.assets, e.shares) for e in tx.decode_logs(market.Deposit)] == [
        (stranger, stranger, expected, shares)
    ]
    assert usdc.balanceOf(stranger) == 0
    assert state(market) == (supply_before + shares, assets_before + expected)


# ---------------------------------------------------------------- withdraw and redeem


def test_withdraw__pays_the_receiver_and_burns_the_owners_shares(
    market, usdc, supplier, stranger, supply
):
    supply(supplier)
    amount = 40_000 * USDC

    tx = market.withdraw(amount, stranger, supplier, sender=supplier)

    shares = amount * 10**6
    events = tx.decode_logs(market.Withdraw)
    assert [(e.sender, e.receiver, e.owner, e.assets, e.shares) for e in events] == [
        (supplier, stranger, supplier, amount, shares)
    ]
    assert usdc.balanceOf(stranger) == amount
    assert market.balanceOf(supplier) == (SUPPLY - amount) * 10**6
    assert market.cash() == market.totalAssets() == usdc.balanceOf(market) == SUPPLY - amount


def test_withdraw__at_a_share_price_above_one__burns_shares_rounded_up(
    market, usdc, supplier, earned
):
    amount = 1_234_567
    supply_before, assets_before = state(market)
    expected = to_shares(amount, supply_before, assets_before, round_up=True)
    assert expected == market.convertToShares(amount) + 1  # not a round number of shares
    assert market.previewWithdraw(amount) == expected

    tx = market.withdraw(amount, supplier, supplier, sender=supplier)

    assert [(e.assets, e.shares) for e in tx.decode_logs(market.Withdraw)] == [(amount, expected)]
    assert usdc.balanceOf(supplier) == amount
    assert state(market) == (supply_before - expected, assets_before - amount)


def test_redeem__pays_assets_rounded_down(market, usdc, supplier, stranger, earned):
    shares = 10**16 + 1
    supply_before, assets_before = state(market)
    expected = to_assets(shares, supply_before, assets_before)
    assert expected < to_assets(shares, supply_before, assets_before, round_up=True)
    assert market.previewRedeem(shares) == expected

    tx = market.redeem(shares, stranger, supplier, sender=supplier)

    events = tx.decode_logs(market.Withdraw)
    assert [(e.sender, e.receiver, e.owner, e.assets, e.shares) for e in events] == [
        (supplier, stranger, supplier, expected, shares)
    ]
    assert usdc.balanceOf(stranger) == expected
    assert state(market) == (supply_before - shares, assets_before - expected)


def test_redeem__by_an_approved_spender__spends_the_allowance(
    market, usdc, supplier, stranger, supply
):
    supply(supplier)
    market.approve(stranger, 10**15, sender=supplier)

    tx = market.redeem(10**15, stranger, supplier, sender=stranger)

    events = tx.decode_logs(market.Withdraw)
    assert [(e.sender, e.receiver, e.owner, e.assets) for e in events] == [
        (stranger, stranger, supplier, 1_000 * USDC)
    ]
    assert market.allowance(supplier, stranger) == 0
    assert usdc.balanceOf(stranger) == 1_000 * USDC


def test_redeem__by_a_spender_without_allowance__refused(
    market, supplier, stranger, supply, reverts
):
    supply(supplier)

    with reverts(market.ERC20InsufficientAllowance, spender=stranger, allowance=0, needed=10**15):
        market.redeem(10**15, stranger, supplier, sender=stranger)


@pytest.mark.parametrize("method", ["deposit", "mint", "withdraw", "redeem"])
def test_zero_amount__refused(market, supplier, supply, reverts, method):
    supply(supplier)
    args = (0, supplier) if method in ("deposit", "mint") else (0, supplier, supplier)

    with reverts(market.LendingZeroAmount):
        getattr(market, method)(*args, sender=supplier)


# ---------------------------------------------------------------- first-depositor inflation


def test_first_depositor_donation__moves_nothing_and_is_the_attackers_loss(
    market, usdc, stranger, supplier, fund
):
    """The classic attack: deposit 1 unit, donate a fortune so that the share price jumps, and
    let the victim's deposit round down to (almost) no shares. Cash is counted, not read from
    the token: the donation changes neither totalAssets nor any conversion, the victim gets
    exactly the shares it would get without it, and the attacker simply loses the donation."""
    attacker, victim = stranger, supplier
    donation, deposit = 1_000_000 * USDC, 1_000 * USDC
    fund(usdc, attacker, 1 + donation, market)
    tx = market.deposit(1, attacker, sender=attacker)
    assert [(e.assets, e.shares) for e in tx.decode_logs(market.Deposit)] == [(1, 10**6)]
    undisturbed = (market.totalAssets(), market.convertToShares(deposit), market.previewMint(10**6))

    usdc.transfer(market, donation, sender=attacker)

    assert usdc.balanceOf(market) == 1 + donation
    assert market.cash() == 1
    assert (market.totalAssets(), market.convertToShares(deposit), market.previewMint(10**6)) == (
        undisturbed
    )
    # The victim deposits after the donation and receives what an undisturbed market gives.
    fund(usdc, victim, deposit, market)
    victim_tx = market.deposit(deposit, victim, sender=victim)
    victim_shares = to_shares(deposit, 10**6, 1)
    assert victim_shares == deposit * 10**6
    assert [e.shares for e in victim_tx.decode_logs(market.Deposit)] == [victim_shares]
    # Both leave: the victim with all of its deposit, the attacker with its 1 unit only.
    market.redeem(victim_shares, victim, victim, sender=victim)
    market.redeem(10**6, attacker, attacker, sender=attacker)
    assert usdc.balanceOf(victim) == deposit
    assert usdc.balanceOf(attacker) == 1
    assert usdc.balanceOf(market) == donation  # stranded: nobody's claim, the attacker's loss
    assert market.totalSupply() == market.totalAssets() == market.cash() == 0


def test_first_depositor_donation__after_a_loan__does_not_move_the_rate_or_the_share_price(
    market, usdc, chain, supplier, stranger, supply, open_loan, fund
):
    supply(supplier)
    open_loan(LOAN)
    fund(usdc, stranger, SUPPLY, market)
    same_second(chain)
    before = (market.totalAssets(), market.utilization(), market.borrowRate())

    usdc.transfer(market, SUPPLY, sender=stranger)

    assert (market.totalAssets(), market.utilization(), market.borrowRate()) == before
    assert market.cash() == SUPPLY - LOAN


# ---------------------------------------------------------------- bounded by cash


@pytest.fixture
def lent_out(market, chain, supplier, supply, open_loan):
    """SUPPLY deposited, 90% of it borrowed: 10,000 USDC of cash left."""
    supply(supplier)
    open_loan(90_000 * USDC)
    assert market.cash() == 10_000 * USDC


def test_max_withdraw__while_lent_out__is_the_cash(market, chain, supplier, lent_out):
    same_second(chain)
    assert market.convertToAssets(market.balanceOf(supplier)) > market.cash()

    assert market.maxWithdraw(supplier) == market.cash() == 10_000 * USDC
    assert market.maxRedeem(supplier) == to_shares(
        market.cash(), market.totalSupply(), market.totalAssets()
    )


def test_max_withdraw__of_a_small_holder__is_its_own_assets(
    market, chain, supplier, stranger, lent_out, supply
):
    supply(stranger, 100 * USDC)
    same_second(chain)
    shares = market.balanceOf(stranger)

    assert market.maxWithdraw(stranger) == market.convertToAssets(shares) < market.cash()
    assert market.maxRedeem(stranger) == shares


def test_withdraw__above_the_cash__refused_with_the_erc4626_maximum(
    market, chain, supplier, lent_out, reverts
):
    cash = market.cash()
    same_second(chain)

    with reverts(market.ERC4626ExceededMaxWithdraw, owner=supplier, assets=cash + 1, max=cash):
        market.withdraw(cash + 1, supplier, supplier, sender=supplier)


def test_withdraw__of_all_the_cash__succeeds_and_leaves_none(
    market, usdc, chain, supplier, lent_out
):
    cash = market.cash()
    same_second(chain)

    tx = market.withdraw(cash, supplier, supplier, sender=supplier)

    assert [e.assets for e in tx.decode_logs(market.Withdraw)] == [cash]
    assert market.cash() == 0
    assert market.maxWithdraw(supplier) == market.maxRedeem(supplier) == 0
    assert usdc.balanceOf(supplier) == cash


def test_redeem__above_the_cash__refused_with_the_erc4626_maximum(
    market, chain, supplier, lent_out, reverts
):
    same_second(chain)
    most = market.maxRedeem(supplier)
    assert most < market.balanceOf(supplier)

    with reverts(market.ERC4626ExceededMaxRedeem, owner=supplier, shares=most + 1, max=most):
        market.redeem(most + 1, supplier, supplier, sender=supplier)


def test_redeem__of_the_most_the_cash_allows__succeeds(market, usdc, chain, supplier, lent_out):
    same_second(chain)
    most = market.maxRedeem(supplier)
    expected = market.previewRedeem(most)

    tx = market.redeem(most, supplier, supplier, sender=supplier)

    assert [(e.assets, e.shares) for e in tx.decode_logs(market.Withdraw)] == [(expected, most)]
    assert expected <= 10_000 * USDC
    assert market.cash() == 10_000 * USDC - expected


def test_withdraw__once_the_borrower_repays__is_bounded_by_the_shares_again(
    market, usdc, chain, supplier, lent_out, repay_all
):
    repay_all(market, at=chain.blocks.head.timestamp + 30 * DAY)
    same_second(chain)
    assets = market.convertToAssets(market.balanceOf(supplier))

    assert market.maxWithdraw(supplier) == assets > SUPPLY
    market.redeem(market.balanceOf(supplier), supplier, supplier, sender=supplier)
    assert usdc.balanceOf(supplier) == assets


# ---------------------------------------------------------------- interest reaches suppliers


def test_suppliers__earn_the_interest_less_the_reserve_factor(
    market, usdc, chain, supplier, supply, open_loan, repay_all
):
    supply(supplier)
    shares = market.balanceOf(supplier)
    price_before = market.convertToAssets(10**12)  # one whole share
    borrowed = open_loan(LOAN)
    start = borrowed.timestamp
    year_later = start + YEAR

    repaid = repay_all(market, at=year_later)

    # 50% utilization: 2.5% a year, simple interest over one accrual.
    book = Book(cash=SUPPLY - LOAN, scaled_debt=LOAN, last_accrual=start).accrued(year_later)
    assert borrow_rate(WAD // 2) == 25 * 10**15
    assert book.index == WAD + WAD * 25 // 1_000
    interest = book.debt - LOAN
    assert interest == 1_250 * USDC
    assert [e.amount for e in repaid.decode_logs(market.Repaid)] == [LOAN + interest]
    assert market.reserves() == book.reserves == interest // 10
    total = SUPPLY + interest - interest // 10
    assert market.totalAssets() == total
    assert market.convertToAssets(10**12) > price_before
    expected = to_assets(shares, shares, total)
    assert market.previewRedeem(shares) == expected

    market.redeem(shares, supplier, supplier, sender=supplier)

    assert usdc.balanceOf(supplier) == expected
    assert SUPPLY < expected <= total


def test_share_price__rises_while_the_loan_is_open(market, chain, supplier, supply, open_loan):
    supply(supplier)
    borrowed = open_loan(LOAN)
    price = market.convertToAssets(10**18)

    chain.mine(timestamp=borrowed.timestamp + 7 * DAY)

    assert market.convertToAssets(10**18) > price
    assert market.totalAssets() == market.cash() + market.totalDebt() - market.reserves()


# ---------------------------------------------------------------- rounding against the user


@pytest.mark.parametrize("amount", [2, 7, 999_999, 12_345_678_901])
def test_deposit_then_redeem__returns_at_most_the_deposit(
    market, usdc, chain, stranger, fund, earned, amount
):
    fund(usdc, stranger, amount, market)
    supply_before, assets_before = state(market)

    shares = market.deposit(amount, stranger, sender=stranger).decode_logs(market.Deposit)[0].shares
    tx = market.redeem(shares, stranger, stranger, sender=stranger)

    returned = tx.decode_logs(market.Withdraw)[0].assets
    assert returned == to_assets(shares, supply_before + shares, assets_before + amount)
    assert returned <= amount
    assert usdc.balanceOf(stranger) == returned
    assert market.totalAssets() >= assets_before  # what the round trip lost stays with the rest


def test_redeem__worth_less_than_one_unit__refused_and_the_shares_kept(
    market, usdc, stranger, fund, earned, reverts
):
    """At a share price above one unit per 1e6 shares, a deposit of 1 unit buys fewer than
    1e6 shares, worth less than a unit: redeeming them would pay nothing, and is refused
    rather than burning them for nothing."""
    fund(usdc, stranger, 1, market)
    shares = market.deposit(1, stranger, sender=stranger).decode_logs(market.Deposit)[0].shares
    assert 0 < shares < 10**6
    assert market.previewRedeem(shares) == 0

    with reverts(market.LendingZeroAmount):
        market.redeem(shares, stranger, stranger, sender=stranger)
    assert market.balanceOf(stranger) == shares


@pytest.mark.parametrize("shares", [999_999, 10**12 + 1, 123_456_789_012_345])
def test_mint_then_redeem__returns_less_than_the_mint_cost(
    market, usdc, stranger, fund, earned, shares
):
    """Minting pays rounded up, redeeming pays out rounded down: the round trip never gains
    (here, at a price that is not a round number, it loses the rounding)."""
    supply_before, assets_before = state(market)
    cost = to_assets(shares, supply_before, assets_before, round_up=True)
    fund(usdc, stranger, cost, market)

    market.mint(shares, stranger, sender=stranger)
    tx = market.redeem(shares, stranger, stranger, sender=stranger)

    paid = to_assets(shares, supply_before + shares, assets_before + cost)
    assert [e.assets for e in tx.decode_logs(market.Withdraw)] == [paid]
    assert 0 < paid < cost
    assert usdc.balanceOf(stranger) == paid


# ---------------------------------------------------------------- other stablecoins


def test_fee_on_transfer_stablecoin__deposits_refused_naming_the_amount_received(
    create_lending, fee_token, weth, wbtc, supplier, fund, reverts
):
    fee_market = create_lending(fee_token, weth, wbtc).market
    amount = 1_000 * 10**18
    fund(fee_token, supplier, amount, fee_market)
    received = amount - amount * fee_token.FEE_BPS() // 10_000

    with reverts(
        fee_market.LendingTransferAmountMismatch,
        token=fee_token,
        expected=amount,
        received=received,
    ):
        fee_market.deposit(amount, supplier, sender=supplier)

    with reverts(
        fee_market.LendingTransferAmountMismatch,
        token=fee_token,
        expected=amount,
        received=received,
    ):
        fee_market.mint(amount * 10**6, supplier, sender=supplier)
    assert fee_token.balanceOf(fee_market) == 0
    assert fee_market.totalSupply() == 0


def test_usdt_like_stablecoin__deposit_borrow_repay_withdraw(
    create_lending, usdt, weth, wbtc, chain, supplier, borrower, fund, open_loan, repay_all
):
    layer = create_lending(usdt, weth, wbtc)
    market = layer.market
    fund(usdt, supplier, SUPPLY, market)
    deposited = market.deposit(SUPPLY, supplier, sender=supplier)
    assert [e.shares for e in deposited.decode_logs(market.Deposit)] == [SUPPLY * 10**6]

    borrowed = open_loan(LOAN, layer)
    assert [(e.amount, e.debt) for e in borrowed.decode_logs(market.Borrowed)] == [(LOAN, LOAN)]
    assert usdt.balanceOf(borrower) == LOAN
    repaid = repay_all(market, at=borrowed.timestamp + 30 * DAY, stable=usdt)
    paid = repaid.decode_logs(market.Repaid)[0].amount
    assert paid > LOAN
    assert market.debtOf(borrower) == 0

    shares = market.balanceOf(supplier)
    expected = market.previewRedeem(shares)
    market.redeem(shares, supplier, supplier, sender=supplier)
    assert usdt.balanceOf(supplier) == expected > SUPPLY
    assert usdt.balanceOf(market) == market.cash() == SUPPLY + paid - LOAN - expected
    assert market.cash() >= market.reserves()


@pytest.fixture
def dai_layer(create_lending, dai, weth, wbtc):
    return create_lending(dai, weth, wbtc)


def test_18_decimal_stablecoin__shares_carry_24_decimals_and_limits_are_scaled(dai_layer, dai):
    market = dai_layer.market
    assert market.decimals() == 24
    assert market.tierCap(0) == 10_000_000 * 10**18
    assert market.tierCap(3) == 10_000 * 10**18
    assert market.largeLoanPolicy() == (500_000 * 10**18, 2)
    assert market.DUST_DEBT() == 2_000 * 10**18


def test_18_decimal_stablecoin__deposit_and_redeem(dai_layer, dai, supplier, fund):
    market = dai_layer.market
    amount = 1_000 * 10**18
    fund(dai, supplier, amount, market)

    tx = market.deposit(amount, supplier, sender=supplier)

    assert [e.shares for e in tx.decode_logs(market.Deposit)] == [amount * 10**6]
    market.redeem(amount * 10**6, supplier, supplier, sender=supplier)
    assert dai.balanceOf(supplier) == amount


@pytest.fixture
def dai_supplied(dai_layer, dai, supplier, fund):
    market = dai_layer.market
    amount = 600_000 * 10**18
    fund(dai, supplier, amount, market)
    market.deposit(amount, supplier, sender=supplier)


def test_18_decimal_stablecoin__borrow_up_to_the_ltv_limit_in_its_own_units(
    dai_layer, dai, dai_supplied, borrower, attest, fund, reverts
):
    market, limit = dai_layer.market, 160_000 * 10**18  # 100 WETH at 2,000 USD, 80%
    attest(borrower)
    fund(dai_layer.weth, borrower, COLLATERAL, market)
    market.depositCollateral(dai_layer.weth, COLLATERAL, sender=borrower)

    with reverts(market.LendingBorrowLimitExceeded, kind=1, debt=limit + 1, limit=limit):
        market.borrow(limit + 1, sender=borrower)
    tx = market.borrow(limit, sender=borrower)

    assert [(e.amount, e.debt) for e in tx.decode_logs(market.Borrowed)] == [(limit, limit)]
    assert dai.balanceOf(borrower) == limit


def test_18_decimal_stablecoin__identity_limit_in_its_own_units(
    dai_layer, dai_supplied, stranger, fund, reverts
):
    """An unattested account (level 0) may owe at most 1,000 DAI (1,000 USDC in the USDC
    market): the limit is scaled to 18 decimals."""
    market = dai_layer.market
    limit = LEVEL_LIMITS[0] // USDC * 10**18
    fund(dai_layer.weth, stranger, COLLATERAL, market)
    market.depositCollateral(dai_layer.weth, COLLATERAL, sender=stranger)

    with reverts(market.LendingBorrowLimitExceeded, kind=0, debt=limit + 1, limit=limit):
        market.borrow(limit + 1, sender=stranger)
    tx = market.borrow(limit, sender=stranger)
    assert [e.debt for e in tx.decode_logs(market.Borrowed)] == [limit]


def test_18_decimal_stablecoin__large_loan_threshold_in_its_own_units(
    dai_layer, dai_supplied, borrower, attest, fund, foundation, governance, reverts
):
    market, threshold = dai_layer.market, 500_000 * 10**18
    attest(borrower, 1)
    # Level 1's own limit above the threshold, so the large-loan rule is the smallest one.
    foundation.identity.setLimit(dai_layer.stable, 1, 10**6 * 10**18, 2**256 - 1, sender=governance)
    collateral = 400 * WETH  # 800,000 USD: 640,000 DAI at 80%
    fund(dai_layer.weth, borrower, collateral, market)
    market.depositCollateral(dai_layer.weth, collateral, sender=borrower)

    with reverts(market.LendingBorrowLimitExceeded, kind=3, debt=threshold + 1, limit=threshold):
        market.borrow(threshold + 1, sender=borrower)
