"""The lending market's arithmetic restated in Python, so tests compare the contract's answers
with values worked out independently: the kinked rate curve, utilization, interest accrual
(borrow index, debt, reserve) and the ERC-4626 share conversions with their rounding."""

from dataclasses import dataclass, replace

WAD = 10**18
BPS = 10_000
YEAR = 365 * 86_400  # seconds
BPS_TO_WAD = 10**14  # 1 bp in 18 decimals
VIRTUAL_SHARES = 10**6  # shares carry 6 more decimals than the stablecoin
DEFAULT_RESERVE_FACTOR_BPS = 1_000  # 10% of interest


@dataclass(frozen=True)
class RateModel:
    """Yearly rates in bps, as ILendingMarket.RateModel; the defaults are the deployment's."""

    base_bps: int = 0
    slope1_bps: int = 400
    slope2_bps: int = 7_500
    kink_bps: int = 8_000

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.base_bps, self.slope1_bps, self.slope2_bps, self.kink_bps)


DEFAULT_RATE_MODEL = RateModel()


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def debt_of(scaled: int, index: int) -> int:
    """Debt of `scaled` at `index`, rounded up."""
    return ceil_div(scaled * index, WAD)


def utilization(cash: int, debt: int, reserves: int) -> int:
    """debt / (cash + debt - reserves), 18 decimals, at most 1e18; 0 without debt."""
    supplied = cash + debt
    if debt == 0 or supplied <= reserves:
        return 0
    return min(debt * WAD // (supplied - reserves), WAD)


def borrow_rate(util: int, model: RateModel = DEFAULT_RATE_MODEL) -> int:
    """The yearly rate at `util` on the kinked curve, 18 decimals, rounded down as the contract
    rounds each segment."""
    kink = model.kink_bps * BPS_TO_WAD
    rate = model.base_bps * BPS_TO_WAD
    if util <= kink:
        return rate + util * model.slope1_bps * BPS_TO_WAD // kink
    rate += model.slope1_bps * BPS_TO_WAD
    return rate + (util - kink) * model.slope2_bps * BPS_TO_WAD // (WAD - kink)


@dataclass(frozen=True)
class Book:
    """The market's interest state: what it stores after an action at `last_accrual`."""

    cash: int
    scaled_debt: int = 0
    index: int = WAD
    reserves: int = 0
    last_accrual: int = 0

    @property
    def debt(self) -> int:
        return debt_of(self.scaled_debt, self.index)

    def accrued(
        self,
        now: int,
        model: RateModel = DEFAULT_RATE_MODEL,
        reserve_factor_bps: int = DEFAULT_RESERVE_FACTOR_BPS,
    ) -> "Book":
        """The book at `now`: the index grows by rate * elapsed / YEAR (rounded up), and the
        reserve takes its share of the interest (rounded down)."""
        elapsed = now - self.last_accrual
        if elapsed == 0 or self.scaled_debt == 0:
            return replace(self, last_accrual=now)
        debt_before = self.debt
        rate = borrow_rate(utilization(self.cash, debt_before, self.reserves), model)
        index = self.index + ceil_div(self.index * rate * elapsed, WAD * YEAR)
        interest = debt_of(self.scaled_debt, index) - debt_before
        reserves = self.reserves + interest * reserve_factor_bps // BPS
        return replace(self, index=index, reserves=reserves, last_accrual=now)

    def borrowed(self, amount: int) -> tuple["Book", int]:
        """The book after a borrow of `amount` (already accrued), and the scaled debt added
        (rounded up)."""
        added = ceil_div(amount * WAD, self.index)
        return replace(self, cash=self.cash - amount, scaled_debt=self.scaled_debt + added), added

    def repaid(self, amount: int, scaled_removed: int) -> "Book":
        return replace(self, cash=self.cash + amount, scaled_debt=self.scaled_debt - scaled_removed)

    @property
    def utilization(self) -> int:
        return utilization(self.cash, self.debt, self.reserves)


def to_shares(assets: int, total_supply: int, total_assets: int, round_up: bool = False) -> int:
    """OpenZeppelin ERC4626 with a decimals offset of 6: assets * (supply + 1e6) /
    (totalAssets + 1)."""
    numerator, denominator = assets * (total_supply + VIRTUAL_SHARES), total_assets + 1
    return ceil_div(numerator, denominator) if round_up else numerator // denominator


def to_assets(shares: int, total_supply: int, total_assets: int, round_up: bool = False) -> int:
    """shares * (totalAssets + 1) / (supply + 1e6)."""
    numerator, denominator = shares * (total_assets + 1), total_supply + VIRTUAL_SHARES
    return ceil_div(numerator, denominator) if round_up else numerator // denominator


def same_second(chain) -> int:
    """Makes the next transaction run in the second of the latest block (anvil mines it with
    the same timestamp), so what the views show now is what the transaction sees: no interest
    accrues in between. Returns that timestamp."""
    now = chain.blocks.head.timestamp
    chain.pending_timestamp = now
    return now


def at(chain, timestamp: int) -> int:
    """Makes the next transaction run at `timestamp`."""
    chain.pending_timestamp = timestamp
    return timestamp


def refresh_prices(chain, lending, timestamp: int, sender) -> None:
    """Every collateral feed answers again at `timestamp` with its current price (a new round
    that `sender` sends), and the next transaction runs in that second too: after a long wait
    the feeds are stale (heartbeats 1 h and 1 day), and borrowing needs a fresh price."""
    for primary, fallback in lending.feeds.values():
        for feed in (primary, fallback):
            chain.pending_timestamp = timestamp
            feed.setAnswer(feed.latestRoundData().answer, sender=sender)
    chain.pending_timestamp = timestamp
