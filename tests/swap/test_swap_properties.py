"""Stateful properties of AtomicSwap: random sequences of ETH and USDC locks by two senders for
two recipients (a few shared secrets, so hashlocks repeat across swaps; identical terms locked
again), claims with the right or a wrong preimage, refunds (each either submitting the terms,
`claimFor` / `refundFor`, or as the caller's own claim or refund, `claim` / `claimToken` /
`refund` / `refundToken`, whose derived terms may name another lock or none), cooperative
refunds signed by the recipient or by someone else, claim and refund batches (duplicates
included), by any of five accounts, and time jumps (to the second before, at and after a
swap's timelock), checked against a model of every lock and of every account's ether and USDC.

Invariants, re-read from the chain after every transaction (refusals are dry runs and time
jumps move nothing):
- `isOpen` of every swap id equals the model: a lock is open until it is claimed or refunded,
  and settles once, either way: the chain refuses every second settlement (checked by the
  rules) and no balance moves beyond what one settlement pays;
- the contract holds exactly the sum of the open ETH swaps in ether and of the open USDC swaps
  in USDC;
- every account holds exactly the ether (net of its gas) and USDC the model says.
At the end of every example, all swaps still open are refunded in one batch once the latest
timelock has passed: every lock ends claimed or refunded and the contract holds nothing.

Rules send only the transactions the model says succeed; every refusal the model predicts is
run as an `eth_call` on the pending block, its timestamp pinned to the next transaction's, and
compared with the exact revert data (mined failing transactions are slow under ape; the unit
tests cover the same refusals as real transactions).
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak
from hexbytes import HexBytes
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    initialize,
    invariant,
    precondition,
    rule,
)

from openotc.units import DAY, ETHER, HOUR, USDC_UNIT, ZERO_ADDRESS
from tests.utils.stateful import ChainMachine, call_data

MAX_TIMELOCK = 30 * DAY
USDC_FUNDS = 10**9 * USDC_UNIT
SECRETS = 3  # preimages shared by all swaps

_IS_OPEN = keccak(text="isOpen(bytes32)")[:4]
_SWAP_ABI = ["bytes32", "address", "uint256", "address", "address", "uint256"]

index = st.integers(min_value=0, max_value=2**16)
pick = st.tuples(st.sampled_from([True, True, False]), index)  # (prefer an open lock, which)
anyone = st.integers(min_value=0, max_value=4)  # senders, recipients, the stranger
ttls = (
    st.sampled_from([1, 60, HOUR, DAY, MAX_TIMELOCK, 0, -1, MAX_TIMELOCK + 1])  # 3 refused
    | st.integers(min_value=1, max_value=DAY)
    | st.integers(min_value=1, max_value=MAX_TIMELOCK)
)
ether_amounts = (
    st.integers(min_value=1, max_value=5 * ETHER)
    | st.integers(min_value=1, max_value=ETHER)
    | st.sampled_from([0, 1, ETHER, 5 * ETHER])  # 0 refused
)
usdc_amounts = (
    st.integers(min_value=1, max_value=10**6 * USDC_UNIT)
    | st.integers(min_value=1, max_value=1000)
    | st.sampled_from([0, 1, USDC_UNIT, 10**6 * USDC_UNIT])
)
STEPS = 30  # a swap needs a lock, maybe a time jump, and a settlement: run at least this many


@dataclass
class Lock:
    """One lock of a swap's terms (the same terms may be locked again once settled)."""

    terms: tuple  # IAtomicSwap.Swap, in order
    swap_id: bytes
    preimage: bytes
    status: str = "open"  # then "claimed", "refunded" or "released" (by signature), once

    @property
    def hashlock(self) -> bytes:
        return self.terms[0]

    @property
    def is_ether(self) -> bool:
        return self.terms[1] == ZERO_ADDRESS

    @property
    def amount(self) -> int:
        return self.terms[2]

    @property
    def sender(self) -> str:
        return self.terms[3]

    @property
    def recipient(self) -> str:
        return self.terms[4]

    @property
    def timelock(self) -> int:
        return self.terms[5]


class SwapMachine(ChainMachine):
    # Set by the test function before the machine runs (hypothesis cannot take fixtures).
    swap = usdc = None
    senders: tuple = ()
    recipients: tuple = ()
    stranger = None
    sign_refund = None

    def __init__(self):
        super().__init__()
        self.people = (*self.senders, *self.recipients, self.stranger)
        self.by_address = {a.address: a for a in self.people}
        self.locks: list[Lock] = []
        self.current: dict[bytes, Lock] = {}  # swap id -> its latest lock
        self.secrets = [keccak(text=f"swap-properties:{i}") for i in range(SECRETS)]
        self.signatures: dict[tuple[bytes, str], bytes] = {}
        self.unverified = True  # the chain has changed since the invariants last read it

        s = self.swap.address
        read = self._read_balances()
        self.eth = {a: read[("eth", a)] for a in [*self.by_address, s]}
        self.tokens = {a: read[("usdc", a)] for a in [*self.by_address, s]}
        assert self.eth[s] == 0 and self.tokens[s] == 0  # a fresh contract

    def teardown(self):
        try:
            if sys.exc_info()[0] is None:  # the example ran to its end: close every swap
                self._settle_everything()
        finally:
            super().teardown()

    # ------------------------------------------------------------ chain helpers

    def _send(self, method, *args, sender, value=0):
        tx = super()._send(method, *args, sender=sender, value=value)
        self.unverified = True
        self.eth[sender.address] -= tx.total_fees_paid + value
        return tx

    def _pick(self, pick: tuple[bool, int]) -> Lock:
        """An open lock when `prefer_open` and there is one, else any lock (settled ones too)."""
        prefer_open, i = pick
        candidates = [lock for lock in self.locks if lock.status == "open"] if prefer_open else []
        candidates = candidates or self.locks
        return candidates[i % len(candidates)]

    def _pay(self, lock: Lock, to: str) -> list:
        """Moves the lock's funds from the contract to `to` in the model; the events it emits."""
        s = self.swap.address
        book = self.eth if lock.is_ether else self.tokens
        book[s] -= lock.amount
        book[to] += lock.amount
        return [] if lock.is_ether else [self.usdc.Transfer(s, to, lock.amount)]

    def _settle(self, lock: Lock, status: str) -> Lock:
        """The model's lock of these terms is settled now; it must have been open."""
        current = self.current[lock.swap_id]
        assert current.status == "open"
        current.status = status
        return current

    # ------------------------------------------------------------ the contract's order of checks

    def _lock_error(self, terms: tuple) -> HexBytes | None:
        e, now = self.swap, self.now
        if terms[2] == 0:
            return self.error_data(e.SwapZeroAmount)
        if terms[5] <= now:
            return self.error_data(e.SwapTimelockInPast, timelock=terms[5], now_=now)
        if terms[5] > now + MAX_TIMELOCK:
            return self.error_data(
                e.SwapTimelockTooFar, timelock=terms[5], latest=now + MAX_TIMELOCK
            )
        swap_id = keccak(encode(_SWAP_ABI, terms))
        # Open terms, and terms released by the recipient's signature (barred for ever).
        if swap_id in self.current and self.current[swap_id].status in ("open", "released"):
            return self.error_data(e.SwapAlreadyExists, swapId=swap_id)
        return None

    def _claim_error(self, lock: Lock, preimage: bytes) -> HexBytes | None:
        e = self.swap
        preimage_hash = hashlib.sha256(preimage).digest()
        if preimage_hash != lock.hashlock:
            return self.error_data(
                e.SwapWrongPreimage, hashlock=lock.hashlock, preimageHash=preimage_hash
            )
        if self.now >= lock.timelock:
            return self.error_data(e.SwapExpired, swapId=lock.swap_id, timelock=lock.timelock)
        if self.current[lock.swap_id].status != "open":
            return self.error_data(e.SwapNotFound, swapId=lock.swap_id)
        return None

    def _refund_error(self, lock: Lock) -> HexBytes | None:
        if self.now < lock.timelock:
            return self.error_data(
                self.swap.SwapNotExpired, swapId=lock.swap_id, timelock=lock.timelock
            )
        if self.current[lock.swap_id].status != "open":
            return self.error_data(self.swap.SwapNotFound, swapId=lock.swap_id)
        return None

    # ------------------------------------------------------------ locks

    @rule(
        sender=st.integers(0, 1),
        recipient=st.integers(0, 1),
        ether=st.booleans(),
        data=st.data(),
        secret=st.integers(0, SECRETS - 1),
        ttl=ttls,
        again=st.sampled_from([False, False, False, True]),
    )
    def lock(self, sender, recipient, ether, data, secret, ttl, again):
        """New terms, or (one time in four) the terms of an earlier lock: refused while that
        swap is open or its timelock has come, locked again once it is settled."""
        if again and self.locks:
            lock = self._pick(data.draw(pick, label="again"))
            self._lock_terms(lock.terms, lock.preimage, self.by_address[lock.sender])
            return
        amount = data.draw(ether_amounts if ether else usdc_amounts, label="amount")
        self._lock_new(sender, recipient, ether, amount, secret, ttl)

    def _lock_new(self, sender, recipient, ether, amount, secret, ttl):
        account, preimage = self.senders[sender], self.secrets[secret]
        terms = (
            hashlib.sha256(preimage).digest(),
            ZERO_ADDRESS if ether else self.usdc.address,
            amount,
            account.address,
            self.recipients[recipient].address,
            self.now + ttl,
        )
        self._lock_terms(terms, preimage, account)

    @initialize(
        sender=st.integers(0, 1),
        recipient=st.integers(0, 1),
        ether=st.booleans(),
        secret=st.integers(0, SECRETS - 1),
    )
    def first_lock(self, sender, recipient, ether, secret):
        """Every example starts with an open swap, for a day."""
        amount = ETHER if ether else 1_000 * USDC_UNIT
        self._lock_new(sender, recipient, ether, amount, secret, DAY)

    def _lock_terms(self, terms, preimage, account):
        hashlock, token, amount, _, recipient, timelock = terms
        ether = token == ZERO_ADDRESS
        if ether:
            method, args, value = self.swap.lock, (hashlock, recipient, timelock), amount
        else:
            method, value = self.swap.lockToken, 0
            args = (hashlock, token, amount, recipient, timelock)
        expected = self._lock_error(terms)
        if expected is not None:
            self._refused(expected, method, *args, sender=account, value=value)
            return

        tx = self._send(method, *args, sender=account, value=value)

        swap_id = keccak(encode(_SWAP_ABI, terms))
        s = self.swap.address
        if ether:
            self.eth[s] += amount
            events = [
                self.swap.EtherSwapLocked(hashlock, recipient, account.address, amount, timelock)
            ]
        else:
            self.tokens[account.address] -= amount
            self.tokens[s] += amount
            # The pull, then the swap's transfer to itself that proves `transfer` delivers
            # in full.
            events = [
                self.usdc.Transfer(account.address, s, amount),
                self.usdc.Transfer(s, s, amount),
                self.swap.TokenSwapLocked(
                    hashlock, recipient, account.address, token, amount, timelock
                ),
            ]
        assert tx.events == events
        lock = Lock(terms=terms, swap_id=swap_id, preimage=preimage)
        self.locks.append(lock)
        self.current[swap_id] = lock

    # ------------------------------------------------------------ settlements

    @precondition(lambda self: self.locks)
    @rule(
        i=pick,
        right=st.sampled_from([True, True, False]),
        secret=st.integers(0, SECRETS),
        by=anyone,
        own=st.sampled_from(["no", "no", "party", "party", "caller"]),
    )
    def claim(self, i, right, secret, by, own):
        """`claimFor` by anyone, or an own claim by the lock's recipient or by anyone."""
        lock, caller = self._pick(i), self.people[by]
        preimage = lock.preimage if right else keccak(text=f"wrong:{secret}")
        if not right and secret < SECRETS:
            preimage = self.secrets[secret]  # another swap's secret, maybe this one's
        if own != "no":
            party = self.by_address[lock.recipient] if own == "party" else caller
            self._own_claim(lock, preimage, party)
            return
        expected = self._claim_error(lock, preimage)
        if expected is not None:
            self._refused(expected, self.swap.claimFor, preimage, lock.terms, sender=caller)
            return

        tx = self._send(self.swap.claimFor, preimage, lock.terms, sender=caller)

        self._settle(lock, "claimed")
        assert tx.events == [self.swap.SwapClaimed(lock.hashlock, preimage)] + self._pay(
            lock, lock.recipient
        )

    def _own_claim(self, lock: Lock, preimage: bytes, caller):
        """`caller` claims `lock`'s token, amount, sender and timelock for itself: the contract
        derives the hashlock from the preimage and the recipient from the caller, and those
        terms may be another lock's, or none."""
        _, token, amount, sender, _, timelock = lock.terms
        terms = (hashlib.sha256(preimage).digest(), token, amount, sender, caller.address, timelock)
        swap_id = keccak(encode(_SWAP_ABI, terms))
        if token == ZERO_ADDRESS:
            method, args = self.swap.claim, (preimage, amount, sender, timelock)
        else:
            method, args = self.swap.claimToken, (preimage, token, amount, sender, timelock)
        if self.now >= timelock:
            expected = self.error_data(self.swap.SwapExpired, swapId=swap_id, timelock=timelock)
        elif swap_id not in self.current or self.current[swap_id].status != "open":
            expected = self.error_data(self.swap.SwapNotFound, swapId=swap_id)
        else:
            expected = None
        if expected is not None:
            self._refused(expected, method, *args, sender=caller)
            return

        tx = self._send(method, *args, sender=caller)

        event("own claim settled a lock")
        claimed = self._settle(self.current[swap_id], "claimed")
        assert tx.events == [self.swap.SwapClaimed(terms[0], preimage)] + self._pay(
            claimed, caller.address
        )

    @precondition(lambda self: self.locks)
    @rule(i=pick, by=anyone, own=st.sampled_from(["no", "no", "party", "party", "caller"]))
    def refund(self, i, by, own):
        """`refundFor` by anyone, or an own refund by the lock's sender or by anyone."""
        lock, caller = self._pick(i), self.people[by]
        if own != "no":
            party = self.by_address[lock.sender] if own == "party" else caller
            self._own_refund(lock, party)
            return
        expected = self._refund_error(lock)
        if expected is not None:
            self._refused(expected, self.swap.refundFor, lock.terms, sender=caller)
            return

        tx = self._send(self.swap.refundFor, lock.terms, sender=caller)

        self._settle(lock, "refunded")
        assert tx.events == [self.swap.SwapRefunded(lock.swap_id)] + self._pay(lock, lock.sender)

    def _own_refund(self, lock: Lock, caller):
        """`caller` refunds `lock`'s other terms to itself, as their sender."""
        hashlock, token, amount, _, recipient, timelock = lock.terms
        terms = (hashlock, token, amount, caller.address, recipient, timelock)
        swap_id = keccak(encode(_SWAP_ABI, terms))
        if token == ZERO_ADDRESS:
            method, args = self.swap.refund, (hashlock, amount, recipient, timelock)
        else:
            method, args = self.swap.refundToken, (hashlock, token, amount, recipient, timelock)
        if self.now < timelock:
            expected = self.error_data(self.swap.SwapNotExpired, swapId=swap_id, timelock=timelock)
        elif swap_id not in self.current or self.current[swap_id].status != "open":
            expected = self.error_data(self.swap.SwapNotFound, swapId=swap_id)
        else:
            expected = None
        if expected is not None:
            self._refused(expected, method, *args, sender=caller)
            return

        tx = self._send(method, *args, sender=caller)

        event("own refund settled a lock")
        refunded = self._settle(self.current[swap_id], "refunded")
        assert tx.events == [self.swap.SwapRefunded(swap_id)] + self._pay(refunded, caller.address)

    @precondition(lambda self: self.locks)
    @rule(i=pick, signer=anyone, by=anyone)
    def refund_cooperatively(self, i, signer, by):
        lock, caller, signer = self._pick(i), self.people[by], self.people[signer]
        key = (lock.swap_id, signer.address)
        if key not in self.signatures:
            self.signatures[key] = self.sign_refund(signer, lock.swap_id)
        signature = self.signatures[key]
        method = self.swap.refundCooperatively
        if signer.address != lock.recipient:
            expected = self.error_data(
                self.swap.SwapInvalidRefundSignature, swapId=lock.swap_id, recipient=lock.recipient
            )
            self._refused(expected, method, lock.terms, signature, sender=caller)
            return
        if self.current[lock.swap_id].status != "open":
            expected = self.error_data(self.swap.SwapNotFound, swapId=lock.swap_id)
            self._refused(expected, method, lock.terms, signature, sender=caller)
            return

        tx = self._send(method, lock.terms, signature, sender=caller)

        self._settle(lock, "released")
        assert tx.events == [self.swap.SwapRefunded(lock.swap_id)] + self._pay(lock, lock.sender)

    @precondition(lambda self: self.locks)
    @rule(picks=st.lists(pick, min_size=1, max_size=4), by=anyone)
    def claim_batch(self, picks, by):
        """Right preimages; the batch settles all its entries or, at its first refusal, none."""
        batch, caller = [self._pick(i) for i in picks], self.people[by]
        args = ([lock.preimage for lock in batch], [lock.terms for lock in batch])
        settled: set[bytes] = set()
        for lock in batch:
            expected = self._claim_error(lock, lock.preimage)
            if expected is None and lock.swap_id in settled:  # twice in the batch
                expected = self.error_data(self.swap.SwapNotFound, swapId=lock.swap_id)
            if expected is not None:
                self._refused(expected, self.swap.claimBatch, *args, sender=caller)
                return
            settled.add(lock.swap_id)

        tx = self._send(self.swap.claimBatch, *args, sender=caller)

        events = []
        for lock in batch:
            self._settle(lock, "claimed")
            events += [self.swap.SwapClaimed(lock.hashlock, lock.preimage)]
            events += self._pay(lock, lock.recipient)
        assert tx.events == events

    @precondition(lambda self: self.locks)
    @rule(picks=st.lists(pick, min_size=1, max_size=4), by=anyone)
    def refund_batch(self, picks, by):
        batch, caller = [self._pick(i) for i in picks], self.people[by]
        terms = [lock.terms for lock in batch]
        settled: set[bytes] = set()
        for lock in batch:
            expected = self._refund_error(lock)
            if expected is None and lock.swap_id in settled:
                expected = self.error_data(self.swap.SwapNotFound, swapId=lock.swap_id)
            if expected is not None:
                self._refused(expected, self.swap.refundBatch, terms, sender=caller)
                return
            settled.add(lock.swap_id)

        tx = self._send(self.swap.refundBatch, terms, sender=caller)

        events = []
        for lock in batch:
            self._settle(lock, "refunded")
            events += [self.swap.SwapRefunded(lock.swap_id)] + self._pay(lock, lock.sender)
        assert tx.events == events

    # ------------------------------------------------------------ time

    @rule(seconds=st.sampled_from([1, 59, HOUR, DAY, DAY, 7 * DAY]) | st.integers(1, 2 * HOUR))
    def time_passes(self, seconds):
        self.head += seconds

    @precondition(lambda self: any(lock.timelock > self.now for lock in self.locks))
    @rule(i=index, offset=st.sampled_from([-1, 0, 1]))
    def time_reaches_a_timelock(self, i, offset):
        """The next transaction runs the second before, at or after a timelock still ahead."""
        ahead = [lock for lock in self.locks if lock.timelock + offset > self.now]
        if ahead:
            self.head = ahead[i % len(ahead)].timelock + offset - 1

    # ------------------------------------------------------------ invariants

    def _read_balances(self, swap_ids=()) -> dict:
        """The ether and USDC of every account and of the contract, and `isOpen` of each of
        `swap_ids`, in one batched read."""
        reads = []
        for address in [*self.by_address, self.swap.address]:
            reads.append((("eth", address), "eth_getBalance", [address, "latest"]))
            data = call_data("balanceOf(address)", address)
            reads.append((("usdc", address), *self.eth_call(self.usdc.address, data)))
        for swap_id in swap_ids:
            reads.append((("open", swap_id), *self.eth_call(self.swap.address, _IS_OPEN + swap_id)))
        return {key: int(result, 16) for key, result in self._batch(reads).items()}

    @invariant()
    def model_is_consistent(self):
        """Each lock settled at most once, one way; the contract's holdings in the model are
        the open swaps of each asset."""
        for lock in self.locks:  # a lock whose terms were locked again had settled first
            assert lock.status in ("open", "claimed", "refunded", "released")
            assert self.current[lock.swap_id] is lock or lock.status != "open"
        open_locks = [lock for lock in self.current.values() if lock.status == "open"]
        s = self.swap.address
        assert self.eth[s] == sum(lock.amount for lock in open_locks if lock.is_ether)
        assert self.tokens[s] == sum(lock.amount for lock in open_locks if not lock.is_ether)

    @invariant()
    def chain_matches_the_model(self):
        """Re-read after every transaction (refusals are dry runs and time jumps move no
        funds): `isOpen` of every swap id, and the ether and USDC of the contract and of
        every account."""
        if not self.unverified:
            return
        read = self._read_balances(self.current)
        for swap_id, lock in self.current.items():
            is_open = read[("open", swap_id)] == 1
            assert is_open == (lock.status == "open"), (swap_id.hex(), lock.status)
        for address in [*self.by_address, self.swap.address]:
            assert read[("eth", address)] == self.eth[address], address
            assert read[("usdc", address)] == self.tokens[address], address
        self.unverified = False

    # ------------------------------------------------------------ the end of an example

    def _settle_everything(self):
        """Refunds every swap still open, in one batch, once the latest timelock has passed:
        every lock ends claimed or refunded, exactly once, and the contract holds nothing."""
        still_open = [lock for lock in self.current.values() if lock.status == "open"]
        if still_open:
            self.head = max(self.head, max(lock.timelock for lock in still_open) - 1)
            self.refund_batch_of(still_open)
        assert all(
            lock.status in ("claimed", "refunded", "released") for lock in self.current.values()
        )
        assert all(
            lock.status in ("claimed", "refunded", "released") for lock in self.locks
        ), "a lock never settled"
        self.model_is_consistent()
        assert self.eth[self.swap.address] == 0 and self.tokens[self.swap.address] == 0
        self.chain_matches_the_model()
        for lock in self.locks:
            event(f"lock ended {lock.status}")

    def refund_batch_of(self, locks):
        tx = self._send(self.swap.refundBatch, [lock.terms for lock in locks], sender=self.stranger)
        events = []
        for lock in locks:
            self._settle(lock, "refunded")
            events += [self.swap.SwapRefunded(lock.swap_id)] + self._pay(lock, lock.sender)
        assert tx.events == events


def test_swap_state_machine(chain, accounts, swap, usdc, stranger, error_data, sign_refund):
    senders = (accounts[4], accounts[8])
    recipients = (accounts[5], accounts[9])
    for sender in senders:
        usdc.mint(sender, USDC_FUNDS, sender=sender)
        usdc.approve(swap, 2**256 - 1, sender=sender)

    SwapMachine.chain = chain
    SwapMachine.swap = swap
    SwapMachine.usdc = usdc
    SwapMachine.senders = senders
    SwapMachine.recipients = recipients
    SwapMachine.stranger = stranger
    SwapMachine.error_data = staticmethod(error_data)
    SwapMachine.sign_refund = staticmethod(sign_refund)

    profile = settings()
    SwapMachine.run(settings(profile, stateful_step_count=max(profile.stateful_step_count, STEPS)))
