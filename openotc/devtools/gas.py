"""`make gas`: measures named operations on a local chain and the deployed code size of every
deployable contract, and writes both to benchmarks/gas.json.

Every number comes from a receipt of a transaction sent here, or from the code at a deployed
address; nothing is typed in. Operations are measured in steady state (balances and approvals
already non-zero, as for a returning user), which is what most transactions pay. Sizes are
`size.<ContractName>`, in bytes of runtime code (EIP-170 caps it at 24,576). Later subsystems
add their operations here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from eth_utils import keccak, to_checksum_address, to_hex

from openotc import court as court_sdk
from openotc import escrow as escrow_sdk
from openotc import identity as identity_sdk
from openotc.deployment.deploy import (
    Deployer,
    created_address,
    deploy_court,
    deploy_escrow,
    deploy_foundation,
    deploy_lending,
    deploy_swap,
)
from openotc.deployment.params import CourtParams, EscrowParams, FoundationParams
from openotc.governance import Proposal, ProposalRunner, delegate_votes
from openotc.units import (
    DAY,
    ETHER,
    HOUR,
    MINUTE,
    TOKEN_UNIT,
    UNLIMITED,
    USDC_UNIT,
    ZERO_ADDRESS,
)

if TYPE_CHECKING:
    from ape.contracts import ContractInstance

# The repository root: openotc/devtools/gas.py -> three levels up.
OUTPUT = Path(__file__).resolve().parents[2] / "benchmarks" / "gas.json"
SIZE_PREFIX = "size."


class GasBook:
    """Gas used by named operations, and runtime code sizes by contract name."""

    def __init__(self):
        self.entries: dict[str, int] = {}
        self.sizes: dict[str, int] = {}
        self.receipts: dict[str, object] = {}  # by name, for `make gas-trace`

    def record(self, name: str, receipt) -> None:
        self.entries[name] = int(receipt.gas_used)
        self.receipts[name] = receipt

    def figures(self) -> dict[str, int]:
        """Every figure as benchmarks/gas.json holds it: operations, then `size.<Contract>`."""
        sizes = {f"{SIZE_PREFIX}{name}": size for name, size in self.sizes.items()}
        return dict(sorted({**self.entries, **sizes}.items()))

    def write(self, path: Path = OUTPUT) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.figures(), indent=2) + "\n")

    def table(self) -> str:
        width = max(len(n) for n in [*self.entries, *self.sizes, "operation"])
        lines = [f"{'operation':<{width}}  {'gas used':>10}", "-" * (width + 12)]
        lines += [f"{n:<{width}}  {g:>10,}" for n, g in sorted(self.entries.items())]
        if self.sizes:
            lines += ["", f"{'contract':<{width}}  {'bytes':>10}", "-" * (width + 12)]
            lines += [f"{n:<{width}}  {b:>10,}" for n, b in sorted(self.sizes.items())]
        return "\n".join(lines)


def deploy_all(project, chain, accounts) -> dict[str, ContractInstance]:
    """Every deployable contract, each once, as `openotc.deployment.deploy` deploys it: the
    foundation, the court and its randomness source, the escrow with a SingleArbitrator, and
    the AtomicSwap, and a USDC lending market with its price oracle. By role (`ALL_CONTRACTS`
    and `LENDING_CONTRACTS`)."""
    deployer, treasury, guardian = accounts.test_accounts[:3]
    deployer_ = Deployer(project, chain, deployer, log=lambda _: None)
    foundation = deploy_foundation(
        deployer_, FoundationParams(treasury=treasury.address, guardian=guardian.address)
    )
    court_layer = deploy_court(deployer_, foundation, treasury.address, CourtParams())
    escrow_layer = deploy_escrow(
        deployer_, foundation, treasury.address, EscrowParams(ruler=guardian.address)
    )
    swap = deploy_swap(deployer_)
    # A lending market needs a stablecoin listed in the registry (by governance).
    governance = accounts[foundation.timelock.address]
    governance.balance = ETHER
    usdc = deployer.deploy(project.MockERC20, "USD Coin", "USDC", 6)
    foundation.registry.addToken(usdc, "USD Coin", "USDC", 6, b"\x00" * 32, sender=governance)
    lending = deploy_lending(deployer_, foundation, usdc.address)
    return {
        **foundation.by_name(),
        **court_layer.by_name(),
        **escrow_layer.by_name(),
        "swap": swap,
        "oracle": lending.oracle,
        "market": lending.market,
    }


# Contracts that a deployable creates in its constructor, in creation order: deployables too,
# though no deploy step names them.
CREATED_IN_CONSTRUCTOR = {
    "JurorCourt": ["JurorCourtExtension"],
    "OTCEscrow": ["OTCEscrowExtension"],
    "LendingMarket": ["DebtAuction", "LendingMarketExtension"],
}


def code_sizes(chain, contracts: dict[str, ContractInstance]) -> dict[str, int]:
    """Bytes of runtime code at each contract's address, by contract name, with the contracts
    each one created in its constructor (`CREATED_IN_CONSTRUCTOR`)."""
    sizes = {}
    for contract in contracts.values():
        name = contract.contract_type.name
        sizes[name] = len(chain.provider.get_code(contract.address))
        for nonce, child in enumerate(CREATED_IN_CONSTRUCTOR.get(name, []), start=1):
            address = created_address(str(contract.address), nonce)
            sizes[child] = len(chain.provider.get_code(address))
    return sizes


def measure_sizes(project, chain, accounts, book: GasBook) -> None:
    book.sizes.update(code_sizes(chain, deploy_all(project, chain, accounts)))


def measure_foundation(project, chain, accounts, book: GasBook) -> None:
    deployer, treasury, guardian, issuer, alice, bob, relayer = accounts.test_accounts[:7]
    foundation = deploy_foundation(
        Deployer(project, chain, deployer, log=lambda _: None),
        FoundationParams(treasury=treasury.address, guardian=guardian.address),
    )
    governance = accounts[foundation.timelock.address]
    governance.balance = ETHER  # gas money for the impersonated timelock
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
        usdc.mint(holder, 1_000_000 * USDC_UNIT, sender=holder)
    usdc.approve(foundation.proxy, UNLIMITED, sender=alice)
    caller.pull(usdc, alice, bob, 1 * USDC_UNIT, sender=bob)
    book.record("proxy.transfer_erc20", caller.pull(usdc, alice, bob, 100 * USDC_UNIT, sender=bob))

    # Identity: a relayer submits an issuer's attestation for a subject attested before.
    foundation.identity.addIssuer(issuer, sender=governance)
    for level in (1, 2):
        attestation = identity_sdk.Attestation(
            subject=alice.address,
            issuer=issuer.address,
            level=level,
            did_hash=keccak(text="did:example:alice"),
            expires_at=chain.pending_timestamp + 365 * DAY,
            nonce=foundation.identity.nonceOf(issuer, alice),
        )
        signature = identity_sdk.sign(
            attestation, foundation.identity.address, chain.chain_id, issuer
        )
        receipt = foundation.identity.attest(attestation.as_tuple(), signature, sender=relayer)
    book.record("identity.attest", receipt)

    # Protocol token: a minter mints under the inflation cap (not the first mint).
    foundation.token.grantMinter(deployer, sender=governance)
    foundation.token.mint(bob, TOKEN_UNIT, sender=deployer)
    # A later mint, at a later time: it writes new checkpoints (steady state for a minter),
    # and pinning the time keeps the figure independent of how fast the blocks came.
    chain.pending_timestamp = chain.pending_timestamp + HOUR
    book.record("token.mint", foundation.token.mint(bob, TOKEN_UNIT, sender=deployer))


# Identity limits of the measured market: finite, so every trade counts both parties' rolling
# volume as a deployment with limits does.
TRADE_LIMIT = 1_000_000 * USDC_UNIT
PERIOD_LIMIT = 10_000_000 * USDC_UNIT
TRADE_AMOUNT = 1_000 * USDC_UNIT


def _escrow_market(project, chain, accounts, foundation, escrow, sellers):
    """Lists a USDC-like token, sets finite identity limits, funds each of `sellers` and
    approves the proxy for it, and signs a SellCrypto offer of each. Returns the token and
    {seller: (offer, signature)}."""
    deployer = accounts.test_accounts[0]
    governance = accounts[foundation.timelock.address]
    governance.balance = ETHER
    usdc = deployer.deploy(project.MockERC20, "USD Coin", "USDC", 6)
    foundation.registry.addToken(usdc, "USD Coin", "USDC", 6, b"\x00" * 32, sender=governance)
    foundation.proxy.authorize(escrow, sender=governance)
    # The deployment's fee: the measured release pays for fee accrual.
    escrow.setFee(EscrowParams().fee_bps, sender=governance)
    for level in range(4):
        foundation.identity.setLimit(usdc, level, TRADE_LIMIT, PERIOD_LIMIT, sender=governance)
    amounts = (100 * USDC_UNIT, 1_000_000 * USDC_UNIT)
    expiry = chain.pending_timestamp + 30 * DAY
    offers = {}
    for seller in sellers:
        usdc.mint(seller, 10_000_000 * USDC_UNIT, sender=seller)
        usdc.approve(foundation.proxy, UNLIMITED, sender=seller)
        offer = escrow_sdk.build_offer(seller, usdc, amounts, "1.00", expiry, terms="terms")
        signature = escrow_sdk.sign_offer(offer, escrow.address, chain.chain_id, seller)
        offers[seller] = (offer, signature)
    return usdc, offers


def _paid_trade(escrow, book_, offer, signature, buyer) -> bytes:
    """Opens a TRADE_AMOUNT trade from `offer` for `buyer` and marks it paid."""
    opened = escrow.openTrade(offer.as_tuple(), signature, TRADE_AMOUNT, sender=buyer)
    book_.apply(opened)
    trade_id = bytes(opened.decode_logs(escrow.TradeOpened)[0].tradeId)
    record = book_.record(trade_id).as_tuple()
    book_.apply(escrow.markPaid(trade_id, record, keccak(text="ref"), sender=buyer))
    return trade_id


def measure_escrow(project, chain, accounts, book: GasBook) -> None:
    """Escrow operations, for an ERC-20 (6 decimals) trade with the deployment's fee, the bond
    and both parties' reputation and rolling volume.

    `escrow.trade_total` (open + mark paid + release) is steady state: the seller and the
    buyer have traded this token through the escrow before, both hold it, the seller's offer
    was taken before, and the fee accrual slot is in use. `escrow.trade_total_first` is the
    same trade between two parties new to the escrow: a seller who holds the token and
    approved the proxy but never traded, and a buyer who never held the token."""
    deployer, treasury, guardian, _, seller, first_seller = accounts.test_accounts[:6]
    deployer_ = Deployer(project, chain, deployer, log=lambda _: None)
    foundation = deploy_foundation(
        deployer_, FoundationParams(treasury=treasury.address, guardian=guardian.address)
    )
    layer = deploy_escrow(deployer_, foundation, treasury.address, EscrowParams(guardian.address))
    escrow = layer.escrow
    _, offers = _escrow_market(project, chain, accounts, foundation, escrow, [seller, first_seller])
    book_ = escrow_sdk.TradeBook(escrow)

    def full_trade(seller_, buyer):
        offer, signature = offers[seller_]
        opened = escrow.openTrade(offer.as_tuple(), signature, TRADE_AMOUNT, sender=buyer)
        book_.apply(opened)
        trade_id = bytes(opened.decode_logs(escrow.TradeOpened)[0].tradeId)
        paid = escrow.markPaid(
            trade_id, book_.record(trade_id).as_tuple(), keccak(text="ref"), sender=buyer
        )
        book_.apply(paid)
        released = escrow.release(trade_id, book_.record(trade_id).as_tuple(), sender=seller_)
        book_.apply(released)
        return opened, paid, released

    regular = accounts.test_accounts[7]
    first = full_trade(first_seller, accounts.test_accounts[8])  # both parties new
    book.entries["escrow.trade_total_first"] = sum(int(r.gas_used) for r in first)
    full_trade(seller, regular)  # the parties' first trade together: warms every slot
    opened, paid, released = full_trade(seller, regular)
    book.record("escrow.open_trade", opened)
    book.record("escrow.mark_paid", paid)
    book.record("escrow.release", released)
    book.entries["escrow.trade_total"] = sum(int(r.gas_used) for r in (opened, paid, released))

    disputer = accounts.test_accounts[9]
    offer, signature = offers[seller]
    trade_id = _paid_trade(escrow, book_, offer, signature, disputer)
    cost = layer.arbitrator.arbitrationCost(b"")
    opened_window = escrow.dispute(
        trade_id, book_.record(trade_id).as_tuple(), sender=disputer, value=cost
    )
    book_.apply(opened_window)
    book.record("escrow.dispute_first_fee", opened_window)
    book.record(
        "escrow.dispute_second_fee",
        escrow.dispute(trade_id, book_.record(trade_id).as_tuple(), sender=seller, value=cost),
    )


def _stake_many(chain, token, court, funder, count: int, stake: int) -> list[str]:
    """`count` fresh jurors, each funded by `funder` and staking `stake`. Sent as raw
    transactions from addresses the local node impersonates: setting up a thousand jurors
    through signing accounts would take minutes and measure nothing."""
    web3 = chain.provider.web3
    web3.provider.make_request("anvil_autoImpersonateAccount", [True])
    approve = token.approve.encode_input(court.address, UNLIMITED)
    set_stake = court.setStake.encode_input(stake)
    jurors, last_hashes = [], []
    for index in range(count):
        juror = to_checksum_address((0x10_0000 + index).to_bytes(20, "big"))
        web3.provider.make_request("anvil_setBalance", [juror, hex(ETHER)])
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
    _, offers = _escrow_market(project, chain, accounts, foundation, escrow, [seller])
    offer, signature = offers[seller]
    book_ = escrow_sdk.TradeBook(escrow)

    stake = 10 * params.min_stake
    newcomer = accounts.test_accounts[6]
    foundation.token.transfer(newcomer, 2 * stake, sender=treasury)
    foundation.token.approve(court, UNLIMITED, sender=newcomer)
    # Raw transactions from here on for the treasury: ape must not send from it again.
    addresses = _stake_many(chain, foundation.token, court, treasury.address, 999, stake)
    book.record("court.stake", court.setStake(stake, sender=newcomer))
    book.record("court.stake_increase", court.setStake(2 * stake, sender=newcomer))

    trade_id = _paid_trade(escrow, book_, offer, signature, buyer)
    cost = court.arbitrationCost(b"")
    record = book_.record(trade_id).as_tuple()
    book_.apply(escrow.dispute(trade_id, record, sender=buyer, value=cost))
    # The seller's deposit completes the fees: the escrow creates the dispute at the court.
    disputed = escrow.dispute(
        trade_id, book_.record(trade_id).as_tuple(), sender=seller, value=cost
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
        usdc.mint(holder, 1_000_000 * USDC_UNIT, sender=holder)
    usdc.approve(swap, UNLIMITED, sender=sender)

    def terms(preimage: bytes, token: str, amount: int, timelock: int) -> tuple:
        hashlock = hashlib.sha256(preimage).digest()
        return (hashlock, token, amount, sender.address, recipient.address, timelock)

    def timelock() -> int:
        return chain.pending_timestamp + HOUR

    # A swap the contract keeps holding: its token balance is non-zero from here on.
    swap.lockToken(
        hashlib.sha256(b"\x01" * 32).digest(), usdc, USDC_UNIT, recipient, timelock(), sender=sender
    )

    eth, eth_refund = b"\x02" * 32, b"\x03" * 32
    eth_terms = terms(eth, ZERO_ADDRESS, ETHER // 10, timelock())
    book.record(
        "htlc.lock_eth",
        swap.lock(eth_terms[0], recipient, eth_terms[5], sender=sender, value=ETHER // 10),
    )
    book.record(
        "htlc.claim_eth",
        swap.claim(eth, ETHER // 10, sender, eth_terms[5], sender=recipient),
    )
    refund_terms = terms(eth_refund, ZERO_ADDRESS, ETHER // 10, timelock())
    swap.lock(refund_terms[0], recipient, refund_terms[5], sender=sender, value=ETHER // 10)
    chain.pending_timestamp = refund_terms[5]
    book.record(
        "htlc.refund_eth",
        swap.refund(refund_terms[0], ETHER // 10, recipient, refund_terms[5], sender=sender),
    )

    token, token_refund = b"\x04" * 32, b"\x05" * 32
    token_terms = terms(token, usdc.address, 100 * USDC_UNIT, timelock())
    book.record(
        "htlc.lock_erc20",
        swap.lockToken(
            token_terms[0], usdc, 100 * USDC_UNIT, recipient, token_terms[5], sender=sender
        ),
    )
    book.record(
        "htlc.claim_erc20",
        swap.claimToken(token, usdc, 100 * USDC_UNIT, sender, token_terms[5], sender=recipient),
    )
    refund_terms = terms(token_refund, usdc.address, 100 * USDC_UNIT, timelock())
    swap.lockToken(
        refund_terms[0], usdc, 100 * USDC_UNIT, recipient, refund_terms[5], sender=sender
    )
    chain.pending_timestamp = refund_terms[5]
    book.record(
        "htlc.refund_erc20",
        swap.refundToken(
            refund_terms[0], usdc, 100 * USDC_UNIT, recipient, refund_terms[5], sender=sender
        ),
    )


# The measured lending market: five 18-decimal collateral assets at 1,000 USD, each with a
# primary (8 decimals) and a fallback (18 decimals) feed; identity limits that never bind.
COLLATERAL_PRICE = 1_000  # USD per whole unit
LENDING_LOT = 100_000 * TOKEN_UNIT
LENDING_DEBT_PER_AUCTION = 50_000 * USDC_UNIT


def _lending_market(project, accounts, foundation, collateral_count: int):
    """A USDC market with `collateral_count` listed collateral assets priced by mock feeds.
    Returns (market, auction, usdc, [(asset, primary feed, fallback feed)])."""
    deployer = accounts.test_accounts[0]
    governance = accounts[foundation.timelock.address]
    governance.balance = ETHER
    usdc = deployer.deploy(project.MockERC20, "USD Coin", "USDC", 6)
    foundation.registry.addToken(usdc, "USD Coin", "USDC", 6, b"\x00" * 32, sender=governance)
    oracle = deployer.deploy(project.PriceOracle, foundation.timelock)
    market = deployer.deploy(
        project.LendingMarket,
        foundation.timelock,
        usdc,
        oracle,
        foundation.identity,
        foundation.registry,
        foundation.token,
        LENDING_LOT,
        LENDING_DEBT_PER_AUCTION,
    )
    auction = project.DebtAuction.at(market.debtAuction(), fetch_from_explorer=False)
    foundation.token.grantMinter(auction, sender=governance)
    assets = []
    for i in range(collateral_count):
        asset = deployer.deploy(project.MockERC20, f"Collateral {i}", f"COL{i}", 18)
        feeds = [
            deployer.deploy(project.MockAggregator, decimals, "COL / USD", 0)
            for decimals in (8, 18)
        ]
        _set_price((asset, *feeds), COLLATERAL_PRICE, deployer)
        oracle.setFeeds(asset, (feeds[0], HOUR, 8), (feeds[1], DAY, 18), sender=governance)
        market.listCollateral(asset, (8_000, 8_500, 500, 0, 10**30), sender=governance)
        assets.append((asset, *feeds))
    market.setTierCap(0, 100_000_000 * USDC_UNIT, sender=governance)
    for level in range(4):
        foundation.identity.setLimit(usdc, level, UNLIMITED, UNLIMITED, sender=governance)
    return market, auction, usdc, assets


def _set_price(asset_feeds: tuple, price, sender) -> None:
    """Both feeds of an asset answer `price` (USD, any precision down to 1e-8) from now."""
    _, primary, fallback = asset_feeds
    answer = int(price * 10**8)
    primary.setAnswer(answer, sender=sender)
    fallback.setAnswer(answer * 10**10, sender=sender)


def measure_lending(project, chain, accounts, book: GasBook) -> None:
    """Lending operations in steady state: every party has used the market before, holds the
    tokens it receives and approved the market; a minute passes before each measured
    transaction, so it accrues interest.

    `lending.borrow` values one collateral asset; `lending.borrow_5_collaterals` a position of
    five assets, each a fifth of what the debt needs, so all five prices are read.
    `lending.liquidate` repays half the debt of a one-asset position at health 0.98.
    `lending.auction_bid` is the first bid of a debt auction (it pays the market) by a bidder
    who won the previous one."""
    deployer, treasury, guardian = accounts.test_accounts[:3]
    supplier, borrower, wide, liquidator, bidder, victim = accounts.test_accounts[4:10]
    foundation = deploy_foundation(
        Deployer(project, chain, deployer, log=lambda _: None),
        FoundationParams(treasury=treasury.address, guardian=guardian.address),
    )
    market, auction, usdc, assets = _lending_market(project, accounts, foundation, 5)
    for account in (supplier, borrower, wide, liquidator, bidder, victim):
        usdc.mint(account, 10_000_000 * USDC_UNIT, sender=account)
        usdc.approve(market, UNLIMITED, sender=account)
        usdc.approve(auction, UNLIMITED, sender=account)
        for asset, _, _ in assets:
            asset.mint(account, 1_000 * ETHER, sender=account)
            asset.approve(market, UNLIMITED, sender=account)
    first = assets[0][0]

    market.deposit(1_000_000 * USDC_UNIT, supplier, sender=supplier)
    market.depositCollateral(first, 10 * ETHER, sender=borrower)
    market.borrow(1_000 * USDC_UNIT, sender=borrower)

    def later():  # a minute passes: interest accrues in the measured transaction
        chain.pending_timestamp += MINUTE

    later()
    book.record("lending.supply", market.deposit(100_000 * USDC_UNIT, supplier, sender=supplier))
    later()
    book.record(
        "lending.deposit_collateral", market.depositCollateral(first, ETHER, sender=borrower)
    )
    later()
    book.record("lending.borrow", market.borrow(1_000 * USDC_UNIT, sender=borrower))
    later()
    book.record("lending.repay", market.repay(borrower, 500 * USDC_UNIT, sender=borrower))
    later()
    book.record(
        "lending.withdraw_collateral",
        market.withdrawCollateral(first, ETHER, borrower, sender=borrower),
    )

    # One unit of each asset: 1,000 USD, borrowing power 800 USD each; a debt above 3,200
    # USD needs all five.
    for asset, _, _ in assets:
        market.depositCollateral(asset, ETHER, sender=wide)
    market.borrow(3_500 * USDC_UNIT, sender=wide)
    later()
    book.record("lending.borrow_5_collaterals", market.borrow(100 * USDC_UNIT, sender=wide))

    # Health 0.98: the price at which 10 units (liquidation threshold 85%) cover 98% of the debt.
    market.borrow(6_000 * USDC_UNIT, sender=borrower)
    debt = market.debtOf(borrower) / USDC_UNIT
    _set_price(assets[0], round(debt * 0.98 / (10 * 0.85), 8), deployer)
    later()
    book.record(
        "lending.liquidate", market.liquidate(borrower, first, UNLIMITED, sender=liquidator)
    )
    _set_price(assets[0], COLLATERAL_PRICE, deployer)

    # Debt auctions: a one-asset position crashes to a tenth, its liquidation leaves bad debt.
    last = assets[-1]
    for round_ in range(2):
        market.depositCollateral(last[0], ETHER, sender=victim)
        market.borrow(790 * USDC_UNIT, sender=victim)
        _set_price(last, COLLATERAL_PRICE / 10, deployer)
        market.liquidate(victim, last[0], UNLIMITED, sender=liquidator)
        _set_price(last, COLLATERAL_PRICE, deployer)
        auction.start(sender=bidder)
        auction_id = auction.liveAuction()
        later()
        bid = auction.bid(auction_id, auction.auctionOf(auction_id).lot, sender=bidder)
        if round_ == 1:
            book.record("lending.auction_bid", bid)
        chain.pending_timestamp += int(auction.BID_DURATION())
        auction.settle(auction_id, sender=bidder)
        for feeds in assets:  # the feeds answer again, as live feeds do within their heartbeat
            _set_price(feeds, COLLATERAL_PRICE, deployer)


def run(project, chain, accounts, out: Callable[[str], None] = print) -> GasBook:
    book = GasBook()
    measures = (
        measure_foundation,
        measure_escrow,
        measure_court,
        measure_swap,
        measure_lending,
        measure_sizes,
    )
    for measure in measures:
        snapshot = chain.snapshot()
        measure(project, chain, accounts, book)
        chain.restore(snapshot)
    book.write()
    out(book.table())
    out(f"\nwritten to {OUTPUT}")
    return book
