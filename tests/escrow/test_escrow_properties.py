"""Stateful properties of the OTC escrow: random sequences of signed offers (both sides, partial
fill ranges, tokens of 6 and 18 decimals and a USDC-style blacklist token whose issuer blacklists
and clears traders at random), takes, payments, releases, timeouts,
cancellations (which refill the offer), disputes with both parties' fee deposits (the fee
window, the second deposit, settlement by default once it closes unpaid, concessions by the
seller's release or the buyer's cancel while AwaitingFee or Disputed) ruled 0/1/2 through the
real SingleArbitrator, fee changes, pauses, fee collection and time jumps (to the second
before, at and after every deadline), by three makers and three takers, checked against a
model of every offer, every trade and every account's token and ether position.

Invariants, re-read from the chain after every step (one batched JSON-RPC round trip):
- conservation: for each token the escrow holds exactly the amount + bond of its open trades
  (Funded, Paid, AwaitingFee, Disputed) plus `accruedFees(token)` plus the credits
  (`creditOf`) of every account; every trader and the treasury hold exactly what the model
  says, and every account's ether is its start minus gas, fee deposits and arbitration costs
  plus the deposits returned (the arbitrator holds the costs); the escrow's ether is exactly
  the fee deposits of open trades plus the ETH credits;
- `filled(offerHash)` equals the model (taken by trades not cancelled) and stays within
  `maxAmount` (2**256-1 once cancelled);
- `tradeCommitment` of every trade is the hash of the model's record (which the SDK's
  `TradeBook` also tracks from events); a trade reaches one terminal state and its commitment
  never changes after it; a ruling for a trade conceded meanwhile changes nothing;
- an honest party never ends with less than it put in, measured on the Transfer events of the
  settling transaction: a seller whose trade was released or cancelled, or who won a dispute
  (by ruling or by default), gets its whole bond back (and the amount too when cancelled or
  won); a buyer who marked paid and was released or won gets the amount minus the fee of the
  fee snapshot taken at opening.
- deadlines hold to the second: as soon as a payment, confirmation or fee-window deadline or
  an offer's expiry exists, the calls it decides are dry-run at the second before, at and
  after it and must succeed or fail exactly as the model says (a successful dry run leaves
  no trace).

Rules send only the transactions the model says succeed; every refusal the model predicts
(overfills, amounts out of range or zero, expired or cancelled offers, forged signatures,
self-trades, wrong callers, statuses, deadlines and arbitration fees, deposits not awaited,
stale records, rulings by the wrong hand, governance by traders, withdrawals of no credit) is
run as an `eth_call` on the pending block, its timestamp pinned to the next transaction's, and
compared with the exact revert data: mined
failing transactions are slow under ape, and the unit tests cover the same refusals as real
transactions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from eth_utils import keccak, to_checksum_address
from hexbytes import HexBytes
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    initialize,
    invariant,
    precondition,
    rule,
)

from openotc import escrow as sdk
from openotc.escrow import Side, Status
from openotc.units import DAY, HOUR, UNLIMITED, ZERO_ADDRESS
from tests.utils.stateful import ChainMachine, Members, call_data, error_names

BPS = 10_000
MIN_PAYMENT_WINDOW = 15 * 60
MAX_PAYMENT_WINDOW = 3 * DAY
CONFIRMATION_WINDOW = 3 * DAY
FEE_WINDOW = 3 * DAY
RULING_CHOICES = 2
FUNDS_UNITS = 1_000_000  # whole tokens minted to each trader
INITIAL_FEE_BPS = 25
# A trade needs four or five steps from take to ruling: run at least this many per example.
STEPS = 50

OPEN = (Status.FUNDED, Status.PAID, Status.AWAITING_FEE, Status.DISPUTED)
TERMINAL = (Status.RELEASED, Status.CANCELLED, Status.RESOLVED)


OFFER_ARGUMENTS = {
    "maker": st.integers(0, 2),
    "token": st.integers(0, 2),
    "side": st.sampled_from(Side),
    "window": st.sampled_from([MIN_PAYMENT_WINDOW, HOUR, 2 * HOUR, DAY, MAX_PAYMENT_WINDOW])
    | st.integers(MIN_PAYMENT_WINDOW, MAX_PAYMENT_WINDOW)
    | st.sampled_from([MIN_PAYMENT_WINDOW - 1, MAX_PAYMENT_WINDOW + 1]),  # refused at take
    "ttl": st.integers(1, 7 * DAY),
    "publish": st.booleans(),
}


def _norm(value):
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return to_checksum_address(value)
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    return value


@dataclass
class OfferModel:
    offer: sdk.Offer
    signature: bytes
    digest: bytes
    filled: int = 0  # taken by trades not cancelled
    takes: int = 0  # trades opened from it: numbers their ids
    cancelled: bool = False

    @property
    def chain_filled(self) -> int:
        return UNLIMITED if self.cancelled else self.filled


@dataclass
class TradeModel:
    trade_id: bytes
    offer: OfferModel
    record: sdk.Trade
    seller: object  # ape accounts
    buyer: object
    fee_at_open: int
    marked_paid: bool = False
    # arbitration fee deposits (wei) while AwaitingFee or Disputed, and the fee window
    buyer_deposit: int = 0
    seller_deposit: int = 0
    fee_deadline: int = 0
    awaiting_buyer: bool = False
    dispute_id: int | None = None
    ruling: int | None = None  # by the arbitrator or by default
    # measured on the settling transaction's Transfer events
    to_buyer: int = 0
    to_seller: int = 0
    fee_taken: int = 0
    terminal: bytes | None = None  # commitment when the trade settled

    @property
    def status(self) -> Status:
        return Status(self.record.status)

    @property
    def locked(self) -> int:
        return self.record.amount + self.record.bond

    @property
    def deposits(self) -> int:
        """Wei the escrow holds for the trade: both deposits while AwaitingFee; once Disputed
        both equal the cost, one paid the arbitrator and the other is held for the winner."""
        if self.status == Status.DISPUTED:
            return self.buyer_deposit
        return self.buyer_deposit + self.seller_deposit


class EscrowMachine(ChainMachine):
    # Set by the test function before the machine runs (hypothesis cannot take fixtures).
    escrow = arbitrator = governance = guardian = ruler = treasury = None
    makers: tuple = ()
    takers: tuple = ()
    tokens: tuple = ()  # the last one blacklists accounts
    arbitration_cost = 0

    def __init__(self):
        super().__init__()
        self.traders = self.makers + self.takers
        e = self.escrow.address
        start = [(("decimals", t.address), t.address, call_data("decimals()")) for t in self.tokens]
        start += [
            (("minNonce", m.address), e, call_data("minNonce(address)", m.address))
            for m in self.makers
        ]
        start += [
            (("fees", t.address), e, call_data("accruedFees(address)", t.address))
            for t in self.tokens
        ]
        start += [
            (("feeBps",), e, call_data("feeBps()")),
            (("paused",), e, call_data("paused()")),
            (("policyId",), e, call_data("policyId()")),
            (("disputeCount",), self.arbitrator.address, call_data("disputeCount()")),
        ]
        read = {
            key: int(result, 16)
            for key, result in self._batch(
                [(key, *self.eth_call(to, data)) for key, to, data in start]
            ).items()
        }

        self.units = {t.address: 10 ** read[("decimals", t.address)] for t in self.tokens}
        self.blacklist_token = self.tokens[-1]
        self.blacklisted: set[str] = set()  # of the blacklist token
        self.book = sdk.TradeBook(self.escrow)
        self.error_names = error_names(self.escrow, self.arbitrator, self.tokens[-1])
        self.errors = Members(self.escrow)  # the escrow's errors, for the model's refusals
        self.commitments: dict[sdk.Trade, bytes] = {}  # record -> its commitment

        self.turn = 0  # calls of `_rotated`
        self.probed: set[tuple[bytes, int]] = set()  # (trade id or offer hash, deadline)
        self.fee_bps = read[("feeBps",)]
        self.paused = bool(read[("paused",)])
        self.min_nonce = {m.address: read[("minNonce", m.address)] for m in self.makers}
        self.next_dispute = read[("disputeCount",)]
        self.policy_id = read[("policyId",)]

        self.offers: dict[bytes, OfferModel] = {}
        self.trades: dict[bytes, TradeModel] = {}
        self.disputes: dict[int, TradeModel] = {}
        self.ruled: set[int] = set()  # disputes the arbitrator ruled
        self.fees = {t.address: read[("fees", t.address)] for t in self.tokens}
        # Payments credited to a recipient that could not receive them (token zero: ETH).
        # None before the machine starts: the first invariant check reads them.
        assets = [t.address for t in self.tokens] + [ZERO_ADDRESS]
        self.credits = {(a.address, asset): 0 for a in self.traders for asset in assets}

        # Token balances in one batched read (ape's view calls cost ~6 ms each).
        holders = [a.address for a in self.traders] + [self.treasury, self.escrow.address]
        balance_reads = [
            ((t.address, h), *self.eth_call(t.address, call_data("balanceOf(address)", h)))
            for t in self.tokens
            for h in holders
        ]
        self.balances = {key: int(result, 16) for key, result in self._batch(balance_reads).items()}
        ether = [a.address for a in (*self.traders, self.ruler)]
        ether += [self.arbitrator.address, self.escrow.address]
        eth_reads = [(a, "eth_getBalance", [a, "latest"]) for a in ether]
        self.eth = {a: int(result, 16) for a, result in self._batch(eth_reads).items()}
        assert self.eth[self.escrow.address] == 0
        for t, fees in self.fees.items():  # no trade open before the machine starts
            assert self.balances[(t, self.escrow.address)] == fees

        # What the invariants read every step besides offers and trades.
        e = self.escrow.address
        reads = [(("head",), "eth_getBlockByNumber", ["latest", False])]
        reads += [(("eth", a), "eth_getBalance", [a, "latest"]) for a in self.eth]
        views = [(("fees", t), e, call_data("accruedFees(address)", t)) for t in self.fees]
        views += [
            (("balance", t, h), t, call_data("balanceOf(address)", h)) for t, h in self.balances
        ]
        views += [(("minNonce", m), e, call_data("minNonce(address)", m)) for m in self.min_nonce]
        views += [(("feeBps",), e, call_data("feeBps()")), (("paused",), e, call_data("paused()"))]
        views += [
            (("credit", a, asset), e, call_data("creditOf(address,address)", a, asset))
            for a, asset in self.credits
        ]
        reads += [(key, *self.eth_call(to, data)) for key, to, data in views]
        self.static_reads = tuple(reads)

    # ------------------------------------------------------------ chain helpers

    def _send(self, method, *args, sender, value=0):
        tx = super()._send(method, *args, sender=sender, value=value)
        if sender.address in self.eth:
            self.eth[sender.address] -= tx.total_fees_paid + value
        self.book.apply(tx)
        return tx

    def _event(self, tx, event, contract=None) -> dict:
        address = (contract or self.escrow).address
        logs = [log for log in tx.decode_logs(event) if log.contract_address == address]
        assert len(logs) == 1, f"{event.abi.name}: {len(logs)} logs"
        return {k: _norm(v) for k, v in logs[0].event_arguments.items()}

    def _transfers(self, tx) -> list[tuple]:
        tokens = {t.address for t in self.tokens}
        return [
            (log.contract_address, log.event_arguments["from"], log.event_arguments["to"])
            + (log.event_arguments["value"],)
            for log in tx.decode_logs(self.tokens[0].Transfer)
            if log.contract_address in tokens
        ]

    def _move(self, token: str, source: str, target: str, value: int) -> tuple | None:
        self.balances[(token, source)] -= value
        self.balances[(token, target)] += value
        return (token, source, target, value) if value else None

    # ------------------------------------------------------------ model queries

    def _account(self, address: str):
        return next(a for a in self.traders if a.address == address)

    def _takeable(self, om: OfferModel) -> bool:
        o = om.offer
        return (
            not self.paused
            and self.now < o.expiry
            and o.nonce >= self.min_nonce[o.maker]
            and not om.cancelled
            and max(o.min_amount, 1) <= o.max_amount - om.filled
            and MIN_PAYMENT_WINDOW <= o.payment_window <= MAX_PAYMENT_WINDOW
        )

    def _take_error(self, om: OfferModel, amount: int, taker, genuine: bool) -> HexBytes | None:
        """The refusal `openTrade` must give, in the contract's order of checks."""
        e, o, digest = self.errors, om.offer, om.digest
        if self.paused:
            return self.error_data(e.EscrowPaused)
        if self.now >= o.expiry:
            return self.error_data(e.EscrowOfferExpired, offerHash=digest, expiry=o.expiry)
        floor = self.min_nonce[o.maker]
        if o.nonce < floor:
            return self.error_data(e.EscrowOfferNonceCancelled, nonce=o.nonce, minNonce=floor)
        if om.cancelled:
            return self.error_data(e.EscrowOfferCancelled, offerHash=digest)
        if amount == 0:  # a take of nothing would lock nothing
            return self.error_data(e.EscrowZeroAmount)
        if not o.min_amount <= amount <= o.max_amount:
            return self.error_data(
                e.EscrowAmountOutOfRange,
                amount=amount,
                minAmount=o.min_amount,
                maxAmount=o.max_amount,
            )
        remaining = o.max_amount - om.filled
        if amount > remaining:
            return self.error_data(
                e.EscrowOfferOverfilled, offerHash=digest, requested=amount, remaining=remaining
            )
        if not MIN_PAYMENT_WINDOW <= o.payment_window <= MAX_PAYMENT_WINDOW:
            return self.error_data(e.EscrowInvalidPaymentWindow, paymentWindow=o.payment_window)
        if not genuine:
            return self.error_data(e.EscrowInvalidSignature, maker=o.maker)
        if taker.address == o.maker:
            return self.error_data(e.EscrowSelfTrade, account=taker)
        seller = o.maker if o.side == Side.SELL_CRYPTO else taker.address
        if self._frozen(o.token, seller):  # the token refuses to move the seller's funds
            return self.error_data(self.blacklist_token.Blacklisted, account=seller)
        return None

    def _frozen(self, token: str, account: str) -> bool:
        return token == self.blacklist_token.address and account in self.blacklisted

    def _trade_error(self, method: str, tm: TradeModel, actor, value: int) -> HexBytes | None:
        """The refusal a trade method must give, in the contract's order of checks."""
        e, r, tid, now = self.errors, tm.record, tm.trade_id, self.now
        # by address: an ape account's `==` converts its operand (most of a model query's time)
        status, address = tm.status, actor.address
        buyer, seller = address == tm.buyer.address, address == tm.seller.address

        def wrong_status():
            return self.error_data(e.EscrowWrongStatus, tradeId=tid, status=status)

        if method == "markPaid":
            if not buyer:
                return self.error_data(e.EscrowNotBuyer, caller=actor)
            if status != Status.FUNDED:
                return wrong_status()
            if now >= r.payment_deadline:
                return self.error_data(
                    e.EscrowPaymentWindowClosed, tradeId=tid, closedAt=r.payment_deadline
                )
        elif method == "release":
            if not seller:
                return self.error_data(e.EscrowNotSeller, caller=actor)
            if status not in OPEN:  # a concession while AwaitingFee or Disputed
                return wrong_status()
        elif method == "releaseAfterTimeout":
            if not buyer:
                return self.error_data(e.EscrowNotBuyer, caller=actor)
            if status != Status.PAID:
                return wrong_status()
            if now < r.confirm_deadline:
                return self.error_data(
                    e.EscrowConfirmationWindowOpen, tradeId=tid, closesAt=r.confirm_deadline
                )
        elif method == "cancel":
            if seller:
                if status != Status.FUNDED:
                    return wrong_status()
                if now < r.payment_deadline:
                    return self.error_data(
                        e.EscrowPaymentWindowOpen, tradeId=tid, closesAt=r.payment_deadline
                    )
            elif buyer:
                if status not in OPEN:  # the buyer may give up until the trade settles
                    return wrong_status()
            else:
                return self.error_data(e.EscrowNotParty, caller=actor)
        elif method == "dispute":
            if not (buyer or seller):
                return self.error_data(e.EscrowNotParty, caller=actor)
            if status == Status.PAID:
                if seller and now >= r.confirm_deadline:
                    return self.error_data(
                        e.EscrowConfirmationWindowClosed, tradeId=tid, closedAt=r.confirm_deadline
                    )
                due = self.arbitration_cost
            elif status == Status.AWAITING_FEE:
                if buyer != tm.awaiting_buyer:
                    return self.error_data(e.EscrowFeeNotAwaited, tradeId=tid, caller=actor)
                if now >= tm.fee_deadline:
                    return self.error_data(
                        e.EscrowFeeWindowClosed, tradeId=tid, closedAt=tm.fee_deadline
                    )
                deposited = tm.buyer_deposit if buyer else tm.seller_deposit
                due = max(self.arbitration_cost - deposited, 0)
            else:
                return wrong_status()
            if value != due:
                return self.error_data(e.EscrowWrongArbitrationFee, sent=value, cost=due)
        elif method == "settleByDefault":  # anyone
            if status != Status.AWAITING_FEE:
                return wrong_status()
            if now < tm.fee_deadline:
                return self.error_data(e.EscrowFeeWindowOpen, tradeId=tid, closesAt=tm.fee_deadline)
        else:
            raise AssertionError(method)
        return None

    def _candidates(self, method: str, role: str) -> list[TradeModel]:
        value = self.arbitration_cost if method == "dispute" else 0
        return [
            tm
            for tm in self.trades.values()
            if self._trade_error(method, tm, getattr(tm, role), value) is None
        ]

    def _rotated(self, options: list) -> list:
        """`options` turned by one more place at each call: hypothesis favours the first of a
        choice, and the weights of the options should decide instead."""
        self.turn += 1
        k = self.turn % len(options)
        return options[k:] + options[:k]

    def _pending_disputes(self) -> list[int]:
        """Disputes the arbitrator has not ruled (their trade may be settled by concession)."""
        return [d for d in self.disputes if d not in self.ruled]

    # ------------------------------------------------------------ offers

    @initialize(data=st.data(), **OFFER_ARGUMENTS)
    def first_offer(self, data, maker, token, side, window, ttl, publish):
        """Every example starts with one offer; the window and expiry are fit for trading."""
        window = min(max(window, MIN_PAYMENT_WINDOW), MAX_PAYMENT_WINDOW)
        self.maker_signs_offer(data, maker, token, side, window, ttl + DAY, publish)

    @precondition(lambda self: sum(map(self._takeable, self.offers.values())) < 3)
    @rule(data=st.data(), **OFFER_ARGUMENTS)
    def maker_signs_offer(self, data, maker, token, side, window, ttl, publish):
        """Off chain (free); sometimes published on chain as well."""
        maker, token = self.makers[maker], self.tokens[token]
        unit = self.units[token.address]
        min_amount = data.draw(
            st.integers(0, 200 * unit) | st.sampled_from([0, 1, unit, 100 * unit]), label="min"
        )
        span = data.draw(
            st.integers(0, 2_000 * unit) | st.sampled_from([0, unit, 1_000 * unit]), label="span"
        )
        floor = self.min_nonce[maker.address]
        nonce = floor + data.draw(st.integers(0, 3), label="nonce")
        if floor and data.draw(st.integers(0, 7), label="stale nonce") == 7:
            nonce = floor - 1  # cancelled already by cancelOffersBelow
        offer = sdk.build_offer(
            maker.address,
            token.address,
            (min_amount, max(min_amount + span, 1)),
            "0.92",
            self.now + ttl,
            terms="reference the trade id",
            currency="EUR",
            payment_window=window,
            side=side,
            nonce=nonce,
        )
        digest = sdk.offer_hash(offer, self.escrow.address, self.chain_id)
        assert self._view(self.escrow.hashOffer, offer.as_tuple()) == digest
        signature = sdk.sign_offer(offer, self.escrow.address, self.chain_id, maker)
        self.offers.setdefault(digest, OfferModel(offer, signature, digest))

        if publish:
            tx = self._send(self.escrow.publishOffer, offer.as_tuple(), signature, sender=maker)
            logged = self._event(tx, self.escrow.OfferPublished)
            assert logged["offerHash"] == digest
            assert logged["maker"] == maker.address
            assert logged["signature"] == signature
            assert tuple(map(_norm, logged["offer"])) == offer.as_tuple()

    def _take(self, data):
        """A taker takes an offer: mostly a takeable one with an amount that fits, sometimes
        an overfill, an amount out of range or zero, a forged signature or a self-trade."""
        offers = list(self.offers.values())
        takeable = [om for om in offers if self._takeable(om)]
        if not takeable:  # a fresh offer, or the take would be refused
            self.maker_signs_offer(
                data,
                maker=data.draw(st.integers(0, 2), label="maker"),
                token=data.draw(st.integers(0, 2), label="token"),
                side=data.draw(st.sampled_from(Side), label="side"),
                window=data.draw(st.integers(MIN_PAYMENT_WINDOW, MAX_PAYMENT_WINDOW)),
                ttl=data.draw(st.integers(HOUR, 7 * DAY), label="ttl"),
                publish=False,
            )
            offers = list(self.offers.values())
            takeable = [om for om in offers if self._takeable(om)]
        if takeable and data.draw(st.integers(0, 9), label="pick") < 8:
            om = data.draw(st.sampled_from(takeable), label="offer")
        else:
            om = data.draw(st.sampled_from(offers), label="offer")
        o = om.offer
        maker = self._account(o.maker)
        taker = data.draw(st.sampled_from(self.takers + (maker,) * (len(self.takers) // 3)))
        genuine = data.draw(st.integers(0, 11), label="forged") < 11

        remaining = 0 if om.cancelled else o.max_amount - om.filled
        kind = data.draw(
            st.sampled_from(["fit"] * 6 + ["overfill", "outside", "zero"]), label="kind"
        )
        lowest = max(o.min_amount, 1)
        if kind == "zero":
            amount = 0
        elif kind == "fit" and lowest <= remaining:
            amount = data.draw(st.integers(lowest, min(o.max_amount, remaining)))
        elif kind == "overfill" and remaining < o.max_amount:
            amount = data.draw(st.integers(max(o.min_amount, remaining + 1), o.max_amount))
        else:
            outside = [o.max_amount + 1] + ([o.min_amount - 1] if o.min_amount else [])
            amount = data.draw(st.sampled_from(outside))

        signature = om.signature
        if not genuine:  # signed by someone else than the maker
            forger = self.takers[0] if self.takers[0].address != o.maker else self.takers[1]
            signature = sdk.sign_offer(o, self.escrow.address, self.chain_id, forger)
        args = (o.as_tuple(), signature, amount)

        if (error := self._take_error(om, amount, taker, genuine)) is not None:
            self._refused(error, self.escrow.openTrade, *args, sender=taker)
            return

        seller, buyer = (maker, taker) if o.side == Side.SELL_CRYPTO else (taker, maker)
        bond = sdk.bond_for(amount)
        assert self.balances[(o.token, seller.address)] >= amount + bond, "fund the traders more"
        tx = self._send(self.escrow.openTrade, *args, sender=taker)

        tid = sdk.trade_id(om.digest, om.takes)
        record = sdk.Trade.opened(
            seller.address,
            buyer.address,
            o.token,
            amount,
            self.fee_bps,
            self.head + o.payment_window,
            offer_hash=om.digest,
            opened_at=self.head,
            policy_id=self.policy_id,
        )
        assert record.bond == bond
        logged = self._event(tx, self.escrow.TradeOpened)
        assert (logged["tradeId"], logged["offerHash"], logged["taker"]) == (
            tid,
            om.digest,
            taker.address,
        )
        assert sdk.Trade.from_struct(logged["trade"]) == record
        moved = self._move(o.token, seller.address, self.escrow.address, amount + bond)
        # In, then to itself: the escrow measures the token's outbound transfer too.
        probe = (o.token, self.escrow.address, self.escrow.address, amount + bond)
        assert self._transfers(tx) == [moved, probe]
        # A trade id is never reused: a trade once opened keeps its own record.
        assert tid not in self.trades, f"trade id {tid.hex()} reused"
        om.filled += amount
        om.takes += 1
        self.trades[tid] = TradeModel(tid, om, record, seller, buyer, self.fee_bps)

    # ------------------------------------------------------------ trades

    def _trade_args(self, method: str, tm: TradeModel) -> tuple:
        extra = ()
        if method == "markPaid":
            extra = (keccak(text=f"payment of {tm.trade_id.hex()}"),)
        return (tm.trade_id, tm.record.as_tuple(), *extra)

    def _expect(self, method: str, tm: TradeModel, actor, value: int) -> None:
        """Dry-runs a trade call, which must succeed or fail exactly as the model says."""
        expected = self._trade_error(method, tm, actor, value)
        args = self._trade_args(method, tm)
        actual = self._dry_run(getattr(self.escrow, method), *args, sender=actor, value=value)
        assert actual == expected, f"{method} by {actor.address}: {expected!r} != {actual!r}"
        event(f"probed {method}: {'ok' if expected is None else 'refused'}")

    def _trade_call(self, method: str, tm: TradeModel, actor, value: int = 0) -> None:
        """Calls a trade method with the current record: sent if the model says it succeeds,
        else dry-run and compared with the exact refusal."""
        args = self._trade_args(method, tm)
        contract_method = getattr(self.escrow, method)
        if (error := self._trade_error(method, tm, actor, value)) is not None:
            self._refused(error, contract_method, *args, sender=actor, value=value)
            return

        tx = self._send(contract_method, *args, sender=actor, value=value)
        e, r = self.escrow, tm.record
        if method == "markPaid":
            deadline = self.head + CONFIRMATION_WINDOW
            logged = self._event(tx, e.TradePaid)
            assert logged == {
                "tradeId": tm.trade_id,
                "paymentReference": args[2],
                "confirmDeadline": deadline,
            }
            assert self._transfers(tx) == []
            tm.record = r.evolve(status=Status.PAID, confirm_deadline=deadline)
            tm.marked_paid = True
        elif method in ("release", "releaseAfterTimeout"):
            fee = r.amount * r.fee_bps // BPS
            logged = self._event(tx, e.TradeReleased)
            assert logged == {
                "tradeId": tm.trade_id,
                "by": actor.address,
                "toBuyer": r.amount - fee,
                "fee": fee,
            }
            # A concession by the seller: the buyer, who wins, takes back what it deposited.
            returns = self._close_fees(tm, buyer_wins=True)
            self._settle(tx, tm, Status.RELEASED, r.amount - fee, r.bond, fee, returns)
        elif method == "cancel":
            logged = self._event(tx, e.TradeCancelled)
            assert logged == {"tradeId": tm.trade_id, "by": actor.address}
            refilled = self._event(tx, e.OfferRefilled)
            assert refilled == {
                "offerHash": tm.offer.digest,
                "tradeId": tm.trade_id,
                "amount": r.amount,
            }
            tm.offer.filled -= r.amount  # the amount goes back to the offer
            returns = self._close_fees(tm, buyer_wins=False)
            self._settle(tx, tm, Status.CANCELLED, 0, r.amount + r.bond, 0, returns)
        elif method == "dispute":
            self._deposit(tx, tm, actor, value)
        elif method == "settleByDefault":
            self._settle_by_default(tx, tm)

    def _deposit(self, tx, tm: TradeModel, actor, value: int) -> None:
        """A party's arbitration fee: the first opens the other's fee window, the second
        creates the dispute at the arbitrator."""
        e, by_buyer = self.escrow, actor == tm.buyer
        self.eth[e.address] += value
        if by_buyer:
            tm.buyer_deposit += value
        else:
            tm.seller_deposit += value
        assert self._transfers(tx) == []
        other = tm.seller_deposit if by_buyer else tm.buyer_deposit
        if other < self.arbitration_cost:
            tm.fee_deadline = self.head + FEE_WINDOW
            tm.awaiting_buyer = not by_buyer
            assert self._event(tx, e.DisputeFeePaid) == {
                "tradeId": tm.trade_id,
                "by": actor.address,
                "amount": value,
                "deadline": tm.fee_deadline,
            }
            assert tx.decode_logs(e.TradeDisputed) == []
            tm.record = tm.record.evolve(status=Status.AWAITING_FEE)
            return
        dispute_id = self.next_dispute
        assert self._event(tx, e.DisputeFeePaid) == {
            "tradeId": tm.trade_id,
            "by": actor.address,
            "amount": value,
            "deadline": 0,
        }
        logged = self._event(tx, e.TradeDisputed)
        assert logged == {"tradeId": tm.trade_id, "disputeId": dispute_id, "by": actor.address}
        assert self._event(tx, e.Dispute) == {
            "_arbitrator": self.arbitrator.address,
            "_disputeID": dispute_id,
            "_metaEvidenceID": tm.record.policy_id,
            "_evidenceGroupID": int.from_bytes(tm.trade_id, "big"),
        }
        self.next_dispute += 1
        # The escrow pays the arbitrator one cost and holds the other deposit for the winner.
        cost = self.arbitration_cost
        self.eth[e.address] -= cost
        self.eth[self.arbitrator.address] += cost
        excess = [(tm.buyer, tm.buyer_deposit - cost), (tm.seller, tm.seller_deposit - cost)]
        self._eth_returned(tx, tm, excess)
        tm.buyer_deposit = tm.seller_deposit = cost
        tm.fee_deadline = 0
        tm.record = tm.record.evolve(status=Status.DISPUTED)
        tm.dispute_id = dispute_id
        self.disputes[dispute_id] = tm

    @staticmethod
    def _close_fees(tm: TradeModel, buyer_wins: bool) -> list[tuple]:
        """The fee deposits a concession returns: each to its payer while AwaitingFee, the
        held one to the winner once Disputed."""
        if tm.status == Status.AWAITING_FEE:
            return [(tm.buyer, tm.buyer_deposit), (tm.seller, tm.seller_deposit)]
        if tm.status == Status.DISPUTED:
            held = tm.buyer_deposit  # both deposits equal the cost; one is held
            return [(tm.buyer, held)] if buyer_wins else [(tm.seller, held)]
        return []

    def _settle_by_default(self, tx, tm: TradeModel) -> None:
        """The fee window closed unpaid: the paying party wins as its ruling would."""
        ruling = sdk.Ruling.SELLER_WINS if tm.awaiting_buyer else sdk.Ruling.BUYER_WINS
        to_buyer, to_seller, fee = self._ruled_payouts(tm.record, ruling)
        assert self._event(tx, self.escrow.TradeResolvedByDefault) == {
            "tradeId": tm.trade_id,
            "ruling": ruling,
            "toBuyer": to_buyer,
            "toSeller": to_seller,
        }
        tm.ruling = ruling
        returns = [(tm.buyer, tm.buyer_deposit), (tm.seller, tm.seller_deposit)]
        self._settle(tx, tm, Status.RESOLVED, to_buyer, to_seller, fee, returns)

    @staticmethod
    def _ruled_payouts(r: sdk.Trade, ruling: int) -> tuple[int, int, int]:
        """(to the buyer, to the seller, fee) of a ruling."""
        if ruling == sdk.Ruling.BUYER_WINS:
            fee = r.amount * r.fee_bps // BPS
            return r.amount - fee + r.bond, 0, fee
        if ruling == sdk.Ruling.SELLER_WINS:
            return 0, r.amount + r.bond, 0
        return r.amount // 2, r.amount - r.amount // 2 + r.bond, 0

    def _eth_returned(self, tx, tm: TradeModel, returns: list[tuple]) -> None:
        """The fee deposits `returns` (party, wei) went back, each with FeeDepositReturned."""
        logs = [
            (_norm(log.to), log.amount)
            for log in tx.decode_logs(self.escrow.FeeDepositReturned)
            if bytes(log.tradeId) == tm.trade_id
        ]
        assert logs == [(party.address, wei) for party, wei in returns if wei]
        for party, wei in returns:
            self.eth[self.escrow.address] -= wei
            self.eth[party.address] += wei

    def _settle(self, tx, tm, status, to_buyer, to_seller, fee, returns=()) -> None:
        """Books a terminal transition: the model's payouts, checked against the Transfer
        events, which are what the honest-party invariant measures, and the fee deposits
        returned."""
        assert tm.status in OPEN and tm.terminal is None, "a trade settles once"
        assert to_buyer + to_seller + fee == tm.locked, "a trade pays out what it locked"
        token, escrow = tm.record.token, self.escrow.address
        expected, deferred = [], []
        for party, value in ((tm.buyer, to_buyer), (tm.seller, to_seller)):
            if value and self._frozen(token, party.address):  # credited, withdrawn later
                self.credits[(party.address, token)] += value
                deferred.append((party.address, token, value))
                event("payment credited")
            elif value:
                expected.append(self._move(token, escrow, party.address, value))
        actual = self._transfers(tx)
        assert actual == expected
        logs = tx.decode_logs(self.escrow.PaymentDeferred)
        assert [(_norm(log.to), _norm(log.token), log.amount) for log in logs] == deferred
        credited = [(token, escrow, to, value) for to, _, value in deferred]
        for _, source, target, value in actual + credited:
            assert source == escrow
            if target == tm.buyer.address:
                tm.to_buyer += value
            elif target == tm.seller.address:
                tm.to_seller += value
        self._eth_returned(tx, tm, list(returns))
        tm.buyer_deposit = tm.seller_deposit = tm.fee_deadline = 0
        tm.fee_taken = fee
        self.fees[token] += fee
        tm.record = tm.record.evolve(status=status)
        tm.terminal = tm.record.commitment()

    # (method, role, weight): paying opens the later paths (timeout, disputes); a dispute
    # needs both deposits to reach the arbitrator, or a default once the fee window closed.
    _PARTY_ACTIONS = (
        ("markPaid", "buyer", 3),
        ("release", "seller", 1),
        ("releaseAfterTimeout", "buyer", 3),
        ("dispute", "buyer", 2),
        ("dispute", "seller", 2),
        ("settleByDefault", "buyer", 1),
        ("settleByDefault", "seller", 1),
        ("cancel", "buyer", 1),
        ("cancel", "seller", 1),
    )

    def _party_actions(self) -> list[tuple[str, str]]:
        """The open actions, each repeated by its weight."""
        return [
            (method, role)
            for method, role, weight in self._PARTY_ACTIONS
            if self._candidates(method, role)
            for _ in range(weight)
        ]

    def _party_acts(self, data):
        """A buyer marks paid, a seller releases (conceding, if a dispute started), a buyer
        takes the amount after the seller's silence, either cancels (the buyer conceding, if a
        dispute started), either deposits its arbitration fee (opening the other's fee window,
        or creating the dispute), either settles an unpaid fee window by default: one of the
        actions the model says is open right now, on one of the trades it is open for."""
        method, role = data.draw(st.sampled_from(self._rotated(self._party_actions())))
        tm = data.draw(st.sampled_from(self._candidates(method, role)), label="trade")
        value = self.arbitration_cost if method == "dispute" else 0
        self._trade_call(method, tm, getattr(tm, role), value)

    @precondition(lambda self: self.offers)
    @rule(data=st.data())
    def buyers_and_sellers_trade(self, data):
        """One move of the trading flow: a take, a party's action on a trade, or a ruling.
        (One rule rather than three: hypothesis turns random rules off in each example, and a
        flow needs all three. Hypothesis also favours the first rule by name, hence the names:
        this one, then offers, refusals, time and upkeep.)"""
        moves = ["party"] * 2 * bool(self._party_actions())
        moves += ["ruling"] * bool(self._pending_disputes()) + ["take"]
        move = data.draw(st.sampled_from(self._rotated(moves)), label="move")
        if move == "take":
            self._take(data)
        elif move == "party":
            self._party_acts(data)
        else:
            self._ruler_rules(data)

    # ------------------------------------------------------------ refusals

    @rule(data=st.data())
    def someone_tries_something_else(self, data):
        """Calls outside the happy paths, each checked against the exact refusal the model
        predicts: any trade method by any party or an outsider (with any arbitration fee),
        stale or forged trade records, rulings by the wrong hand, cancelling someone else's
        offer or an old nonce, governance by traders, collecting no fees, withdrawing no
        credit or a credit the token refuses."""
        attempts = ["trade call"] * 3 * bool(self.trades) + ["stale record"] * bool(self.trades)
        attempts += ["ruling"] * bool(self.disputes) + ["offer"] * bool(self.offers)
        attempts += ["fees"] * (not all(self.fees.values())) + ["governance", "withdraw"]
        attempt = data.draw(st.sampled_from(self._rotated(attempts)), label="attempt")
        if attempt == "trade call":
            self._anyone_calls_any_trade(data)
        elif attempt == "stale record":
            self._stale_or_forged_record(data)
        elif attempt == "ruling":
            self._bad_ruling(data)
        elif attempt == "offer":
            self._bad_offer_cancel(data)
        elif attempt == "withdraw":
            self._bad_withdrawal(data)
        elif attempt == "fees":
            token = next(t for t in self.tokens if not self.fees[t.address])
            caller = data.draw(st.sampled_from(self.traders), label="caller")
            error = self.error_data(self.escrow.EscrowNothingToCollect, token=token)
            self._refused(error, self.escrow.collectFees, token, sender=caller)
        else:
            self._bad_governance(data)

    def _anyone_calls_any_trade(self, data):
        """Mostly refusals (wrong caller, status, deadline or arbitration fee), sometimes a
        valid call, which is then sent."""
        tm = data.draw(st.sampled_from(list(self.trades.values())), label="trade")
        methods = ["markPaid", "release", "releaseAfterTimeout", "cancel", "dispute"]
        methods += ["settleByDefault"]
        method = data.draw(st.sampled_from(methods), label="method")
        who = data.draw(st.sampled_from(["buyer", "seller", "outsider"]), label="who")
        if who == "outsider":
            parties = (tm.buyer.address, tm.seller.address)
            outsiders = [a for a in self.traders if a.address not in parties]
            actor = data.draw(st.sampled_from(outsiders), label="outsider")
        else:
            actor = getattr(tm, who)
        value = 0
        if method == "dispute":
            value = self.arbitration_cost + data.draw(st.sampled_from([0, 1, -1]), label="fee")
        self._trade_call(method, tm, actor, value)

    def _bad_withdrawal(self, data):
        """A withdrawal of no credit, or of a credit the token still refuses to move."""
        (address, asset), credit = data.draw(
            st.sampled_from(sorted(self.credits.items())), label="credit"
        )
        account = self._account(address)
        if credit and self._frozen(asset, address):
            error = self.error_data(self.blacklist_token.Blacklisted, account=address)
        elif credit:  # a withdrawal that would succeed: to the zero address instead
            error = self.error_data(self.escrow.EscrowZeroAddress)
            self._refused(error, self.escrow.withdraw, asset, ZERO_ADDRESS, sender=account)
            return
        else:
            error = self.error_data(
                self.escrow.EscrowNothingToWithdraw, account=address, token=asset
            )
        self._refused(error, self.escrow.withdraw, asset, address, sender=account)

    def _stale_or_forged_record(self, data):
        e = self.escrow
        tm = data.draw(st.sampled_from(list(self.trades.values())), label="trade")
        tamper = data.draw(st.sampled_from(["status", "amount", "buyer", "unknown"]))
        r, tid = tm.record, tm.trade_id
        if tamper == "unknown":
            tid = keccak(tid)
            error = self.error_data(e.EscrowUnknownTrade, tradeId=tid)
        else:
            error = self.error_data(e.EscrowTradeMismatch, tradeId=tid)
            if tamper == "status":
                r = r.evolve(status=Status.PAID if r.status == Status.FUNDED else Status.FUNDED)
            elif tamper == "amount":
                r = r.evolve(amount=r.amount + 1)
            else:
                r = r.evolve(buyer=tm.seller.address)
        method = data.draw(st.sampled_from(["release", "cancel", "releaseAfterTimeout"]))
        actor = tm.buyer if method == "releaseAfterTimeout" else tm.seller
        self._refused(error, getattr(e, method), tid, r.as_tuple(), sender=actor)

    def _bad_ruling(self, data):
        a, e = self.arbitrator, self.escrow
        dispute_id = data.draw(st.sampled_from(sorted(self.disputes)), label="dispute")
        tm = self.disputes[dispute_id]
        ruled = dispute_id in self.ruled
        attempt = data.draw(
            st.sampled_from(["out of range", "again", "not ruler", "direct", "unknown", "forged"])
        )
        if attempt == "not ruler":
            caller = data.draw(st.sampled_from(self.traders))
            error = self.error_data(a.ArbitratorNotRuler, caller=caller)
            self._refused(error, a.giveRuling, dispute_id, 1, sender=caller)
        elif attempt in ("out of range", "again"):
            if ruled:
                ruling = data.draw(st.integers(0, RULING_CHOICES + 1), label="ruling")
                error = self.error_data(a.ArbitratorAlreadyRuled, disputeId=dispute_id)
            else:
                ruling = RULING_CHOICES + 1
                error = self.error_data(
                    a.ArbitratorInvalidRuling,
                    disputeId=dispute_id,
                    ruling=ruling,
                    choices=RULING_CHOICES,
                )
            self._refused(error, a.giveRuling, dispute_id, ruling, sender=self.ruler)
        elif attempt == "direct":  # a party calls the escrow's rule itself
            caller = data.draw(st.sampled_from([tm.buyer, tm.seller]))
            error = self.error_data(e.EscrowNotArbitrator, caller=caller)
            self._refused(error, e.rule, dispute_id, 1, sender=caller)
        elif attempt == "unknown":  # even the arbitrator cannot rule a dispute it did not open
            unknown = self.next_dispute + 7
            error = self.error_data(e.EscrowUnknownDispute, disputeId=unknown)
            self._refused(error, e.rule, unknown, 1, sender=a.address)
        else:  # the arbitrator itself: no ruling out of range
            ruling = RULING_CHOICES + 1
            error = self.error_data(e.EscrowInvalidRuling, ruling=ruling)
            self._refused(error, e.rule, dispute_id, ruling, sender=a.address)
            if tm.status != Status.DISPUTED:  # settled: a ruling now changes nothing
                assert self._dry_run(e.rule, dispute_id, 1, sender=a.address) is None

    def _bad_offer_cancel(self, data):
        e = self.escrow
        if data.draw(st.booleans(), label="someone else's offer"):
            om = data.draw(st.sampled_from(list(self.offers.values())), label="offer")
            caller = data.draw(st.sampled_from(self.takers), label="caller")
            error = self.error_data(e.EscrowNotMaker, caller=caller)
            self._refused(error, e.cancelOffer, om.offer.as_tuple(), sender=caller)
        else:
            maker = data.draw(st.sampled_from(self.makers), label="maker")
            current = self.min_nonce[maker.address]
            nonce = data.draw(st.integers(0, current), label="nonce")
            error = self.error_data(e.EscrowNonceNotIncreasing, nonce=nonce, current=current)
            self._refused(error, e.cancelOffersBelow, nonce, sender=maker)

    def _bad_governance(self, data):
        e = self.escrow
        trader = data.draw(st.sampled_from(self.traders), label="trader")
        attempt = data.draw(st.sampled_from(["fee too high", "fee", "pause", "unpause"]))
        if attempt == "fee too high":
            fee = data.draw(st.integers(101, 10_000), label="fee")
            error = self.error_data(e.EscrowFeeTooHigh, feeBps=fee, maxFeeBps=100)
            self._refused(error, e.setFee, fee, sender=self.governance)
        elif attempt == "fee":
            error = self.error_data(e.GovernedOnlyGovernance, caller=trader)
            self._refused(error, e.setFee, 1, sender=trader)
        elif attempt == "pause":
            error = self.error_data(e.GovernedOnlyGovernanceOrGuardian, caller=trader)
            self._refused(error, e.pause, sender=trader)
        else:  # the guardian may pause, not unpause
            caller = data.draw(st.sampled_from([trader, self.guardian]), label="caller")
            error = self.error_data(e.GovernedOnlyGovernance, caller=caller)
            self._refused(error, e.unpause, sender=caller)

    # ------------------------------------------------------------ arbitration

    def _ruler_rules(self, data):
        """The ruler gives ruling 0, 1 or 2 on a pending dispute through the arbitrator. The
        winner's fee deposit comes back (split if refused); a trade conceded meanwhile is
        settled already, and the ruling changes nothing."""
        ruling = data.draw(st.integers(0, RULING_CHOICES), label="ruling")
        dispute_id = data.draw(st.sampled_from(self._pending_disputes()), label="dispute")
        tm = self.disputes[dispute_id]
        tx = self._send(self.arbitrator.giveRuling, dispute_id, ruling, sender=self.ruler)
        self.ruled.add(dispute_id)

        assert self._event(tx, self.arbitrator.Ruled, self.arbitrator) == {
            "disputeId": dispute_id,
            "ruling": ruling,
        }
        assert self._event(tx, self.escrow.Ruling) == {
            "_arbitrator": self.arbitrator.address,
            "_disputeID": dispute_id,
            "_ruling": ruling,
        }
        if tm.status != Status.DISPUTED:
            event("ruling after a concession")
            assert tx.decode_logs(self.escrow.TradeResolved) == []
            assert self._transfers(tx) == []
            assert tx.decode_logs(self.escrow.FeeDepositReturned) == []
            return
        to_buyer, to_seller, fee = self._ruled_payouts(tm.record, ruling)
        assert self._event(tx, self.escrow.TradeResolved) == {
            "tradeId": tm.trade_id,
            "disputeId": dispute_id,
            "ruling": ruling,
            "toBuyer": to_buyer,
            "toSeller": to_seller,
        }
        held = tm.buyer_deposit
        buyer_share = {sdk.Ruling.BUYER_WINS: held, sdk.Ruling.SELLER_WINS: 0}.get(
            ruling, held // 2
        )
        tm.ruling = ruling
        returns = [(tm.buyer, buyer_share), (tm.seller, held - buyer_share)]
        self._settle(tx, tm, Status.RESOLVED, to_buyer, to_seller, fee, returns)

    # ------------------------------------------------------------ upkeep

    @rule(data=st.data())
    def upkeep(self, data):
        """Anyone sends the accrued fees to the treasury; governance changes the fee
        (snapshotted by trades opened after it), the guardian pauses and governance unpauses;
        a maker cancels one offer (taken or not, even twice) or all below a nonce; the
        blacklist token's issuer blacklists or clears a trader; a trader withdraws its
        credit."""
        withdrawable = [
            key for key, c in self.credits.items() if c and not self._frozen(key[1], key[0])
        ]
        actions = ["collect"] * 3 * any(self.fees.values()) + ["fee"] * 3
        # Parties of open trades in the blacklist token: blacklisting one can make a payout
        # fail (and be credited).
        exposed = [
            party
            for tm in self.trades.values()
            if tm.status in OPEN and tm.record.token == self.blacklist_token.address
            for party in (tm.buyer, tm.seller)
        ]
        actions += ["blacklist"] * (2 + 4 * bool(exposed))
        actions += ["withdraw"] * 6 * bool(withdrawable)
        actions += ["cancel offer"] * bool(self.offers) + ["cancel nonces", "pause"]
        action = data.draw(st.sampled_from(self._rotated(actions)), label="action")
        e = self.escrow
        if self.paused and data.draw(st.integers(0, 3), label="unpause first") < 3:
            action = "pause"  # keep pauses short: they stop every take
        if action == "collect":
            token = data.draw(st.sampled_from([t for t in self.tokens if self.fees[t.address]]))
            caller = data.draw(st.sampled_from(self.traders), label="caller")
            amount = self.fees[token.address]
            tx = self._send(e.collectFees, token, sender=caller)
            assert self._event(tx, e.FeesCollected) == {
                "token": token.address,
                "treasury": self.treasury,
                "amount": amount,
            }
            moved = self._move(token.address, e.address, self.treasury, amount)
            assert self._transfers(tx) == [moved]
            self.fees[token.address] = 0
        elif action == "pause":
            if self.paused:
                tx = self._send(e.unpause, sender=self.governance)
                assert self._event(tx, e.Unpaused) == {}
            else:
                tx = self._send(e.pause, sender=self.guardian)
                assert self._event(tx, e.Paused) == {"by": self.guardian.address}
            self.paused = not self.paused
        elif action == "cancel offer":
            om = data.draw(st.sampled_from(list(self.offers.values())), label="offer")
            maker = self._account(om.offer.maker)
            tx = self._send(e.cancelOffer, om.offer.as_tuple(), sender=maker)
            logged = self._event(tx, e.OfferCancelled)
            assert logged == {"offerHash": om.digest, "maker": maker.address}
            om.cancelled = True
        elif action == "blacklist":
            # Anyone; more often a party of an open trade in the token, and a blacklisted
            # trader with a credit (cleared, it withdraws).
            waiting = [
                self._account(a)
                for (a, asset), c in self.credits.items()
                if c and self._frozen(asset, a)
            ]
            candidates = self.traders + tuple(exposed) * 2 + tuple(waiting) * 6
            trader = data.draw(st.sampled_from(candidates), label="trader")
            listed = trader.address not in self.blacklisted
            token = self.blacklist_token
            # The mock takes the list from anyone: the guardian stands for the token's issuer.
            tx = self._send(token.setBlacklisted, trader, listed, sender=self.guardian)
            assert self._transfers(tx) == []
            if listed:
                self.blacklisted.add(trader.address)
            else:
                self.blacklisted.discard(trader.address)
        elif action == "withdraw":
            address, asset = data.draw(st.sampled_from(sorted(withdrawable)), label="credit")
            amount = self.credits[(address, asset)]
            tx = self._send(e.withdraw, asset, address, sender=self._account(address))
            assert self._event(tx, e.Withdrawn) == {
                "account": address,
                "token": asset,
                "to": address,
                "amount": amount,
            }
            moved = self._move(asset, e.address, address, amount)
            assert self._transfers(tx) == [moved]
            self.credits[(address, asset)] = 0
        elif action == "cancel nonces":
            maker = data.draw(st.sampled_from(self.makers), label="maker")
            nonce = self.min_nonce[maker.address] + data.draw(st.integers(1, 2), label="raise")
            tx = self._send(e.cancelOffersBelow, nonce, sender=maker)
            assert self._event(tx, e.OffersCancelledBelow) == {
                "maker": maker.address,
                "nonce": nonce,
            }
            self.min_nonce[maker.address] = nonce
        else:
            # Mostly a new non-zero fee, so that snapshots taken at opening matter.
            fee = data.draw(st.integers(1, 100) | st.sampled_from([100, 1, 0]), label="fee")
            tx = self._send(e.setFee, fee, sender=self.governance)
            assert self._event(tx, e.FeeSet) == {"feeBps": fee}
            self.fee_bps = fee

    # ------------------------------------------------------------ time

    @rule(data=st.data())
    def time_passes(self, data):
        """The next transaction lands at the second before, at or after a deadline (of a
        trade's payment, confirmation or fee window, or an offer's expiry), or up to a day
        later."""
        now, trades = self.now, self.trades.values()
        deadlines = {
            "trade": [t.record.payment_deadline for t in trades if t.status == Status.FUNDED]
            + [t.record.confirm_deadline for t in trades if t.status == Status.PAID]
            + [t.fee_deadline for t in trades if t.status == Status.AWAITING_FEE],
            "offer": [om.offer.expiry for om in self.offers.values()],
        }
        kinds = ["trade"] * 2 * bool(deadlines["trade"]) + ["offer"] * bool(deadlines["offer"])
        kind = data.draw(st.sampled_from(self._rotated([*kinds, "any"])), label="kind")
        if kind == "any":
            target = data.draw(st.integers(now, now + DAY), label="next transaction at")
        else:
            choices = sorted(d for d in set(deadlines[kind]) if d >= now - 1)
            deadline = data.draw(st.sampled_from(self._rotated(choices or [now])))
            offset = data.draw(st.sampled_from(self._rotated([0, -1, 1])), label="offset")
            target = max(deadline + offset, now)
        all_deadlines = set(deadlines["trade"] + deadlines["offer"])
        for offset, name in ((-1, "the second before"), (0, "at"), (1, "the second after")):
            if target - offset in all_deadlines:
                event(f"time: next transaction {name} a deadline")
        if target > now:
            self._mine_at(target - 1)

    # ------------------------------------------------------------ invariants

    def _read_chain(self) -> dict:
        """Every value the invariants compare, in one raw JSON-RPC batch (web3's batching
        costs more in Python than the node spends answering)."""
        e = self.escrow.address
        calls = list(self.static_reads)
        calls += [
            (("filled", d), *self.eth_call(e, call_data("filled(bytes32)", d))) for d in self.offers
        ]
        calls += [
            (("commitment", t), *self.eth_call(e, call_data("tradeCommitment(bytes32)", t)))
            for t in self.trades
        ]
        results = self._batch(calls)
        read = {}
        for key, method, _ in calls:
            result = results[key]
            if method == "eth_getBlockByNumber":
                read[key] = int(result["timestamp"], 16)
            elif method == "eth_getBalance":
                read[key] = int(result, 16)
            else:
                read[key] = bytes(HexBytes(result))
        return read

    def _commitment(self, record: sdk.Trade) -> bytes:
        """`record.commitment()`, computed once per record (records are immutable, and most
        trades' records are unchanged from one step to the next)."""
        if record not in self.commitments:
            self.commitments[record] = record.commitment()
        return self.commitments[record]

    @invariant()
    def chain_matches_the_model(self):
        event("step")
        read = self._read_chain()

        def uint(*key):
            return int.from_bytes(read[key], "big")

        assert read[("head",)] == self.head
        assert uint("feeBps") == self.fee_bps
        assert bool(uint("paused")) == self.paused
        for maker, floor in self.min_nonce.items():
            assert uint("minNonce", maker) == floor

        # Credits: what the model credited, as the escrow reports it.
        for key, credit in self.credits.items():
            assert uint("credit", *key) == credit

        # Conservation, token by token: open trades' amounts and bonds, fees and credits.
        for token in self.tokens:
            t = token.address
            owed = sum(
                tm.locked
                for tm in self.trades.values()
                if tm.record.token == t and tm.status in OPEN
            )
            credited = sum(c for (_, asset), c in self.credits.items() if asset == t)
            assert uint("fees", t) == self.fees[t]
            assert self.balances[(t, self.escrow.address)] == owed + self.fees[t] + credited
            for (tk, holder), balance in self.balances.items():
                if tk == t:
                    assert uint("balance", t, holder) == balance, (token.symbol(), holder)

        # Ether: gas and arbitration costs only; the escrow holds exactly the fee deposits of
        # open trades and the ETH credits.
        for account, balance in self.eth.items():
            assert read[("eth", account)] == balance, account
        held = sum(tm.deposits for tm in self.trades.values() if tm.status in OPEN)
        eth_credits = sum(c for (_, asset), c in self.credits.items() if asset == ZERO_ADDRESS)
        assert self.eth[self.escrow.address] == held + eth_credits
        for tm in self.trades.values():
            if tm.status not in (Status.AWAITING_FEE, Status.DISPUTED):
                assert tm.deposits == 0

        # Offers never fill past their maximum.
        for digest, om in self.offers.items():
            assert uint("filled", digest) == om.chain_filled
            assert om.cancelled or om.filled <= om.offer.max_amount

        for tid, tm in self.trades.items():
            assert read[("commitment", tid)] == self._commitment(tm.record)
            assert self.book.record(tid) == tm.record  # the SDK follows the events
            if tm.terminal is not None:
                assert tm.status in TERMINAL
                assert read[("commitment", tid)] == tm.terminal  # frozen once settled

    @invariant()
    def honest_parties_never_lose(self):
        for tm in self.trades.values():
            if tm.terminal is None:
                continue
            r = tm.record
            fee = r.amount * r.fee_bps // BPS
            assert r.fee_bps == tm.fee_at_open  # the fee snapshot taken at opening
            assert tm.to_buyer + tm.to_seller + tm.fee_taken == tm.locked
            seller_honest = (
                tm.status in (Status.RELEASED, Status.CANCELLED)
                or tm.ruling == sdk.Ruling.SELLER_WINS
            )
            if seller_honest:
                assert tm.to_seller >= r.bond, "an honest seller gets its bond back"
            if tm.status == Status.CANCELLED or tm.ruling == sdk.Ruling.SELLER_WINS:
                assert tm.to_seller == r.amount + r.bond, "nothing sold, nothing lost"
            buyer_honest = tm.status == Status.RELEASED or tm.ruling == sdk.Ruling.BUYER_WINS
            if buyer_honest and tm.marked_paid:
                assert tm.to_buyer >= r.amount - fee, "a paying buyer gets the tokens"
            if tm.ruling == sdk.Ruling.REFUSED:
                assert tm.to_seller >= r.bond  # no ruling, no bond lost

    @invariant()
    def deadlines_hold_to_the_second(self) -> None:
        """Boundary tests without mining, once per deadline as soon as it exists: at the second
        before, at and after it, each call it decides is dry-run and must succeed or fail
        exactly as the model says (a dry run that succeeds leaves no trace). A payment deadline
        decides the buyer's markPaid and the seller's cancel; a confirmation deadline the
        buyer's releaseAfterTimeout and the seller's dispute; a fee window's deadline the
        awaited party's deposit and anyone's settleByDefault; an expiry the offer's takes."""
        for tm in self.trades.values():
            if tm.status == Status.FUNDED:
                calls = (("markPaid", tm.buyer), ("cancel", tm.seller))
                probe = partial(self._expect_all, tm, calls)
                self._around(tm.trade_id, tm.record.payment_deadline, probe)
            elif tm.status == Status.PAID:
                calls = (("releaseAfterTimeout", tm.buyer), ("dispute", tm.seller))
                probe = partial(self._expect_all, tm, calls)
                self._around(tm.trade_id, tm.record.confirm_deadline, probe)
            elif tm.status == Status.AWAITING_FEE:
                awaited = tm.buyer if tm.awaiting_buyer else tm.seller
                calls = (("dispute", awaited), ("settleByDefault", self.takers[0]))
                probe = partial(self._expect_all, tm, calls)
                self._around(tm.trade_id, tm.fee_deadline, probe)
        for om in self.offers.values():
            if not om.cancelled:
                self._around(om.digest, om.offer.expiry, partial(self._expect_take, om))

    def _around(self, subject: bytes, deadline: int, probe) -> None:
        """Runs `probe` with the model's clock (and the pending block) at the second before,
        at and after `deadline`, once per subject and deadline."""
        if (subject, deadline) in self.probed or deadline < self.head:
            return
        self.probed.add((subject, deadline))
        head = self.head
        try:
            for at in (deadline - 1, deadline, deadline + 1):
                if at > head:  # not in the chain's past
                    self.head = at - 1  # the next call runs at `at`
                    probe()
        finally:
            self.head = head

    def _expect_all(self, tm: TradeModel, calls) -> None:
        for method, actor in calls:
            self._expect(method, tm, actor, self.arbitration_cost if method == "dispute" else 0)

    def _expect_take(self, om: OfferModel) -> None:
        taker, amount = self.takers[0], max(om.offer.min_amount, 1)
        args = (om.offer.as_tuple(), om.signature, amount)
        actual = self._dry_run(self.escrow.openTrade, *args, sender=taker)
        assert actual == self._take_error(om, amount, taker, genuine=True)
        event(f"probed openTrade at expiry {self.now - om.offer.expiry:+d}")


def test_escrow_state_machine(
    chain,
    accounts,
    escrow,
    arbitrator,
    ruler,
    arbitration_cost,
    registry,
    create_market,
    usdc,
    dai,
    project,
    deployer,
    governance,
    guardian,
    params,
    error_data,
    request,
):
    makers = (accounts[4], accounts[8], accounts[9])
    takers = (accounts[5], accounts[6], accounts[3])
    blacklist_token = deployer.deploy(project.MockBlacklistToken)
    for token in (usdc, dai, blacklist_token):
        funds = FUNDS_UNITS * 10 ** token.decimals()
        create_market(
            token, traders=makers + takers, funds=funds, list_token=not registry.isListed(token)
        )
    escrow.setFee(INITIAL_FEE_BPS, sender=governance)

    EscrowMachine.bind(
        request, "chain escrow arbitrator governance guardian ruler arbitration_cost error_data"
    )
    EscrowMachine.treasury = params.treasury
    EscrowMachine.makers = makers
    EscrowMachine.takers = takers
    EscrowMachine.tokens = (usdc, dai, blacklist_token)

    # Every step is a real transaction plus one batched read: half the profile's examples.
    profile = settings.default
    EscrowMachine.run(
        settings(
            profile,
            max_examples=max(profile.max_examples // 2, 1),
            stateful_step_count=max(profile.stateful_step_count, STEPS),
        )
    )
