"""The escrow scenarios of `make demo`: a happy-path USDC sale, a trade cancelled after the
payment window, and a dispute where the seller refuses to release after being paid and loses
the bond. Runs after the governance scenario has listed USDC and authorized the escrow."""

from __future__ import annotations

from eth_utils import keccak

from openotc import escrow as sdk
from openotc.units import DAY, ETHER, UNLIMITED, USDC_UNIT


class EscrowDemo:
    def __init__(self, chain, say, escrow, arbitrator, usdc, proxy):
        self.chain = chain
        self.say = say
        self.escrow = escrow
        self.arbitrator = arbitrator
        self.usdc = usdc
        self.proxy = proxy
        self.book = sdk.TradeBook(escrow)

    # ------------------------------------------------------------ helpers

    def balances(self, people: dict) -> None:
        cells = [
            f"{name} {self.usdc.balanceOf(account) / USDC_UNIT:,.2f}"
            for name, account in people.items()
        ]
        cells.append(f"escrow {self.usdc.balanceOf(self.escrow) / USDC_UNIT:,.2f}")
        self.say("USDC: " + " | ".join(cells))

    def act(self, method: str, trade_id: bytes, *args, sender, value: int = 0):
        record = self.book.record(trade_id).as_tuple()
        extra = {"value": value} if value else {}
        receipt = getattr(self.escrow, method)(trade_id, record, *args, sender=sender, **extra)
        self.book.apply(receipt)
        return receipt

    def take(self, offer, signature, amount: int, taker) -> bytes:
        receipt = self.escrow.openTrade(offer.as_tuple(), signature, amount, sender=taker)
        self.book.apply(receipt)
        trade_id = bytes(receipt.decode_logs(self.escrow.TradeOpened)[0].tradeId)
        record = self.book.record(trade_id)
        self.say(
            f"trade {trade_id.hex()[:10]}… opened: {record.amount / USDC_UNIT:,.0f} USDC + "
            f"{record.bond / USDC_UNIT:,.0f} bond locked from the seller"
        )
        return trade_id

    # ------------------------------------------------------------ scenarios

    def run(self, say_section, alice, bob, decide) -> None:
        """`decide(dispute_id)` brings the arbitrator to its ruling (the court's jurors)."""
        people = {"alice": alice, "bob": bob}
        self.usdc.mint(alice, 20_000 * USDC_UNIT, sender=alice)
        self.usdc.approve(self.proxy, UNLIMITED, sender=alice)

        offer = sdk.build_offer(
            alice.address,
            self.usdc.address,
            (200 * USDC_UNIT, 10_000 * USDC_UNIT),
            "1.0002",
            self.chain.pending_timestamp + 7 * DAY,
            payment_methods="SEPA, Revolut",
            terms="Reference the trade id in the transfer.",
            min_level=1,
        )
        signature = sdk.sign_offer(offer, self.escrow.address, self.chain.chain_id, alice)

        say_section("Escrow 1: alice sells 1,000 USDC to bob (happy path)")
        self.say("alice signs an offer off-chain: 200-10,000 USDC at 1.0002 USD, 1 h to pay")
        self.balances(people)
        trade = self.take(offer, signature, 1_000 * USDC_UNIT, bob)
        self.act("markPaid", trade, keccak(text="SEPA ref 4711"), sender=bob)
        self.say("bob wires 1,000.20 USD and marks the trade paid")
        chat = sdk.ChatTree(
            trade,
            [
                sdk.ChatMessage(0, bob.address, self.chain.pending_timestamp, "Hi, paying now"),
                sdk.ChatMessage(1, alice.address, self.chain.pending_timestamp, "OK"),
                sdk.ChatMessage(2, bob.address, self.chain.pending_timestamp, "Sent, ref 4711"),
            ],
        )
        self.act("anchorChat", trade, chat.root, len(chat.messages), sender=bob)
        proven = self.escrow.verifyChatMessage(trade, bob, chat.message(2), chat.proof(2))
        self.say(f"bob anchors the chat's Merkle root; message 2 provable on chain: {proven}")
        receipt = self.act("release", trade, sender=alice)
        released = receipt.decode_logs(self.escrow.TradeReleased)[0]
        self.say(
            f"alice sees the money and releases: bob gets {released.toBuyer / USDC_UNIT:,.2f}, "
            f"fee {released.fee / USDC_UNIT:,.2f}, alice's bond returns"
        )
        self.balances(people)
        self.act("review", trade, 5, keccak(text="fast payer"), sender=alice)
        self.act("review", trade, 5, keccak(text="smooth"), sender=bob)
        for name, account in people.items():
            rating = self.escrow.ratingOf(account)
            stats = self.escrow.statsOf(account, self.usdc)
            volume = stats.volume / USDC_UNIT
            self.say(
                f"{name}: {stats.tradesCompleted} trade(s), volume {volume:,.0f} USDC, "
                f"rating {rating.sum}/{rating.count}"
            )

        say_section("Escrow 2: bob takes 500 USDC, never pays; alice cancels after the window")
        trade = self.take(offer, signature, 500 * USDC_UNIT, bob)
        deadline = self.book.record(trade).payment_deadline
        self.chain.mine(timestamp=deadline)
        self.say("one hour passes without a payment")
        self.act("cancel", trade, sender=alice)
        self.say("alice cancels: amount and bond return to her")
        self.balances(people)

        say_section("Escrow 3: bob pays, alice refuses to release, the juror court decides")
        trade = self.take(offer, signature, 2_000 * USDC_UNIT, bob)
        self.act("markPaid", trade, keccak(text="SEPA ref 4712"), sender=bob)
        self.say("bob pays 2,000.40 USD and marks paid; alice stays silent")
        cost = self.arbitrator.arbitrationCost(b"")
        receipt = self.act("dispute", trade, "ipfs://openotc/meta-evidence", sender=bob, value=cost)
        dispute_id = receipt.decode_logs(self.escrow.TradeDisputed)[0].disputeId
        self.say(f"bob disputes (pays {cost / ETHER} ETH to the arbitrator): dispute #{dispute_id}")
        self.act("submitEvidence", trade, "ipfs://openotc/bank-statement", sender=bob)
        self.say("bob submits his bank statement as ERC-1497 evidence")
        before = self.usdc.balanceOf(bob)
        decide(dispute_id)
        gained = (self.usdc.balanceOf(bob) - before) / USDC_UNIT
        self.say(f"the escrow follows the ruling for bob: he receives {gained:,.2f} USDC")
        self.say("(the 2,000 he paid for, minus the fee, plus alice's 400 USDC bond)")
        self.balances(people)
        stats = self.escrow.statsOf(alice, self.usdc)
        self.say(f"alice's record: {stats.disputesLost} dispute(s) lost")
        treasury = self.escrow.treasury()
        before = self.usdc.balanceOf(treasury)
        self.escrow.collectFees(self.usdc, sender=bob)
        collected = (self.usdc.balanceOf(treasury) - before) / USDC_UNIT
        self.say(f"anyone may send the accrued fees to the treasury: {collected:,.2f} USDC")
