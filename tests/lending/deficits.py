"""Bad debt on demand, for the deficit and debt-auction suites.

`book_bad_debt(lending, amount, borrower, ...)` leaves exactly `amount` of deficit in a market
whose rate model is zero (`without_interest`), through real transactions: a supplier provides
the cash, `borrower` borrows against whole WETH at 2,000 USD, both ETH feeds crash to
CRASH_PRICE, a liquidation takes all of the WETH and leaves debt with no collateral
(BadDebtBooked), and both feeds recover (the feeds answer afresh first, so the helper works
however much time has passed). At CRASH_PRICE one WETH buys back exactly
RECOVERED_PER_WETH whole stablecoin units of debt (105 USD / 1.05 bonus = 100), so the
deficit is the borrow less what the liquidator repaid, to the unit. With the reserve empty
(no interest, no reserve) nothing covers it at booking."""

from tests.lending.markets import ETH_PRICE, WETH, feed_answer
from tests.lending.positions import ZERO_RATES

CRASH_PRICE = 105  # USD per ETH after the crash
RECOVERED_PER_WETH = 100  # whole stablecoin units a liquidator repays per WETH seized at 105
DEFICIT_PER_WETH = 1_000  # whole units of deficit one WETH of collateral can leave (of 1,500)
MAX_UINT = 2**256 - 1


def without_interest(lending, governance):
    """Sets `lending`'s rate model to zero, so debts and deficits stay exact over time."""
    lending.market.setRateModel(ZERO_RATES, sender=governance)
    return lending


def set_eth_price(lending, price_usd, sender):
    """Moves ETH to `price_usd` on both of its feeds (one alone may not move it 50%); the mock
    feeds take answers from any `sender`."""
    primary, fallback = lending.feeds[str(lending.weth.address)]
    primary.setAnswer(feed_answer(price_usd, 8), sender=sender)
    fallback.setAnswer(feed_answer(price_usd, 18), sender=sender)


def supply(lending, supplier, amount):
    """`supplier` deposits `amount` of the stablecoin into the market (minted to it first)."""
    stable, market = lending.stable, lending.market
    stable.mint(supplier, amount, sender=supplier)
    stable.approve(market, MAX_UINT, sender=supplier)
    return market.deposit(amount, supplier, sender=supplier)


def book_bad_debt(lending, amount, borrower, *, supplier, liquidator, attest):
    """Leaves `amount` (stablecoin units, > 0) of new deficit in `lending`'s market; returns
    the liquidation's receipt (its BadDebtBooked says `amount`). The market must charge no
    interest (`without_interest`); the supplier tops up the cash the borrow needs."""
    stable, market, weth = lending.stable, lending.market, lending.weth
    unit = 10 ** stable.decimals()
    collateral = -(-amount // (DEFICIT_PER_WETH * unit))  # whole WETH, rounded up
    recovered = collateral * RECOVERED_PER_WETH * unit
    debt = amount + recovered
    set_eth_price(lending, ETH_PRICE, liquidator)  # fresh answers, whatever time has passed
    if market.cash() < debt:
        supply(lending, supplier, debt - market.cash())

    weth.mint(borrower, collateral * WETH, sender=borrower)
    weth.approve(market, MAX_UINT, sender=borrower)
    market.depositCollateral(weth, collateral * WETH, sender=borrower)
    attest(borrower)
    market.borrow(debt, sender=borrower)

    set_eth_price(lending, CRASH_PRICE, liquidator)
    stable.mint(liquidator, recovered, sender=liquidator)
    stable.approve(market, MAX_UINT, sender=liquidator)
    receipt = market.liquidate(borrower, weth, MAX_UINT, sender=liquidator)
    booked = receipt.decode_logs(market.BadDebtBooked)
    assert [(e.account, e.amount) for e in booked] == [(borrower.address, amount)]
    set_eth_price(lending, ETH_PRICE, liquidator)
    return receipt
