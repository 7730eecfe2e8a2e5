"""`make gas`: measures named operations on a local chain and writes benchmarks/gas.json.

Every number comes from a receipt of a transaction sent here; nothing is typed in. Operations
are measured in steady state (balances and approvals already non-zero, as for a returning
user), which is what most transactions pay. Later subsystems add their operations here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from eth_utils import keccak

from openotc import identity as identity_sdk
from openotc.deploy import Deployer, deploy_foundation
from openotc.governance import Proposal, ProposalRunner, delegate_votes
from openotc.params import FoundationParams

OUTPUT = Path(__file__).resolve().parent.parent / "benchmarks" / "gas.json"
USDC = 10**6


class GasBook:
    def __init__(self):
        self.entries: dict[str, int] = {}

    def record(self, name: str, receipt) -> None:
        self.entries[name] = int(receipt.gas_used)

    def write(self, path: Path = OUTPUT) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(dict(sorted(self.entries.items())), indent=2) + "\n")

    def table(self) -> str:
        width = max(len(n) for n in self.entries)
        lines = [f"{'operation':<{width}}  {'gas used':>10}", "-" * (width + 12)]
        lines += [f"{n:<{width}}  {g:>10,}" for n, g in sorted(self.entries.items())]
        return "\n".join(lines)


def measure_foundation(project, chain, accounts, book: GasBook) -> None:
    deployer, treasury, guardian, issuer, alice, bob, relayer = accounts.test_accounts[:7]
    foundation = deploy_foundation(
        Deployer(project, chain, deployer, log=lambda _: None),
        FoundationParams(treasury=treasury.address, guardian=guardian.address),
    )
    governance = accounts[foundation.timelock.address]
    governance.balance = 10**18  # gas money for the impersonated timelock
    usdc = deployer.deploy(project.MockERC20, "USD Coin", "USDC", 6)
    dai = deployer.deploy(project.MockERC20, "Dai Stablecoin", "DAI", 18)
    caller = deployer.deploy(project.TestProxyCaller, foundation.proxy)

    # Governance: one real proposal through every stage.
    delegate_votes(foundation.token, treasury, sender=treasury)
    chain.mine(timestamp=chain.pending_timestamp + 1)
    runner = ProposalRunner(foundation.governor, foundation.timelock, chain)
    proposal = Proposal("Authorize the settlement contract").call(
        foundation.proxy, "authorize", caller
    )
    book.record(
        "governor.propose",
        foundation.governor.propose(*proposal.args(), proposal.description, sender=treasury),
    )
    pid = runner.proposal_id(proposal)
    runner.advance_to(foundation.governor.proposalSnapshot(pid) + 1)
    book.record("governor.cast_vote", foundation.governor.castVote(pid, 1, sender=treasury))
    runner.advance_to(foundation.governor.proposalDeadline(pid) + 1)
    book.record("governor.queue", runner.queue(proposal, treasury))
    runner.advance_to(foundation.governor.proposalEta(pid))
    book.record("governor.execute", runner.execute(proposal, treasury))

    # Token registry (the call governance makes when a listing executes).
    book.record(
        "registry.add_token",
        foundation.registry.addToken(
            usdc, "USD Coin", "USDC", 6, keccak(text="ipfs://usdc"), sender=governance
        ),
    )
    foundation.registry.addToken(dai, "Dai Stablecoin", "DAI", 18, b"\x00" * 32, sender=governance)

    # Asset proxy: an authorized contract moves a returning user's tokens to a holder.
    for holder in (alice, bob):
        usdc.mint(holder, 1_000_000 * USDC, sender=holder)
    usdc.approve(foundation.proxy, 2**256 - 1, sender=alice)
    caller.pull(usdc, alice, bob, 1 * USDC, sender=bob)
    book.record("proxy.transfer_erc20", caller.pull(usdc, alice, bob, 100 * USDC, sender=bob))

    # Identity: a relayer submits an issuer's attestation for a subject attested before.
    foundation.identity.addIssuer(issuer, sender=governance)
    for level in (1, 2):
        attestation = identity_sdk.Attestation(
            subject=alice.address,
            issuer=issuer.address,
            level=level,
            did_hash=keccak(text="did:example:alice"),
            expires_at=chain.pending_timestamp + 365 * 24 * 3600,
            nonce=foundation.identity.nonceOf(issuer, alice),
        )
        signature = identity_sdk.sign(
            attestation, foundation.identity.address, chain.chain_id, issuer
        )
        receipt = foundation.identity.attest(attestation.as_tuple(), signature, sender=relayer)
    book.record("identity.attest", receipt)

    # Protocol token: a minter mints under the inflation cap (not the first mint).
    foundation.token.grantMinter(deployer, sender=governance)
    foundation.token.mint(bob, 10**18, sender=deployer)
    book.record("token.mint", foundation.token.mint(bob, 10**18, sender=deployer))


def run(project, chain, accounts, out: Callable[[str], None] = print) -> GasBook:
    book = GasBook()
    measure_foundation(project, chain, accounts, book)
    book.write()
    out(book.table())
    out(f"\nwritten to {OUTPUT}")
    return book
