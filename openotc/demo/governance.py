"""The governance scenario of `make demo`: one proposal lists USDC, authorizes the escrow and a
settlement contract on the asset proxy, sets the escrow fee, approves an identity issuer and
sets the identity limits; it goes through a vote and the timelock."""

from __future__ import annotations

from eth_utils import keccak

from openotc.deployment.params import EscrowParams
from openotc.governance import Proposal, ProposalRunner, delegate_votes
from openotc.units import HOUR, TOKEN_UNIT, USDC_UNIT

LEVEL_LIMITS_USDC = {0: 1_000, 1: 10_000, 2: 100_000, 3: 1_000_000}

PROPOSAL_STATES = (
    "Pending",
    "Active",
    "Canceled",
    "Defeated",
    "Succeeded",
    "Queued",
    "Expired",
    "Executed",
)


def governance_scenario(foundation, escrow, chain, say, treasury, usdc, settlement, issuer) -> None:
    registry, proxy, identity = foundation.registry, foundation.proxy, foundation.identity
    say.section("Governance: list USDC, authorize the escrow, approve an issuer, set the fee")
    delegate_votes(foundation.token, treasury, sender=treasury)
    chain.mine(timestamp=chain.pending_timestamp + 1)
    say(f"treasury self-delegates: {foundation.token.getVotes(treasury) // TOKEN_UNIT:,} votes")

    proposal = Proposal("List USDC, authorize the escrow, approve a KYC issuer, set the fee")
    proposal.call(registry, "addToken", usdc, "USD Coin", "USDC", 6, keccak(text="ipfs://usdc"))
    proposal.call(proxy, "authorize", escrow)
    proposal.call(proxy, "authorize", settlement)
    proposal.call(escrow, "setFee", EscrowParams().fee_bps)
    proposal.call(identity, "addIssuer", issuer)
    for level, limit in LEVEL_LIMITS_USDC.items():
        proposal.call(identity, "setLimit", usdc, level, limit * USDC_UNIT)

    runner = ProposalRunner(foundation.governor, foundation.timelock, chain, log=say)
    pid = runner.propose_and_pass(proposal, treasury, [treasury])
    say(f"state after voting: {_state(foundation.governor, pid)}")
    runner.queue(proposal, treasury)
    eta = foundation.governor.proposalEta(pid)
    say(f"queued; the timelock holds it for {foundation.timelock.getMinDelay() // HOUR} h")
    runner.advance_to(eta)
    receipt = runner.execute(proposal, treasury)
    say(f"executed in block {receipt.block_number}; state: {_state(foundation.governor, pid)}")
    info = registry.getTokenBySymbol("USDC")
    say(f"registry: USDC -> {info.token} ({info.decimals} decimals)")
    say(f"proxy authorized set: {list(proxy.authorizedContracts())}")
    say(f"issuer approved: {identity.isIssuer(issuer)}")


def _state(governor, proposal_id) -> str:
    return PROPOSAL_STATES[governor.state(proposal_id)]
