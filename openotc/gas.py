"""`make gas`: measures named operations on a local chain and writes benchmarks/gas.json.

Every number comes from a receipt of a transaction sent here; nothing is typed in. Operations
are measured in steady state (balances and approvals already non-zero, as for a returning
user), which is what most transactions pay. Later subsystems add their operations here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from eth_utils import keccak, to_checksum_address, to_hex

from openotc import court as court_sdk
from openotc import escrow as escrow_sdk
from openotc import identity as identity_sdk
from openotc.deploy import Deployer, deploy_court, deploy_escrow, deploy_foundation
from openotc.governance import Proposal, ProposalRunner, delegate_votes
from openotc.params import CourtParams, EscrowParams, FoundationParams

OUTPUT = Path(__file__).resolve().parent.parent / "benchmarks" / "gas.json"
USDC = 10**6
ZERO_ADDRESS = "0x" + "00" * 20


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


def _escrow_market(project, chain, accounts, foundation, escrow, seller):
    """Lists USDC, lifts identity limits, funds and approves `seller`, signs its SellCrypto
    offer. Returns (offer, signature)."""
    deployer = accounts.test_accounts[0]
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
    return offer, escrow_sdk.sign_offer(offer, escrow.address, chain.chain_id, seller)


def _paid_trade(escrow, book_, offer, signature, buyer) -> bytes:
    """Opens a 1,000 USDC trade from `offer` for `buyer` and marks it paid."""
    opened = escrow.openTrade(offer.as_tuple(), signature, 1_000 * USDC, sender=buyer)
    book_.apply(opened)
    trade_id = bytes(opened.decode_logs(escrow.TradeOpened)[0].tradeId)
    record = book_.record(trade_id).as_tuple()
    book_.apply(escrow.markPaid(trade_id, record, keccak(text="ref"), sender=buyer))
    return trade_id


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
    offer, signature = _escrow_market(project, chain, accounts, foundation, escrow, seller)
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
    trade_id = _paid_trade(escrow, book_, offer, signature, disputer)
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


def _stake_many(chain, token, court, funder, count: int, stake: int) -> list[str]:
    """`count` fresh jurors, each funded by `funder` and staking `stake`. Sent as raw
    transactions from addresses the local node impersonates: setting up a thousand jurors
    through signing accounts would take minutes and measure nothing."""
    web3 = chain.provider.web3
    web3.provider.make_request("anvil_autoImpersonateAccount", [True])
    approve = token.approve.encode_input(court.address, 2**256 - 1)
    set_stake = court.setStake.encode_input(stake)
    jurors, last_hashes = [], []
    for index in range(count):
        juror = to_checksum_address((0x10_0000 + index).to_bytes(20, "big"))
        web3.provider.make_request("anvil_setBalance", [juror, hex(10**18)])
        funding = token.transfer.encode_input(juror, stake)
        for sender, target, data in (
            (funder, token.address, funding),
            (juror, token.address, approve),
            (juror, court.address, set_stake),
        ):
            tx_hash = web3.eth.send_transaction(
                {"from": sender, "to": target, "data": to_hex(data), "gas": 500_000}
            )
        jurors.append(juror)
        last_hashes.append(tx_hash)
    # The node mines them in order, asynchronously: wait for every stake before measuring.
    for tx_hash in last_hashes:
        if web3.eth.wait_for_transaction_receipt(tx_hash, timeout=120).status != 1:
            raise RuntimeError("a benchmark juror failed to stake")
    web3.provider.make_request("anvil_autoImpersonateAccount", [False])
    return jurors


def measure_court(project, chain, accounts, book: GasBook) -> None:
    """Juror court operations on an escrow dispute, with 1,000 jurors staked (each the same
    stake, so the three seats go to three different jurors in practice). `court.draw_3_of_1000`
    includes fixing the random value (the first read of the ticket)."""
    deployer, treasury, guardian, _, seller, buyer = accounts.test_accounts[:6]
    deployer_ = Deployer(project, chain, deployer, log=lambda _: None)
    foundation = deploy_foundation(
        deployer_, FoundationParams(treasury=treasury.address, guardian=guardian.address)
    )
    params = CourtParams()
    court_layer = deploy_court(deployer_, foundation, treasury.address, params)
    court = court_layer.court
    escrow = deploy_escrow(deployer_, foundation, treasury.address, arbitrator=court).escrow
    offer, signature = _escrow_market(project, chain, accounts, foundation, escrow, seller)
    book_ = escrow_sdk.TradeBook(escrow)

    stake = 10 * params.min_stake
    newcomer = accounts.test_accounts[6]
    foundation.token.transfer(newcomer, 2 * stake, sender=treasury)
    foundation.token.approve(court, 2**256 - 1, sender=newcomer)
    # Raw transactions from here on for the treasury: ape must not send from it again.
    addresses = _stake_many(chain, foundation.token, court, treasury.address, 999, stake)
    book.record("court.stake", court.setStake(stake, sender=newcomer))
    book.record("court.stake_increase", court.setStake(2 * stake, sender=newcomer))

    trade_id = _paid_trade(escrow, book_, offer, signature, buyer)
    cost = court.arbitrationCost(b"")
    disputed = escrow.dispute(
        trade_id, book_.record(trade_id).as_tuple(), "ipfs://meta", sender=buyer, value=cost
    )
    book.record("escrow.open_dispute_court", disputed)
    dispute_id = disputed.decode_logs(escrow.TradeDisputed)[0].disputeId
    book.record(
        "court.draw_3_of_1000",
        court_sdk.draw_when_ready(court, court_layer.randomness, chain, dispute_id, buyer),
    )
    drawn = list(court.round(dispute_id, 0).jurors)
    if court.jurorCount() != len(addresses) + 1 or len(set(drawn)) != len(drawn):
        raise RuntimeError("the benchmark expects 1,000 jurors and three distinct seats")

    chain.pending_timestamp = court.dispute(dispute_id).periodEnd
    court.passPeriod(dispute_id, sender=buyer)
    web3 = chain.provider.web3
    web3.provider.make_request("anvil_autoImpersonateAccount", [True])
    salt = b"\x07" * 32
    commits, reveals = [], []
    for seat, juror in enumerate(drawn):
        digest = court.commitmentOf(1, salt, juror, dispute_id, 0)
        commits.append(
            _send(chain, juror, court, court.commit.encode_input(dispute_id, [seat], digest))
        )
    court.passPeriod(dispute_id, sender=buyer)  # every seat committed: Reveal at once
    for seat, juror in enumerate(drawn):
        reveals.append(
            _send(chain, juror, court, court.reveal.encode_input(dispute_id, [seat], 1, salt))
        )
    web3.provider.make_request("anvil_autoImpersonateAccount", [False])
    book.entries["court.commit"] = commits[0]
    book.entries["court.reveal"] = reveals[0]
    court.passPeriod(dispute_id, sender=buyer)  # every seat revealed: Appeal at once
    chain.pending_timestamp = court.dispute(dispute_id).periodEnd
    book.record("court.execute_ruling", court.executeRuling(dispute_id, sender=buyer))
    if escrow.tradeOfDispute(dispute_id) != trade_id or court.currentRuling(dispute_id) != 1:
        raise RuntimeError("the measured dispute did not end as the benchmark expects")
    book.record("court.settle_seat", court.settle(dispute_id, 0, [0], sender=buyer))


def _send(chain, sender: str, contract, data) -> int:
    """Sends `data` to `contract` from `sender` (impersonated) and returns the gas used."""
    web3 = chain.provider.web3
    tx_hash = web3.eth.send_transaction(
        {"from": sender, "to": contract.address, "data": to_hex(data), "gas": 500_000}
    )
    receipt = web3.eth.wait_for_transaction_receipt(tx_hash)
    if receipt.status != 1:
        raise RuntimeError(f"transaction from {sender} reverted")
    return int(receipt.gasUsed)


def measure_swap(project, chain, accounts, book: GasBook) -> None:
    """HTLC operations in steady state, the conditions of the public figures we compare with:
    the recipient already holds the asset, the swap contract already holds some of the token,
    the sender gave an unlimited approval. Each claim is sent by its recipient; each refund by
    its sender."""
    deployer, sender, recipient = accounts.test_accounts[0], *accounts.test_accounts[4:6]
    swap = deployer.deploy(project.AtomicSwap)
    usdc = deployer.deploy(project.MockERC20, "USD Coin", "USDC", 6)
    for holder in (sender, recipient):
        usdc.mint(holder, 1_000_000 * USDC, sender=holder)
    usdc.approve(swap, 2**256 - 1, sender=sender)

    def terms(preimage: bytes, token: str, amount: int, timelock: int) -> tuple:
        hashlock = hashlib.sha256(preimage).digest()
        return (hashlock, token, amount, sender.address, recipient.address, timelock)

    def timelock() -> int:
        return chain.pending_timestamp + 3600

    # A swap the contract keeps holding: its token balance is non-zero from here on.
    swap.lockToken(
        hashlib.sha256(b"\x01" * 32).digest(), usdc, USDC, recipient, timelock(), sender=sender
    )

    eth, eth_refund = b"\x02" * 32, b"\x03" * 32
    eth_terms = terms(eth, ZERO_ADDRESS, 10**17, timelock())
    book.record(
        "htlc.lock_eth",
        swap.lock(eth_terms[0], recipient, eth_terms[5], sender=sender, value=10**17),
    )
    book.record("htlc.claim_eth", swap.claim(eth, eth_terms, sender=recipient))
    refund_terms = terms(eth_refund, ZERO_ADDRESS, 10**17, timelock())
    swap.lock(refund_terms[0], recipient, refund_terms[5], sender=sender, value=10**17)
    chain.pending_timestamp = refund_terms[5]
    book.record("htlc.refund_eth", swap.refund(refund_terms, sender=sender))

    token = b"\x04" * 32
    token_terms = terms(token, usdc.address, 100 * USDC, timelock())
    book.record(
        "htlc.lock_erc20",
        swap.lockToken(token_terms[0], usdc, 100 * USDC, recipient, token_terms[5], sender=sender),
    )
    book.record("htlc.claim_erc20", swap.claim(token, token_terms, sender=recipient))


def run(project, chain, accounts, out: Callable[[str], None] = print) -> GasBook:
    book = GasBook()
    for measure in (measure_foundation, measure_escrow, measure_court, measure_swap):
        snapshot = chain.snapshot()
        measure(project, chain, accounts, book)
        chain.restore(snapshot)
    book.write()
    out(book.table())
    out(f"\nwritten to {OUTPUT}")
    return book
