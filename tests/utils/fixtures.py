"""Fixture builders for the suites' conftests and modules."""

import inspect

import pytest


def _returning(value):
    def fixture():
        return value

    return fixture


def values(**named) -> list:
    """Function-scoped fixtures that return fixed values, one per keyword: a module overrides
    its conftest's defaults in one line,
        trade_amount, fee_bps = values(trade_amount=AMOUNT, fee_bps=FEE_BPS)
    (bind each to a module name: pytest finds fixtures among a module's names)."""
    return [pytest.fixture(name=name)(_returning(value)) for name, value in named.items()]


def attribute(source: str, name: str, scope: str = "function"):
    """A fixture `name` that returns `getattr(<the fixture source>, name)`: the parts of a
    deployed layer, e.g. `court = attribute("court_layer", "court", scope="module")`."""

    def fixture(**requested):
        return getattr(requested[source], name)

    # pytest reads a fixture's arguments from its signature: ask for `source` by name.
    fixture.__signature__ = inspect.Signature(
        [inspect.Parameter(source, inspect.Parameter.KEYWORD_ONLY)]
    )
    fixture.__doc__ = f"`{source}.{name}`"
    return pytest.fixture(scope=scope, name=name)(fixture)


def item(source: str, index, name: str, scope: str = "function", doc: str = ""):
    """A fixture `name` that returns `<the fixture source>[index]`: accounts by role, e.g.
    `maker = item("accounts", 4, "maker", scope="session")`."""

    def fixture(**requested):
        return requested[source][index]

    fixture.__signature__ = inspect.Signature(
        [inspect.Parameter(source, inspect.Parameter.KEYWORD_ONLY)]
    )
    fixture.__doc__ = doc or f"`{source}[{index}]`"
    return pytest.fixture(scope=scope, name=name)(fixture)


def roles(*names: str):
    """`@roles("stranger", "guardian")`: runs the test once per role, its argument `actor` the
    account of that role's fixture (the root conftest's `actor` resolves it); the test ids
    are the role names."""
    return pytest.mark.parametrize("actor", names, indirect=True)
