"""Shared fixtures: accounts by role, the deployed foundation, tokens of every shape.

The foundation is deployed once per session with the same code as `ape run deploy`; ape
snapshots the chain around every test, so each test starts from that deployment.
`governance` is the timelock itself (impersonated) for unit tests of privileged functions;
tests under `tests/e2e/` and `tests/governance/` go through real proposals instead.
"""

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import ape
import pytest
from ape.exceptions import CustomError
from ape_ethereum.trace import Trace
from ape_test.accounts import TestAccountContainer
from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address, to_hex
from hexbytes import HexBytes
from hypothesis import HealthCheck, settings
from web3.exceptions import ContractLogicError as Web3ContractLogicError

from openotc.deployment.deploy import Deployer, deploy_foundation
from openotc.deployment.params import FoundationParams
from openotc.governance import ProposalRunner, delegate_votes

GAS_MONEY = 10**20  # wei, for contracts impersonated as senders (they hold no ether)

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


def _normalise(value):
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return to_checksum_address(value)
    if hasattr(value, "address"):
        return to_checksum_address(str(value.address))
    return value


def _selector(abi) -> HexBytes:
    return HexBytes(keccak(text=abi.selector)[:4])


def _raw_revert_data(message: str) -> HexBytes:
    """Revert data ape left undecoded: plain hex (a failed transaction), or
    "custom error 0x<selector>: <data>" (a reverting view, as anvil reports it)."""
    if message.startswith("custom error "):
        selector, _, rest = message[len("custom error ") :].partition(":")
        message = selector.strip() + rest.strip().removeprefix("0x")
    try:
        return HexBytes(message)
    except ValueError:  # a revert string or no data at all
        return HexBytes(b"")


def _actual_error(exc, error) -> tuple[bytes, dict]:
    """The selector and named arguments of the error `exc` carries."""
    if isinstance(exc, CustomError):
        return _selector(exc.abi), {k: _normalise(v) for k, v in exc.inputs.items()}
    data = _raw_revert_data(str(exc.revert_message))
    names = [i.name for i in error.abi.inputs]
    types = [i.canonical_type for i in error.abi.inputs]
    values = decode(types, data[4:]) if data[:4] == _selector(error.abi) else ()
    return data[:4], {n: _normalise(v) for n, v in zip(names, values, strict=False)}


def assert_reverted_with(exc, error, inputs: dict) -> None:
    expected_inputs = {k: _normalise(v) for k, v in inputs.items()}
    declared = {i.name for i in error.abi.inputs}
    assert set(expected_inputs) == declared, f"assert every argument of {error.abi.signature}"
    selector, actual_inputs = _actual_error(exc, error)
    expected = _selector(error.abi)
    assert selector == expected, f"expected {error.abi.signature}, got {exc.revert_message!r}"
    assert actual_inputs == expected_inputs


@pytest.fixture(scope="session")
def reverts() -> Callable[..., AbstractContextManager]:
    """`with reverts(proxy.ProxyUnauthorized, caller=stranger.address):` - the exact custom
    error with all of its arguments. Use it instead of a bare `ape.reverts`, which passes when
    it cannot decode the revert (an error bubbling up through a contract whose ABI does not
    declare it) and ignores argument names the error does not have."""

    @contextmanager
    def check(error, **inputs) -> Iterator:
        with ape.reverts(error, **inputs) as info:
            yield info
        assert_reverted_with(info.value, error, inputs)

    return check


def encode_error(error, **inputs) -> HexBytes:
    names = [i.name for i in error.abi.inputs]
    assert set(inputs) == set(names), f"give every argument of {error.abi.signature}"
    types = [i.canonical_type for i in error.abi.inputs]
    values = [_normalise(inputs[n]) for n in names]
    return _selector(error.abi) + HexBytes(encode(types, values))


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

    def run(method, *args, sender) -> HexBytes | None:
        request = {
            "from": str(sender.address),
            "to": str(method.contract.address),
            "data": to_hex(method.encode_input(*args)),
        }
        try:
            chain.provider.web3.eth.call(request)
        except Web3ContractLogicError as err:
            return HexBytes(err.data or b"")
        return None

    return run


@pytest.fixture(scope="session", autouse=True)
def _derive_test_keys_once():
    """Speed only, no behaviour change: ape re-derives every test account's key from the
    mnemonic (~60 ms each) whenever it scans the accounts, which it does for each address of
    a failed transaction's call trace and for each `accounts[address]`. A key depends only on
    (mnemonic, HD path, index), so it is derived once here. Without this, each revert costs
    over a second and the state machine would take minutes."""
    original = TestAccountContainer.get_test_account
    derived: dict = {}

    def get_test_account(self, index: int):
        if index >= self.number_of_accounts:  # generated on demand: ape caches those itself
            return original(self, index)
        key = (self.mnemonic, self.hd_path, index)
        if key not in derived:
            derived[key] = original(self, index)
        return derived[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TestAccountContainer, "get_test_account", get_test_account)
        yield


@pytest.fixture(autouse=True)
def _no_call_trace_on_revert(monkeypatch):
    """ape-foundry prints the whole call trace of every reverted transaction, which costs up to
    a second each; the suites revert on purpose hundreds of times. The error is still decoded
    and asserted exactly; only the printout is skipped."""
    monkeypatch.setattr(Trace, "show", lambda self, *args, **kwargs: None)


@pytest.fixture(scope="session", autouse=True)
def _shared_contracts_first(foundation, usdc, dai, usdt, fee_token, false_token, caller):
    """Deploys the shared contracts before any test runs. A session fixture first requested
    inside a module-scoped context (the escrow suites') would be rolled back with that module
    while pytest kept the dead address for the rest of the session."""


@pytest.fixture(autouse=True)
def _isolation_still_on(request):
    """ape switches per-test isolation off for the rest of the session, without a word, if
    taking one snapshot ever raises (IsolationManager.set_snapshot). Every later test would
    then see what earlier ones left behind. Fail the test that notices, with the cause."""
    manager = request.config.pluginmanager.get_plugin("ape-test").isolation_manager
    if not getattr(manager, "_openotc_wrapped", False):
        take = manager.take_snapshot

        def take_snapshot():
            try:
                return take()
            except Exception as error:
                manager._openotc_snapshot_error = repr(error)
                raise

        manager.take_snapshot = take_snapshot
        manager._openotc_wrapped = True
    assert manager.supported, (
        "ape turned test isolation off: "
        f"{getattr(manager, '_openotc_snapshot_error', 'no snapshot error recorded')}"
    )
    yield
