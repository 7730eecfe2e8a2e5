"""Shared fixtures: accounts by role, the deployed foundation, tokens of every shape.

The foundation is deployed once per session with the same code as `ape run deploy`; ape
snapshots the chain around every test, so each test starts from that deployment.
`governance` is the timelock itself (impersonated) for unit tests of privileged functions;
tests under `tests/e2e/` and `tests/governance/` go through real proposals instead.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

from openotc.deploy import Deployer, deploy_foundation
from openotc.governance import ProposalRunner, delegate_votes
from openotc.params import FoundationParams

USDC_UNIT = 10**6

# Stateful suites run real transactions (tens of ms each): a small profile for `make test`
# and CI, a deeper one for `make test-deep`.
_COMMON = {"deadline": None, "suppress_health_check": list(HealthCheck)}
settings.register_profile("ci", max_examples=20, stateful_step_count=15, **_COMMON)
settings.register_profile("deep", max_examples=300, stateful_step_count=40, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# ---------------------------------------------------------------- accounts by role


@pytest.fixture(scope="session")
def deployer(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def treasury(accounts):
    """Holds the initial token supply and, self-delegated, the votes that pass proposals."""
    return accounts[1]


@pytest.fixture(scope="session")
def guardian(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def issuer(accounts):
    return accounts[3]


@pytest.fixture(scope="session")
def maker(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def taker(accounts):
    return accounts[5]


@pytest.fixture(scope="session")
def stranger(accounts):
    """An account with no role anywhere."""
    return accounts[6]


# ---------------------------------------------------------------- the foundation


@pytest.fixture(scope="session")
def params(treasury, guardian):
    return FoundationParams(treasury=treasury.address, guardian=guardian.address)


@pytest.fixture(scope="session")
def foundation(project, chain, deployer, treasury, params):
    deployed = deploy_foundation(
        Deployer(project, chain, deployer, record=None, log=lambda _: None), params
    )
    delegate_votes(deployed.token, treasury, sender=treasury)
    # Votes count from the second after delegation (timestamp clock).
    chain.mine(timestamp=chain.pending_timestamp + 1)
    return deployed


@pytest.fixture(scope="session")
def timelock(foundation):
    return foundation.timelock


@pytest.fixture(scope="session")
def token(foundation):
    return foundation.token


@pytest.fixture(scope="session")
def governor(foundation):
    return foundation.governor


@pytest.fixture(scope="session")
def registry(foundation):
    return foundation.registry


@pytest.fixture(scope="session")
def proxy(foundation):
    return foundation.proxy


@pytest.fixture(scope="session")
def identity(foundation):
    return foundation.identity


@pytest.fixture(scope="session")
def governance(accounts, timelock):
    """The timelock as a sender: what an executed proposal does, without the vote."""
    return accounts[timelock.address]


@pytest.fixture(scope="session")
def proposals(governor, timelock, chain):
    return ProposalRunner(governor, timelock, chain)


# ---------------------------------------------------------------- tokens


@pytest.fixture(scope="session")
def create_token(project, deployer):
    def create(name="USD Coin", symbol="USDC", decimals=6):
        return deployer.deploy(project.MockERC20, name, symbol, decimals)

    return create


@pytest.fixture(scope="session")
def usdc(create_token):
    return create_token("USD Coin", "USDC", 6)


@pytest.fixture(scope="session")
def dai(create_token):
    return create_token("Dai Stablecoin", "DAI", 18)


@pytest.fixture(scope="session")
def usdt(project, deployer):
    return deployer.deploy(project.MockUSDT)


@pytest.fixture(scope="session")
def fee_token(project, deployer):
    return deployer.deploy(project.MockFeeToken)


@pytest.fixture(scope="session")
def false_token(project, deployer):
    return deployer.deploy(project.MockFalseToken)


@pytest.fixture(scope="session")
def create_caller(project, deployer, proxy):
    """A contract that moves tokens through the proxy (stands for an exchange or the escrow)."""

    def create():
        return deployer.deploy(project.TestProxyCaller, proxy)

    return create


@pytest.fixture(scope="session")
def caller(create_caller):
    return create_caller()
