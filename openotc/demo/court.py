"""The court scenario of `make demo`: five jurors stake the protocol token, a dispute of the
escrow goes to the JurorCourt, three seats are drawn, the jurors commit and reveal, the ruling
executes on the escrow, and every seat is settled and paid. Prints who was drawn, how each
voted, the ruling and every payout."""

from __future__ import annotations

from collections import Counter

from openotc import court as court_sdk
from openotc import escrow as escrow_sdk
from openotc.court import Period
from openotc.units import ETHER, TOKEN_UNIT

JUROR_STAKES = {"carol": 20_000, "dave": 12_000, "erin": 10_000, "frank": 8_000, "grace": 5_000}


def _otc(amount: int) -> str:
    return f"{amount / TOKEN_UNIT:,.2f} OTC"


def _eth(amount: int) -> str:
    return f"{amount / ETHER:.6f} ETH"


class CourtDemo:
    def __init__(self, chain, say, accounts, court_layer, token, treasury, salts_path):
        self.chain = chain
        self.say = say
        self.court = court_layer.court
        self.randomness = court_layer.randomness
        self.token = token
        self.treasury = treasury
        self.salts = court_sdk.SaltStore(salts_path)
        self.jurors: dict[str, court_sdk.Juror] = {}
        for name in JUROR_STAKES:
            account = accounts.test_accounts.generate_test_account()
            account.balance = 10**20
            self.jurors[name] = court_sdk.Juror(self.court, account, self.salts, chain.chain_id)
        self.names = {juror.address: name for name, juror in self.jurors.items()}
        self.decided: list[int] = []  # disputes brought to a ruling, in order

    def stake(self, say_section) -> None:
        say_section("Court: five jurors stake the protocol token")
        for name, amount in JUROR_STAKES.items():
            juror = self.jurors[name]
            self.token.transfer(juror.account, amount * TOKEN_UNIT, sender=self.treasury)
            juror.stake(self.token, amount * TOKEN_UNIT)
            info = self.court.juror(juror.address)
            self.say(
                f"{name:<6} stakes {amount:>6,} OTC (juror #{info.id}, weight {info.weight:,})"
            )
        self.say(
            f"each seat locks {_otc(self.court.lockPerSeat())}; "
            f"a dispute costs {_eth(self.court.arbitrationCost(b''))} (3 seats)"
        )

    def decide(self, dispute_id: int, keeper):
        """Drives dispute `dispute_id` (already created by the escrow) to its ruling; returns
        the receipt of `executeRuling`, which carries the escrow's settlement events."""
        court, say = self.court, self.say
        ticket = court.round(dispute_id, 0).ticket
        say(f"the court asks for randomness (ticket {ticket}); frozen={court.frozen()}")
        court_sdk.draw_when_ready(court, self.randomness, self.chain, dispute_id, keeper)
        drawn = list(court.round(dispute_id, 0).jurors)
        value = self.randomness.valueOf(ticket)
        say(f"prevrandao fixed the value {value:#x}"[:70] + "…")
        for seat, address in enumerate(drawn):
            say(f"seat {seat}: {self.names[address]}")
        self._pass(dispute_id)  # -> Commit

        # Everyone votes for the buyer except, when the seats went to more than one juror, the
        # one holding the fewest seats (the last of them): that juror dissents and is outvoted.
        seats_held = Counter(drawn)
        dissenter = None
        if len(seats_held) > 1:
            dissenter = min(reversed(drawn), key=lambda address: seats_held[address])
        choices = {
            address: escrow_sdk.Ruling.SELLER_WINS
            if address == dissenter
            else escrow_sdk.Ruling.BUYER_WINS
            for address in drawn
        }
        for address in dict.fromkeys(drawn):
            receipt = self.jurors[self.names[address]].commit(dispute_id, choices[address])
            digest = receipt.decode_logs(court.VoteCommitted)[0].commitment
            say(f"{self.names[address]} commits {bytes(digest).hex()[:16]}… (salt kept off-chain)")
        self._pass(dispute_id)  # -> Reveal (every seat committed)
        for address in dict.fromkeys(drawn):
            self.jurors[self.names[address]].reveal(dispute_id)
            label = "buyer" if choices[address] == escrow_sdk.Ruling.BUYER_WINS else "seller"
            say(f"{self.names[address]} reveals: {choices[address]} ({label} wins)")
        self._pass(dispute_id)  # -> Appeal
        cost = court.appealCost(dispute_id, b"")
        say(f"ruling {court.currentRuling(dispute_id)}; an appeal would cost {_eth(cost)}")
        self.chain.pending_timestamp = court.dispute(dispute_id).periodEnd
        say("nobody appeals within the appeal period")
        receipt = court.executeRuling(dispute_id, sender=keeper)
        say(f"ruling executed: the escrow receives ruling {court.currentRuling(dispute_id)}")
        self.decided.append(dispute_id)
        return receipt

    def settle_and_pay(self, keeper) -> None:
        """Settles every seat of the disputes decided so far and pays the jurors."""
        for dispute_id in self.decided:
            self._settle(dispute_id, keeper)
        self._pay(keeper)

    def _settle(self, dispute_id: int, keeper) -> None:
        court, say = self.court, self.say
        say(f"dispute #{dispute_id}:")
        for receipt in court_sdk.settle_dispute(court, dispute_id, keeper):
            for event in receipt.decode_logs(court.SeatSettled):
                name = self.names[event.juror]
                if event.coherent:
                    say(
                        f"seat {event.seat} ({name}) coherent: lock back + "
                        f"{_otc(event.rewardTokens)} + {_eth(event.rewardEth)}"
                    )
                else:
                    say(f"seat {event.seat} ({name}) incoherent: slashed {_otc(event.slashed)}")

    def _pay(self, keeper) -> None:
        court, say = self.court, self.say
        for name, juror in self.jurors.items():
            info = court.juror(juror.address)
            receipt = juror.withdraw_rewards()
            if receipt is not None:
                paid = receipt.decode_logs(court.RewardsWithdrawn)[0]
                say(f"{name} withdraws {_otc(paid.tokens)} and {_eth(paid.eth)}")
            say(
                f"{name:<6} stake {_otc(info.stake)}, votes coherent {info.coherent} / "
                f"incoherent {info.incoherent}, weight {info.weight:,}"
            )
        totals = court.totals()
        if totals.residualTokens or totals.residualEth:
            court.sweepResidual(sender=keeper)
            say(
                f"rounding residual to the treasury: {_otc(totals.residualTokens)} "
                f"and {_eth(totals.residualEth)}"
            )
        held_eth = self.chain.provider.get_balance(court.address)
        say(
            f"court holds {_otc(self.token.balanceOf(court))} = stakes "
            f"{_otc(court.totals().staked)}; ETH held {_eth(held_eth)}"
        )

    def _pass(self, dispute_id: int) -> None:
        info = self.court.dispute(dispute_id)
        if info.period in (Period.EVIDENCE, Period.APPEAL) or not self._everyone_acted(dispute_id):
            self.chain.pending_timestamp = max(info.periodEnd, self.chain.pending_timestamp)
        self.court.passPeriod(dispute_id, sender=self.treasury)

    def _everyone_acted(self, dispute_id: int) -> bool:
        info = self.court.dispute(dispute_id)
        round_info = self.court.round(dispute_id, info.rounds - 1)
        done = round_info.committed if info.period == Period.COMMIT else round_info.revealed
        return done == round_info.seats
