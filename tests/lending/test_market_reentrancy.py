"""Re-entrancy: a collateral token that calls back into the market while the market moves it
(SECURITY.md, The DAO). Every entry point of the market is nonReentrant (one transient guard,
shared with the extension it delegates to), so the inner call is refused and the outer one
completes exactly once."""

import pytest

from tests.lending.markets import USDC, feed_answer

PRIMARY_HEARTBEAT, FALLBACK_HEARTBEAT = 3_600, 86_400
PARAMS = (5_000, 6_000, 500, 0, 10**30)
AMOUNT = 10 * 10**18


@pytest.fixture
def reentrant(project, deployer, market, lending, governance, create_feed):
    """A MockReentrantToken listed as collateral at 1,000 USD."""
    token = deployer.deploy(project.MockReentrantToken)
    primary = create_feed(8, feed_answer(1_000, 8), "REENT / USD")
    fallback = create_feed(18, feed_answer(1_000, 18), "REENT / USD")
    lending.oracle.setFeeds(
        token,
        (primary, PRIMARY_HEARTBEAT, 8),
        (fallback, FALLBACK_HEARTBEAT, 18),
        sender=governance,
    )
    market.listCollateral(token, PARAMS, sender=governance)
    return token


@pytest.mark.parametrize(
    "reentry",
    ["borrow", "withdrawCollateral", "liquidate", "deposit", "setTierCap"],
)
def test_withdraw_collateral__token_reenters_the_market__inner_call_refused_and_paid_once(
    market, reentrant, borrower, stranger, error_data, reentry
):
    reentrant.mint(borrower, AMOUNT, sender=borrower)
    reentrant.approve(market, AMOUNT, sender=borrower)
    market.depositCollateral(reentrant, AMOUNT, sender=borrower)
    calls = {
        "borrow": market.borrow.encode_input(USDC),
        "withdrawCollateral": market.withdrawCollateral.encode_input(reentrant, AMOUNT, stranger),
        "liquidate": market.liquidate.encode_input(borrower, reentrant, USDC),
        "deposit": market.deposit.encode_input(USDC, stranger),
        "setTierCap": market.setTierCap.encode_input(0, 0),
    }
    reentrant.arm(market, calls[reentry], sender=stranger)

    tx = market.withdrawCollateral(reentrant, AMOUNT, borrower, sender=borrower)

    assert reentrant.lastCallSucceeded() is False
    if reentry == "setTierCap":  # governance functions need no guard: the caller is refused
        expected = error_data(market.GovernedOnlyGovernance, caller=reentrant.address)
    else:
        expected = error_data(market.ReentrancyGuardReentrantCall)
    assert reentrant.lastRevertData() == expected
    assert [e.amount for e in tx.decode_logs(market.CollateralWithdrawn)] == [AMOUNT]
    assert reentrant.balanceOf(borrower) == AMOUNT
    assert reentrant.balanceOf(market) == 0
    assert market.collateralOf(borrower, reentrant) == 0


def test_deposit_collateral__token_reenters_withdraw__inner_call_refused(
    market, reentrant, borrower, stranger, error_data
):
    reentrant.mint(borrower, 2 * AMOUNT, sender=borrower)
    reentrant.approve(market, 2 * AMOUNT, sender=borrower)
    market.depositCollateral(reentrant, AMOUNT, sender=borrower)
    reentrant.arm(
        market, market.withdrawCollateral.encode_input(reentrant, AMOUNT, stranger), sender=stranger
    )

    market.depositCollateral(reentrant, AMOUNT, sender=borrower)

    assert reentrant.lastCallSucceeded() is False
    assert reentrant.lastRevertData() == error_data(market.ReentrancyGuardReentrantCall)
    assert market.collateralOf(borrower, reentrant) == 2 * AMOUNT
    assert reentrant.balanceOf(market) == 2 * AMOUNT
