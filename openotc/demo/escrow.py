"""The escrow scenarios of `make demo`, run after the governance scenario has listed USDC,
authorized the escrow, set the identity limits and published dispute policy #1:

1. a happy-path USDC sale (the trade records the dispute policy in force);
2. a trade never paid, cancelled by the seller after the payment window;
3. an offer taken in full and cancelled by its taker: the amount goes back to the offer;
4. an unverified buyer splitting a trade: the rolling 30-day limit refuses the rest;
5. a buyer who disputes at once: the fee window opens, and the seller, who was paid,
   releases inside it - a normal release, the seller keeps the bond, the buyer's fee deposit
   comes back;
6. a dispute the other side neither pays nor concedes: it loses by default after the window;
7. a dispute both sides pay: the juror court rules, and the winner's deposit comes back."""

from __future__ import annotations

from datetime import datetime, timezone

from eth_utils import keccak

from openotc import escrow as sdk
from openotc.demo.identity import limits_of
from openotc.demo.refusals import refused
from openotc.units import DAY, ETHER, MINUTE, UNLIMITED, USDC_UNIT


def _usdc(amount: int) -> str:
    return f"{amount / USDC_UNIT:,.2f} USDC"


def _eth(amount: int) -> str:
    return f"{amount / ETHER:g} ETH"


def _expect(actual, expected, what: str) -> None:
    """Stops the demo when the contracts did not do what the scenario tells."""
    if actual != expected:
        raise RuntimeError(f"{what}: expected {expected}, got {actual}")


def _when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


class EscrowDemo:
    def __init__(self, chain, say, escrow, arbitrator, usdc, proxy, identity):
        self.chain = chain
        self.say = say
        self.escrow = escrow
        self.arbitrator = arbitrator
        self.usdc = usdc
        self.proxy = proxy
        self.identity = identity
        self.book = sdk.TradeBook(escrow)
        self.fee_window = escrow.FEE_WINDOW()
        self.heidi_traded_at = 0  # when heidi's split trades opened (scenario 4)

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

    def refused_take(self, offer, signature, amount: int, taker):
        return refused(self.escrow, "openTrade", [offer.as_tuple(), signature, amount], taker)

    def returned_eth(self, receipt, account) -> int:
        """Wei of arbitration fee deposits that `receipt` returned (or credited) to `account`."""
        return sum(
            log.amount
            for log in receipt.decode_logs(self.escrow.FeeDepositReturned)
            if log.to == account.address
        )

    def open_fee_window(self, trade_id: bytes, party, name: str, other: str) -> int:
        """`party` deposits the arbitration cost on a Paid trade; returns the window's end."""
        cost = self.arbitrator.arbitrationCost(b"")
        receipt = self.act("dispute", trade_id, sender=party, value=cost)
        paid = receipt.decode_logs(self.escrow.DisputeFeePaid)[0]
        status = sdk.Status(self.book.record(trade_id).status).name
        self.say(
            f"{name} disputes and deposits {_eth(paid.amount)}, the arbitration cost: status "
            f"{status}; {other} has {self.fee_window // DAY} days, until {_when(paid.deadline)}, "
            "to deposit as much or to concede"
        )
        return paid.deadline

    # ------------------------------------------------------------ scenarios

    def run(self, say_section, alice, bob, heidi, keeper, decide) -> None:
        """`decide(dispute_id)` brings the arbitrator to its ruling (the court's jurors) and
        returns the receipt that delivered it; `keeper` is any account (settles by default)."""
        self.usdc.mint(alice, 20_000 * USDC_UNIT, sender=alice)
        self.usdc.approve(self.proxy, UNLIMITED, sender=alice)
        expiry = self.chain.pending_timestamp + 7 * DAY
        offer = sdk.build_offer(
            alice.address,
            self.usdc.address,
            (200 * USDC_UNIT, 10_000 * USDC_UNIT),
            "1.0002",
            expiry,
            payment_methods="SEPA, Revolut",
            terms="Reference the trade id in the transfer.",
            min_level=1,
        )
        signature = sdk.sign_offer(offer, self.escrow.address, self.chain.chain_id, alice)
        # A second offer, open to unverified buyers (level 0), of at most 5,000 USDC.
        small = sdk.build_offer(
            alice.address,
            self.usdc.address,
            (100 * USDC_UNIT, 5_000 * USDC_UNIT),
            "1.0005",
            expiry,
            payment_methods="SEPA",
            terms="Small amounts, no verification needed.",
            nonce=2,
        )
        small_signature = sdk.sign_offer(small, self.escrow.address, self.chain.chain_id, alice)

        self._happy_path(say_section, alice, bob, offer, signature)
        self._unpaid(say_section, alice, bob, offer, signature)
        self._refill(say_section, alice, bob, heidi, small, small_signature)
        self._volume_limit(say_section, alice, heidi, small, small_signature)
        self._conceded(say_section, alice, bob, offer, signature)
        self._by_default(say_section, alice, bob, keeper, offer, signature)
        self._ruled(say_section, alice, bob, offer, signature, decide)
        days = (self.chain.pending_timestamp - self.heidi_traded_at) / DAY
        self.say(
            f"{days:.0f} days after her trades, heidi's rolling volume has drained: headroom "
            f"{_usdc(self.escrow.volumeHeadroom(heidi, self.usdc))}"
        )

    def _happy_path(self, say_section, alice, bob, offer, signature) -> None:
        people = {"alice": alice, "bob": bob}
        say_section("Escrow 1: alice sells 1,000 USDC to bob (happy path)")
        self.say("alice signs an offer off-chain: 200-10,000 USDC at 1.0002 USD, 1 h to pay")
        self.balances(people)
        trade = self.take(offer, signature, 1_000 * USDC_UNIT, bob)
        self.say(
            f"the trade records dispute policy #{self.book.record(trade).policy_id}, the one "
            "governance set: neither party can choose another later"
        )
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

    def _unpaid(self, say_section, alice, bob, offer, signature) -> None:
        say_section("Escrow 2: bob takes 500 USDC, never pays; alice cancels after the window")
        trade = self.take(offer, signature, 500 * USDC_UNIT, bob)
        deadline = self.book.record(trade).payment_deadline
        self.chain.mine(timestamp=deadline)
        self.say("one hour passes without a payment")
        receipt = self.act("cancel", trade, sender=alice)
        refill = receipt.decode_logs(self.escrow.OfferRefilled)[0]
        self.say(
            f"alice cancels: amount and bond return to her; the {_usdc(refill.amount)} go back "
            "to the offer and to both parties' 30-day volume"
        )
        self.balances({"alice": alice, "bob": bob})

    def _refill(self, say_section, alice, bob, heidi, small, signature) -> None:
        say_section("Escrow 3: an offer taken in full, cancelled by its taker, is available again")
        offer_hash = self.escrow.hashOffer(small.as_tuple())
        self.say("alice signs a second offer, open to unverified buyers: 100-5,000 USDC")
        trade = self.take(small, signature, 5_000 * USDC_UNIT, bob)
        self.say("bob takes all of it")
        refusal = self.refused_take(small, signature, 1_000 * USDC_UNIT, heidi)
        self.say(
            f"heidi asks for 1,000 USDC of it: refused, {refusal.error} "
            f"(remaining {_usdc(refusal['remaining'])})"
        )
        receipt = self.act("cancel", trade, sender=bob)
        refill = receipt.decode_logs(self.escrow.OfferRefilled)[0]
        fill = self.escrow.fillOf(offer_hash)
        _expect(fill.filled, 0, "the offer's fill after the cancel")
        self.say(
            f"bob cancels before paying (a buyer may, until the trade settles): OfferRefilled "
            f"gives {_usdc(refill.amount)} back to the offer; taken now {_usdc(fill.filled)} "
            f"after {fill.takes} take(s); alice's amount and bond return to her"
        )
        self.say("taking and cancelling again and again leaves the offer as it was")

    def _volume_limit(self, say_section, alice, heidi, small, signature) -> None:
        say_section("Escrow 4: heidi, unverified, splits a trade; the 30-day limit refuses it")
        level, per_trade, per_period = limits_of(self.identity, heidi, self.usdc)
        self.say(
            f"heidi holds no attestation: level {level}, {_usdc(per_trade)} per trade, "
            f"{_usdc(per_period)} per 30 days; she wants 2,500 USDC"
        )
        refusal = self.refused_take(small, signature, 2_500 * USDC_UNIT, heidi)
        self.say(f"one trade of 2,500: refused, {refusal.error} (limit {_usdc(refusal['limit'])})")
        first = self.take(small, signature, 1_000 * USDC_UNIT, heidi)
        second = self.take(small, signature, 1_000 * USDC_UNIT, heidi)
        self.heidi_traded_at = self.chain.pending_timestamp
        refusal = self.refused_take(small, signature, 1_000 * USDC_UNIT, heidi)
        self.say(
            f"a third 1,000: refused, {refusal.error}: limit {_usdc(refusal['limit'])} per "
            f"30 days, headroom {_usdc(refusal['headroom'])}"
        )
        self.say("the headroom grows back as the volume drains, by the limit over 30 days")
        for number, trade in enumerate((first, second), start=4713):
            self.act("markPaid", trade, keccak(text=f"SEPA ref {number}"), sender=heidi)
            self.act("release", trade, sender=alice)
        self.say("heidi pays for her two trades and alice releases them")
        self.balances({"alice": alice, "heidi": heidi})

    def _conceded(self, say_section, alice, bob, offer, signature) -> None:
        people = {"alice": alice, "bob": bob}
        say_section("Escrow 5: bob disputes at once; alice, paid, releases in the fee window")
        trade = self.take(offer, signature, 2_000 * USDC_UNIT, bob)
        self.act("markPaid", trade, keccak(text="SEPA ref 4716"), sender=bob)
        self.say("bob wires 2,000.40 USD and marks the trade paid")
        self.open_fee_window(trade, bob, "in the next block, bob", "alice")
        self.chain.pending_timestamp += 10 * MINUTE
        alice_before = self.usdc.balanceOf(alice)
        receipt = self.act("release", trade, sender=alice)
        released = receipt.decode_logs(self.escrow.TradeReleased)[0]
        bond = self.usdc.balanceOf(alice) - alice_before
        _expect(bond, self.book.record(trade).bond, "the conceding seller's bond returned")
        deposit = self.returned_eth(receipt, bob)
        _expect(deposit, self.arbitrator.arbitrationCost(b""), "the buyer's deposit returned")
        self.say(
            "ten minutes later alice sees the money on her account and releases: a normal "
            f"release. bob gets {_usdc(released.toBuyer)} (fee {_usdc(released.fee)}); alice "
            f"keeps her 20% bond: {_usdc(bond)} back to her"
        )
        self.say(f"bob's fee deposit comes back: {_eth(deposit)}; " "no dispute reaches the court")
        stats = self.escrow.statsOf(alice, self.usdc)
        self.say(f"alice's record: {stats.disputesLost} dispute(s) lost")
        self.balances(people)

    def _by_default(self, say_section, alice, bob, keeper, offer, signature) -> None:
        people = {"alice": alice, "bob": bob}
        say_section("Escrow 6: alice disputes; bob neither pays nor concedes and loses by default")
        trade = self.take(offer, signature, 1_500 * USDC_UNIT, bob)
        self.act("markPaid", trade, keccak(text="SEPA ref 4717"), sender=bob)
        self.say("bob marks the trade paid, but no money reaches alice")
        who = "alice, inside her confirmation window,"
        deadline = self.open_fee_window(trade, alice, who, "bob")
        passed = self.book.record(trade).as_tuple()
        refusal = refused(self.escrow, "settleByDefault", [trade, passed], keeper)
        closes = _when(refusal["closesAt"])
        self.say(f"settling at once is refused: {refusal.error} (closes {closes})")
        self.chain.pending_timestamp = deadline
        self.say(f"{self.fee_window // DAY} days pass: bob deposits nothing and does not cancel")
        receipt = self.act("settleByDefault", trade, sender=keeper)
        default = receipt.decode_logs(self.escrow.TradeResolvedByDefault)[0]
        ruling = sdk.Ruling(default.ruling)
        record = self.book.record(trade)
        _expect(ruling, sdk.Ruling.SELLER_WINS, "the ruling by default")
        _expect(default.toSeller, record.amount + record.bond, "the seller's payout by default")
        self.say(
            f"at the deadline anyone may settle; a keeper calls settleByDefault: ruling "
            f"{ruling.value} ({ruling.name}) by default"
        )
        self.say(
            f"alice gets back {_usdc(default.toSeller)} (amount + bond) and her "
            f"{_eth(self.returned_eth(receipt, alice))} deposit; bob gets {_usdc(default.toBuyer)}"
        )
        stats = self.escrow.statsOf(bob, self.usdc)
        self.say(f"bob's record: {stats.disputesLost} dispute(s) lost")
        self.balances(people)

    def _ruled(self, say_section, alice, bob, offer, signature, decide) -> None:
        people = {"alice": alice, "bob": bob}
        say_section("Escrow 7: bob disputes, alice pays her fee too, the juror court decides")
        trade = self.take(offer, signature, 2_000 * USDC_UNIT, bob)
        self.act("markPaid", trade, keccak(text="SEPA ref 4718"), sender=bob)
        self.say("bob pays 2,000.40 USD and marks paid; alice stays silent")
        self.open_fee_window(trade, bob, "bob", "alice")
        cost = self.arbitrator.arbitrationCost(b"")
        receipt = self.act("dispute", trade, sender=alice, value=cost)
        dispute_id = receipt.decode_logs(self.escrow.TradeDisputed)[0].disputeId
        policy = receipt.decode_logs(self.escrow.Dispute)[0]._metaEvidenceID  # ERC-1497 names
        self.say(
            f"alice, who says no money arrived, deposits {_eth(cost)} too: the escrow pays the "
            f"court and opens dispute #{dispute_id}, under policy #{policy} (the trade's)"
        )
        self.act("submitEvidence", trade, "ipfs://openotc/bank-statement", sender=bob)
        self.say("bob submits his bank statement as ERC-1497 evidence")
        before = self.usdc.balanceOf(bob)
        receipt = decide(dispute_id)
        self.book.apply(receipt)
        gained = self.usdc.balanceOf(bob) - before
        deposit = self.returned_eth(receipt, bob)
        _expect(deposit, cost, "the winner's fee deposit returned")
        self.say(f"the escrow follows the ruling for bob: he receives {_usdc(gained)}")
        self.say("(the 2,000 he paid for, minus the fee, plus alice's 400 USDC bond)")
        self.say(
            f"bob, the winner, gets his fee deposit back: {_eth(deposit)}; alice's paid the jurors"
        )
        self.balances(people)
        stats = self.escrow.statsOf(alice, self.usdc)
        self.say(f"alice's record: {stats.disputesLost} dispute(s) lost")
        treasury = self.escrow.treasury()
        before = self.usdc.balanceOf(treasury)
        self.escrow.collectFees(self.usdc, sender=bob)
        collected = (self.usdc.balanceOf(treasury) - before) / USDC_UNIT
        self.say(f"anyone may send the accrued fees to the treasury: {collected:,.2f} USDC")
