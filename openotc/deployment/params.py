"""Deployment parameters of each layer (foundation, escrow, court, lending), per network: every
tunable that `openotc.deployment.deploy` passes to a constructor or to governance has its home
here."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from openotc.units import DAY, ETHER, HOUR, TOKEN_UNIT, ZERO_ADDRESS


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


@dataclass(frozen=True)
class CollateralListing:
    """One collateral asset of a lending market: its two Chainlink feeds (address, heartbeat in
    seconds) and its risk parameters (`ILendingMarket.CollateralParams`: loan-to-value,
    liquidation threshold and bonus in bps, volatility tier 0-3, supply cap in asset units).
    The feeds' decimals are read from them when the listing is proposed."""

    asset: str
    primary_feed: str
    fallback_feed: str
    max_ltv_bps: int
    liquidation_threshold_bps: int
    liquidation_bonus_bps: int
    volatility_tier: int
    supply_cap: int
    primary_heartbeat: int = 1 * HOUR
    fallback_heartbeat: int = 1 * DAY

    def params_tuple(self) -> tuple:
        """The `CollateralParams` struct as the market takes it."""
        return (
            self.max_ltv_bps,
            self.liquidation_threshold_bps,
            self.liquidation_bonus_bps,
            self.volatility_tier,
            self.supply_cap,
        )


@dataclass(frozen=True)
class LendingParams:
    """A lending market's deployment and the governance settings that make it usable. Amounts
    of the stablecoin are in whole units (scaled by its decimals when deployed: one set of
    defaults fits a 6- and an 18-decimal stablecoin); the protocol token in token wei.

    - `initial_lot` and `debt_per_auction` go to the market's constructor (its DebtAuction
      offers `initial_lot` of protocol token for at most `debt_per_auction` of deficit). At the
      default 250,000 OTC per 50,000 units the first bid values OTC at 0.20 at most.
    - `tier_caps`: the borrow cap of volatility tiers 0, 1, 2, ... (whole units).
    - `large_loan_threshold` / `large_loan_min_level`: a debt above the threshold needs that
      identity level (the seed's KYC for large loans).
    - `identity_limits`: per level, (per transaction, per rolling period) in whole units, None
      for no rolling limit; set only for levels whose per-transaction limit of the stablecoin
      is zero (limits shared with the escrow are never changed by a lending deployment).
    - `collaterals`: the assets to list, with their feeds (network-specific: none by default).
    - `rate_model` (base, slope 1, slope 2 in bps a year; kink in bps of utilization) and
      `reserve_factor_bps`: None keeps the market's constructor defaults."""

    initial_lot: int = 250_000 * TOKEN_UNIT
    debt_per_auction: int = 50_000
    tier_caps: tuple[int, ...] = (5_000_000, 2_000_000, 1_000_000, 250_000)
    large_loan_threshold: int = 100_000
    large_loan_min_level: int = 2
    identity_limits: tuple[tuple[int, int, int | None], ...] = (
        (0, 1_000, 2_500),
        (1, 10_000, 50_000),
        (2, 100_000, 500_000),
        (3, 1_000_000, None),
    )
    collaterals: tuple[CollateralListing, ...] = ()
    rate_model: tuple[int, int, int, int] | None = None
    reserve_factor_bps: int | None = None
    stablecoin_metadata: str = ""  # URI hashed into the TokenRegistry listing, if it is listed

    def as_dict(self) -> dict:
        return asdict(self)
