"""Lending fixtures: mock Chainlink feeds (the outside world) and the price oracle."""

import pytest

ETH_USD = 2_000  # the mock feeds' starting price, USD per ETH


@pytest.fixture(scope="session")
def create_feed(project, deployer):
    """`create_feed(decimals=8, answer=2_000 * 10**8, description="ETH / USD")`: a
    MockAggregator whose first round, answered now, is `answer` (in the feed's decimals)."""

    def create(decimals=8, answer=None, description="ETH / USD"):
        if answer is None:
            answer = ETH_USD * 10**decimals
        return deployer.deploy(project.MockAggregator, decimals, description, answer)

    return create


@pytest.fixture(scope="session")
def weth(create_token):
    """An 18-decimal collateral asset (the oracle keys prices by its address)."""
    return create_token("Wrapped Ether", "WETH", 18)


@pytest.fixture(scope="module")
def oracle(project, deployer, foundation):
    """A PriceOracle governed by the foundation's timelock, with no feeds set."""
    return deployer.deploy(project.PriceOracle, foundation.timelock)


from tests.lending.markets import (  # noqa: E402,F401
    attest,
    auction,
    borrower,
    create_lending,
    fund,
    lending,
    liquidator,
    market,
    supplier,
    wbtc,
)
