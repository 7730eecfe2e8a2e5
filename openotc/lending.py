"""Lending SDK for the LendingMarket, its PriceOracle and its DebtAuction: positions (collateral,
borrowing, repayment, health and limits), supplying (ERC-4626 shares), and the three bots the
market relies on, none of them privileged:

- `LiquidationKeeper` finds borrowers from the market's events, checks their health factor,
  and liquidates those below 1 (receiving the collateral it is worth most in);
- `MarginCallWatcher` reads `MarginCall` events and recomputes every known borrower's health,
  flagging positions below the warning band;
- `AuctionBidder` starts the debt auction when the market has a deficit, bids for the lot
  (down to a floor price, or by a decrease step), and settles or restarts it when it is due.

Amounts are in each token's smallest unit; health factors, prices and the market's values are
18-decimal fixed point as the contracts return them (`HEALTH_ONE` is a health factor of 1).
Every class wraps ape contract instances and sends from one ape account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, NamedTuple

from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address

from openotc.units import BPS, MAX_UINT256

if TYPE_CHECKING:
    from ape.api import AccountAPI, ReceiptAPI
    from ape.contracts import ContractInstance

# Mirrors of the contracts' fixed point and constants (read from the contracts where it
# matters; tests/lending/test_lending_sdk.py checks these against them).
WAD = 10**18  # the market's and the oracle's fixed point
HEALTH_ONE = WAD  # below this health factor a position is liquidatable
MARGIN_CALL_BAND = 110 * WAD // 100  # ILendingMarket.MARGIN_CALL_BAND: 1.10
NO_DEBT_HEALTH = MAX_UINT256  # the health factor of a position without debt


class BorrowLimit(IntEnum):
    """`ILendingMarket.BorrowLimit`: which limit refused a borrow, or binds a position."""

    IDENTITY = 0  # the borrower's per-transaction limit in the IdentityRegistry
    LOAN_TO_VALUE = 1  # sum of collateral value * max LTV
    VOLATILITY_TIER = 2  # the caps of the collaterals' volatility tiers
    LARGE_LOAN_LEVEL = 3  # a loan above the large-loan threshold needs a higher identity level


class PriceSource(IntEnum):
    """`IPriceOracle.Source`: where an asset's price comes from."""

    PRIMARY = 0
    FALLBACK = 1
    FAILED = 2


@dataclass(frozen=True)
class CollateralParams:
    """`ILendingMarket.CollateralParams`, in the struct's field order."""

    max_ltv_bps: int
    liquidation_threshold_bps: int
    liquidation_bonus_bps: int
    volatility_tier: int
    supply_cap: int

    def as_tuple(self) -> tuple:
        return (
            self.max_ltv_bps,
            self.liquidation_threshold_bps,
            self.liquidation_bonus_bps,
            self.volatility_tier,
            self.supply_cap,
        )

    @classmethod
    def from_struct(cls, struct) -> CollateralParams:
        return cls(
            struct.maxLtvBps,
            struct.liquidationThresholdBps,
            struct.liquidationBonusBps,
            struct.volatilityTier,
            struct.supplyCap,
        )


@dataclass(frozen=True)
class Feed:
    """`IPriceOracle.Feed`: a Chainlink aggregator, its heartbeat in seconds, its decimals."""

    aggregator: str
    heartbeat: int
    decimals: int

    def as_tuple(self) -> tuple:
        return (to_checksum_address(str(self.aggregator)), self.heartbeat, self.decimals)

    @classmethod
    def of(cls, aggregator: ContractInstance, heartbeat: int) -> Feed:
        """The feed of an aggregator contract, its decimals read from it."""
        return cls(str(aggregator.address), heartbeat, aggregator.decimals())


@dataclass(frozen=True)
class Position:
    """`ILendingMarket.Position`: a position as the market values it now."""

    debt: int  # stablecoin units, rounded up
    collateral_value: int  # USD, 18 decimals
    ltv_limit: int  # stablecoin units
    tier_limit: int  # stablecoin units
    liquidation_value: int  # stablecoin units
    health_factor: int  # 18 decimals; NO_DEBT_HEALTH without debt
    prices_reliable: bool

    @classmethod
    def from_struct(cls, struct) -> Position:
        return cls(
            struct.debt,
            struct.collateralValue,
            struct.ltvLimit,
            struct.tierLimit,
            struct.liquidationValue,
            struct.healthFactor,
            struct.pricesReliable,
        )

    @property
    def liquidatable(self) -> bool:
        return self.debt > 0 and self.health_factor < HEALTH_ONE


@dataclass(frozen=True)
class Limits:
    """How much an account may owe, which limit binds, and how much more it may borrow.

    Each limit is the largest debt it allows, in stablecoin units: `identity`, the
    per-transaction limit of the account's identity level; `loan_to_value` and
    `volatility_tier`, the limits of its collateral (the tier limit is never above the
    loan-to-value one: each collateral counts at most its tier's cap); `large_loan`, the
    large-loan threshold when the account's level is below the large-loan level (None when the
    rule does not restrict it). `cash` is what the market could lend now, which caps a borrow
    too. `binding` names the limit a borrow past `limit` is refused with, in the market's order
    of checks: the large-loan rule first, then the identity limit if it is below the collateral
    limits, else the collateral's (the tier's if below the loan-to-value limit)."""

    debt: int
    identity: int
    loan_to_value: int
    volatility_tier: int
    large_loan: int | None
    cash: int

    def by_kind(self) -> dict[BorrowLimit, int]:
        limits = {
            BorrowLimit.IDENTITY: self.identity,
            BorrowLimit.LOAN_TO_VALUE: self.loan_to_value,
            BorrowLimit.VOLATILITY_TIER: self.volatility_tier,
        }
        if self.large_loan is not None:
            limits[BorrowLimit.LARGE_LOAN_LEVEL] = self.large_loan
        return limits

    @property
    def limit(self) -> int:
        """The largest debt every limit allows."""
        return min(self.by_kind().values())

    @property
    def binding(self) -> BorrowLimit:
        """The limit a borrow taking the debt past `limit` would be refused with."""
        if self.large_loan is not None and self.large_loan == self.limit:
            return BorrowLimit.LARGE_LOAN_LEVEL
        if self.identity < self.volatility_tier:
            return BorrowLimit.IDENTITY
        if self.volatility_tier < self.loan_to_value:
            return BorrowLimit.VOLATILITY_TIER
        return BorrowLimit.LOAN_TO_VALUE

    @property
    def headroom(self) -> int:
        """How much more the limits let the account borrow (ignoring the market's cash)."""
        return max(self.limit - self.debt, 0)

    @property
    def borrowable(self) -> int:
        """How much the account could borrow now: the headroom, within the market's cash."""
        return min(self.headroom, self.cash)


# ---------------------------------------------------------------- tokens by address

_ERC20_ABI = [
    {
        "type": "function",
        "name": name,
        "stateMutability": mutability,
        "inputs": [{"name": f"a{i}", "type": kind} for i, kind in enumerate(inputs)],
        "outputs": [{"name": "", "type": output}],
    }
    for name, mutability, inputs, output in (
        ("approve", "nonpayable", ["address", "uint256"], "bool"),
        ("allowance", "view", ["address", "address"], "uint256"),
        ("balanceOf", "view", ["address"], "uint256"),
        ("decimals", "view", [], "uint8"),
        ("name", "view", [], "string"),
        ("symbol", "view", [], "string"),
        ("totalSupply", "view", [], "uint256"),
    )
]


def erc20_at(address: str) -> ContractInstance:
    """An ERC-20 at `address` through a minimal ABI (approve, allowance, balanceOf, decimals,
    name, symbol, totalSupply), for tokens the market names by address. Nothing is cached in ape's
    contract store, so the project's own type for that address stays as it is."""
    from ape.contracts import ContractInstance
    from ethpm_types import ContractType

    contract_type = ContractType.model_validate({"contractName": "ERC20", "abi": _ERC20_ABI})
    return ContractInstance(to_checksum_address(str(address)), contract_type)


def read_view(contract, address, signature: str, outputs: list[str], inputs=(), args=()) -> tuple:
    """Calls the view `signature` (e.g. "decimals()") of the contract at `address` through
    `contract`'s provider and decodes its `outputs`: reads a contract without its ABI."""
    data = keccak(text=signature)[:4] + encode(list(inputs), list(args))
    to = to_checksum_address(str(getattr(address, "address", address)))
    raw = contract.provider.web3.eth.call({"to": to, "data": data})
    return decode(outputs, bytes(raw))


def ensure_allowance(token, owner: AccountAPI, spender, amount: int) -> ReceiptAPI | None:
    """Approves `spender` for `amount` of `token` unless the allowance covers it already.
    Approves the exact amount (never an unlimited allowance to the market)."""
    if token.allowance(owner, spender) >= amount:
        return None
    if amount and token.allowance(owner, spender):
        # USDT-like tokens refuse to change one non-zero allowance into another.
        token.approve(spender, 0, sender=owner)
    return token.approve(spender, amount, sender=owner)


def _address(value) -> str:
    return to_checksum_address(str(getattr(value, "address", value)))


# ---------------------------------------------------------------- reading the market


class MarketView:
    """Read-only views of one market: positions, limits, collateral values. The oracle, the
    identity registry and the collateral tokens are read by address, without their ABIs."""

    def __init__(self, market: ContractInstance):
        self.market = market
        self._decimals: dict[str, int] = {}

    @staticmethod
    def _instance(address: str, like: ContractInstance) -> ContractInstance:
        """The contract at `address` with the ABI ape knows for it (the project's, for a
        contract deployed or loaded through the project in this session)."""
        return like.chain_manager.contracts.instance_at(address)

    @property
    def stablecoin(self) -> str:
        return _address(self.market.asset())

    def decimals_of(self, token: str) -> int:
        key = _address(token)
        if key not in self._decimals:
            self._decimals[key] = read_view(self.market, key, "decimals()", ["uint8"])[0]
        return self._decimals[key]

    def price_of(self, asset) -> tuple[int, bool]:
        """The oracle's price of `asset` now (USD per whole unit, 18 decimals) and whether it
        is reliable (`IPriceOracle.peekPrice`)."""
        signature, outputs = "peekPrice(address)", ["uint256", "bool"]
        oracle = self.market.oracle()
        return read_view(self.market, oracle, signature, outputs, ["address"], [_address(asset)])

    def position(self, account) -> Position:
        return Position.from_struct(self.market.positionOf(account))

    def health_factor(self, account) -> int:
        return self.market.healthFactor(account)

    def collateral(self, account) -> dict[str, int]:
        """Balances of every collateral asset `account` holds in the market, by address."""
        return {
            _address(asset): self.market.collateralOf(account, asset)
            for asset in self.market.collateralsOf(account)
        }

    def collateral_values(self, account) -> dict[str, int]:
        """What each of `account`'s collateral balances is worth now, USD with 18 decimals
        (rounded down, as the market values collateral), largest first."""
        values = {}
        for asset, balance in self.collateral(account).items():
            price, _reliable = self.price_of(asset)
            values[asset] = balance * price // 10 ** self.decimals_of(asset)
        return dict(sorted(values.items(), key=lambda item: item[1], reverse=True))

    def limits(self, account) -> Limits:
        """`account`'s borrow limits now and which one binds (see `Limits`)."""
        position = self.position(account)
        level, per_transaction = read_view(
            self.market,
            self.market.identity(),
            "transactionLimitOf(address,address)",
            ["uint8", "uint256"],
            ["address", "address"],
            [_address(account), self.stablecoin],
        )
        threshold, min_level = self.market.largeLoanPolicy()
        return Limits(
            debt=position.debt,
            identity=per_transaction,
            loan_to_value=position.ltv_limit,
            volatility_tier=position.tier_limit,
            large_loan=threshold if level < min_level else None,
            cash=self.market.cash(),
        )

    def borrowers(self, from_block: int = 0, to_block: int | None = None) -> list[str]:
        """Every account that deposited collateral or borrowed between the two blocks, in
        order of first appearance."""
        events = (self.market.CollateralDeposited, self.market.Borrowed)
        return _accounts_from_events(self.market, events, from_block, to_block)


def _accounts_from_events(market, events, from_block: int, to_block: int | None) -> list[str]:
    stop = (market.chain_manager.blocks.head.number if to_block is None else to_block) + 1
    if stop <= from_block:
        return []
    logs = [log for event in events for log in event.range(from_block, stop)]
    logs.sort(key=lambda log: (log.block_number, log.log_index))
    seen: dict[str, None] = {}
    for log in logs:
        seen.setdefault(to_checksum_address(log.account), None)
    return list(seen)


# ---------------------------------------------------------------- a borrower's position


class Borrower(MarketView):
    """One account's position in one market: collateral in and out, borrowing, repayment."""

    def __init__(
        self,
        market: ContractInstance,
        account: AccountAPI,
        stablecoin: ContractInstance | None = None,
    ):
        super().__init__(market)
        self.account = account
        self.token = stablecoin if stablecoin is not None else erc20_at(market.asset())

    @property
    def address(self) -> str:
        return self.account.address

    def deposit_collateral(self, asset: ContractInstance, amount: int) -> ReceiptAPI:
        """Approves the market for `amount` of `asset` (if needed) and deposits it."""
        ensure_allowance(asset, self.account, self.market, amount)
        return self.market.depositCollateral(asset, amount, sender=self.account)

    def withdraw_collateral(self, asset, amount: int = MAX_UINT256, to=None) -> ReceiptAPI:
        """Withdraws `amount` of `asset` (default: all of it) to `to` (default: the account).
        With debt, what stays must still cover it."""
        return self.market.withdrawCollateral(
            asset, amount, to if to is not None else self.account, sender=self.account
        )

    def borrow(self, amount: int) -> ReceiptAPI:
        return self.market.borrow(amount, sender=self.account)

    def borrow_max(self, keep_bps: int = 0) -> ReceiptAPI:
        """Borrows what the limits and the market's cash allow now, less `keep_bps` of it as
        a margin (interest accrues and prices move between this read and the block)."""
        amount = self.limits(self.account).borrowable * (BPS - keep_bps) // BPS
        if amount == 0:
            raise ValueError(f"{self.address} can borrow nothing now")
        return self.borrow(amount)

    def debt(self) -> int:
        return self.market.debtOf(self.account)

    def repay(self, amount: int, account=None) -> ReceiptAPI:
        """Approves the market for `amount` (if needed) and repays up to `amount` of the debt
        of `account` (default: this account's own). No fee, never paused."""
        ensure_allowance(self.token, self.account, self.market, amount)
        return self.market.repay(account or self.account, amount, sender=self.account)

    def repay_all(self, margin_bps: int = 10) -> ReceiptAPI:
        """Repays the whole debt. Interest accrues until the block, so the approval covers the
        debt read now plus `margin_bps` of it (and 1 unit); the market takes only the debt."""
        debt = self.debt()
        if debt == 0:
            raise ValueError(f"{self.address} has no debt")
        allowance = debt + debt * margin_bps // BPS + 1
        ensure_allowance(self.token, self.account, self.market, allowance)
        return self.market.repay(self.account, MAX_UINT256, sender=self.account)

    def close(self) -> list[ReceiptAPI]:
        """Repays the whole debt (if any) and withdraws every collateral: early repayment
        costs nothing and the collateral comes back at once."""
        receipts = [self.repay_all()] if self.debt() else []
        for asset in self.market.collateralsOf(self.account):
            receipts.append(self.withdraw_collateral(asset))
        return receipts


# ---------------------------------------------------------------- suppliers (ERC-4626)


class Supplier:
    """One account's supply of the stablecoin to a market: ERC-4626 shares."""

    def __init__(
        self,
        market: ContractInstance,
        account: AccountAPI,
        stablecoin: ContractInstance | None = None,
    ):
        self.market = market
        self.account = account
        self.token = stablecoin if stablecoin is not None else erc20_at(market.asset())

    def deposit(self, assets: int, receiver=None) -> ReceiptAPI:
        """Approves the market for `assets` (if needed) and deposits them for shares."""
        ensure_allowance(self.token, self.account, self.market, assets)
        return self.market.deposit(assets, receiver or self.account, sender=self.account)

    def shares(self) -> int:
        return self.market.balanceOf(self.account)

    def balance(self) -> int:
        """What the account's shares are worth now, in stablecoin units (rounded down)."""
        return self.market.convertToAssets(self.shares())

    def max_withdraw(self) -> int:
        """What the account can take out now (its balance, within the market's cash)."""
        return self.market.maxWithdraw(self.account)

    def withdraw(self, assets: int, receiver=None) -> ReceiptAPI:
        """Withdraws `assets` of the stablecoin, burning the shares they cost (rounded up)."""
        receiver = receiver or self.account
        return self.market.withdraw(assets, receiver, self.account, sender=self.account)

    def redeem(self, shares: int | None = None, receiver=None) -> ReceiptAPI:
        """Redeems `shares` (default: as many as the market's cash lets it, all if it can)."""
        if shares is None:
            shares = self.market.maxRedeem(self.account)
        receiver = receiver or self.account
        return self.market.redeem(shares, receiver, self.account, sender=self.account)


# ---------------------------------------------------------------- the liquidation keeper


@dataclass(frozen=True)
class Liquidation:
    """What one liquidation did: `repaid` stablecoin for `seized` of `asset`."""

    account: str
    asset: str
    repaid: int
    seized: int
    debt_after: int
    health_before: int
    health_after: int
    bad_debt: int  # debt booked as a deficit (the position had no collateral left)
    receipt: ReceiptAPI = field(repr=False, compare=False)


class LiquidationKeeper:
    """Finds borrowers from the market's `CollateralDeposited` and `Borrowed` events (scanning
    only the blocks it has not seen yet on each call), and liquidates every position whose
    health factor is below 1: it receives the collateral asset worth the most, repaying as
    much as the close factor allows (`maxRepay` = type(uint256).max), or at most what is left
    of `budget` (stablecoin units over the keeper's life; None for no budget), and never more
    than the keeper's balance. A liquidation the market would refuse with one asset (say, one
    that would not raise the health factor) is simulated first and the next asset tried."""

    def __init__(
        self,
        market: ContractInstance,
        account: AccountAPI,
        stablecoin: ContractInstance | None = None,
        *,
        budget: int | None = None,
        from_block: int = 0,
    ):
        self.view = MarketView(market)
        self.market = market
        self.account = account
        self.token = stablecoin if stablecoin is not None else erc20_at(market.asset())
        self.budget = budget
        self.spent = 0
        self.known: list[str] = []
        self._next_block = from_block

    def scan(self) -> list[str]:
        """Adds the borrowers of the blocks since the last scan; returns every one known."""
        head = self.market.chain_manager.blocks.head.number
        for account in self.view.borrowers(self._next_block, head):
            if account not in self.known:
                self.known.append(account)
        self._next_block = head + 1
        return list(self.known)

    def unhealthy(self) -> list[tuple[str, int]]:
        """(account, health factor) of every known position below 1, worst first."""
        found = []
        for account in self.scan():
            health = self.view.health_factor(account)
            if health < HEALTH_ONE and self.market.debtOf(account) > 0:
                found.append((account, health))
        return sorted(found, key=lambda item: item[1])

    def _max_repay(self) -> int:
        balance = self.token.balanceOf(self.account)
        if self.budget is None:
            return balance if balance < MAX_UINT256 else MAX_UINT256
        return min(balance, max(self.budget - self.spent, 0))

    def liquidate(self, account: str) -> Liquidation | None:
        """Liquidates `account` once if it is liquidatable and the keeper can pay; returns
        what happened, or None if nothing was done."""
        position = self.view.position(account)
        if not position.liquidatable or not position.prices_reliable:
            return None
        max_repay = self._max_repay()
        if max_repay == 0:
            return None
        # The market takes at most the debt (within the close factor): approve that much.
        need = min(max_repay, position.debt + position.debt // 1_000 + 1)
        ensure_allowance(self.token, self.account, self.market, need)
        repay_arg = MAX_UINT256 if self.budget is None and max_repay >= need else max_repay
        for asset in self.view.collateral_values(account):
            try:
                self.market.liquidate.call(account, asset, repay_arg, sender=self.account)
            except Exception:  # noqa: BLE001 - refused with this asset: try the next one
                continue
            receipt = self.market.liquidate(account, asset, repay_arg, sender=self.account)
            return self._record(account, asset, position.health_factor, receipt)
        return None

    def _record(self, account, asset, health_before, receipt) -> Liquidation:
        log = receipt.decode_logs(self.market.Liquidated)[0]
        bad = sum(log.amount for log in receipt.decode_logs(self.market.BadDebtBooked))
        self.spent += log.repaid
        return Liquidation(
            account=to_checksum_address(account),
            asset=to_checksum_address(asset),
            repaid=log.repaid,
            seized=log.seized,
            debt_after=log.debt,
            health_before=health_before,
            health_after=self.view.health_factor(account),
            bad_debt=bad,
            receipt=receipt,
        )

    def run(self) -> list[Liquidation]:
        """One pass: every unhealthy position known, worst first, liquidated once each."""
        done = []
        for account, _health in self.unhealthy():
            liquidation = self.liquidate(account)
            if liquidation is not None:
                done.append(liquidation)
        return done


# ---------------------------------------------------------------- the margin-call watcher


class AtRisk(NamedTuple):
    """A position below the margin-call band: its account and health factor now."""

    account: str
    health_factor: int


class MarginCallWatcher:
    """Watches one market for positions that need more collateral or a repayment: the
    `MarginCall` events the market emitted since `from_block`, and every borrower it has seen
    (from its events) whose health factor, recomputed now, is below the band."""

    def __init__(self, market: ContractInstance, from_block: int = 0, band: int | None = None):
        self.view = MarketView(market)
        self.market = market
        self.from_block = from_block
        self.band = market.MARGIN_CALL_BAND() if band is None else band

    def margin_calls(self, from_block: int | None = None) -> list:
        """The `MarginCall` logs since `from_block` (default: the watcher's), oldest first."""
        start = self.from_block if from_block is None else from_block
        stop = self.market.chain_manager.blocks.head.number + 1
        if stop <= start:
            return []
        return list(self.market.MarginCall.range(start, stop))

    def check(self, from_block: int | None = None) -> list[AtRisk]:
        """Every position below the band now, worst first: the accounts margin-called since
        `from_block` and every borrower seen since then, each with its health factor
        recomputed at current prices (a margin-called position that has recovered is left out;
        one that fell below the band without any action calling it is included)."""
        start = self.from_block if from_block is None else from_block
        called = [to_checksum_address(log.account) for log in self.margin_calls(start)]
        candidates = dict.fromkeys([*called, *self.view.borrowers(start)])
        at_risk = []
        for account in candidates:
            health = self.view.health_factor(account)
            if health < self.band:
                at_risk.append(AtRisk(account, health))
        return sorted(at_risk, key=lambda item: item.health_factor)


# ---------------------------------------------------------------- the debt-auction bidder


@dataclass(frozen=True)
class AuctionState:
    """`IDebtAuction.Auction` with its id and when it ends (the earlier of its end time and,
    once bid on, the last bid's expiry)."""

    id: int
    debt: int
    lot: int
    bidder: str
    bid_expiry: int
    end: int

    @classmethod
    def of(cls, auction: ContractInstance, auction_id: int) -> AuctionState:
        record = auction.auctionOf(auction_id)
        bidder = to_checksum_address(record.bidder)
        return cls(auction_id, record.debt, record.lot, bidder, record.bidExpiry, record.end)

    @property
    def has_bid(self) -> bool:
        return int(self.bidder, 16) != 0

    @property
    def ends_at(self) -> int:
        return min(self.end, self.bid_expiry) if self.has_bid else self.end


class AuctionBidder:
    """Bids in one market's DebtAuction from `account`: pays the auction's `debt` of stablecoin
    for the smallest lot of protocol token it still accepts.

    A bid asks for the lot allowed now (the offered lot at first, then at least
    MIN_DECREASE_BPS below the best bid) reduced by `step_bps` more, and never for less than
    the floor set by `max_price`: the most stablecoin the bidder pays per whole protocol token
    (in stablecoin units), i.e. a lot of at least debt * 10**18 / max_price."""

    def __init__(
        self,
        market: ContractInstance,
        account: AccountAPI,
        auction: ContractInstance | None = None,
        stablecoin: ContractInstance | None = None,
        *,
        max_price: int | None = None,
        step_bps: int = 0,
    ):
        self.market = market
        self.account = account
        # The market's DebtAuction; by default the one ape knows at `market.debtAuction()`.
        self.auction = auction or MarketView._instance(market.debtAuction(), market)
        self.token = stablecoin if stablecoin is not None else erc20_at(market.asset())
        self.max_price = max_price
        self.step_bps = step_bps
        self.min_decrease_bps = self.auction.MIN_DECREASE_BPS()

    def _now(self) -> int:
        return self.market.chain_manager.pending_timestamp

    def live(self) -> AuctionState | None:
        """The live auction, or None."""
        auction_id = self.auction.liveAuction()
        if auction_id == 0:
            return None
        return self.state(auction_id)

    def state(self, auction_id: int) -> AuctionState:
        return AuctionState.of(self.auction, auction_id)

    def start_if_deficit(self) -> ReceiptAPI | None:
        """Starts an auction if none is live and the market has a deficit: `start` lets the
        reserve cover what it can first (when the reserve covers all of it, only that is done,
        through `coverDeficit`). Returns the receipt, or None."""
        if self.auction.liveAuction() != 0 or self.market.deficit() == 0:
            return None
        if self.market.deficit() <= self.market.reserves():
            return self.market.coverDeficit(sender=self.account)
        return self.auction.start(sender=self.account)

    def max_lot(self, state: AuctionState) -> int:
        """The largest lot a bid may ask for now (the contract's bound)."""
        if not state.has_bid:
            return state.lot
        return state.lot * (BPS - self.min_decrease_bps) // BPS

    def floor_lot(self, state: AuctionState) -> int:
        """The smallest lot this bidder accepts for the auction's debt (1 without a price)."""
        if self.max_price is None:
            return 1
        return -(-state.debt * WAD // self.max_price)  # rounded up: never above max_price

    def next_lot(self, state: AuctionState) -> int | None:
        """The lot this bidder would ask for now, or None (outbid past its floor, or it holds
        the best bid already)."""
        if state.has_bid and state.bidder == self.account.address:
            return None
        lot = self.max_lot(state) * (BPS - self.step_bps) // BPS
        floor = self.floor_lot(state)
        if lot < floor:
            lot = floor if floor <= self.max_lot(state) else 0
        return lot or None

    def bid(self, lot: int | None = None) -> ReceiptAPI | None:
        """Bids in the live auction for `lot` (default: `next_lot`), approving the auction for
        its debt first. None if there is no live auction or nothing to bid."""
        state = self.live()
        if state is None or state.ends_at <= self._now():
            return None
        lot = self.next_lot(state) if lot is None else lot
        if lot is None:
            return None
        ensure_allowance(self.token, self.account, self.auction, state.debt)
        return self.auction.bid(state.id, lot, sender=self.account)

    def settle_or_restart(self) -> ReceiptAPI | None:
        """Settles the live auction if it ended with a bid, restarts it if it ended without
        one; None while it runs (or if none is live)."""
        state = self.live()
        if state is None or state.ends_at > self._now():
            return None
        if state.has_bid:
            return self.auction.settle(state.id, sender=self.account)
        return self.auction.restart(state.id, sender=self.account)

    def withdraw_refund(self, to: str | None = None) -> ReceiptAPI | None:
        """Takes the bidder's credited refunds, to `to` (the bidder itself by default); None
        when nothing is credited."""
        if self.auction.refundOf(self.account) == 0:
            return None
        return self.auction.withdrawRefund(to or self.account.address, sender=self.account)

    def step(self) -> list[tuple[str, ReceiptAPI]]:
        """One round of the bidder's duty, in order: settle or restart an auction that is due,
        take a credited refund, start an auction for an open deficit, bid. Returns what it
        did as (action, receipt) pairs."""
        done = []
        for action, call in (
            ("settled-or-restarted", self.settle_or_restart),
            ("refund", self.withdraw_refund),
            ("started", self.start_if_deficit),
            ("bid", self.bid),
        ):
            receipt = call()
            if receipt is not None:
                done.append((action, receipt))
        return done


# ---------------------------------------------------------------- operators' views


@dataclass(frozen=True)
class MarketSummary:
    """A market's books now, stablecoin amounts in its units, rates and utilization 18-dec."""

    address: str
    symbol: str
    decimals: int
    total_assets: int  # what the suppliers' shares are worth
    cash: int
    total_debt: int
    reserves: int
    deficit: int
    utilization: int
    borrow_rate: int
    borrowing_paused: bool
    collaterals: tuple[str, ...]

    def describe(self) -> str:
        unit = 10**self.decimals

        def amount(value: int) -> str:
            return f"{value / unit:,.2f}"

        return (
            f"{self.symbol} market {self.address}: supplied {amount(self.total_assets)}, "
            f"cash {amount(self.cash)}, borrowed {amount(self.total_debt)}, "
            f"reserve {amount(self.reserves)}, deficit {amount(self.deficit)}, "
            f"utilization {self.utilization / WAD:.2%}, rate {self.borrow_rate / WAD:.2%}/y"
            + (", borrowing PAUSED" if self.borrowing_paused else "")
        )


def market_summary(market: ContractInstance) -> MarketSummary:
    token = erc20_at(market.asset())
    return MarketSummary(
        address=str(market.address),
        symbol=token.symbol(),
        decimals=token.decimals(),
        total_assets=market.totalAssets(),
        cash=market.cash(),
        total_debt=market.totalDebt(),
        reserves=market.reserves(),
        deficit=market.deficit(),
        utilization=market.utilization(),
        borrow_rate=market.borrowRate(),
        borrowing_paused=market.borrowingPaused(),
        collaterals=tuple(str(asset) for asset in market.collaterals()),
    )


def positions(market: ContractInstance, from_block: int = 0) -> list[tuple[str, Position]]:
    """Every borrower seen in the market's events since `from_block` that still has debt or
    collateral, with its position now, lowest health factor first."""
    view = MarketView(market)
    rows = []
    for account in view.borrowers(from_block):
        position = view.position(account)
        if position.debt or position.collateral_value:
            rows.append((account, position))
    return sorted(rows, key=lambda row: row[1].health_factor)


@dataclass(frozen=True)
class AuctionSummary:
    """A debt auction's state: the live auction (None if none), the protocol token it holds
    for lots, has minted in total, and could still mint under the token's cap now."""

    address: str
    live: AuctionState | None
    inventory: int
    total_minted: int
    mintable: int
    initial_lot: int
    debt_per_auction: int


def auction_summary(auction: ContractInstance) -> AuctionSummary:
    live_id = auction.liveAuction()
    live = AuctionState.of(auction, live_id) if live_id else None
    return AuctionSummary(
        address=str(auction.address),
        live=live,
        inventory=auction.inventory(),
        total_minted=auction.totalMinted(),
        mintable=read_view(auction, auction.protocolToken(), "mintable()", ["uint256"])[0],
        initial_lot=auction.initialLot(),
        debt_per_auction=auction.debtPerAuction(),
    )


def describe_health(health_factor: int) -> str:
    """A health factor for people: "none" without debt, else two decimals."""
    return "no debt" if health_factor == NO_DEBT_HEALTH else f"{health_factor / WAD:.4f}"
