"""Deployment parameters of each layer (foundation, escrow, court), per network: every tunable
that `openotc.deployment.deploy` passes to a constructor or to governance has its home here."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from openotc.units import DAY, ETHER, TOKEN_UNIT, ZERO_ADDRESS


@dataclass(frozen=True)
class FoundationParams:
    """Constructor arguments that differ between networks. Times are in seconds."""

    treasury: str
    guardian: str
    initial_supply: int = 100_000_000 * TOKEN_UNIT
    voting_delay: int = 1 * DAY
    voting_period: int = 5 * DAY
    proposal_threshold: int = 100_000 * TOKEN_UNIT
    quorum_percent: int = 4
    timelock_delay: int = 2 * DAY

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class EscrowParams:
    """The escrow's arbitrator and protocol fee. `ruler` decides disputes of a SingleArbitrator
    (a DAO or a multisig; the zero address when the juror court decides them);
    `arbitration_cost` is in wei, paid by the party that disputes. `fee_bps` is the protocol
    fee in basis points of each trade (at most `OTCEscrow.MAX_FEE_BPS`), set by the governance
    proposal that authorizes the escrow (`escrow_authorization`). `policy` is the URI of the
    dispute policy (ERC-1497 MetaEvidence) the escrow publishes at deployment as policy 0:
    what jurors apply to every trade opened under it; governance publishes later versions."""

    ruler: str = ZERO_ADDRESS
    arbitration_cost: int = ETHER // 100
    arbitrator_extra_data: bytes = b""
    fee_bps: int = 25  # 0.25% of the trade amount
    policy: str = "ipfs://openotc/escrow-dispute-policy/v1.json"

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CourtParams:
    """The JurorCourt's governance-tuned parameters (`IJurorCourt.CourtParams`) and its
    randomness source's block counts. Stakes in token wei, fees in wei, times in seconds."""

    min_stake: int = 1_000 * TOKEN_UNIT
    fee_per_juror: int = ETHER // 1_000  # arbitration cost = 3 seats = 0.003 ETH
    alpha_bps: int = 1_000  # 10% of the minimum stake locked per seat
    max_appeals: int = 3
    unstake_cooldown: int = 7 * DAY
    evidence_period: int = 2 * DAY
    commit_period: int = 1 * DAY
    reveal_period: int = 1 * DAY
    appeal_period: int = 2 * DAY
    randomness_lookahead: int = 4  # blocks from request to the randomness window
    randomness_window: int = 256  # blocks in which the value can be fixed

    def as_tuple(self) -> tuple:
        """The `CourtParams` struct as the contract takes it."""
        return (
            self.min_stake,
            self.fee_per_juror,
            self.alpha_bps,
            self.max_appeals,
            self.unstake_cooldown,
            self.evidence_period,
            self.commit_period,
            self.reveal_period,
            self.appeal_period,
        )

    def as_dict(self) -> dict:
        return asdict(self)
