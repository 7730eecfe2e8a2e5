"""Deployment parameters of the foundation layer, per network."""

from __future__ import annotations

from dataclasses import asdict, dataclass

DAY = 24 * 60 * 60
TOKEN_UNIT = 10**18


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
    """The escrow's arbitrator. `ruler` decides disputes of the SingleArbitrator (a DAO or a
    multisig); `arbitration_cost` is in wei, paid by the party that disputes."""

    ruler: str
    arbitration_cost: int = 10**16
    arbitrator_extra_data: bytes = b""

    def as_dict(self) -> dict:
        return asdict(self)
