"""Lending market fixtures: a market on USDC with WETH (18 decimals, tier 0) and WBTC
(8 decimals, tier 1) as collateral, each priced by a primary and a fallback mock feed, identity
limits per level, and funded roles. Imported by tests/lending/conftest.py."""

from dataclasses import dataclass
from typing import Any

import pytest
from eth_utils import keccak

from openotc.identity import Attestation, sign

USDC = 10**6
WETH = 10**18
WBTC = 10**8
ETH_PRICE = 2_000  # USD, the feeds' starting answers
BTC_PRICE = 60_000
PRIMARY_HEARTBEAT = 3_600  # seconds
FALLBACK_HEARTBEAT = 86_400
INITIAL_LOT = 100_000 * 10**18  # protocol token offered when a debt auction starts
DEBT_PER_AUCTION = 50_000 * USDC
# (max LTV, liquidation threshold, bonus, tier, supply cap)
WETH_PARAMS = (8_000, 8_500, 500, 0, 10_000 * WETH)
WBTC_PARAMS = (7_000, 7_500, 1_000, 1, 500 * WBTC)
TIER_CAPS = (10_000_000 * USDC, 1_000_000 * USDC, 100_000 * USDC, 10_000 * USDC)
# Largest debt per identity level (IdentityRegistry perTransaction), and the large-loan rule.
LEVEL_LIMITS = {0: 1_000 * USDC, 1: 100_000 * USDC, 2: 2_000_000 * USDC, 3: 2**256 - 1}
LARGE_LOAN = (500_000 * USDC, 2)  # a debt above 500k USDC needs level 2
BORROWER_LEVEL = 2


@dataclass
class Lending:
    market: Any
    extension_address: str
    auction: Any
    oracle: Any
    stable: Any
    weth: Any
    wbtc: Any
    feeds: dict  # asset address -> (primary feed, fallback feed)


def feed_answer(price_usd, decimals=8):
    return int(price_usd * 10**decimals)


@pytest.fixture(scope="session")
def wbtc(create_token):
    """An 8-decimal collateral asset."""
    return create_token("Wrapped Bitcoin", "WBTC", 8)


@pytest.fixture(scope="session")
def supplier(accounts):
    return accounts[7]


@pytest.fixture(scope="session")
def borrower(accounts):
    return accounts[8]


@pytest.fixture(scope="session")
def liquidator(accounts):
    return accounts[9]


@pytest.fixture(scope="module")
def create_lending(project, chain, deployer, foundation, governance, issuer, create_feed):
    """`create_lending(stable, weth, wbtc)`: a PriceOracle with a primary (8 decimals) and a
    fallback (18 decimals) feed per collateral, and a LendingMarket on `stable` with both
    collateral assets listed, tier caps, identity limits and the large-loan rule set by
    governance, its DebtAuction a minter of the protocol token."""

    def create(stable, weth, wbtc):
        oracle = deployer.deploy(project.PriceOracle, foundation.timelock)
        feeds = {}
        for asset, price, name in ((weth, ETH_PRICE, "ETH / USD"), (wbtc, BTC_PRICE, "BTC / USD")):
            primary = create_feed(8, feed_answer(price, 8), name)
            fallback = create_feed(18, feed_answer(price, 18), name)
            oracle.setFeeds(
                asset,
                (primary.address, PRIMARY_HEARTBEAT, 8),
                (fallback.address, FALLBACK_HEARTBEAT, 18),
                sender=governance,
            )
            feeds[str(asset.address)] = (primary, fallback)
        registry = foundation.registry
        if not registry.isListed(stable):
            registry.addToken(
                stable,
                stable.name(),
                stable.symbol(),
                stable.decimals(),
                b"\x00" * 32,
                sender=governance,
            )
        unit = 10 ** stable.decimals()
        market = deployer.deploy(
            project.LendingMarket,
            foundation.timelock,
            stable,
            oracle,
            foundation.identity,
            registry,
            foundation.token,
            INITIAL_LOT,
            DEBT_PER_AUCTION // USDC * unit,
        )
        auction = project.DebtAuction.at(market.debtAuction(), fetch_from_explorer=False)
        chain.contracts.cache_contract_type(auction.address, auction.contract_type)
        foundation.token.grantMinter(auction, sender=governance)
        market.listCollateral(weth, WETH_PARAMS, sender=governance)
        market.listCollateral(wbtc, WBTC_PARAMS, sender=governance)
        for tier, cap in enumerate(TIER_CAPS):
            market.setTierCap(tier, cap // USDC * unit, sender=governance)
        for level, limit in LEVEL_LIMITS.items():
            amount = limit if limit == 2**256 - 1 else limit // USDC * unit
            foundation.identity.setLimit(stable, level, amount, 2**256 - 1, sender=governance)
        market.setLargeLoanPolicy(LARGE_LOAN[0] // USDC * unit, LARGE_LOAN[1], sender=governance)
        if not foundation.identity.isIssuer(issuer):
            foundation.identity.addIssuer(issuer, sender=governance)
        extension = _created_address(chain, market, 2)
        return Lending(market, extension, auction, oracle, stable, weth, wbtc, feeds)

    return create


def _created_address(chain, host, nonce):
    from openotc.deployment.deploy import created_address

    return created_address(str(host.address), nonce)


@pytest.fixture(scope="module")
def lending(create_lending, usdc, weth, wbtc):
    return create_lending(usdc, weth, wbtc)


@pytest.fixture(scope="module")
def market(lending):
    return lending.market


@pytest.fixture(scope="module")
def auction(lending):
    return lending.auction


@pytest.fixture(scope="session")
def attest(foundation, issuer, chain):
    """`attest(account, level)`: the issuer attests `account` at `level` for a year."""

    def attest_(account, level=BORROWER_LEVEL):
        identity = foundation.identity
        subject = str(account.address)
        attestation = Attestation(
            subject=subject,
            issuer=str(issuer.address),
            level=level,
            did_hash=keccak(text=f"did:example:{subject}"),
            expires_at=chain.blocks.head.timestamp + 365 * 86_400,
            nonce=identity.nonceOf(issuer, subject),
        )
        signature = sign(attestation, str(identity.address), chain.chain_id, issuer)
        identity.attest(attestation.as_tuple(), signature, sender=account)

    return attest_


@pytest.fixture(scope="session")
def fund():
    """`fund(token, account, amount, spender)`: mints `amount` to `account` and approves
    `spender` for it."""

    def fund_(token, account, amount, spender):
        token.mint(account, amount, sender=account)
        token.approve(spender, 2**256 - 1, sender=account)

    return fund_
