"""What the suites need around ape's test runner (eth-ape 0.8.51), in one pytest plugin.

Loaded by the root conftest (`pytest_plugins`). Each workaround says what it works around and
the sign that it can go; check them when upgrading ape.

Per-test isolation. Ape wraps every test in chain snapshots: one per scope (`_session_isolation`,
`_module_isolation`, `_function_isolation` ...), and it orders each test's fixtures so that every
fixture runs after the snapshot of its own scope (`FixtureMap.names`). Two things in ape break
that ordering, and both only show in runs that mix suites (a full run), never in one module:

1. Ape files each fixture name under the scope of EVERY fixture of that name in the whole
   session (`FixtureMap.from_test_item` reads the session-wide `_arg2fixturedefs`), not of the
   one the test sees. A function-scoped `funded` in one directory and a module-scoped `funded`
   in another put the function-scoped one before the test's snapshot: what it did leaked into
   the next test. `_item_fixture_map` files each name under the scope of the fixture the test
   really uses.
2. A fixture that lives longer than the snapshot it is first set up in is rolled back with that
   snapshot while pytest keeps its value (a dead contract address, state that is gone) for the
   rest of its scope: a session-scoped fixture first needed by a module's second test is set up
   inside that module's snapshot; a module-scoped one first needed inside a class, inside the
   class's. `pytest_collection_modifyitems` gives each module's first test every session- (and
   package-) scoped fixture that any test of the module needs, and each class's first test every
   module-scoped one its tests need, so each is set up before the snapshot it would not survive.
   Module-scoped fixtures of a module stay where they are: one first needed by a later test is
   set up between two tests, outside every per-test snapshot, and stays until the module ends
   (tests before it do not see it). No module needs a list of its fixtures any more.

And `_isolation_still_on` fails the test that notices that ape turned isolation off.
"""

from collections import defaultdict

import pytest
from _pytest.scope import Scope
from ape.pytest.fixtures import FixtureMap
from ape_ethereum.trace import Trace
from ape_test.accounts import TestAccountContainer

# ---------------------------------------------------------------- 1. one scope per fixture name
# Works around: ape 0.8.51 FixtureMap.from_test_item iterating the session-wide fixture
# definitions. It can go when ape files names by `item._fixtureinfo.name2fixturedefs` (the
# definitions the test sees) or by `request._get_active_fixturedef`: then a test module defining
# `funded` at module scope next to a suite with a function-scoped `funded` keeps isolation without
# this patch. `_one_scope_per_name` below still refuses such a pair: ape also tracks setup blocks
# by fixture name (FixtureManager._fixture_name_to_info), so one name keeps one scope.


def _item_fixture_map(cls, item) -> FixtureMap:
    fixtures = cls(item)
    manager = item.session._fixturemanager
    fixtures._openotc_parameters = []
    for name in item.fixturenames:
        definitions = manager.getfixturedefs(name, item)
        if definitions:
            fixtures[definitions[-1].scope].append(name)  # the one the test uses
        else:  # a test parameter, even where another directory has a fixture of that name
            fixtures._openotc_parameters.append(name)
    return fixtures


def _item_parameters(fixtures) -> list[str]:
    return fixtures._openotc_parameters


FixtureMap.from_test_item = classmethod(_item_fixture_map)
FixtureMap.parameters = property(_item_parameters)


# ---------------------------------------------------------------- 2. wider fixtures first
# Works around: ape snapshots a scope when its first test starts, and pytest sets up a wider
# fixture only when a test first needs it. It can go when ape sets up every wider fixture of a
# module before that module's snapshot (or takes the snapshot after them); until then, removing
# this shows as dead contract addresses or leaked state in full runs only.

# What each group's first test sets up: what outlives the group's own snapshot.
_OUTLIVES_MODULE = (Scope.Session, Scope.Package)
_OUTLIVES_CLASS = (Scope.Session, Scope.Package, Scope.Module)


def _wider_fixtures(item, scopes) -> list[str]:
    manager = item.session._fixturemanager
    wider = []
    for name in item.fixturenames:
        definitions = manager.getfixturedefs(name, item)
        if not definitions:
            continue  # a parameter, not a fixture
        definition = definitions[-1]
        if definition._scope in scopes and not definition.params:
            wider.append(name)
    return wider


def _one_scope_per_name(session) -> None:
    """Refuses a fixture name defined at two scopes in the suites (ape keys what it tracks by
    name). Rename one of them."""
    scopes: dict[str, set] = defaultdict(set)
    for name, definitions in session._fixturemanager._arg2fixturedefs.items():
        for definition in definitions:
            if definition.baseid.startswith("tests"):
                scopes[name].add(definition.scope)
    clashes = {name: sorted(s) for name, s in scopes.items() if len(s) > 1}
    if clashes:
        raise pytest.UsageError(f"fixture names defined at more than one scope: {clashes}")


@pytest.hookimpl(trylast=True)  # after pytest has put the tests in their running order
def pytest_collection_modifyitems(session, config, items):
    _one_scope_per_name(session)
    groups: dict[tuple, list] = defaultdict(list)
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        groups[(module,)].append(item)
        if item.cls is not None:
            groups[(module, item.cls.__name__)].append(item)
    for key, group in groups.items():
        scopes = _OUTLIVES_MODULE if len(key) == 1 else _OUTLIVES_CLASS
        first, needed = group[0], []
        for item in group:
            needed += [n for n in _wider_fixtures(item, scopes) if n not in needed]
        first.fixturenames = [
            *first.fixturenames,
            *[n for n in needed if n not in first.fixturenames],
        ]


# ---------------------------------------------------------------- isolation still on
# Works around: ape's IsolationManager.set_snapshot switching isolation off for the rest of the
# session, without a word, when taking one snapshot raises. It can go when ape reports that
# failure itself (it logs nothing in 0.8.51).


@pytest.fixture(autouse=True)
def _isolation_still_on(request):
    """Every later test would see what earlier ones left behind: fail the test that notices,
    with the cause."""
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


# ---------------------------------------------------------------- speed


@pytest.fixture(scope="session", autouse=True)
def _derive_test_keys_once():
    """Speed only, no behaviour change: ape re-derives every test account's key from the
    mnemonic (~60 ms each) whenever it scans the accounts, which it does for each address of
    a failed transaction's call trace and for each `accounts[address]`. A key depends only on
    (mnemonic, HD path, index), so it is derived once here. Without this, each revert costs
    over a second and the state machines would take minutes.
    It can go when `TestAccountContainer.get_test_account` caches its keys itself (time
    `accounts[accounts[0].address]` twice: the second lookup then takes microseconds)."""
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
    and asserted exactly; only the printout is skipped.
    It can go when ape shows traces of failed transactions only on request (`--show-trace`
    alone, not by default)."""
    monkeypatch.setattr(Trace, "show", lambda self, *args, **kwargs: None)
