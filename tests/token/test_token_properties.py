"""Stateful property test of the token's inflation cap.

Random minters are granted and revoked, mint random amounts (often at or above what is left),
and time jumps, sometimes to exactly one second around the moment an earlier mint leaves the
window. A model keeps every successful mint; after each step the token must agree with it:

- the window ending now holds exactly the model's mints of the last INFLATION_WINDOW seconds,
- which never exceed MAX_INFLATION_BPS of the supply apart from them,
- and `mintable()` is exactly the room the model computes.

Mints the model refuses (by a non-minter, or above what is left) are run as an `eth_call` on
the pending block, at the second the mint would run, and compared with the exact revert data;
the unit tests send the same refusals as transactions.
"""

from hypothesis import strategies as st
from hypothesis.stateful import (
    initialize,
    invariant,
    precondition,
    rule,
)

from openotc.deployment.params import DAY
from openotc.units import ZERO_ADDRESS
from tests.utils.stateful import ChainMachine, call_data

WINDOW = 365 * DAY
MAX_INFLATION_BPS = 200
BPS = 10_000
# Accounts that may become minters and receive mints (none holds a role anywhere).
ACTORS = range(7, 10)


class InflationCap(ChainMachine):
    # Set by the test function before the machine runs (hypothesis cannot take fixtures).
    token = governance = guardian = None
    actors: tuple = ()

    @initialize(data=st.data())
    def start(self, data):
        first = data.draw(st.sampled_from(self.actors), label="first")
        self.time = self.head  # the moment the model's window ends: the last block's
        self.base_supply = self._uint(self.token.totalSupply)
        self.mints: list[tuple[int, int]] = []  # (timestamp, amount) of each success
        self.minters: set[str] = set()
        self.grant_minter(first)

    # ---------------------------------------------------------------- the model

    def in_window(self) -> int:
        return sum(amount for minted_at, amount in self.mints if minted_at > self.time - WINDOW)

    def supply(self) -> int:
        return self.base_supply + sum(amount for _, amount in self.mints)

    def available(self) -> int:
        minted = self.in_window()
        cap = (self.supply() - minted) * MAX_INFLATION_BPS // BPS
        return max(cap - minted, 0)

    def travel_to(self, timestamp: int) -> None:
        self._mine_at(timestamp)
        self.time = timestamp

    # ---------------------------------------------------------------- rules

    def others(self) -> list:
        return [actor for actor in self.actors if actor.address not in self.minters]

    @precondition(lambda self: self.others())
    @rule(pick=st.integers(min_value=0))
    def grant(self, pick):
        candidates = self.others()
        self.grant_minter(candidates[pick % len(candidates)])

    def grant_minter(self, actor):
        token = self.token
        tx = self._send(token.grantMinter, actor, sender=self.governance)
        assert tx.events == [token.MinterGranted(account=actor.address)]
        self.minters.add(actor.address)
        self.time = tx.timestamp

    @precondition(lambda self: len(self.minters) > 1)
    @rule(pick=st.integers(min_value=0))
    def revoke(self, pick):
        token, guardian = self.token, self.guardian
        minters = sorted(self.minters)
        account = minters[pick % len(minters)]
        tx = self._send(token.revokeMinter, account, sender=guardian)
        assert tx.events == [token.MinterRevoked(account=account, by=guardian.address)]
        self.minters.discard(account)
        self.time = tx.timestamp

    @rule(
        data=st.data(),
        share=st.one_of(st.sampled_from([BPS, BPS + 1]), st.integers(min_value=0, max_value=BPS)),
        excess=st.sampled_from([1, 10**18]),
    )
    def mint(self, data, share, excess):
        """Mints `share` (in bps) of what is left, or `excess` more than is left when
        `share` is above 100%; by a random actor, who may not be a minter."""
        actor = data.draw(st.sampled_from(self.actors), label="actor")
        to = data.draw(st.sampled_from(self.actors), label="to")
        token = self.token
        self.time = self.now  # the mint's own block
        available = self.available()
        amount = available + excess if share > BPS else available * share // BPS

        if actor.address not in self.minters:
            refusal = self.error_data(token.TokenNotMinter, caller=actor.address)
            self._refused(refusal, token.mint, to, amount, sender=actor)
        elif amount > available:
            refusal = self.error_data(
                token.TokenInflationCapExceeded, requested=amount, available=available
            )
            self._refused(refusal, token.mint, to, amount, sender=actor)
        else:
            tx = self._send(token.mint, to, amount, sender=actor)  # at `self.time`
            assert tx.events == [
                token.Transfer(ZERO_ADDRESS, to.address, amount),
                token.InflationMinted(minter=actor.address, to=to.address, amount=amount),
            ]
            self.mints.append((self.time, amount))
        # A refusal mines no block: the window ends at the last block again.
        self.time = self.head

    @rule(seconds=st.integers(min_value=1, max_value=400 * DAY))
    def wait(self, seconds):
        self.travel_to(self.time + seconds)

    @precondition(lambda self: self.mints)
    @rule(pick=st.integers(min_value=0), offset=st.sampled_from([-1, 0, 1]))
    def wait_until_a_mint_leaves_the_window(self, pick, offset):
        minted_at, _ = self.mints[pick % len(self.mints)]
        target = minted_at + WINDOW + offset
        if target > self.time:
            self.travel_to(target)

    # ---------------------------------------------------------------- invariants

    @invariant()
    def window_matches_the_model_and_stays_under_the_cap(self):
        t = self.token.address
        views = ("mintedInWindow()", "totalSupply()", "mintable()")
        read = self._batch([(view, *self.eth_call(t, call_data(view))) for view in views])
        minted, supply, mintable = (int(read[view], 16) for view in views)

        assert minted == self.in_window()
        assert supply == self.supply()
        assert minted * BPS <= (supply - minted) * MAX_INFLATION_BPS
        assert mintable == self.available()


def test_inflation_cap__holds_for_any_sequence_of_mints_and_time_jumps(
    token, chain, accounts, governance, guardian, error_data, request
):
    InflationCap.bind(request, "token chain governance guardian error_data")
    InflationCap.actors = tuple(accounts[i] for i in ACTORS)
    InflationCap.run()
