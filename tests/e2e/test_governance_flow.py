"""Governance end to end: one proposal lists a stablecoin, authorizes a settlement contract
and approves an issuer; the guardian then revokes; the revoked contract never moves tokens."""

import pytest
from eth_utils import keccak

from openotc.governance import Proposal
from openotc.units import UNLIMITED, USDC_UNIT

USDC = USDC_UNIT


@pytest.fixture
def listing(registry, proxy, identity, usdc, caller, issuer):
    """The proposal: list USDC, authorize the caller (a settlement contract), add the issuer."""
    proposal = Proposal("List USDC, authorize settlement, approve issuer")
    proposal.call(registry, "addToken", usdc, "USD Coin", "USDC", 6, keccak(text="meta"))
    proposal.call(proxy, "authorize", caller)
    proposal.call(identity, "addIssuer", issuer)
    return proposal


def test_proposal__executed__lists_token_authorizes_caller_and_adds_issuer(
    proposals, listing, treasury, registry, proxy, identity, usdc, caller, issuer
):
    receipt = proposals.run(listing, treasury, [treasury])

    assert registry.getTokenBySymbol("USDC").token == usdc.address
    assert list(proxy.authorizedContracts()) == [caller.address]
    assert identity.isIssuer(issuer)
    assert receipt.decode_logs(registry.TokenAdded)[0].token == usdc.address
    assert receipt.decode_logs(proxy.Authorized)[0].target == caller.address
    assert receipt.decode_logs(identity.IssuerAdded)[0].issuer == issuer.address


def test_proposal__after_guardian_revokes__caller_can_never_move_tokens(
    proposals, listing, treasury, guardian, proxy, usdc, caller, maker, taker, reverts
):
    proposals.run(listing, treasury, [treasury])
    usdc.mint(maker, 1_000 * USDC, sender=maker)
    usdc.approve(proxy, UNLIMITED, sender=maker)
    caller.pull(usdc, maker, taker, 10 * USDC, sender=taker)

    receipt = proxy.revoke(caller, sender=guardian)

    assert receipt.events == [proxy.Revoked(target=caller.address, by=guardian.address)]
    with reverts(proxy.ProxyUnauthorized, caller=caller.address):
        caller.pull(usdc, maker, taker, 10 * USDC, sender=taker)
    assert usdc.balanceOf(maker) == 990 * USDC
    assert usdc.balanceOf(taker) == 10 * USDC


def test_proposal__cancelled_by_guardian_while_queued__never_executes(
    reverts,
    proposals,
    listing,
    governor,
    timelock,
    treasury,
    guardian,
    registry,
    proxy,
    usdc,
    caller,
):
    proposal = listing
    pid = proposals.propose_and_pass(proposal, treasury, [treasury])
    queued = proposals.queue(proposal, treasury)
    operation = queued.decode_logs(timelock.CallScheduled)[0].id

    receipt = timelock.cancel(operation, sender=guardian)

    assert receipt.decode_logs(timelock.Cancelled)[0].id == operation
    assert governor.state(pid) == 2  # Canceled
    proposals.advance_to(governor.proposalEta(pid) + 1)
    queued_only = (1 << 5).to_bytes(32, "big")  # proposals that need queuing execute from Queued
    with reverts(
        governor.GovernorUnexpectedProposalState,
        proposalId=pid,
        current=2,
        expectedStates=queued_only,
    ):
        proposals.execute(proposal, treasury)
    assert not registry.isListed(usdc)
    assert not proxy.isAuthorized(caller)
