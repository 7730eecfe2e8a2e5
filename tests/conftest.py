"""Shared fixtures: accounts by role, the deployed foundation, tokens of every shape.

The foundation is deployed once per session with the same code as `ape run deploy`; ape
snapshots the chain around every test, so each test starts from that deployment.
`governance` is the timelock itself (impersonated) for unit tests of privileged functions;
tests under `tests/e2e/` and `tests/governance/` go through real proposals instead.
"""

import os
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from hexbytes import HexBytes
from hypothesis import HealthCheck, settings

from openotc.deployment.deploy import Deployer, deploy_court, deploy_escrow, deploy_foundation
from openotc.deployment.params import CourtParams, FoundationParams
from openotc.governance import ProposalRunner, delegate_votes
from tests.utils.constants import GAS_MONEY
from tests.utils.fixtures import attribute, item
from tests.utils.reverts import dry_runner, encode_error
from tests.utils.reverts import reverts as exact_reverts

pytest_plugins = ["tests.utils.ape_workarounds", "tests.utils.benchmark"]

# Stateful suites run real transactions (a few ms each through ChainMachine's raw JSON-RPC): a
# profile for `make test` and CI, a deeper one for `make test-deep`.
# CI was 20 examples x 15 steps while every transaction went through ape (4 to 10 per second;
# the property suites took about 170 s: court 57, escrow 46, swap 17, identity 22, registry 16,
# proxy 7, token 5, about 1,300 transactions). Sent raw, they spend that time on more work:
# 60 x 25 (the suites' own halvings and step minimums apply on top) runs about 5,800
# transactions in about 55 s on an idle 2-core machine: court 21, escrow 12, swap 3, identity 6,
# registry 6, proxy 2, token 5 (`make bench-properties` prints each suite's figures).
_COMMON = {"deadline": None, "suppress_health_check": list(HealthCheck)}
settings.register_profile("ci", max_examples=60, stateful_step_count=25, **_COMMON)
settings.register_profile("deep", max_examples=300, stateful_step_count=40, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# ---------------------------------------------------------------- accounts by role


deployer = item("accounts", 0, "deployer", scope="session")
treasury = item(
    "accounts",
    1,
    "treasury",
    scope="session",
    doc="Holds the initial token supply and, self-delegated, the votes that pass proposals.",
)
guardian = item("accounts", 2, "guardian", scope="session")
issuer = item("accounts", 3, "issuer", scope="session")
maker = item("accounts", 4, "maker", scope="session")
taker = item("accounts", 5, "taker", scope="session")
stranger = item("accounts", 6, "stranger", scope="session", doc="An account with no role anywhere.")


@pytest.fixture
def actor(request):
    """The account of the role fixture a test is parametrized over with
    `tests.utils.fixtures.roles`."""
    return request.getfixturevalue(request.param)


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


timelock, token, governor, registry, proxy, identity = (
    attribute("foundation", name, scope="session")
    for name in ("timelock", "token", "governor", "registry", "proxy", "identity")
)


@pytest.fixture(scope="session")
def impersonate(accounts):
    """`impersonate(contract_or_address)`: a sender for any address on the local chain, funded
    for gas (ape pays a priority fee even at base fee 0, and contracts hold no ether)."""

    def sender(target):
        account = accounts[str(getattr(target, "address", target))]
        account.balance = GAS_MONEY
        return account

    return sender


@pytest.fixture(scope="session")
def governance(impersonate, timelock):
    """The timelock as a sender: what an executed proposal does, without the vote."""
    return impersonate(timelock)


@pytest.fixture(scope="session")
def proposals(governor, timelock, chain):
    return ProposalRunner(governor, timelock, chain)


# ---------------------------------------------------------------- subsystems, deployed fresh


@pytest.fixture(scope="session")
def create_court(project, chain, deployer, foundation, params):
    """`create_court(court_params=CourtParams())`: a JurorCourt and its randomness source,
    deployed on the foundation by `openotc.deployment.deploy.deploy_court` (the code
    `ape run deploy` runs). Returns the `CourtLayer` (`.court`, `.randomness`)."""

    def create(court_params: CourtParams | None = None):
        return deploy_court(
            Deployer(project, chain, deployer, log=lambda _: None),
            foundation,
            params.treasury,
            court_params or CourtParams(),
        )

    return create


@pytest.fixture(scope="session")
def create_escrow(project, chain, deployer, foundation, params, governance):
    """`create_escrow(escrow_params=None, arbitrator=None, fee_bps=0)`: an OTCEscrow deployed by
    `openotc.deployment.deploy.deploy_escrow` (decided by `arbitrator`, or by a new
    SingleArbitrator ruled as `escrow_params` says), authorized on the asset proxy, with the
    protocol fee `fee_bps` set by governance if not zero. Returns the `EscrowLayer` (`.escrow`,
    `.arbitrator`)."""

    def create(escrow_params=None, arbitrator=None, fee_bps=0):
        layer = deploy_escrow(
            Deployer(project, chain, deployer, log=lambda _: None),
            foundation,
            params.treasury,
            escrow_params,
            arbitrator=arbitrator,
        )
        foundation.proxy.authorize(layer.escrow, sender=governance)
        if fee_bps:
            layer.escrow.setFee(fee_bps, sender=governance)
        return layer

    return create


@pytest.fixture(scope="session")
def court_params():
    return CourtParams()


@pytest.fixture(scope="module")
def court_layer(create_court, court_params):
    """A JurorCourt per module (its suites and the end-to-end suite rely on a fresh one)."""
    return create_court(court_params)


court = attribute("court_layer", "court", scope="module")
randomness = attribute("court_layer", "randomness", scope="module")


@pytest.fixture
def pass_period(court, chain, stranger):
    """`pass_period(dispute_id)`: moves time to the end of the current period and passes it."""

    def pass_(dispute_id):
        info = court.dispute(dispute_id)
        if info.periodEnd > chain.pending_timestamp:
            chain.pending_timestamp = info.periodEnd
        return court.passPeriod(dispute_id, sender=stranger)

    return pass_


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


# ---------------------------------------------------------------- reverts, exactly


@pytest.fixture(scope="session")
def reverts() -> Callable[..., AbstractContextManager]:
    """`with reverts(proxy.ProxyUnauthorized, caller=stranger.address):` - the exact custom
    error with all of its arguments. Use it instead of a bare `ape.reverts`, which passes when
    it cannot decode the revert (an error bubbling up through a contract whose ABI does not
    declare it) and ignores argument names the error does not have."""
    return exact_reverts


@pytest.fixture(scope="session")
def error_data() -> Callable[..., HexBytes]:
    """`error_data(proxy.ProxyUnauthorized, caller=x)`: the exact revert data of that error
    with all of its arguments, to compare with what `dry_run` returns."""
    return encode_error


@pytest.fixture(scope="session")
def dry_run(chain) -> Callable[..., HexBytes | None]:
    """`dry_run(proxy.revoke, target, sender=guardian)`: runs the call with `eth_call` on the
    current state and returns its revert data, or None when it succeeds. Nothing is mined, so
    it is exact and cheap (a failed ape transaction also renders its call trace, ~0.3 s): the
    stateful suite uses it to check every refusal in hundreds of steps; the unit tests check
    the same refusals as real transactions with `reverts`."""
    return dry_runner(chain)


@pytest.fixture(scope="session", autouse=True)
def _shared_contracts_first(foundation, usdc, dai, usdt, fee_token, false_token, caller):
    """Deploys the shared contracts before any test runs, whichever test runs first."""
