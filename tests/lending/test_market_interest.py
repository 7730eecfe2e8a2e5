"""The lending market's interest: the kinked rate curve at every segment and at its edges,
utilization, per-second accrual (borrow index, debt rounded up, the reserve's share), the
InterestAccrued event, an index that never falls, and rate changes that accrue at the old rate
first. Expected values come from tests/lending/market_math.py, which restates the contract's
arithmetic; each is compared exactly."""

from dataclasses import replace

import pytest

from tests.lending.market_math import (
    BPS,
    DEFAULT_RATE_MODEL,
    WAD,
    YEAR,
    Book,
    RateModel,
    at,
    borrow_rate,
    ceil_div,
    debt_of,
    refresh_prices,
    same_second,
    utilization,
)
from tests.lending.markets import USDC, WETH
from tests.utils.fixtures import roles

UNLIMITED = 2**256 - 1
SUPPLY = 100_000 * USDC
COLLATERAL = 100 * WETH  # 200,000 USD: 160,000 USDC of borrowing power at 80% LTV
DAY = 86_400


@pytest.fixture
def supplied(market, usdc, supplier, fund):
    fund(usdc, supplier, SUPPLY, market)
    market.deposit(SUPPLY, supplier, sender=supplier)


@pytest.fixture
def collateralised(market, weth, borrower, attest, fund):
    attest(borrower)
    fund(weth, borrower, COLLATERAL, market)
    market.depositCollateral(weth, COLLATERAL, sender=borrower)


@pytest.fixture
def loan(market, borrower, supplied, collateralised):
    """`loan(amount)`: the first borrow of the market; returns the transaction and the book
    it leaves (index 1e18, scaled debt = amount)."""

    def open_(amount):
        tx = market.borrow(amount, sender=borrower)
        book = Book(cash=SUPPLY - amount, scaled_debt=amount, last_accrual=tx.timestamp)
        return tx, book

    return open_


def accrued_event(tx, market):
    return [
        (e.borrowIndex, e.totalDebt, e.reserves) for e in tx.decode_logs(market.InterestAccrued)
    ]


def as_event(book):
    return [(book.index, book.debt, book.reserves)]


# ---------------------------------------------------------------- the curve


def test_defaults__base_0_slope1_4_percent_to_the_kink_at_80_slope2_75_percent_reserve_10(
    market,
):
    assert market.rateModel() == DEFAULT_RATE_MODEL.as_tuple() == (0, 400, 7_500, 8_000)
    assert market.reserveFactorBps() == 1_000


def test_borrow_rate__with_nothing_borrowed__is_the_base_rate(market, supplied):
    assert market.utilization() == 0
    assert market.borrowRate() == 0


# Borrowed of a 100,000 USDC supply, with the utilization and yearly rate worked out by hand:
# below the kink slope1 scales linearly (4% at 80%); above it slope2 adds 75% over the last 20%.
CURVE = {
    "one_unit": (1, 10**7, 5 * 10**5),
    "half": (50_000 * USDC, WAD // 2, 25 * 10**15),
    "kink_minus_one_unit": (80_000 * USDC - 1, 8 * 10**17 - 10**7, 4 * 10**16 - 5 * 10**5),
    "kink": (80_000 * USDC, 8 * 10**17, 4 * 10**16),
    "kink_plus_one_unit": (80_000 * USDC + 1, 8 * 10**17 + 10**7, 4 * 10**16 + 375 * 10**5),
    "ninety": (90_000 * USDC, 9 * 10**17, 415 * 10**15),
    "all": (SUPPLY, WAD, 79 * 10**16),
}


@pytest.mark.parametrize("point", CURVE.values(), ids=CURVE.keys())
def test_borrow_rate__on_the_kinked_curve(market, loan, point):
    borrowed, expected_util, expected_rate = point

    loan(borrowed)

    assert market.utilization() == expected_util == utilization(SUPPLY - borrowed, borrowed, 0)
    assert market.borrowRate() == expected_rate == borrow_rate(expected_util)


@pytest.mark.parametrize("point", CURVE.values(), ids=CURVE.keys())
def test_borrow_rate__on_a_curve_governance_set(market, governance, loan, point):
    """Base 2%, slope1 10% to a kink at 90%, slope2 200%: the same borrows, the new curve."""
    model = RateModel(base_bps=200, slope1_bps=1_000, slope2_bps=20_000, kink_bps=9_000)
    market.setRateModel(model.as_tuple(), sender=governance)
    borrowed, expected_util, _ = point

    loan(borrowed)

    assert market.utilization() == expected_util
    assert market.borrowRate() == borrow_rate(expected_util, model)
    assert borrow_rate(0, model) == 2 * 10**16
    assert borrow_rate(9 * 10**17, model) == 12 * 10**16
    assert borrow_rate(WAD, model) == 212 * 10**16


def test_utilization__counts_the_debt_with_its_interest_and_leaves_the_reserve_out(
    market, chain, loan
):
    _, book = loan(60_000 * USDC)
    later = book.last_accrual + 90 * DAY

    chain.mine(timestamp=later)

    book = book.accrued(later)
    assert book.reserves > 0
    assert market.utilization() == utilization(book.cash, book.debt, book.reserves)
    assert market.utilization() == book.debt * WAD // (book.cash + book.debt - book.reserves)
    assert market.borrowRate() == borrow_rate(market.utilization())


def test_utilization__is_capped_at_100_percent_once_the_reserve_exceeds_the_cash(
    market, chain, loan
):
    """All the cash is lent out; the reserve, part of the interest owed, has no cash behind
    it: debt / (cash + debt - reserve) is above 1, and counts as 1."""
    _, book = loan(SUPPLY)
    later = book.last_accrual + 30 * DAY

    chain.mine(timestamp=later)

    book = book.accrued(later)
    assert book.cash == 0
    assert book.reserves > 0
    assert book.debt * WAD // (book.debt - book.reserves) > WAD
    assert market.utilization() == WAD
    assert market.borrowRate() == 79 * 10**16


# ---------------------------------------------------------------- accrual


@roles("stranger", "guardian", "supplier")
def test_accrue_interest__by_anyone__books_the_interest_and_reports_it(market, chain, loan, actor):
    _, book = loan(80_000 * USDC)
    later = at(chain, book.last_accrual + 30 * DAY)

    tx = market.accrueInterest(sender=actor)

    book = book.accrued(later)
    # 4% a year for 30 days on 80,000 USDC: 263.013699 USDC, the index rounded up.
    assert book.index == WAD + ceil_div(WAD * 4 * 10**16 * 30 * DAY, WAD * YEAR)
    assert book.debt - 80_000 * USDC == 263_013_699
    assert accrued_event(tx, market) == as_event(book)
    assert market.borrowIndex() == book.index
    assert market.totalDebt() == book.debt
    assert market.reserves() == book.reserves == 26_301_369


def test_accrual__compounds_at_every_accrual(market, chain, loan, stranger):
    _, book = loan(90_000 * USDC)
    start = book.last_accrual
    for days in (1, 7, 30, 365):
        now = at(chain, book.last_accrual + days * DAY)
        tx = market.accrueInterest(sender=stranger)
        book = book.accrued(now)
        assert accrued_event(tx, market) == as_event(book)
    once = Book(cash=10_000 * USDC, scaled_debt=90_000 * USDC, last_accrual=start).accrued(
        book.last_accrual
    )

    assert market.totalDebt() == book.debt > once.debt
    assert market.reserves() == book.reserves


def test_debt_of__grows_every_second_as_the_index_times_the_scaled_debt_rounded_up(
    market, chain, borrower, loan
):
    amount = 33_333 * USDC + 333_333
    _, book = loan(amount)
    for elapsed in (1, 59, 3_600, 86_399, 86_400, 86_401):
        now = book.last_accrual + elapsed
        chain.mine(timestamp=now)
        expected = book.accrued(now)

        assert market.borrowIndex() == expected.index
        assert market.debtOf(borrower) == debt_of(amount, expected.index)
        assert market.debtOf(borrower) == ceil_div(amount * expected.index, WAD)
        assert market.totalDebt() == expected.debt
    assert market.debtOf(borrower) > amount


def test_borrow__at_an_index_above_one__adds_scaled_debt_rounded_up(
    market, lending, chain, borrower, stranger, loan
):
    _, book = loan(40_000 * USDC)
    later = book.last_accrual + 3 * DAY + 7
    refresh_prices(chain, lending, later, stranger)
    amount = 1_000 * USDC + 1

    tx = market.borrow(amount, sender=borrower)

    book = book.accrued(later)
    added = ceil_div(amount * WAD, book.index)
    assert added == amount * WAD // book.index + 1  # the division was not exact
    assert accrued_event(tx, market) == as_event(book)
    debt_before = book.debt
    book, _ = book.borrowed(amount)
    assert book.debt == debt_before + amount + 1  # the borrower owes the rounding
    assert [(e.amount, e.debt) for e in tx.decode_logs(market.Borrowed)] == [(amount, book.debt)]
    assert market.debtOf(borrower) == book.debt == debt_of(40_000 * USDC + added, book.index)


def test_accrual__in_the_same_second__emits_nothing(market, chain, loan, stranger):
    _, book = loan(50_000 * USDC)
    same_second(chain)

    tx = market.accrueInterest(sender=stranger)

    assert accrued_event(tx, market) == []
    assert market.borrowIndex() == WAD


def test_accrual__without_debt__leaves_the_index_and_the_reserve(market, chain, supplied, stranger):
    at(chain, chain.blocks.head.timestamp + YEAR)

    tx = market.accrueInterest(sender=stranger)

    assert accrued_event(tx, market) == [(WAD, 0, 0)]
    assert market.borrowIndex() == WAD
    assert market.totalAssets() == SUPPLY


def test_every_action__accrues_first(market, usdc, chain, borrower, supplier, loan, fund):
    """A deposit, a repayment and a withdrawal each bring interest up to their own second
    before they change the cash: the time before them runs at the utilization before them."""
    _, book = loan(70_000 * USDC)
    fund(usdc, supplier, SUPPLY, market)
    fund(usdc, borrower, SUPPLY, market)

    now = at(chain, book.last_accrual + DAY)
    tx = market.deposit(10_000 * USDC, supplier, sender=supplier)
    book = book.accrued(now)
    assert accrued_event(tx, market) == as_event(book)
    book = replace(book, cash=book.cash + 10_000 * USDC)

    now = at(chain, now + DAY)
    tx = market.repay(borrower, 5_000 * USDC, sender=borrower)
    book = book.accrued(now)
    assert accrued_event(tx, market) == as_event(book)
    book = book.repaid(5_000 * USDC, 5_000 * USDC * WAD // book.index)  # scaled rounds down

    now = at(chain, now + DAY)
    tx = market.withdraw(1_000 * USDC, supplier, supplier, sender=supplier)
    book = book.accrued(now)
    assert accrued_event(tx, market) == as_event(book)
    book = replace(book, cash=book.cash - 1_000 * USDC)

    assert market.cash() == book.cash
    assert market.totalDebt() == book.debt
    assert market.reserves() == book.reserves
    assert market.borrowRate() == borrow_rate(book.utilization)


# ---------------------------------------------------------------- the reserve


def test_reserve__takes_the_reserve_factor_of_each_accrual_rounded_down(
    market, chain, governance, loan, stranger
):
    _, book = loan(85_000 * USDC)
    first = at(chain, book.last_accrual + 10 * DAY)
    market.accrueInterest(sender=stranger)
    book = book.accrued(first)
    assert market.reserves() == book.reserves
    interest_so_far = book.debt - 85_000 * USDC
    assert book.reserves == interest_so_far * 1_000 // BPS

    # setReserveFactor accrues at the old factor first, then 50% of each accrual.
    change = at(chain, first + DAY)
    tx = market.setReserveFactor(5_000, sender=governance)
    book = book.accrued(change)
    assert accrued_event(tx, market) == as_event(book)
    assert [e.reserveFactorBps for e in tx.decode_logs(market.ReserveFactorSet)] == [5_000]
    debt_before = book.debt
    later = at(chain, change + 20 * DAY)
    tx = market.accrueInterest(sender=stranger)
    after = book.accrued(later, reserve_factor_bps=5_000)

    assert accrued_event(tx, market) == as_event(after)
    assert after.reserves - book.reserves == (after.debt - debt_before) * 5_000 // BPS
    assert market.reserves() == after.reserves


def test_reserve__with_a_zero_factor__stays_put(market, chain, governance, loan, stranger):
    market.setReserveFactor(0, sender=governance)
    _, book = loan(50_000 * USDC)
    later = at(chain, book.last_accrual + YEAR)

    market.accrueInterest(sender=stranger)

    assert market.reserves() == 0
    assert market.totalDebt() == book.accrued(later, reserve_factor_bps=0).debt > 50_000 * USDC


# ---------------------------------------------------------------- the index only grows


def test_borrow_index__never_decreases_across_actions_and_time(
    market, lending, usdc, chain, borrower, supplier, stranger, loan, fund
):
    fund(usdc, borrower, SUPPLY, market)
    fund(usdc, supplier, SUPPLY, market)
    loan(60_000 * USDC)
    actions = [
        lambda: market.accrueInterest(sender=stranger),
        lambda: market.repay(borrower, 20_000 * USDC, sender=borrower),
        lambda: market.deposit(50_000 * USDC, supplier, sender=supplier),
        lambda: market.borrow(30_000 * USDC, sender=borrower),
        lambda: market.withdraw(40_000 * USDC, supplier, supplier, sender=supplier),
        lambda: market.repay(borrower, UNLIMITED, sender=borrower),
        lambda: market.accrueInterest(sender=stranger),  # no debt: the index stays
        lambda: market.borrow(10_000 * USDC, sender=borrower),
        lambda: market.accrueInterest(sender=stranger),
    ]
    seen = [market.borrowIndex()]
    for step, action in enumerate(actions):
        refresh_prices(chain, lending, chain.blocks.head.timestamp + (step + 1) * 3_600, stranger)
        action()
        seen.append(market.borrowIndex())
        chain.mine(timestamp=chain.blocks.head.timestamp + 600)
        seen.append(market.borrowIndex())

    assert seen == sorted(seen)
    assert seen[0] == WAD < seen[-1]
    # Each hour with debt raised it; from the full repayment to the next borrow it stays.
    assert all(seen[i] < seen[i + 1] for i in (0, 2, 4, 6, 8, 10))
    assert seen[11] == seen[12] == seen[13] == seen[14] == seen[15]
    assert seen[15] < seen[17]


# ---------------------------------------------------------------- rate changes


def test_set_rate_model__accrues_at_the_old_rate_first(market, chain, governance, loan, stranger):
    _, book = loan(80_000 * USDC)
    steep = RateModel(base_bps=2_000, slope1_bps=10_000, slope2_bps=30_000, kink_bps=5_000)
    change = at(chain, book.last_accrual + 60 * DAY)

    tx = market.setRateModel(steep.as_tuple(), sender=governance)

    book = book.accrued(change)  # 60 days at the default 4%
    assert accrued_event(tx, market) == as_event(book)
    assert [tuple(e.model) for e in tx.decode_logs(market.RateModelSet)] == [steep.as_tuple()]
    assert market.borrowRate() == borrow_rate(book.utilization, steep)
    later = at(chain, change + 10 * DAY)
    tx = market.accrueInterest(sender=stranger)
    after = book.accrued(later, model=steep)
    assert accrued_event(tx, market) == as_event(after)
    assert after.index > book.accrued(later).index  # the new curve, not the old one


def test_repay__partial__reports_the_debt_left_as_debt_of_shows_it(
    market, usdc, chain, borrower, fund, loan
):
    """ILendingMarket: Repaid(payer, account, amount, debt) - "its debt is now `debt`"."""
    _, book = loan(50_000 * USDC)
    fund(usdc, borrower, SUPPLY, market)
    now = at(chain, book.last_accrual + DAY + 7)
    amount = 1_000 * USDC

    tx = market.repay(borrower, amount, sender=borrower)

    book = book.accrued(now)
    left = book.repaid(amount, amount * WAD // book.index)  # the scaled amount rounds down
    assert left.debt == book.debt - amount + 1
    assert market.debtOf(borrower) == left.debt
    assert [e.debt for e in tx.decode_logs(market.Repaid)] == [market.debtOf(borrower)]
