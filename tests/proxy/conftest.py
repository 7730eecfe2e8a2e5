"""Fixtures for the asset proxy suites: a funded user, gas for the impersonated governor,
and a check for reverts that carry no data (the strict `reverts` is in tests/conftest.py)."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import ape
import pytest
from ape.exceptions import CustomError, TransactionError

from openotc.units import USDC_UNIT

USER_FUNDS = 1_000_000 * USDC_UNIT


@pytest.fixture(scope="session")
def reverts_without_data() -> Callable[..., AbstractContextManager]:
    """A revert that carries no data at all (old tokens' bare `require`)."""

    @contextmanager
    def check() -> Iterator:
        with ape.reverts(TransactionError.DEFAULT_MESSAGE) as info:
            yield info
        assert not isinstance(info.value, CustomError)

    return check


@pytest.fixture(autouse=True)
def _gas_for_impersonated_governor(impersonate, governor):
    """The governor, impersonated as a sender, holds no ether; give it gas money."""
    impersonate(governor)


@pytest.fixture
def user(maker):
    """The token owner in these tests."""
    return maker


@pytest.fixture(scope="module")
def recipient(taker):
    return taker


@pytest.fixture
def authorized_caller(caller, proxy, governance):
    tx = proxy.authorize(caller, sender=governance)
    assert tx.events == [proxy.Authorized(target=caller.address)]
    return caller


@pytest.fixture
def funded_usdc(usdc, user, proxy):
    """The user holds USDC and has approved the proxy for all of it."""
    usdc.mint(user, USER_FUNDS, sender=user)
    usdc.approve(proxy, USER_FUNDS, sender=user)
    return usdc
