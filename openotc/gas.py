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

from openotc import escrow as escrow_sdk
from openotc import identity as identity_sdk
from openotc.deploy import Deployer, deploy_escrow, deploy_foundation
from openotc.governance import Proposal, ProposalRunner, delegate_votes
from openotc.params import EscrowParams, FoundationParams

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
    # A later mint, at a later time: it writes new checkpoints (steady state for a minter),
    # and pinning the time keeps the figure independent of how fast the blocks came.
    chain.pending_timestamp = chain.pending_timestamp + 3600
    book.record("token.mint", foundation.token.mint(bob, 10**18, sender=deployer))


def measure_escrow(project, chain, accounts, book: GasBook) -> None:
    """Escrow operations, for an ERC-20 (6 decimals) trade in steady state for the seller and
    the escrow (both already hold the token; unlimited approval) with a fresh buyer who never
    held the token nor traded before - the case the 200,000 goal names."""
    deployer, treasury, guardian, _, seller = accounts.test_accounts[:5]
    deployer_ = Deployer(project, chain, deployer, log=lambda _: None)
    foundation = deploy_foundation(
        deployer_, FoundationParams(treasury=treasury.address, guardian=guardian.address)
    )
    layer = deploy_escrow(deployer_, foundation, treasury.address, EscrowParams(guardian.address))
    escrow = layer.escrow
    governance = accounts[foundation.timelock.address]
    governance.balance = 10**18
    usdc = deployer.deploy(project.MockERC20, "USD Coin", "USDC", 6)
    foundation.registry.addToken(usdc, "USD Coin", "USDC", 6, b"\x00" * 32, sender=governance)
    foundation.proxy.authorize(escrow, sender=governance)
    escrow.setFee(50, sender=governance)  # 0.5%: the measured release pays for fee accrual
    for level in range(4):
        foundation.identity.setLimit(usdc, level, 2**256 - 1, sender=governance)
    usdc.mint(seller, 10_000_000 * USDC, sender=seller)
    usdc.approve(foundation.proxy, 2**256 - 1, sender=seller)

    offer = escrow_sdk.Offer(
        maker=seller.address,
        side=escrow_sdk.Side.SELL_CRYPTO,
        token=usdc.address,
        min_amount=100 * USDC,
        max_amount=1_000_000 * USDC,
        fiat_currency=escrow_sdk.fiat("USD"),
        price=escrow_sdk.price("1.00"),
        payment_methods_hash=keccak(text="SEPA"),
        payment_window=3600,
        terms_hash=keccak(text="terms"),
        min_level=0,
        expiry=chain.pending_timestamp + 30 * 24 * 3600,
        nonce=1,
    )
    signature = escrow_sdk.sign_offer(offer, escrow.address, chain.chain_id, seller)
    book_ = escrow_sdk.TradeBook(escrow)

    def full_trade(buyer):
        opened = escrow.openTrade(offer.as_tuple(), signature, 1_000 * USDC, sender=buyer)
        book_.apply(opened)
        trade_id = bytes(opened.decode_logs(escrow.TradeOpened)[0].tradeId)
        paid = escrow.markPaid(
            trade_id, book_.record(trade_id).as_tuple(), keccak(text="ref"), sender=buyer
        )
        book_.apply(paid)
        released = escrow.release(trade_id, book_.record(trade_id).as_tuple(), sender=seller)
        book_.apply(released)
        return opened, paid, released

    # Warm-up trade: the escrow and the fee accrual slot reach steady state.
    full_trade(accounts.test_accounts[7])
    opened, paid, released = full_trade(accounts.test_accounts[8])  # a fresh buyer
    book.record("escrow.open_trade", opened)
    book.record("escrow.mark_paid", paid)
    book.record("escrow.release", released)
    book.entries["escrow.trade_total"] = sum(int(r.gas_used) for r in (opened, paid, released))

    disputer = accounts.test_accounts[9]
    opened = escrow.openTrade(offer.as_tuple(), signature, 1_000 * USDC, sender=disputer)
    book_.apply(opened)
    trade_id = bytes(opened.decode_logs(escrow.TradeOpened)[0].tradeId)
    book_.apply(
        escrow.markPaid(
            trade_id, book_.record(trade_id).as_tuple(), keccak(text="ref"), sender=disputer
        )
    )
    cost = layer.arbitrator.arbitrationCost(b"")
    book.record(
        "escrow.open_dispute",
        escrow.dispute(
            trade_id,
            book_.record(trade_id).as_tuple(),
            "ipfs://meta-evidence",
            sender=disputer,
            value=cost,
        ),
    )


def run(project, chain, accounts, out: Callable[[str], None] = print) -> GasBook:
    book = GasBook()
    snapshot = chain.snapshot()
    measure_foundation(project, chain, accounts, book)
    chain.restore(snapshot)
    measure_escrow(project, chain, accounts, book)
    book.write()
    out(book.table())
    out(f"\nwritten to {OUTPUT}")
    return book
