"""The governance scenario of `make demo`: one proposal lists USDC, authorizes the escrow and a
settlement contract on the asset proxy, sets the escrow fee, publishes the escrow's dispute
policy, approves an identity issuer and sets the identity limits (per trade and per rolling 30
days); it goes through a vote and the timelock."""

from __future__ import annotations

from eth_utils import keccak

from openotc.demo.identity import describe_limits
from openotc.deployment.params import EscrowParams
from openotc.governance import Proposal, ProposalRunner, delegate_votes
from openotc.units import DAY, HOUR, TOKEN_UNIT, UNLIMITED, USDC_UNIT

# USDC limits per identity level, in whole USDC: (per trade, per rolling 30 days). None: no
# rolling limit (the escrow does not count that level's volume).
LEVEL_LIMITS_USDC = {
    0: (1_000, 2_500),
    1: (10_000, 50_000),
    2: (100_000, 500_000),
    3: (1_000_000, None),
}
# The escrow publishes EscrowParams.policy as policy 0 at deployment; this proposal publishes
# policy 1, which trades opened from then on record.
DISPUTE_POLICY = "ipfs://openotc/escrow-dispute-policy/v2.json"

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
    say.section("Governance: list USDC, authorize the escrow, set the fee, limits and policy")
    delegate_votes(foundation.token, treasury, sender=treasury)
    chain.mine(timestamp=chain.pending_timestamp + 1)
    say(f"treasury self-delegates: {foundation.token.getVotes(treasury) // TOKEN_UNIT:,} votes")

    proposal = Proposal(
        "List USDC, authorize the escrow, approve a KYC issuer, set the fee, the identity "
        "limits and the escrow's dispute policy"
    )
    proposal.call(registry, "addToken", usdc, "USD Coin", "USDC", 6, keccak(text="ipfs://usdc"))
    proposal.call(proxy, "authorize", escrow)
    proposal.call(proxy, "authorize", settlement)
    proposal.call(escrow, "setFee", EscrowParams().fee_bps)
    proposal.call(escrow, "setPolicy", DISPUTE_POLICY)
    proposal.call(identity, "addIssuer", issuer)
    for level, (per_trade, per_period) in LEVEL_LIMITS_USDC.items():
        rolling = UNLIMITED if per_period is None else per_period * USDC_UNIT
        proposal.call(identity, "setLimit", usdc, level, per_trade * USDC_UNIT, rolling)

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
    say(f"escrow fee: {escrow.feeBps()} bps; dispute policy #{escrow.policyId()}: {DISPUTE_POLICY}")
    period = identity.VOLUME_PERIOD() // DAY
    for level in LEVEL_LIMITS_USDC:
        limits = identity.limit(usdc, level)
        say(f"level {level}: {describe_limits(limits.perTransaction, limits.perPeriod, period)}")


def _state(governor, proposal_id) -> str:
    return PROPOSAL_STATES[governor.state(proposal_id)]
