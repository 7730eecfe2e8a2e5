"""Stateful properties of the JurorCourt: random sequences of stake changes (valid, below the
minimum, unchanged, below the locked stake, beyond the wallet, beyond uint96; applied at once or
delayed while the court is frozen), delayed stakes applied, cooled stakes withdrawn, disputes
opened through a third-party arbitrable (TestArbitrable), rounds drawn (on time, too early, or
after the randomness window so the ticket is renewed; with nobody to draw), votes committed and
revealed through the SDK's `Juror` (or split between two choices over a juror's seats, skipped,
unrevealable), periods passed, appeals (underpaid, overpaid, late, past the limit), rulings
executed (also to an arbitrable that rejects them), seats settled with
`openotc.court.settle_dispute` or seat by seat (in any order), rewards withdrawn, the residual
swept, new parameters set by governance (for new disputes only), and time jumps; by five
jurors, one with too few tokens for large stakes.

Invariants, re-read from the chain after every step (one batched JSON-RPC round trip):
1. tokens: token.balanceOf(court) == staked + cooling + penaltiesHeld + rewardTokensOwed +
   residualTokens (`totals()`), totals().staked == sum of juror(a).stake and totals().locked ==
   sum of juror(a).locked over every juror;
2. ether: the court's ETH balance == feesHeld + rewardEthOwed + residualEth (the ETH balance is
   exactly the fees not yet paid out);
3. no juror is drawn without stake: every address of every drawn round had stake > 0 and
   weight > 0 on the chain just before the draw (read then, kept in the model); the draw also
   picks exactly the jurors a reference walk of the pre-draw weights gives, and those weights
   are the ones in force when the round's ticket was requested (nothing that decides who is
   drawn changes once the random value may be known);
4. payouts never exceed what came in: ETH paid out (rewards withdrawn + residual swept, measured
   on the recipients' balances) <= arbitration + appeal fees paid; tokens paid out (rewards +
   residual) <= tokens slashed (the SeatSettled events);
5. totalWeight() == sum over jurors of stake * (c + 1) // (c + i + 1) // WEIGHT_UNIT, and each
   juror's weight is its own term (checked at every step, frozen or not: delayed stakes never
   touch the accounts);
6. frozen() == (pendingDraws() > 0 and totalWeight() > 0).
Besides these, every juror's account, the totals, the parameters (the court's and each
dispute's), every dispute and its current round, and every wallet (tokens and ETH, gas
included) equal a Python model of the spec (IJurorCourt).

Rules send only the transactions the model says succeed; every refusal the model predicts is
run as an `eth_call` on the pending block (its timestamp pinned to the next transaction's) and
compared with the exact revert data: a mined failing transaction costs much more under ape, and
the unit tests cover the same refusals as real transactions.

Besides one rule per action, `advance` takes a dispute's natural next step (what a keeper and
its jurors would do), `run_a_round` a whole round and `see_it_through` the whole dispute:
chosen evenly among a dozen rules, the single actions alone rarely carry a dispute to its
settlement within an example.

Randomness: anvil's prevrandao changes from run to run, which would make the draws (and every
later choice among the drawn jurors) differ between the runs of one example, so hypothesis
could neither replay nor shrink a failure. Each successful draw therefore uses a random value
chosen by hypothesis, written into the randomness source's storage for the round's ticket (as
its `fulfil` would fix it in the window); the court's draw itself runs unchanged. Draws before
the window (refused) and after it (the ticket is renewed) go through the source untouched.
"""

from __future__ import annotations

from dataclasses import replace

from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address, to_hex
from hexbytes import HexBytes
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule

from openotc import court as sdk
from openotc.court import Period
from openotc.units import DAY, HOUR, TOKEN_UNIT
from tests.court.court_chain import CourtChain
from tests.court.court_model import (
    CHOICES,
    FIRST_ROUND_SEATS,
    MAX_DISPUTES,
    MAX_UNRULED,
    PARAM_ALPHA,
    PARAM_COMMIT_PERIOD,
    PARAM_LOCK,
    RANDOM_VALUES,
    STEPS,
    TOTAL_FIELDS,
    UINT96_MAX,
    UINT256_MAX,
    VOTES,
    WEIGHT_UNIT,
    Ballot,
    DisputeModel,
    JurorModel,
    RoundModel,
    lock_of,
    reference_draw,
    weight_of,
)


class CourtMachine(CourtChain):
    """The rules (one per action, and the composite `advance`, `run_a_round`, `see_it_through`)
    and the invariants."""

    # ------------------------------------------------------------ staking

    def _stake_error(self, j: JurorModel, stake: int) -> HexBytes | None:
        """The refusal of `_applyStake(j, stake)`, in the contract's order of checks: a
        delayed stake is checked again against the parameters in force."""
        c = self.court
        minimum = self.params.min_stake
        if stake != 0 and stake < minimum:
            return self._err(c.CourtStakeBelowMinimum, stake=stake, minimum=minimum)
        if j.id is None and stake == 0:
            return self._err(c.CourtStakeUnchanged, stake=0)
        if stake == j.stake:
            return self._err(c.CourtStakeUnchanged, stake=stake)
        if stake < j.locked:
            return self._err(c.CourtStakeBelowLocked, stake=stake, locked=j.locked)
        if stake - j.stake > j.tokens:
            return self._err(
                self.token.ERC20InsufficientBalance,
                sender=j.address,
                balance=j.tokens,
                needed=stake - j.stake,
            )
        return None

    def _apply_stake(self, j: JurorModel, stake: int, tx) -> None:
        if j.id is None:
            j.id = len(self.ids)
            self.ids.append(j.address)
            event("new juror")
        current = j.stake
        j.delayed = None
        j.stake = stake
        if self.pending_draws():  # only with an empty tree: the pending tickets go stale
            self.stale_before = tx.block_number
            event("stake applied while rounds wait for jurors (empty tree)")
        assert self._one(tx, self.court.StakeSet) == {
            "juror": j.address,
            "jurorId": j.id,
            "stake": stake,
            "weight": j.weight,
        }
        if stake > current:
            j.tokens -= stake - current
            self.totals["staked"] += stake - current
            assert not self._logs(tx, self.court.StakeCooling)
        else:
            self.totals["staked"] -= current - stake
            self.totals["cooling"] += current - stake
            j.cooling += current - stake
            # One release time for everything cooling, never brought forward.
            j.cooling_ends = max(j.cooling_ends, tx.timestamp + self.params.unstake_cooldown)
            assert self._one(tx, self.court.StakeCooling) == {
                "juror": j.address,
                "amount": j.cooling,
                "availableAt": j.cooling_ends,
            }

    @rule(data=st.data())
    def set_stake(self, data):
        """A juror sets its stake to a valid or invalid amount."""
        j = self._juror(data, self.jurors)
        minimum = self.params.min_stake
        kind = data.draw(
            st.sampled_from(
                ["valid", "valid", "zero", "below_min", "below_locked", "same", "over_wallet"]
                + ["too_large", "everyone_leaves"]
            ),
            label="kind",
        )
        if kind == "valid":
            stake = data.draw(
                st.sampled_from([minimum, 2 * minimum, 3 * minimum])
                | st.integers(minimum, 5 * minimum),
                label="stake",
            )
        elif kind == "zero":
            stake = 0
        elif kind == "below_min":
            stake = data.draw(st.integers(1, max(minimum - 1, 1)), label="stake")
        elif kind == "below_locked":  # when locked is above the minimum; else valid
            stake = max(j.locked - 1, minimum)
        elif kind == "same":
            stake = j.stake
        elif kind == "over_wallet":
            stake = j.stake + j.tokens + 1
        elif kind == "too_large":
            stake = UINT96_MAX + 1
        else:
            # Every juror asks for stake 0: the tree empties (once no stake is locked), so
            # that disputes can wait for jurors with nobody to draw (no freeze; stale tickets).
            for other in self.jurors:
                if other.stake:
                    self._set_stake(other, 0)
            return
        self._set_stake(j, stake)

    def _set_stake(self, j: JurorModel, stake: int) -> None:
        minimum = self.params.min_stake
        c = self.court
        frozen = self.frozen()
        unchanged = stake == j.stake
        if unchanged:
            # Asking for the stake in force withdraws a recorded request, frozen or not;
            # without one it is refused.
            error = None if j.delayed is not None else self._err(c.CourtStakeUnchanged, stake=stake)
        elif stake != 0 and stake < minimum:
            error = self._err(c.CourtStakeBelowMinimum, stake=stake, minimum=minimum)
        elif stake > UINT96_MAX:
            error = self._err(c.CourtStakeTooLarge, stake=stake)
        elif frozen:
            error = None
        else:
            error = self._stake_error(j, stake)
        if error is not None:
            self._refused(error, c.setStake, stake, sender=j.account)
            return

        tx = self._send(c.setStake, stake, sender=j.account)
        if unchanged or frozen:
            j.delayed = None if unchanged else stake
            assert self._one(tx, c.StakeDelayed) == {"juror": j.address, "stake": stake}
            assert not self._logs(tx, c.StakeSet)
            event("delayed stake withdrawn" if unchanged else "stake delayed")
        else:
            assert not self._logs(tx, c.StakeDelayed)
            self._apply_stake(j, stake, tx)

    def delayed(self) -> list[JurorModel]:
        return [j for j in self.jurors if j.delayed is not None]

    @precondition(lambda self: self.delayed())
    @rule(data=st.data())
    def apply_delayed_stake(self, data):
        self._apply_delayed_stake(self._juror(data, self.delayed()))

    def _apply_delayed_stake(self, j: JurorModel) -> None:
        """Anyone applies a juror's delayed stake (or tries to)."""
        c = self.court
        if self.frozen():
            error = self._err(c.CourtFrozen)
        elif j.delayed is None:
            error = self._err(c.CourtNoDelayedStake, juror=j.address)
        else:
            error = self._stake_error(j, j.delayed)
        if error is not None:
            self._refused(error, c.applyDelayedStake, j.address, sender=self.stranger)
            return
        tx = self._send(c.applyDelayedStake, j.address, sender=self.stranger)
        self._apply_stake(j, j.delayed, tx)

    def cooling(self) -> list[JurorModel]:
        return [j for j in self.jurors if j.cooling]

    @precondition(lambda self: self.cooling())
    @rule(data=st.data(), wait=st.sampled_from([None, None, None, -1, 0]))
    def withdraw_stake(self, data, wait):
        self._withdraw_stake(self._juror(data, self.cooling()), wait)

    def _withdraw_stake(self, j: JurorModel, wait: int | None) -> None:
        """A juror withdraws its cooled stake, possibly once (or a second before) the cooldown
        ends."""
        if wait is not None and j.cooling:
            self._jump(j.cooling_ends + wait)
        c = self.court
        if j.cooling == 0:
            error = self._err(c.CourtNothingToWithdraw, account=j.address)
        elif self.now < j.cooling_ends:
            error = self._err(c.CourtCoolingDown, availableAt=j.cooling_ends)
        else:
            error = None
        if error is not None:
            self._refused(error, c.withdrawStake, sender=j.account)
            return
        tx = self._send(c.withdrawStake, sender=j.account)
        assert self._one(tx, c.StakeWithdrawn) == {"juror": j.address, "amount": j.cooling}
        self.totals["cooling"] -= j.cooling
        j.tokens += j.cooling
        j.cooling = j.cooling_ends = 0

    # ------------------------------------------------------------ disputes

    def _open_round(self, tx, d: DisputeModel, seats: int, value: int) -> None:
        requested = self._one(tx, self.court.DrawRequested)
        assert requested["disputeId"] == d.id and requested["round"] == len(d.rounds)
        r = RoundModel(seats, value, requested["ticket"], tx.block_number)
        r.requested_weights = self.weights()
        d.rounds.append(r)
        self.totals["feesHeld"] += value
        self.fees_in += value

    @precondition(
        lambda self: len(self.unruled()) < MAX_UNRULED and len(self.disputes) < MAX_DISPUTES
    )
    @rule(
        paid=st.sampled_from(["exact", "exact", "under", "over"]),
        extra=st.integers(1, 10**15),
        choices=st.sampled_from([CHOICES, CHOICES, CHOICES, 0]),
    )
    def open_dispute(self, paid, extra, choices):
        """The arbitrable opens a dispute, paying the arbitration cost (or not quite)."""
        a, c = self.arbitrable, self.court
        cost = self.params.fee_per_juror * FIRST_ROUND_SEATS
        value = {"exact": cost, "under": cost - 1, "over": cost + extra}[paid]
        if choices == 0:
            error = self._err(c.CourtInvalidChoices, choices=0)
        elif value < cost:
            error = self._err(c.CourtInsufficientFee, paid=value, cost=cost)
        else:
            error = None
        if error is not None:
            self._refused(error, a.createDispute, choices, sender=self.stranger, value=value)
            return
        tx = self._send(a.createDispute, choices, sender=self.stranger, value=value)
        created = self._one(tx, c.DisputeCreation)
        d = DisputeModel(len(self.disputes), Period.EVIDENCE, tx.timestamp, self.params)
        assert created == {"_disputeID": d.id, "_arbitrable": a.address}
        self.disputes.append(d)
        self._open_round(tx, d, FIRST_ROUND_SEATS, value)

    @precondition(lambda self: self.undrawn())
    @rule(
        data=st.data(),
        timing=st.sampled_from(["ready", "ready", "ready", "early", "late"]),
        value=RANDOM_VALUES,
    )
    def draw(self, data, timing, value):
        self._draw(self._dispute(data, self.undrawn()), timing, value)

    def _fix_random_value(self, ticket: int, target: int, value: int) -> None:
        """Fixes the ticket's random value to `value`, as `fulfil` would in the window.

        Anvil's prevrandao differs on every run, so a value taken from it would make the draw
        (and every later choice hypothesis makes among the drawn jurors) differ between the
        runs of one example: hypothesis could neither replay nor shrink a failure. The value is
        chosen by hypothesis instead and written into the source's storage (`_tickets`, slot 0:
        the value in the high 192 bits, the target block in the low 64), which its `fulfil`
        then returns; the court's draw runs unchanged."""
        slot = keccak(encode(["uint256", "uint256"], [ticket, 0]))
        packed = (value << 64) | target
        self._rpc(
            "anvil_setStorageAt",
            [self.randomness.address, to_hex(slot), to_hex(packed.to_bytes(32, "big"))],
        )
        assert self._uint(self.randomness.valueOf, ticket) == value
        assert self._uint(self.randomness.targetBlock, ticket) == target

    def _draw(self, d: DisputeModel, timing: str, value: int) -> None:
        """Anyone draws a pending round: in the randomness window, before it, or after it
        closed (the ticket is renewed)."""
        r, index = d.current, len(d.rounds) - 1
        c = self.court
        target = r.request_block + self.lookahead
        assert self._uint(self.randomness.targetBlock, r.ticket) == target
        stale = r.request_block <= self.stale_before

        if timing == "early" and not stale and self.head_no + 1 < target:
            not_ready = self.randomness.RandomnessNotReady
            error = self._err(not_ready, ticket=r.ticket, targetBlock=target)
            self._refused(error, c.draw, d.id, sender=self.stranger)
            return
        if timing == "late" and self.head_no + 1 < target + self.window:
            self._mine(target + self.window - self.head_no - 1)
        elif self.head_no + 1 < target:
            self._mine(target - self.head_no - 1)

        if stale or self.head_no + 1 >= target + self.window:
            tx = self._send(c.draw, d.id, sender=self.stranger)
            requested = self._one(tx, c.DrawRequested)
            assert requested["disputeId"] == d.id and requested["round"] == index
            assert not self._logs(tx, c.JurorsDrawn)
            r.ticket, r.request_block = requested["ticket"], tx.block_number
            r.requested_weights = self.weights()
            event("ticket renewed: stale" if stale else "ticket renewed: window passed")
            return
        if self.total_weight() == 0:
            self._refused(self._err(c.CourtNoJurors), c.draw, d.id, sender=self.stranger)
            return

        before = self._read()  # invariant 3: the stakes and weights the draw sees
        weights = [before["jurors"][address][6] for address in self.ids]
        assert sum(weights) == before["total_weight"] > 0
        # Nothing that decides who is drawn changed since the ticket was requested: the value
        # may be known from then on (the ticket is renewed when stakes moved in between).
        requested = r.requested_weights + [0] * (len(weights) - len(r.requested_weights))
        assert weights == requested, "the tree changed after the ticket was requested"
        self._fix_random_value(r.ticket, target, value)
        tx = self._send(c.draw, d.id, sender=self.stranger)
        assert self._uint(self.randomness.valueOf, r.ticket) == value
        expected = []
        for seat in range(r.seats):
            seed = keccak(encode(["uint256"] * 4, [value, d.id, index, seat]))
            expected.append(reference_draw(weights, int.from_bytes(seed, "big")))
        assert self._one(tx, c.JurorsDrawn) == {
            "disputeId": d.id,
            "round": index,
            "jurorIds": expected,
        }
        r.jurors = [self.ids[i] for i in expected]
        for address in r.jurors:
            info = before["jurors"][address]
            r.before_draw[address] = (info[2], info[6])
            self.by_address[address].locked += lock_of(d.params)
        self.totals["locked"] += lock_of(d.params) * r.seats
        event(f"drew {len(set(expected))} juror(s) for {r.seats} seats")
        assert not self._logs(tx, c.DrawRequested)

    @precondition(lambda self: self.unruled())
    @rule(data=st.data(), jump=st.sampled_from(["end", "none", "before_end"]))
    def pass_period(self, data, jump):
        self._pass_period(self._dispute(data, self.unruled()), jump)

    def _pass_period(self, d: DisputeModel, jump: str) -> None:
        """Anyone passes a dispute's period: once it is over, a second before, or at once."""
        end = self.period_end(d)
        if jump == "end":
            self._jump(end)
        elif jump == "before_end":
            self._jump(end - 1)
        c, r = self.court, d.current
        time_up = self.now >= end
        if d.period == Period.COMMIT:
            time_up = time_up or r.committed == r.seats
        elif d.period == Period.REVEAL:
            time_up = time_up or r.revealed_seats == r.seats
        if d.period == Period.EVIDENCE and not r.drawn:
            error = self._err(c.CourtJurorsNotDrawn, disputeId=d.id)
        elif not time_up:
            error = self._err(c.CourtPeriodNotOver, disputeId=d.id, endsAt=end)
        else:
            error = None
        if error is not None:
            self._refused(error, c.passPeriod, d.id, sender=self.stranger)
            return
        tx = self._send(c.passPeriod, d.id, sender=self.stranger)
        d.period, d.start = Period(d.period + 1), tx.timestamp
        assert self._one(tx, c.NewPeriod) == {"disputeId": d.id, "period": d.period}
        event(f"passed to {d.period.name}")

    # ------------------------------------------------------------ votes

    def _account(self, address: str):
        return self.by_address[address].account

    def _salt_key(self, d: DisputeModel, address: str) -> str:
        return sdk.SaltStore.key(
            self.chain_id, self.court.address, d.id, len(d.rounds) - 1, address
        )

    @precondition(lambda self: self.can_commit())
    @rule(
        data=st.data(),
        choice=st.sampled_from([1, 2, 0, CHOICES + 1]),
        mode=st.sampled_from(["honest", "honest", "split", "late", "stranger", "again", "zero"]),
    )
    def commit(self, data, choice, mode):
        d = self._dispute(data, self.can_commit())
        self._commit(d, data, choice, mode)

    def _commit(self, d: DisputeModel, data, choice: int, mode: str, address=None) -> None:
        """A drawn juror commits a vote for all its seats through the SDK (choice 3 can never be
        revealed), or ("split") two votes, the other choice for some of its seats, by hand;
        or a refused commit: after the period, by a stranger, a second time, a zero
        commitment."""
        r, index, c = d.current, len(d.rounds) - 1, self.court
        if address is None:
            address = data.draw(st.sampled_from(self.uncommitted(d)), label="juror")
        seats = r.seats_of(address)
        digest = keccak(b"some commitment")
        sender = self._account(address)
        end = self.period_end(d)
        if mode == "late":
            self._jump(end)
        if self.now >= end:  # also when the juror before it took the last second
            error = self._err(c.CourtPeriodOver, disputeId=d.id, endedAt=end)
        elif mode == "stranger":
            error = self._err(
                c.CourtNotSeatJuror,
                disputeId=d.id,
                round=index,
                seat=seats[0],
                caller=self.stranger.address,
            )
            sender = self.stranger
        elif mode == "again" and r.ballots:
            address = data.draw(st.sampled_from(sorted(r.ballots)), label="committed")
            seats, sender = r.seats_of(address), self._account(address)
            error = self._err(c.CourtAlreadyCommitted, disputeId=d.id, round=index, seat=seats[0])
        elif mode == "zero":
            digest = b"\x00" * 32
            error = self._err(c.CourtZeroCommitment)
        else:
            error = None
        if error is not None:
            self._refused(error, c.commit, d.id, seats, digest, sender=sender)
            return

        if mode == "split" and len(seats) > 1:
            cut = data.draw(st.integers(1, len(seats) - 1), label="cut")
            other = CHOICES + 1 - choice if 1 <= choice <= CHOICES else 1
            ballots = [
                Ballot(seats[:cut], choice, keccak(b"first")),
                Ballot(seats[cut:], other, keccak(b"second")),
            ]
            for ballot in ballots:
                digest = sdk.commitment(
                    ballot.choice, ballot.salt, address, d.id, index, self.chain_id, c.address
                )
                tx = self._send(c.commit, d.id, ballot.seats, digest, sender=sender)
                committed = self._one(tx, c.VoteCommitted)
                assert (committed["juror"], committed["seats"]) == (address, ballot.seats)
            event("split vote committed")
        else:
            juror = sdk.Juror(self.raw(c), self.sender(sender), self.salts, self.chain_id)
            self._pin()
            tx = juror.commit(d.id, choice)
            self._mined(tx)
            committed = self._one(tx, c.VoteCommitted)
            assert (committed["juror"], committed["seats"]) == (address, seats)
            ballots = [Ballot(seats, choice, None)]
            event("committed")
        r.ballots[address] = ballots
        r.committed += len(seats)

    @precondition(lambda self: self.can_reveal())
    @rule(data=st.data(), mode=st.sampled_from(["honest", "honest", "honest", "late", "wrong"]))
    def reveal(self, data, mode):
        self._reveal(self._dispute(data, self.can_reveal()), data, mode)

    def _reveal(self, d: DisputeModel, data, mode: str, address=None) -> None:
        """A juror reveals its vote through the SDK; or a refused reveal: after the period,
        with the wrong salt, or a choice that does not exist."""
        r, index, c = d.current, len(d.rounds) - 1, self.court
        if address is None:
            address = data.draw(st.sampled_from(self.unrevealed(d)), label="juror")
        ballot = next(b for b in r.ballots[address] if not b.revealed)
        seats, account = ballot.seats, self._account(address)
        choice, salt = ballot.choice, ballot.salt
        if salt is None:
            sealed = self.salts.recall(self._salt_key(d, address))
            assert sealed.choice == choice
            salt = sealed.salt
        end = self.period_end(d)
        if mode == "late":
            self._jump(end)
        if self.now >= end:
            error = self._err(c.CourtPeriodOver, disputeId=d.id, endedAt=end)
        elif choice > CHOICES:
            error = self._err(c.CourtInvalidChoice, choice=choice, choices=CHOICES)
        elif mode == "wrong":
            salt = keccak(salt)
            error = self._err(c.CourtCommitmentMismatch, disputeId=d.id, round=index, seat=seats[0])
        else:
            error = None
        if error is not None:
            self._refused(error, c.reveal, d.id, seats, choice, salt, sender=account)
            return

        if ballot.salt is None:  # sealed by the SDK, for all the juror's seats
            juror = sdk.Juror(self.raw(c), self.sender(account), self.salts, self.chain_id)
            self._pin()
            tx = juror.reveal(d.id)
            self._mined(tx)
        else:
            tx = self._send(c.reveal, d.id, seats, choice, salt, sender=account)
        revealed = self._one(tx, c.VoteRevealed)
        assert (revealed["juror"], revealed["seats"], revealed["choice"]) == (
            address,
            seats,
            choice,
        )
        ballot.revealed = True
        r.tally[choice] = r.tally.get(choice, 0) + len(seats)
        r.revealed_seats += len(seats)
        event("revealed")

    # ------------------------------------------------------------ appeals and rulings

    @precondition(lambda self: self.in_period(Period.APPEAL, open_only=False))
    @rule(
        data=st.data(),
        paid=st.sampled_from(["exact", "exact", "under", "over"]),
        extra=st.integers(1, 10**15),
        late=st.booleans(),
    )
    def appeal(self, data, paid, extra, late):
        d = self._dispute(data, self.in_period(Period.APPEAL, False))
        self._appeal(d, paid, extra, late)

    def _appeal(self, d: DisputeModel, paid: str, extra: int, late: bool) -> None:
        """The arbitrable appeals, paying appealCost (or not quite), maybe too late."""
        a, c = self.arbitrable, self.court
        end = self.period_end(d)
        if late:
            self._jump(end)
        seats = 2 * d.current.seats + 1
        cost = d.params.fee_per_juror * seats
        allowed = len(d.rounds) <= d.params.max_appeals
        quoted = decode(["uint256"], self._call(c.appealCost, d.id, b""))[0]
        assert quoted == (cost if allowed and self.now < end else UINT256_MAX)
        value = {"exact": cost, "under": cost - 1, "over": cost + extra}[paid]
        if self.now >= end:
            error = self._err(c.CourtPeriodOver, disputeId=d.id, endedAt=end)
        elif not allowed:
            error = self._err(c.CourtNoMoreAppeals, disputeId=d.id)
        elif value < cost:
            error = self._err(c.CourtInsufficientFee, paid=value, cost=cost)
        else:
            error = None
        if error is not None:
            self._refused(error, a.appeal, d.id, sender=self.stranger, value=value)
            return
        tx = self._send(a.appeal, d.id, sender=self.stranger, value=value)
        d.period, d.start = Period.EVIDENCE, tx.timestamp
        self._open_round(tx, d, seats, value)
        event(f"appealed to {seats} seats")

    @rule(data=st.data(), who=st.sampled_from(["arbitrable", "governance"]))
    def outside_world(self, data, who):
        """The arbitrable starts (or stops) rejecting rulings, as a broken integrator would; or
        governance sets new parameters."""
        if who == "governance":
            self._set_params(data)
            return
        reject = data.draw(st.booleans(), label="reject")
        if reject != self.rejecting:
            self._send(self.arbitrable.setRejectRulings, reject, sender=self.stranger)
            self.rejecting = reject

    def _executable(self) -> list[DisputeModel]:
        return [
            d
            for d in self.disputes
            if d.period == Period.APPEAL or (d.period == Period.EXECUTION and not d.ruled)
        ] or [d for d in self.disputes if d.period == Period.EXECUTION]

    @precondition(lambda self: self._executable())
    @rule(data=st.data(), wait=st.booleans())
    def execute_ruling(self, data, wait):
        self._execute_ruling(self._dispute(data, self._executable()), wait)

    def _execute_ruling(self, d: DisputeModel, wait: bool) -> None:
        """Anyone executes the ruling (moving the dispute out of Appeal once it is over)."""
        a, c = self.arbitrable, self.court
        appeal = d.period == Period.APPEAL
        if appeal and wait:
            self._jump(self.period_end(d))
        if appeal and self.now < self.period_end(d):
            error = self._err(c.CourtPeriodNotOver, disputeId=d.id, endsAt=self.period_end(d))
        elif d.ruled:
            error = self._err(c.CourtAlreadyRuled, disputeId=d.id)
        elif self.rejecting:
            error = self._err(a.TestArbitrableRejected)
        else:
            error = None
        if error is not None:
            self._refused(error, c.executeRuling, d.id, sender=self.stranger)
            return
        tx = self._send(c.executeRuling, d.id, sender=self.stranger)
        if appeal:
            d.period, d.start = Period.EXECUTION, tx.timestamp
            assert self._one(tx, c.NewPeriod) == {"disputeId": d.id, "period": Period.EXECUTION}
        d.ruled = True
        assert self._one(tx, c.RulingExecuted) == {
            "disputeId": d.id,
            "arbitrable": a.address,
            "ruling": d.ruling,
        }
        assert a.rulings(d.id) == d.ruling and a.ruled(d.id)
        event(f"ruling {d.ruling} executed")

    # ------------------------------------------------------------ settlement

    def _settle_error(self, d: DisputeModel, index: int, seats: list[int]) -> HexBytes | None:
        """The refusal of settle(d, index, seats), in the contract's order of checks."""
        c = self.court
        if not seats:
            return self._err(c.CourtNoSeats)
        if self.frozen():
            return self._err(c.CourtFrozen)
        r, ruling = d.rounds[index], d.ruling
        coherent_seats = r.tally.get(ruling, 0)
        settled, incoherent = set(r.settled), r.incoherent_settled
        for seat in seats:
            if seat >= len(r.jurors):
                return self._err(c.CourtInvalidSeat, disputeId=d.id, round=index, seat=seat)
            if seat in settled:
                return self._err(c.CourtSeatAlreadySettled, disputeId=d.id, round=index, seat=seat)
            settled.add(seat)
            revealed, choice = r.vote(seat)
            if revealed and choice == ruling:
                pending = r.seats - coherent_seats - incoherent
                if pending:
                    return self._err(
                        c.CourtPenaltiesPending,
                        disputeId=d.id,
                        round=index,
                        unsettledIncoherent=pending,
                    )
            else:
                incoherent += 1
        return None

    def _settle(self, d: DisputeModel, index: int, seats: list[int], logs: list[dict]) -> None:
        """What settle(d, index, seats) did, with the SeatSettled events it must have sent."""
        r, ruling = d.rounds[index], d.ruling
        coherent_seats = r.tally.get(ruling, 0)
        expected = []
        for seat in seats:
            j = self.by_address[r.jurors[seat]]
            j.locked -= lock_of(d.params)
            self.totals["locked"] -= lock_of(d.params)
            r.settled.add(seat)
            revealed, choice = r.vote(seat)
            tokens = eth = slashed = 0
            if revealed and choice == ruling:
                j.coherent += 1
                tokens, eth = r.penalties // coherent_seats, r.fees // coherent_seats
                j.reward_tokens += tokens
                j.reward_eth += eth
                self.totals["penaltiesHeld"] -= tokens
                self.totals["rewardTokensOwed"] += tokens
                self.totals["feesHeld"] -= eth
                self.totals["rewardEthOwed"] += eth
            else:
                r.incoherent_settled += 1
                if coherent_seats or not revealed:
                    j.incoherent += 1
                    slashed = min(lock_of(d.params), j.stake)
                    j.stake -= slashed
                    self.totals["staked"] -= slashed
                    self.slashed += slashed
                    if coherent_seats:
                        r.penalties += slashed
                        self.totals["penaltiesHeld"] += slashed
                    else:
                        self.totals["residualTokens"] += slashed
            coherent = revealed and choice == ruling
            expected.append((d.id, index, seat, j.address, coherent, tokens, eth, slashed))
        actual = [tuple(log[k] for k in _SETTLED_FIELDS) for log in logs if log["round"] == index]
        assert actual == expected
        if len(r.settled) == r.seats:  # the round closes: rounding dust to the treasury
            left_eth = r.fees % coherent_seats if coherent_seats else r.fees
            left_tokens = r.penalties % coherent_seats if coherent_seats else r.penalties
            self.totals["feesHeld"] -= left_eth
            self.totals["residualEth"] += left_eth
            self.totals["penaltiesHeld"] -= left_tokens
            self.totals["residualTokens"] += left_tokens
            event("round closed" + ("" if coherent_seats else " without a coherent seat"))

    @precondition(lambda self: self.can_settle())
    @rule(data=st.data(), mode=st.sampled_from(["sdk", "sdk", "seats", "seats", "any"]))
    def settle(self, data, mode):
        self._settle_seats(self._dispute(data, self.can_settle()), data, mode)

    def _settle_seats(self, d: DisputeModel, data, mode: str) -> None:
        """Anyone settles a ruled dispute: every seat through the SDK (incoherent first), or a
        list of seats of one round: the SDK's order shuffled ("seats") or any list ("any")."""
        c = self.court
        if mode == "sdk" and not self.frozen():
            start = self._pin()
            receipts = sdk.settle_dispute(self.raw(c), d.id, self.sender(self.stranger))
            # One second per block (see the test function): the chain's clock stays the
            # model's, whatever the wall clock did meanwhile.
            assert [tx.timestamp for tx in receipts] == list(range(start, start + len(receipts)))
            for tx in receipts:
                self._mined(tx)
            ruling = d.ruling
            for tx in receipts:
                logs = self._logs(tx, c.SeatSettled)
                index = logs[0]["round"]
                seats = [log["seat"] for log in logs]
                r = d.rounds[index]
                kinds = {r.vote(s)[0] and r.vote(s)[1] == ruling for s in seats}
                assert len(kinds) == 1, "one kind of seat per transaction"
                assert self._settle_error(d, index, seats) is None
                self._settle(d, index, seats, logs)
                self._settled_while_waiting(tx)
            assert not d.unsettled()
            event("settled through the SDK")
            return

        open_rounds = [i for i, r in enumerate(d.rounds) if len(r.settled) < r.seats]
        index = data.draw(st.sampled_from(open_rounds), label="round")
        r, ruling = d.rounds[index], d.ruling
        if mode == "any":
            seats = data.draw(
                st.lists(st.integers(0, r.seats), max_size=4, unique=False), label="seats"
            )
        else:
            unsettled = [s for s in range(r.seats) if s not in r.settled]
            chosen = data.draw(
                st.lists(st.sampled_from(unsettled), min_size=1, unique=True), label="seats"
            )
            # The SDK's order (incoherent first) most of the time.
            if data.draw(st.booleans(), label="incoherent first"):
                chosen.sort(key=lambda s: r.vote(s)[0] and r.vote(s)[1] == ruling)
            seats = chosen
        error = self._settle_error(d, index, seats)
        if error is not None:
            self._refused(error, c.settle, d.id, index, seats, sender=self.stranger)
            return
        tx = self._send(c.settle, d.id, index, seats, sender=self.stranger)
        self._settle(d, index, seats, self._logs(tx, c.SeatSettled))
        self._settled_while_waiting(tx)

    def _settled_while_waiting(self, tx) -> None:
        """Settling moves weights: with rounds waiting (only with an empty tree, or it could
        not settle) their tickets go stale, as after a stake change."""
        if self.pending_draws():
            self.stale_before = tx.block_number

    def owed(self) -> list[JurorModel]:
        return [j for j in self.jurors if j.reward_tokens or j.reward_eth]

    @precondition(lambda self: self.owed())
    @rule(data=st.data())
    def withdraw_rewards(self, data):
        self._withdraw_rewards(self._juror(data, self.owed()))

    def _withdraw_rewards(self, j: JurorModel) -> None:
        """A juror withdraws its credited rewards (or has none)."""
        c = self.court
        if not (j.reward_tokens or j.reward_eth):
            error = self._err(c.CourtNothingToWithdraw, account=j.address)
            self._refused(error, c.withdrawRewards, sender=j.account)
            return
        tokens_before = self._uint(self.token.balanceOf, j.address)
        eth_before = self._balance(j.address)
        tx = self._send(c.withdrawRewards, sender=j.account)
        assert self._one(tx, c.RewardsWithdrawn) == {
            "juror": j.address,
            "tokens": j.reward_tokens,
            "eth": j.reward_eth,
        }
        # Invariant 4 counts what the juror actually received.
        self.paid_tokens += self._uint(self.token.balanceOf, j.address) - tokens_before
        self.paid_eth += self._balance(j.address) - eth_before + tx.total_fees_paid
        self.totals["rewardTokensOwed"] -= j.reward_tokens
        self.totals["rewardEthOwed"] -= j.reward_eth
        j.tokens += j.reward_tokens
        j.eth += j.reward_eth
        j.reward_tokens = j.reward_eth = 0

    @precondition(lambda self: self.totals["residualTokens"] or self.totals["residualEth"])
    @rule()
    def sweep_residual(self):
        self._sweep_residual()

    def _sweep_residual(self) -> None:
        """Anyone sends the residual to the treasury (or there is none)."""
        c = self.court
        tokens, eth = self.totals["residualTokens"], self.totals["residualEth"]
        if not (tokens or eth):
            error = self._err(c.CourtNothingToWithdraw, account=self.treasury)
            self._refused(error, c.sweepResidual, sender=self.stranger)
            return
        tokens_before = self._uint(self.token.balanceOf, self.treasury)
        eth_before = self._balance(self.treasury)
        tx = self._send(c.sweepResidual, sender=self.stranger)
        assert self._one(tx, c.ResidualSwept) == {
            "treasury": self.treasury,
            "tokens": tokens,
            "eth": eth,
        }
        self.paid_tokens += self._uint(self.token.balanceOf, self.treasury) - tokens_before
        self.paid_eth += self._balance(self.treasury) - eth_before
        self.treasury_tokens += tokens
        self.treasury_eth += eth
        self.totals["residualTokens"] = self.totals["residualEth"] = 0

    def active(self) -> list[DisputeModel]:
        return [d for d in self.disputes if d.period != Period.EXECUTION or d.unsettled()]

    @precondition(lambda self: self.active())
    @rule(data=st.data())
    def advance(self, data):
        self._advance(data)

    @precondition(lambda self: self.active())
    @rule(data=st.data())
    def see_it_through(self, data):
        """A dispute carried as far as it goes in one step: its rounds run as in `run_a_round`,
        an appeal now and then, the ruling executed (or the appeal period passed when the
        arbitrable rejects rulings), every seat settled. Stops where the court refuses to go
        on (nobody to draw, a frozen court)."""
        d = self._dispute(data, self.active())
        for _ in range(4 * (d.params.max_appeals + 2)):
            before = self._progress(d)
            if d.period == Period.APPEAL:
                can_appeal = len(d.rounds) <= d.params.max_appeals
                if can_appeal and data.draw(st.sampled_from([False] * 3 + [True]), label="appeal"):
                    self._appeal(d, "exact", 0, late=False)
                elif self.rejecting:
                    self._pass_period(d, "end")
                else:
                    self._execute_ruling(d, wait=True)
            else:
                self._run_period(d, data)
            if self._progress(d) == before or not d.unsettled():
                break

    @staticmethod
    def _progress(d: DisputeModel) -> tuple:
        settled = sum(len(r.settled) for r in d.rounds)
        return d.period, len(d.rounds), d.current.drawn, d.ruled, settled

    def _run_period(self, d: DisputeModel, data) -> None:
        """The dispute's next step, then its period passed as soon as it is over (unless the
        step passed it already)."""
        period = d.period
        self._step(d, data, act=True)
        if d.period == period and (
            period in (Period.COMMIT, Period.REVEAL)
            or (period == Period.EVIDENCE and d.current.drawn)
        ):
            self._pass_period(d, "end")

    @precondition(lambda self: self.active())
    @rule(data=st.data())
    def run_a_round(self, data):
        """`advance` with every period passed as soon as it is over, up to the Appeal period:
        a whole round in one step (draw, commit, reveal), so that votes are not always cut
        short by the time other disputes take."""
        d = self._dispute(data, self.active())
        for _ in range(3):
            self._run_period(d, data)
            if d.period not in (Period.COMMIT, Period.REVEAL):
                break

    def _advance(self, data) -> None:
        self._step(self._dispute(data, self.active()), data)

    def _step(self, d: DisputeModel, data, act: bool | None = None) -> None:
        """A dispute's natural next step, as a keeper and its jurors would take it: draw, vote
        (most drawn jurors commit and reveal), pass the period once it is over, sometimes
        appeal, execute the ruling, settle every seat."""
        if act is None:  # else pass the period at once (skip the vote, appeal)
            act = data.draw(st.sampled_from([True, True, True, False]), label="act")
        if d.period == Period.EVIDENCE:
            if d.current.drawn:
                self._pass_period(d, "end")
            else:
                self._draw(d, "ready", data.draw(RANDOM_VALUES, label="random value"))
        elif d.period == Period.COMMIT:
            if act and d in self.can_commit():
                # Most jurors vote with the majority; some against it, some refuse to
                # arbitrate (0), some commit a choice that does not exist, some do not vote.
                majority = data.draw(st.sampled_from([1, 2]), label="majority")
                for address in self.uncommitted(d):
                    vote = data.draw(st.sampled_from(VOTES), label="vote")
                    choice = {
                        "agree": majority,
                        "split": majority,
                        "disagree": CHOICES + 1 - majority,
                        "refuse": 0,
                        "invalid": CHOICES + 1,
                    }.get(vote)
                    if choice is not None:
                        mode = "split" if vote == "split" else "honest"
                        self._commit(d, data, choice, mode, address)
            else:
                self._pass_period(d, "end")
        elif d.period == Period.REVEAL:
            if act and d in self.can_reveal():
                for address in self.unrevealed(d):
                    for _ballot in [b for b in d.current.ballots[address] if not b.revealed]:
                        if data.draw(st.sampled_from([True] * 5 + [False]), label="reveals"):
                            self._reveal(d, data, "honest", address)
            else:
                self._pass_period(d, "end")
        elif d.period == Period.APPEAL:
            if act:
                self._execute_ruling(d, wait=True)
            elif len(d.rounds) <= d.params.max_appeals:
                self._appeal(d, "exact", 0, late=False)
            else:
                self._pass_period(d, "end")
        elif not d.ruled and not act:
            self._execute_ruling(d, wait=False)
        else:
            self._settle_seats(d, data, "sdk")

    @rule(data=st.data(), which=st.sampled_from(["stake", "delayed", "rewards", "sweep"]))
    def withdraw_anything(self, data, which):
        """A withdrawal by any juror, with or without something to withdraw (the rules above
        run only when there is)."""
        j = self._juror(data, self.jurors)
        if which == "stake":
            self._withdraw_stake(j, None)
        elif which == "delayed":
            self._apply_delayed_stake(j)
        elif which == "rewards":
            self._withdraw_rewards(j)
        else:
            self._sweep_residual()

    def _set_params(self, data) -> None:
        """Governance sets new parameters (or invalid ones): for disputes created from now on,
        stake changes from now on, and delayed stakes applied from now on. Tiny minimum stakes
        (a few weight units) give jurors whose weight rounds to 0, or back above it, as their
        reputation moves."""
        min_stake = data.draw(
            st.sampled_from([1_000, 1_000, 500, 2_000]).map(lambda n: n * TOKEN_UNIT)
            # A few weight units: weights round to 0 or 1 as reputation moves.
            | st.sampled_from([2 * WEIGHT_UNIT, WEIGHT_UNIT // 2])
            | st.integers(1, 3_000 * TOKEN_UNIT),
            label="minStake",
        )
        fee = data.draw(st.sampled_from([10**15, 10**15, 3 * 10**14 + 7]), label="feePerJuror")
        alpha_bps = data.draw(st.sampled_from([1_000, 1_000, 3_333, 10_000, 0]), label="alphaBps")
        max_appeals = data.draw(st.sampled_from([3, 3, 1, 0]), label="maxAppeals")
        cooldown = data.draw(st.sampled_from([7 * DAY, 7 * DAY, DAY, 0]), label="cooldown")
        period = data.draw(st.sampled_from([None, None, None, HOUR, HOUR - 1]), label="period")
        p = self.params
        new = replace(
            p,
            min_stake=min_stake,
            fee_per_juror=fee,
            alpha_bps=alpha_bps,
            max_appeals=max_appeals,
            unstake_cooldown=cooldown,
            commit_period=period or p.commit_period,
            appeal_period=period or p.appeal_period,
        )
        c = self.court
        # The first field out of bounds, in the order the court checks them.
        if alpha_bps == 0:
            refusal = self._err(c.CourtParamBelowMinimum, field=PARAM_ALPHA, value=0, minimum=1)
        elif period is not None and period < HOUR:
            refusal = self._err(
                c.CourtParamBelowMinimum, field=PARAM_COMMIT_PERIOD, value=period, minimum=HOUR
            )
        elif lock_of(new) == 0:
            refusal = self._err(c.CourtParamBelowMinimum, field=PARAM_LOCK, value=0, minimum=1)
        else:
            refusal = None
        if refusal is not None:
            self._refused(refusal, c.setParams, new.as_tuple(), sender=self.governance)
            return
        tx = self._send(c.setParams, new.as_tuple(), sender=self.governance)
        assert self._one(tx, c.ParamsSet) == {"params": list(new.as_tuple())}
        self.params = new
        event("parameters set")

    @rule(seconds=st.sampled_from([1, 60, HOUR, 6 * HOUR]) | st.integers(1, DAY))
    def wait(self, seconds):
        self._jump(self.now + seconds)

    # ------------------------------------------------------------ invariants

    @invariant()
    def court_matches_the_model_and_its_invariants(self):
        read = self._read()
        totals = dict(zip(TOTAL_FIELDS, read["totals"], strict=True))
        jurors = read["jurors"]

        # 1. Every token the court holds belongs somewhere, and the totals add up the accounts.
        assert read["court_tokens"] == (
            totals["staked"]
            + totals["cooling"]
            + totals["penaltiesHeld"]
            + totals["rewardTokensOwed"]
            + totals["residualTokens"]
        )
        assert totals["staked"] == sum(info[2] for info in jurors.values())
        assert totals["locked"] == sum(info[3] for info in jurors.values())
        assert read["juror_count"] == len(self.ids)

        # 2. The ETH balance is exactly the fees not yet paid out.
        assert read["court_eth"] == (
            totals["feesHeld"] + totals["rewardEthOwed"] + totals["residualEth"]
        )

        # 3. Nobody drawn without stake and weight at the time of the draw.
        for d in self.disputes:
            for r in d.rounds:
                for address in r.jurors:
                    stake, weight = r.before_draw[address]
                    assert stake > 0 and weight > 0, (d.id, address, stake, weight)

        # 4. Payouts never exceed what was paid in.
        assert self.paid_eth <= self.fees_in
        assert self.paid_tokens <= self.slashed

        # 5. The tree agrees with the accounts.
        terms = {a: weight_of(info[2], info[4], info[5]) for a, info in jurors.items()}
        for address, info in jurors.items():
            assert info[6] == terms[address], address
        assert read["total_weight"] == sum(terms.values())

        # 6. Frozen exactly while rounds wait for jurors and someone can be drawn.
        assert read["frozen"] == (read["pending"] > 0 and read["total_weight"] > 0)

        # The model.
        assert read["params"] == self.params.as_tuple()
        assert totals == self.totals
        assert read["pending"] == self.pending_draws()
        assert read["frozen"] == self.frozen()
        assert self.totals["staked"] == sum(j.stake for j in self.jurors)
        assert self.totals["cooling"] == sum(j.cooling for j in self.jurors)
        for j in self.jurors:
            assert jurors[j.address] == (
                0 if j.id is None else j.id,
                j.id is not None,
                j.stake,
                j.locked,
                j.coherent,
                j.incoherent,
                j.weight,
                j.delayed is not None,
                j.delayed or 0,
                j.cooling,
                j.cooling_ends,
                j.reward_tokens,
                j.reward_eth,
            ), j.address
            assert read["tokens"][j.address] == j.tokens, j.address
            assert read["eth"][j.address] == j.eth, j.address
        assert read["tokens"][self.treasury] == self.treasury_tokens
        assert read["eth"][self.treasury] == self.treasury_eth
        for d in self.disputes:
            r = d.current
            end = 0 if d.period == Period.EXECUTION else self.period_end(d)
            assert read["disputes"][d.id] == (
                self.arbitrable.address,
                CHOICES,
                d.period,
                d.start,
                end,
                len(d.rounds),
                d.ruled,
                d.ruling,
            ), d.id
            assert read["dispute_params"][d.id] == d.params.as_tuple(), d.id
            assert read["rounds"][d.id] == (
                r.seats,
                tuple(r.jurors),
                r.ticket,
                r.committed,
                r.revealed_seats,
                r.ruling(),
                r.fees,
                r.penalties,
                len(r.settled),
            ), d.id


_SETTLED_FIELDS = ("disputeId", "round", "seat", "juror", "coherent", "rewardTokens", "rewardEth")
_SETTLED_FIELDS += ("slashed",)


def test_court_state_machine(
    chain,
    court,
    token,
    randomness,
    arbitrable,
    create_juror,
    salts,
    court_params,
    stranger,
    governance,
    params,
    error_data,
):
    minimum = court_params.min_stake
    # Three jurors staked (one with an odd amount, for rounding), two not; the last one holds
    # too few tokens for more than two minimum stakes.
    jurors = (
        create_juror(stake=minimum),
        create_juror(stake=2 * minimum),
        create_juror(stake=3 * minimum + 7),
        create_juror(),
        create_juror(funds=5 * minimum // 2),
    )

    CourtMachine.chain = chain
    CourtMachine.court = court
    CourtMachine.token = token
    CourtMachine.randomness = randomness
    CourtMachine.arbitrable = arbitrable
    CourtMachine.stranger = stranger
    CourtMachine.governance = governance
    CourtMachine.salts = salts
    CourtMachine.treasury = to_checksum_address(params.treasury)
    CourtMachine.juror_accounts = jurors
    CourtMachine.court_params = court_params
    CourtMachine.error_data = staticmethod(error_data)

    # Every step is a real transaction plus one batched read, and a dispute needs a dozen steps
    # to settle: half the profile's examples, at least STEPS steps each.
    # Blocks the machine does not time itself (the SDK's settlement transactions after the
    # first, blocks mined to reach a randomness window) come one second apart, not at the wall
    # clock's pace: every run of an example then sees the same timestamps, and hypothesis can
    # replay and shrink it.
    provider = chain.provider
    provider.make_request("anvil_setBlockTimestampInterval", [1])
    try:
        profile = settings.default
        CourtMachine.run(
            settings(
                profile,
                max_examples=profile.max_examples,
                stateful_step_count=max(profile.stateful_step_count, STEPS),
            )
        )
    finally:
        provider.make_request("anvil_removeBlockTimestampInterval", [])
