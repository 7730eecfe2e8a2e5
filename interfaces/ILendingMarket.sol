// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IGoverned} from "./IGoverned.sol";

/// @title ILendingMarketTypes
/// @notice The lending market's structs, events and errors (see {ILendingMarket}), apart so
///         the market's extension, which runs its governance and views, shares them.
interface ILendingMarketTypes {
    /// @notice Risk parameters of one collateral asset. Bounds: see the MAX_* and MIN_* views.
    struct CollateralParams {
        uint16 maxLtvBps; // borrowing power per unit of value, in bps
        uint16 liquidationThresholdBps; // value that counts towards the health factor, bps
        uint16 liquidationBonusBps; // extra collateral a liquidator receives, bps of the repayment
        uint8 volatilityTier; // 0 (least volatile) to MAX_TIER; selects the tier's borrow cap
        uint128 supplyCap; // most of the asset the market holds as collateral, asset units
    }

    /// @notice The interest rate curve, yearly rates in bps. Below the kink the rate rises from
    ///         baseRateBps by slope1Bps over the whole range to the kink; above it, slope2Bps
    ///         more over the rest, so borrowing gets expensive as cash runs out.
    struct RateModel {
        uint32 baseRateBps;
        uint32 slope1Bps;
        uint32 slope2Bps;
        uint16 kinkBps; // utilization at the kink, bps
    }

    /// @notice A position as the market values it now (prices from {IPriceOracle.peekPrice}).
    struct Position {
        uint256 debt; // stablecoin units, rounded up
        uint256 collateralValue; // USD, 18 decimals
        uint256 ltvLimit; // the loan-to-value limit, stablecoin units
        uint256 tierLimit; // the volatility-tier limit, stablecoin units
        uint256 liquidationValue; // sum of value * liquidation threshold, stablecoin units
        uint256 healthFactor; // 18 decimals; type(uint256).max without debt
        bool pricesReliable; // false if an oracle reports a failed asset
    }

    /// @notice Which limit refused a borrow or a collateral withdrawal.
    enum BorrowLimit {
        Identity, // the borrower's per-transaction limit in the IdentityRegistry
        LoanToValue, // sum of collateral value * max LTV
        VolatilityTier, // the caps of the collaterals' volatility tiers
        LargeLoanLevel // a loan above the large-loan threshold needs a higher identity level
    }

    // ------------------------------------------------------------------ events

    /// @notice Governance listed `asset` as collateral.
    event CollateralListed(address indexed asset, CollateralParams params);

    /// @notice Governance changed `asset`'s risk parameters.
    event CollateralUpdated(address indexed asset, CollateralParams params);

    /// @notice Governance set the interest rate curve.
    event RateModelSet(RateModel model);

    /// @notice Governance set the share of interest that goes to the reserve.
    event ReserveFactorSet(uint256 reserveFactorBps);

    /// @notice Governance set the borrow cap of volatility tier `tier` (stablecoin units, a
    ///         whole number of units).
    event TierCapSet(uint8 indexed tier, uint256 cap);

    /// @notice Governance set the large-loan rule: a debt above `threshold` needs identity
    ///         level `minLevel`.
    event LargeLoanPolicySet(uint256 threshold, uint8 minLevel);

    /// @notice New borrows stopped (`by` is the governance timelock or a guardian).
    event BorrowingPaused(address indexed by);

    /// @notice New borrows resumed (by governance).
    event BorrowingUnpaused();

    /// @notice Interest accrued up to now: the new borrow index, total debt and reserve.
    event InterestAccrued(uint256 borrowIndex, uint256 totalDebt, uint256 reserves);

    /// @notice `account` deposited `amount` of collateral `asset`.
    event CollateralDeposited(address indexed account, address indexed asset, uint256 amount);

    /// @notice `account` withdrew `amount` of collateral `asset` to `to`.
    event CollateralWithdrawn(address indexed account, address indexed asset, uint256 amount, address to);

    /// @notice `account` borrowed `amount`; its debt is now `debt`.
    event Borrowed(address indexed account, uint256 amount, uint256 debt);

    /// @notice `payer` repaid `amount` of `account`'s debt; its debt is now `debt`.
    event Repaid(address indexed payer, address indexed account, uint256 amount, uint256 debt);

    /// @notice `account`'s health factor is below MARGIN_CALL_BAND: add collateral or repay.
    event MarginCall(address indexed account, uint256 healthFactor);

    /// @notice `liquidator` repaid `repaid` of `account`'s debt and received `seized` of
    ///         collateral `asset`; the position's debt is now `debt`.
    event Liquidated(
        address indexed liquidator,
        address indexed account,
        address indexed asset,
        uint256 repaid,
        uint256 seized,
        uint256 debt
    );

    /// @notice `account` has debt and no collateral left: `amount` of debt moved to the deficit.
    event BadDebtBooked(address indexed account, uint256 amount);

    /// @notice The reserve covered `amount` of the deficit.
    event DeficitCoveredByReserve(uint256 amount, uint256 deficit);

    /// @notice The debt auction paid `amount` of stablecoin into the market against the deficit.
    event DeficitCoveredByAuction(uint256 amount, uint256 deficit);

    /// @notice `amount` of the deficit, which the token's inflation cap could not cover, was
    ///         written down against the suppliers: the share price fell accordingly.
    event DeficitWrittenDown(uint256 amount, uint256 deficit);

    /// @notice Governance took `amount` of the reserve to `to`.
    event ReservesWithdrawn(address indexed to, uint256 amount);

    // ------------------------------------------------------------------ errors

    /// @notice An amount is zero.
    error LendingZeroAmount();

    /// @notice An address argument is zero.
    error LendingZeroAddress();

    /// @notice The stablecoin is not listed in the TokenRegistry.
    error LendingAssetNotListed(address asset);

    /// @notice `asset` is not a listed collateral.
    error LendingCollateralNotListed(address asset);

    /// @notice `asset` is listed already.
    error LendingCollateralAlreadyListed(address asset);

    /// @notice `asset` cannot be collateral: the stablecoin itself, the market, the zero
    ///         address, more than 18 decimals, or no reliable price from the oracle now (an
    ///         asset without feeds is refused by the oracle's OracleAssetNotSupported).
    error LendingInvalidCollateral(address asset);

    /// @notice MAX_COLLATERALS collateral assets are listed already.
    error LendingTooManyCollaterals(uint256 max);

    /// @notice Parameter `name` is `value`, outside [min, max].
    error LendingParameterOutOfBounds(bytes32 name, uint256 value, uint256 min, uint256 max);

    /// @notice The deposit would take `asset`'s collateral total to `total`, above `cap`.
    error LendingSupplyCapExceeded(address asset, uint256 total, uint256 cap);

    /// @notice `account` holds only `balance` of collateral `asset`.
    error LendingInsufficientCollateral(address account, address asset, uint256 balance);

    /// @notice The position's debt would be `debt`, above the binding `limit` of kind `kind`.
    error LendingBorrowLimitExceeded(BorrowLimit kind, uint256 debt, uint256 limit);

    /// @notice The market holds only `cash` of the stablecoin.
    error LendingInsufficientCash(uint256 requested, uint256 cash);

    /// @notice The oracle has no reliable price for `asset`: no borrowing, collateral
    ///         withdrawal or liquidation until a feed answers again.
    error LendingPriceUnavailable(address asset);

    /// @notice New borrows are paused.
    error LendingBorrowingPaused();

    /// @notice `account` has no debt.
    error LendingNoDebt(address account);

    /// @notice `account`'s health factor is `healthFactor`, not below 1e18: not liquidatable.
    error LendingPositionHealthy(address account, uint256 healthFactor);

    /// @notice The liquidation would take the health factor from `before` to `afterwards`
    ///         without closing the position: repay more.
    error LendingLiquidationWorsensHealth(address account, uint256 before, uint256 afterwards);

    /// @notice Only the market's DebtAuction may call this.
    error LendingNotDebtAuction(address caller);

    /// @notice The reserve cannot be withdrawn while a deficit of `deficit` is open.
    error LendingDeficitOutstanding(uint256 deficit);

    /// @notice The reserve holds only `reserves`.
    error LendingInsufficientReserves(uint256 requested, uint256 reserves);

    /// @notice The token delivered `received` instead of `expected` (fee-on-transfer or
    ///         rebasing tokens are not supported).
    error LendingTransferAmountMismatch(address token, uint256 expected, uint256 received);
}

/// @title ILendingMarket
/// @notice Borrow one stablecoin (a token listed in the TokenRegistry) against crypto collateral.
///         - Suppliers deposit the stablecoin and receive ERC-4626 shares that earn the interest
///           borrowers pay (less the reserve factor, which goes to the protocol reserve).
///         - Borrowers deposit collateral assets that governance listed, borrow up to their
///           limit, repay any part at any time without a fee, and withdraw collateral at once
///           while the rest still covers the debt.
///         - Anyone liquidates a position whose health factor fell below 1: repays part of its
///           debt and receives collateral worth the repayment plus a bonus.
///         - Debt that no collateral backs any more is booked as a deficit; the protocol
///           reserve covers it first, then the market's DebtAuction sells newly minted protocol
///           token for the stablecoin; what the token's inflation cap cannot cover is written
///           down against the suppliers' share price.
/// @dev Units and conventions:
///      - Amounts are in the token's own units. Prices come from the PriceOracle in USD per
///        whole unit, 18 decimals, and the stablecoin is valued at 1 USD.
///      - Debt is kept as a scaled amount against a borrow index that only grows: debt =
///        scaled * borrowIndex / 1e18. Interest accrues per second on a kinked utilization
///        curve (see {RateModel}) before every action; RESERVE_FACTOR of it goes to the reserve.
///      - Every rounding favours the market: debt rounds up, collateral value and shares paid
///        out round down.
///      - Health factor (18 decimals) = sum over collateral of value * liquidation threshold
///        / debt; type(uint256).max without debt. Below 1e18 the position is liquidatable;
///        below MARGIN_CALL_BAND an action that computes it emits {MarginCall}.
///      - Borrow size (seed's section 9): the position's debt after a borrow may not exceed
///        the smallest of (a) the borrower's per-transaction limit for the stablecoin in the
///        IdentityRegistry, (b) the loan-to-value limit, sum of value * max LTV, and (c) the
///        volatility-tier limit, sum over collateral of min(value * max LTV, the cap of the
///        collateral's tier); and a debt above the large-loan threshold needs the large-loan
///        identity level. Each refusal names the binding limit ({BorrowLimit}).
///      - Governance (the timelock) lists collateral and sets parameters, each bounded; the
///        guardian may only pause new borrows. No role can move a supplier's or a borrower's
///        assets, and repayment, deposits and liquidation cannot be paused.
interface ILendingMarket is ILendingMarketTypes, IERC4626, IGoverned {
    // ------------------------------------------------------------------ constants

    /// @notice Most collateral assets a market lists (16).
    function MAX_COLLATERALS() external view returns (uint256);

    /// @notice Highest volatility tier (3).
    function MAX_TIER() external view returns (uint8);

    /// @notice Health factor below which actions emit {MarginCall} (1.10e18).
    function MARGIN_CALL_BAND() external view returns (uint256);

    /// @notice Share of the debt a liquidation may repay while the position is not deep or
    ///         dust (5,000 bps = 50%).
    function CLOSE_FACTOR_BPS() external view returns (uint256);

    /// @notice Health factor below which a liquidation may repay all of the debt (0.95e18).
    function FULL_CLOSE_HEALTH_FACTOR() external view returns (uint256);

    /// @notice Debt (stablecoin units) at or below which a liquidation may repay all of it,
    ///         so no dust position is left that nobody would liquidate: 2,000 whole units.
    function DUST_DEBT() external view returns (uint256);

    // ------------------------------------------------------------------ wiring

    /// @notice The PriceOracle.
    function oracle() external view returns (address);

    /// @notice The IdentityRegistry read for borrow limits.
    function identity() external view returns (address);

    /// @notice The protocol token the debt auction mints.
    function protocolToken() external view returns (address);

    /// @notice This market's DebtAuction, deployed by the market's constructor.
    function debtAuction() external view returns (address);

    // ------------------------------------------------------------------ borrowers

    /// @notice Deposits `amount` of collateral `asset` from the caller into its position.
    ///         Never paused. Refuses tokens that deliver a different amount.
    /// @param asset A listed collateral asset.
    /// @param amount The amount, in `asset` units.
    function depositCollateral(address asset, uint256 amount) external;

    /// @notice Withdraws `amount` of collateral `asset` from the caller's position to `to`.
    ///         With debt, the rest must still cover it at the loan-to-value and tier limits
    ///         (the oracle must have reliable prices); without debt, always allowed.
    /// @param asset The collateral asset.
    /// @param amount The amount; type(uint256).max withdraws all of it.
    /// @param to The recipient.
    function withdrawCollateral(address asset, uint256 amount, address to) external;

    /// @notice Borrows `amount` of the stablecoin to the caller, within the limits above.
    /// @param amount The amount, in stablecoin units.
    function borrow(uint256 amount) external;

    /// @notice Repays up to `amount` of `account`'s debt from the caller; no fee, never paused.
    /// @param account The borrower (any account may repay for it).
    /// @param amount The most to repay; more than the debt repays the debt exactly.
    /// @return repaid The amount taken from the caller.
    function repay(address account, uint256 amount) external returns (uint256 repaid);

    /// @notice Liquidates `account` (health factor below 1e18): the caller repays up to
    ///         `maxRepay` of its debt, bounded by the close factor, and receives collateral
    ///         `asset` worth the repayment plus the asset's liquidation bonus. If `account`
    ///         has too little of `asset`, the caller receives all of it and repays less.
    ///         Debt left without any collateral becomes a deficit ({BadDebtBooked}).
    /// @param account The borrower.
    /// @param asset The collateral asset to receive.
    /// @param maxRepay The most the caller repays; type(uint256).max for as much as allowed.
    /// @return repaid The stablecoin taken from the caller.
    /// @return seized The collateral sent to the caller.
    function liquidate(
        address account,
        address asset,
        uint256 maxRepay
    ) external returns (uint256 repaid, uint256 seized);

    /// @notice Computes `account`'s health factor at current prices and emits {MarginCall}
    ///         if it is below MARGIN_CALL_BAND. Anyone may call it.
    /// @param account The borrower.
    /// @return healthFactor 18 decimals.
    function pokeHealth(address account) external returns (uint256 healthFactor);

    /// @notice Accrues interest up to now (every action does it first). Anyone may call it.
    function accrueInterest() external;

    // ------------------------------------------------------------------ deficit and reserve

    /// @notice Covers as much of the deficit as the reserve holds. Anyone may call it.
    /// @return covered The amount the reserve covered (0 if no deficit or no reserve).
    function coverDeficit() external returns (uint256 covered);

    /// @notice Records `amount` of stablecoin that the debt auction paid into the market
    ///         against the deficit. DebtAuction only. A part above the deficit (the reserve
    ///         covered it meanwhile) goes to the reserve.
    /// @param amount The amount, already transferred to the market.
    function recordAuctionProceeds(uint256 amount) external;

    /// @notice Writes `amount` of the deficit (at most all of it) down against the suppliers'
    ///         share price: the token's inflation cap left nothing to auction. DebtAuction only.
    /// @param amount The amount to write down.
    function writeDownDeficit(uint256 amount) external;

    /// @notice Sends `amount` of the reserve to `to`. Governance only; refused while a
    ///         deficit is open. The reserve is the protocol's share of interest, never a
    ///         supplier's deposit.
    function withdrawReserves(address to, uint256 amount) external;

    // ------------------------------------------------------------------ governance

    /// @notice Lists `asset` as collateral. Governance only; the oracle must price it.
    function listCollateral(address asset, CollateralParams calldata params) external;

    /// @notice Changes `asset`'s risk parameters. Governance only. The liquidation threshold
    ///         may fall by at most 1,000 bps (10 points) per change: a cut makes positions
    ///         liquidatable without a price move, so borrowers see each step coming.
    function updateCollateral(address asset, CollateralParams calldata params) external;

    /// @notice Sets the interest rate curve (interest accrues at the old one first).
    function setRateModel(RateModel calldata model) external;

    /// @notice Sets the share of interest that goes to the reserve, in bps.
    function setReserveFactor(uint256 reserveFactorBps) external;

    /// @notice Sets volatility tier `tier`'s borrow cap, in stablecoin units, counted in whole
    ///         units (a fraction of one is dropped); at most 2**32 - 1 whole units.
    function setTierCap(uint8 tier, uint256 cap) external;

    /// @notice Sets the large-loan rule: a debt above `threshold` needs identity level `minLevel`.
    function setLargeLoanPolicy(uint256 threshold, uint8 minLevel) external;

    /// @notice Stops new borrows. Governance or a guardian.
    function pauseBorrowing() external;

    /// @notice Resumes new borrows. Governance only.
    function unpauseBorrowing() external;

    // ------------------------------------------------------------------ views

    /// @notice `account`'s debt now, in stablecoin units, rounded up.
    function debtOf(address account) external view returns (uint256);

    /// @notice `account`'s balance of collateral `asset`.
    function collateralOf(address account, address asset) external view returns (uint256);

    /// @notice The collateral assets `account` holds a balance of.
    function collateralsOf(address account) external view returns (address[] memory);

    /// @notice `account`'s position valued at current prices.
    function positionOf(address account) external view returns (Position memory);

    /// @notice `account`'s health factor at current prices (18 decimals).
    function healthFactor(address account) external view returns (uint256);

    /// @notice The listed collateral assets, in listing order.
    function collaterals() external view returns (address[] memory);

    /// @notice `asset`'s risk parameters and the total the market holds of it.
    function collateralParams(address asset) external view returns (CollateralParams memory params, uint256 total);

    /// @notice The interest rate curve.
    function rateModel() external view returns (RateModel memory);

    /// @notice The share of interest that goes to the reserve, bps.
    function reserveFactorBps() external view returns (uint256);

    /// @notice Volatility tier `tier`'s borrow cap, stablecoin units.
    function tierCap(uint8 tier) external view returns (uint256);

    /// @notice The large-loan rule.
    function largeLoanPolicy() external view returns (uint256 threshold, uint8 minLevel);

    /// @notice Whether new borrows are paused.
    function borrowingPaused() external view returns (bool);

    /// @notice Stablecoin the market holds for suppliers, borrowers and the reserve.
    function cash() external view returns (uint256);

    /// @notice All borrowers' debt now, rounded up.
    function totalDebt() external view returns (uint256);

    /// @notice The protocol reserve now.
    function reserves() external view returns (uint256);

    /// @notice Debt no collateral backs that the reserve and the auction have not covered yet.
    function deficit() external view returns (uint256);

    /// @notice The borrow index now (1e18 at the start; only grows).
    function borrowIndex() external view returns (uint256);

    /// @notice Borrowed share of the suppliers' money now (totalDebt / (cash + totalDebt -
    ///         reserves)), 18 decimals.
    function utilization() external view returns (uint256);

    /// @notice The yearly borrow rate now, 18 decimals.
    function borrowRate() external view returns (uint256);
}
