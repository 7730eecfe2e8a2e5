"""Audit property: nothing in the foundation layer can move a user's tokens, except the asset
proxy acting for a contract that governance authorized.

The user here is careless on purpose: besides the proxy, they approved every foundation
contract (timelock, token, governor, registry, proxy, identity) for all of their USDC. Then
every privileged party tries to pull those tokens through the proxy, the only foundation
contract with a token-moving path. All are refused with `ProxyUnauthorized`, and the user's
balance never changes.
"""

import pytest

from openotc.governance import Proposal
from openotc.units import USDC_UNIT

FUNDS = 1_000_000 * USDC_UNIT

# Accounts with a role somewhere in the foundation, and the foundation contracts themselves
# (impersonated: whatever their code, they are not authorized on the proxy).
PRIVILEGED_ACCOUNTS = ["deployer", "treasury", "guardian", "issuer"]
FOUNDATION_CONTRACTS = ["timelock", "governor", "token", "registry", "identity", "proxy"]


@pytest.fixture
def exposed_user(maker, usdc, foundation):
    """A user holding USDC who approved the proxy and, adversarially, the whole foundation."""
    usdc.mint(maker, FUNDS, sender=maker)
    for contract in foundation.by_name().values():
        usdc.approve(contract, FUNDS, sender=maker)
        assert usdc.allowance(maker, contract) == FUNDS
    return maker


@pytest.mark.parametrize("role", PRIVILEGED_ACCOUNTS)
def test_transfer_from__by_a_privileged_account__reverts_unauthorized(
    proxy, usdc, exposed_user, reverts, request, role
):
    thief = request.getfixturevalue(role)

    with reverts(proxy.ProxyUnauthorized, caller=thief.address):
        proxy.transferFrom(usdc, exposed_user, thief, FUNDS, sender=thief)

    assert usdc.balanceOf(exposed_user) == FUNDS


@pytest.mark.parametrize("name", FOUNDATION_CONTRACTS)
def test_transfer_from__sent_from_a_foundation_contract__reverts_unauthorized(
    proxy, usdc, foundation, exposed_user, impersonate, reverts, name
):
    contract = getattr(foundation, name)
    thief = impersonate(contract)

    with reverts(proxy.ProxyUnauthorized, caller=contract.address):
        proxy.transferFrom(usdc, exposed_user, contract, FUNDS, sender=thief)

    assert usdc.balanceOf(exposed_user) == FUNDS


def test_transfer_from__in_a_passed_proposal__reverts_unauthorized(
    proxy, usdc, timelock, proposals, treasury, exposed_user, reverts
):
    """Even a proposal that wins the vote and waits out the timelock cannot pull approved
    tokens: the timelock is not an authorized contract. (It could authorize one, in public,
    with the delay as the users' warning; that path ends in the proxy's `Authorized` event.)"""
    proposal = Proposal("drain a user").call(
        proxy, "transferFrom", usdc, exposed_user, treasury, FUNDS
    )
    proposals.propose_and_pass(proposal, treasury, [treasury])
    proposals.queue(proposal, treasury)
    proposals.advance_to(proposals.governor.proposalEta(proposals.proposal_id(proposal)))

    with reverts(proxy.ProxyUnauthorized, caller=timelock.address):
        proposals.execute(proposal, treasury)

    assert usdc.balanceOf(exposed_user) == FUNDS
    assert usdc.balanceOf(treasury) == 0


def test_transfer_from__authorized_contract__is_the_one_path_that_moves_tokens(
    proxy, usdc, caller, governance, exposed_user, taker, stranger
):
    """The control experiment: the same approvals do let an authorized contract pull, so the
    refusals above are the access rule at work, not a missing allowance."""
    proxy.authorize(caller, sender=governance)

    tx = caller.pull(usdc, exposed_user, taker, FUNDS, sender=stranger)

    assert tx.events == [usdc.Transfer(exposed_user.address, taker.address, FUNDS)]
    assert usdc.balanceOf(exposed_user) == 0
    assert usdc.balanceOf(taker) == FUNDS
