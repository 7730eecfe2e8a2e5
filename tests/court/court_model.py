"""The reference model of the JurorCourt's stateful property test (test_court_properties.py):
what a juror, a ballot, a round and a dispute are in the spec (IJurorCourt), the drawing weight,
the reference draw, and the ABI shapes of the views the test reads in one batch."""

from __future__ import annotations

from dataclasses import dataclass, field

from eth_utils import to_checksum_address
from hypothesis import strategies as st

from openotc.court import Period
from openotc.deployment.params import CourtParams
from openotc.units import BPS

CHOICES = 2
WEIGHT_UNIT = 10**9
UINT96_MAX = 2**96 - 1
UINT256_MAX = 2**256 - 1
FIRST_ROUND_SEATS = 3
MAX_UNRULED = 2  # disputes before Execution at once
MAX_DISPUTES = 4  # per example
# A dispute needs about a dozen steps from its opening to its settlement.
STEPS = 60

# How a drawn juror votes when a dispute advances (see `_step`).
VOTES = ("agree", "agree", "agree", "agree", "disagree", "disagree", "split", "refuse", "invalid")
VOTES += ("none",)
# Random values of the randomness source: 192 bits, never 0.
RANDOM_VALUES = st.integers(1, 2**192 - 1)


_JUROR_INFO = (
    "(uint256,bool,uint256,uint256,uint256,uint256,uint256,bool," + ",".join(["uint256"] * 5) + ")"
)
_TOTALS_INFO = "(" + ",".join(["uint256"] * 9) + ")"
_PARAMS_INFO = "(uint96,uint96,uint16,uint8,uint32,uint32,uint32,uint32,uint32)"
_DISPUTE_INFO = "(address,uint256,uint8,uint256,uint256,uint256,bool,uint256)"
_ROUND_INFO = "(uint256,address[],uint256,uint256,uint256,uint256,uint256,uint256,uint256)"

TOTAL_FIELDS = (
    "staked",
    "locked",
    "cooling",
    "penaltiesHeld",
    "rewardTokensOwed",
    "residualTokens",
    "feesHeld",
    "rewardEthOwed",
    "residualEth",
)


def weight_of(stake: int, coherent: int, incoherent: int) -> int:
    """IJurorCourt, Drawing weight."""
    return stake * (coherent + 1) // (coherent + incoherent + 1) // WEIGHT_UNIT


# `IJurorCourt.ParamField` values of the fields the stateful suite makes invalid.
PARAM_ALPHA, PARAM_COMMIT_PERIOD, PARAM_LOCK = 2, 6, 9


def lock_of(params) -> int:
    """IJurorCourt, A dispute, round by round: the stake each seat locks."""
    return params.min_stake * params.alpha_bps // BPS


def reference_draw(weights: list[int], random: int) -> int:
    """The leaf a sortition tree of `weights` (by leaf index) draws for `random`."""
    target = random % sum(weights)
    for leaf, weight in enumerate(weights):
        if target < weight:
            return leaf
        target -= weight
    raise AssertionError("unreachable: target < total")


# ---------------------------------------------------------------- the model


@dataclass(repr=False)
class JurorModel:
    account: object
    id: int | None = None
    stake: int = 0
    locked: int = 0
    coherent: int = 0
    incoherent: int = 0
    delayed: int | None = None
    cooling: int = 0
    cooling_ends: int = 0
    reward_tokens: int = 0
    reward_eth: int = 0
    tokens: int = 0  # wallet
    eth: int = 0  # wallet

    @property
    def address(self) -> str:
        return self.account.address

    def __repr__(self) -> str:
        return f"Juror({self.address}, stake={self.stake}, locked={self.locked})"

    @property
    def weight(self) -> int:
        return weight_of(self.stake, self.coherent, self.incoherent)


@dataclass
class Ballot:
    """One commitment of a juror for some of its seats."""

    seats: list[int]
    choice: int
    salt: bytes | None  # None: sealed in the SDK's salt store
    revealed: bool = False


@dataclass
class RoundModel:
    seats: int
    fees: int
    ticket: int
    request_block: int
    jurors: list[str] = field(default_factory=list)  # address by seat, once drawn
    ballots: dict[str, list[Ballot]] = field(default_factory=dict)  # by juror, once committed
    tally: dict[int, int] = field(default_factory=dict)
    committed: int = 0
    revealed_seats: int = 0
    settled: set[int] = field(default_factory=set)
    penalties: int = 0
    incoherent_settled: int = 0
    before_draw: dict[str, tuple[int, int]] = field(default_factory=dict)  # (stake, weight)
    requested_weights: list[int] = field(default_factory=list)  # by juror id, at the request

    @property
    def drawn(self) -> bool:
        return bool(self.jurors)

    def seats_of(self, address: str) -> list[int]:
        return [seat for seat, juror in enumerate(self.jurors) if juror == address]

    def ruling(self) -> int:
        """The most revealed choice; 0 on a tie or without a revealed vote."""
        if self.revealed_seats == 0:
            return 0
        best = max(self.tally.values())
        leaders = [choice for choice, votes in self.tally.items() if votes == best]
        return leaders[0] if len(leaders) == 1 else 0

    def vote(self, seat: int) -> tuple[bool, int]:
        """(revealed, choice) of a seat."""
        for ballot in self.ballots.get(self.jurors[seat], []):
            if seat in ballot.seats and ballot.revealed:
                return True, ballot.choice
        return False, 0


@dataclass(repr=False)
class DisputeModel:
    id: int
    period: Period
    start: int
    params: CourtParams  # in force when the dispute was created
    rounds: list[RoundModel] = field(default_factory=list)
    ruled: bool = False

    def duration(self, period: Period) -> int:
        p = self.params
        return {
            Period.EVIDENCE: p.evidence_period,
            Period.COMMIT: p.commit_period,
            Period.REVEAL: p.reveal_period,
            Period.APPEAL: p.appeal_period,
        }[period]

    def __repr__(self) -> str:
        return f"Dispute({self.id}, {self.period.name}, round {len(self.rounds) - 1})"

    @property
    def current(self) -> RoundModel:
        return self.rounds[-1]

    @property
    def ruling(self) -> int:
        return self.current.ruling()

    def unsettled(self) -> bool:
        return any(len(r.settled) < r.seats for r in self.rounds)


def _norm(value):
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return to_checksum_address(value)
    if isinstance(value, list | tuple):
        return [_norm(v) for v in value]
    return value
