"""Stateful property test of the token's inflation cap.

Random minters are granted and revoked, mint random amounts (often at or above what is left),
and time jumps, sometimes to exactly one second around the moment an earlier mint leaves the
window. A model keeps every successful mint; after each step the token must agree with it:

- the window ending now holds exactly the model's mints of the last INFLATION_WINDOW seconds,
- which never exceed MAX_INFLATION_BPS of the supply apart from them,
- and `mintable()` is exactly the room the model computes.
"""

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from openotc.deployment.params import DAY
from openotc.units import ZERO_ADDRESS

WINDOW = 365 * DAY
MAX_INFLATION_BPS = 200
BPS = 10_000
# Accounts that may become minters and receive mints (none holds a role anywhere).
ACTORS = range(7, 10)


def halved_profile() -> settings:
    """The loaded hypothesis profile with half its examples and steps: every step here is a
    transaction plus three calls through ape (a fifth of a second on a busy machine), and the
    suite's time budget does not fit the full CI profile. `make test-deep` still runs 150 x 20."""
    current = settings()
    return settings(
        current,
        max_examples=max(current.max_examples // 2, 1),
        stateful_step_count=max(current.stateful_step_count // 2, 1),
    )


def test_inflation_cap__holds_for_any_sequence_of_mints_and_time_jumps(
    token, chain, accounts, governance, guardian, reverts
):
    actors = [accounts[i] for i in ACTORS]

    class InflationCap(RuleBasedStateMachine):
        @initialize(first=st.sampled_from(actors))
        def start(self, first):
            self.snapshot = chain.snapshot()
            self.now = chain.blocks.head.timestamp
            self.base_supply = token.totalSupply()
            self.mints: list[tuple[int, int]] = []  # (timestamp, amount) of each success
            self.minters: set[str] = set()
            self.grant_minter(first)

        def teardown(self):
            chain.restore(self.snapshot)

        # ---------------------------------------------------------------- the model

        def in_window(self) -> int:
            return sum(amount for minted_at, amount in self.mints if minted_at > self.now - WINDOW)

        def supply(self) -> int:
            return self.base_supply + sum(amount for _, amount in self.mints)

        def available(self) -> int:
            minted = self.in_window()
            cap = (self.supply() - minted) * MAX_INFLATION_BPS // BPS
            return max(cap - minted, 0)

        def travel_to(self, timestamp: int) -> None:
            chain.mine(timestamp=timestamp)
            self.now = timestamp

        # ---------------------------------------------------------------- rules

        def others(self) -> list:
            return [actor for actor in actors if actor.address not in self.minters]

        @precondition(lambda self: self.others())
        @rule(pick=st.integers(min_value=0))
        def grant(self, pick):
            candidates = self.others()
            self.grant_minter(candidates[pick % len(candidates)])

        def grant_minter(self, actor):
            tx = token.grantMinter(actor, sender=governance)
            assert tx.events == [token.MinterGranted(account=actor.address)]
            self.minters.add(actor.address)
            self.now = tx.timestamp

        @precondition(lambda self: len(self.minters) > 1)
        @rule(pick=st.integers(min_value=0))
        def revoke(self, pick):
            minters = sorted(self.minters)
            account = minters[pick % len(minters)]
            tx = token.revokeMinter(account, sender=guardian)
            assert tx.events == [token.MinterRevoked(account=account, by=guardian.address)]
            self.minters.discard(account)
            self.now = tx.timestamp

        @rule(
            actor=st.sampled_from(actors),
            to=st.sampled_from(actors),
            share=st.one_of(
                st.sampled_from([BPS, BPS + 1]), st.integers(min_value=0, max_value=BPS)
            ),
            excess=st.sampled_from([1, 10**18]),
        )
        def mint(self, actor, to, share, excess):
            """Mints `share` (in bps) of what is left, or `excess` more than is left when
            `share` is above 100%; by a random actor, who may not be a minter."""
            self.now += 1
            chain.pending_timestamp = self.now
            available = self.available()
            amount = available + excess if share > BPS else available * share // BPS

            if actor.address not in self.minters:
                with reverts(token.TokenNotMinter, caller=actor.address):
                    token.mint(to, amount, sender=actor)
            elif amount > available:
                with reverts(
                    token.TokenInflationCapExceeded, requested=amount, available=available
                ):
                    token.mint(to, amount, sender=actor)
            else:
                tx = token.mint(to, amount, sender=actor)
                assert tx.events == [
                    token.Transfer(ZERO_ADDRESS, to.address, amount),
                    token.InflationMinted(minter=actor.address, to=to.address, amount=amount),
                ]
                assert tx.timestamp == self.now
                self.mints.append((self.now, amount))
            # A reverted transaction mines no block: the chain stays one second behind.
            self.now = chain.blocks.head.timestamp

        @rule(seconds=st.integers(min_value=1, max_value=400 * DAY))
        def wait(self, seconds):
            self.travel_to(self.now + seconds)

        @precondition(lambda self: self.mints)
        @rule(pick=st.integers(min_value=0), offset=st.sampled_from([-1, 0, 1]))
        def wait_until_a_mint_leaves_the_window(self, pick, offset):
            minted_at, _ = self.mints[pick % len(self.mints)]
            target = minted_at + WINDOW + offset
            if target > self.now:
                self.travel_to(target)

        # ---------------------------------------------------------------- invariants

        @invariant()
        def window_matches_the_model_and_stays_under_the_cap(self):
            minted = token.mintedInWindow()
            supply = token.totalSupply()

            assert minted == self.in_window()
            assert supply == self.supply()
            assert minted * BPS <= (supply - minted) * MAX_INFLATION_BPS
            assert token.mintable() == self.available()

    run_state_machine_as_test(InflationCap, settings=halved_profile())
