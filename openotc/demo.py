"""The end-to-end demo on a local chain (`make demo`): deploys the suite and walks through
what governance, the guardian and an identity issuer do, printing each step.

Later subsystems add their scenarios here, after the governance scenario."""

from __future__ import annotations

from collections.abc import Callable

from eth_utils import keccak

from openotc import identity as identity_sdk
from openotc.demo_court import CourtDemo
from openotc.demo_escrow import EscrowDemo
from openotc.demo_swap import SwapDemo
from openotc.deploy import (
    DEFAULT_ADMIN_ROLE,
    Deployer,
    Foundation,
    deploy_court,
    deploy_escrow,
    deploy_foundation,
    open_record,
)
from openotc.governance import Proposal, ProposalRunner, delegate_votes
from openotc.params import CourtParams, FoundationParams

USDC = 10**6
KNOWN_ERRORS = ["ProxyUnauthorized(address)"]
LEVEL_LIMITS_USDC = {0: 1_000, 1: 10_000, 2: 100_000, 3: 1_000_000}
ESCROW_FEE_BPS = 25  # 0.25%


class Narrator:
    def __init__(self, out: Callable[[str], None] = print):
        self.out = out
        self.step = 0

    def section(self, title: str) -> None:
        self.step += 1
        self.out(f"\n== {self.step}. {title}")

    def __call__(self, line: str) -> None:
        self.out(f"   {line}")


def run(
    project, chain, accounts, out: Callable[[str], None] = print, salts_path=None
) -> Foundation:
    say = Narrator(out)
    deployer, treasury, guardian, issuer, alice, bob, relayer, keeper = accounts.test_accounts[:8]

    say.section("Deploy the suite (foundation, the juror court, then the escrow)")
    params = FoundationParams(treasury=treasury.address, guardian=guardian.address)
    deployer_ = Deployer(project, chain, deployer, record=open_record(chain), log=say)
    foundation = deploy_foundation(deployer_, params)
    court_layer = deploy_court(deployer_, foundation, treasury.address, CourtParams())
    layer = deploy_escrow(deployer_, foundation, treasury.address, arbitrator=court_layer.court)
    say(f"escrow disputes go to the JurorCourt at {court_layer.court.address}")
    timelock = foundation.timelock
    still_admin = timelock.hasRole(DEFAULT_ADMIN_ROLE, deployer)
    say(f"deployer still admin of the timelock? {still_admin}")
    say(f"treasury holds {foundation.token.balanceOf(treasury) // 10**18:,} OTC")

    say.section("Outside world: a stablecoin and a contract that settles through the proxy")
    usdc = deployer.deploy(project.MockERC20, "USD Coin", "USDC", 6)
    settlement = deployer.deploy(project.TestProxyCaller, foundation.proxy)
    say(f"USDC (6 decimals) at {usdc.address}")
    say(f"a legacy settlement contract at {settlement.address}")

    governance_scenario(foundation, layer.escrow, chain, say, treasury, usdc, settlement, issuer)
    proxy_scenario(foundation, say, guardian, alice, bob, usdc, settlement)
    identity_scenario(foundation, chain, say, issuer, {"alice": alice, "bob": bob}, relayer, usdc)
    court_demo = CourtDemo(
        chain, say, accounts, court_layer, foundation.token, treasury, salts_path or _salts_file()
    )
    court_demo.stake(say.section)

    def decide(dispute_id: int) -> None:
        court_demo.decide(dispute_id, keeper)

    EscrowDemo(chain, say, layer.escrow, layer.arbitrator, usdc, foundation.proxy).run(
        say.section, alice, bob, decide
    )
    say.section("Court: settle every seat, pay the coherent jurors")
    court_demo.settle_and_pay(keeper)

    SwapDemo(project, chain.provider.web3, say).run(say.section)

    say.section("Done")
    say("every configuration went through a vote and the timelock; the guardian only revoked;")
    say("nobody but an authorized contract ever moved a user's tokens.")
    return foundation


def _salts_file():
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp(prefix="openotc-demo-")) / "salts.json"


def governance_scenario(foundation, escrow, chain, say, treasury, usdc, settlement, issuer) -> None:
    registry, proxy, identity = foundation.registry, foundation.proxy, foundation.identity
    say.section("Governance: list USDC, authorize the escrow, approve an issuer, set the fee")
    delegate_votes(foundation.token, treasury, sender=treasury)
    chain.mine(timestamp=chain.pending_timestamp + 1)
    say(f"treasury self-delegates: {foundation.token.getVotes(treasury) // 10**18:,} votes")

    proposal = Proposal("List USDC, authorize the escrow, approve a KYC issuer, set the fee")
    proposal.call(registry, "addToken", usdc, "USD Coin", "USDC", 6, keccak(text="ipfs://usdc"))
    proposal.call(proxy, "authorize", escrow)
    proposal.call(proxy, "authorize", settlement)
    proposal.call(escrow, "setFee", ESCROW_FEE_BPS)
    proposal.call(identity, "addIssuer", issuer)
    for level, limit in LEVEL_LIMITS_USDC.items():
        proposal.call(identity, "setLimit", usdc, level, limit * USDC)

    runner = ProposalRunner(foundation.governor, foundation.timelock, chain, log=say)
    pid = runner.propose_and_pass(proposal, treasury, [treasury])
    say(f"state after voting: {_state(foundation.governor, pid)}")
    runner.queue(proposal, treasury)
    eta = foundation.governor.proposalEta(pid)
    say(f"queued; the timelock holds it for {foundation.timelock.getMinDelay() // 3600} h")
    runner.advance_to(eta)
    receipt = runner.execute(proposal, treasury)
    say(f"executed in block {receipt.block_number}; state: {_state(foundation.governor, pid)}")
    info = registry.getTokenBySymbol("USDC")
    say(f"registry: USDC -> {info.token} ({info.decimals} decimals)")
    say(f"proxy authorized set: {list(proxy.authorizedContracts())}")
    say(f"issuer approved: {identity.isIssuer(issuer)}")


def proxy_scenario(foundation, say, guardian, alice, bob, usdc, settlement) -> None:
    proxy = foundation.proxy
    say.section("Asset proxy: one approval, then the guardian revokes")
    usdc.mint(alice, 5_000 * USDC, sender=alice)
    usdc.approve(proxy, 2**256 - 1, sender=alice)
    say("alice approves the proxy once (unlimited)")
    settlement.pull(usdc, alice, bob, 250 * USDC, sender=bob)
    say(f"settlement contract moves 250 USDC alice -> bob: bob holds {usdc.balanceOf(bob) / USDC}")
    proxy.revoke(settlement, sender=guardian)
    say("guardian revokes the settlement contract (instant, no vote needed to take away)")
    refusal = _simulate(settlement, "pull", [usdc, alice, bob, 1 * USDC], bob)
    say(f"revoked contract tries again -> refused with {refusal}")
    say(f"alice still holds {usdc.balanceOf(alice) / USDC} USDC")


def identity_scenario(foundation, chain, say, issuer, subjects, relayer, usdc) -> None:
    identity = foundation.identity
    say.section("Identity: an issuer attests the traders, a relayer submits the attestations")
    for level, (name, subject) in enumerate(subjects.items(), start=1):
        attestation = _attestation(identity, chain, issuer, subject, level)
        signature = identity_sdk.sign(attestation, identity.address, chain.chain_id, issuer)
        before = identity.levelOf(subject)
        identity.attest(attestation.as_tuple(), signature, sender=relayer)
        say(
            f"{name}: level {before} -> {identity.levelOf(subject)}, "
            f"limit {_usdc(identity.limitOf(subject, usdc))}"
        )
    outsider = relayer
    identity.attest(
        _attestation(identity, chain, issuer, outsider, 3).as_tuple(),
        identity_sdk.sign(
            _attestation(identity, chain, issuer, outsider, 3),
            identity.address,
            chain.chain_id,
            issuer,
        ),
        sender=relayer,
    )
    say(f"the relayer itself is attested at level {identity.levelOf(outsider)}...")
    identity.revoke(outsider, sender=issuer)
    say(f"...and the issuer revokes it: level {identity.levelOf(outsider)}")


def _attestation(identity, chain, issuer, subject, level) -> identity_sdk.Attestation:
    return identity_sdk.Attestation(
        subject=subject.address,
        issuer=issuer.address,
        level=level,
        did_hash=keccak(text=f"did:example:{subject.address}"),
        expires_at=chain.pending_timestamp + 365 * 24 * 3600,
        nonce=identity.nonceOf(issuer, subject),
    )


def _simulate(contract, method: str, args: list, sender) -> str:
    """Simulates a call and names the custom error it reverts with, without ape's trace
    printing (the demo expects this revert). Returns "no revert" if it succeeds."""
    data = getattr(contract, method).encode_input(*args)
    web3 = contract.provider.web3
    try:
        web3.eth.call({"from": sender.address, "to": contract.address, "data": data.hex()})
    except Exception as error:  # web3 raises a different class per revert kind
        revert_data = str(getattr(error, "data", "") or error)
        for signature in KNOWN_ERRORS:
            if keccak(text=signature)[:4].hex() in revert_data:
                return signature.split("(")[0]
        return revert_data
    return "no revert"


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


def _state(governor, proposal_id) -> str:
    return PROPOSAL_STATES[governor.state(proposal_id)]


def _usdc(amount: int) -> str:
    return f"{amount / USDC:,.0f} USDC per trade"
