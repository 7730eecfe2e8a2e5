// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IIdentityRegistry} from "../../interfaces/IIdentityRegistry.sol";
import {IPriceOracle} from "../../interfaces/IPriceOracle.sol";
import {Governed} from "../governance/Governed.sol";
import {BPS} from "../libraries/Constants.sol";
import {LendingMarketStorage} from "./LendingMarketStorage.sol";

/// @title LendingMarketExtension
/// @notice The LendingMarket's governance, deficit handling and views, run by delegatecall in
///         the market's storage, so the market's own code stays within the size limit. Its
///         functions are documented in {ILendingMarket}; called directly, at its own address,
///         it has no state worth anything and holds no funds.
contract LendingMarketExtension is LendingMarketStorage, Governed, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Math for uint256;

    // Parameter bounds (bps unless stated).
    uint256 private constant _MAX_LTV = 9_000; // 90%
    uint256 private constant _MAX_LIQUIDATION_THRESHOLD = 9_500; // 95%
    uint256 private constant _MAX_THRESHOLD_CUT = 1_000; // 10 points per update
    uint256 private constant _MIN_BONUS = 100; // 1%
    uint256 private constant _MAX_BONUS = 1_500; // 15%
    uint256 private constant _MAX_BASE_RATE = 2_000; // 20% a year
    uint256 private constant _MAX_SLOPE1 = 10_000; // 100% a year
    uint256 private constant _MAX_SLOPE2 = 30_000; // 300% a year
    uint256 private constant _MIN_KINK = 5_000; // 50% utilization
    uint256 private constant _MAX_KINK = 9_500; // 95% utilization
    uint256 private constant _MAX_RESERVE_FACTOR = 5_000; // 50% of interest

    address private immutable _debtAuction;

    modifier onlyDebtAuction() {
        if (msg.sender != _debtAuction) revert LendingNotDebtAuction(msg.sender);
        _;
    }

    /// @param governance_ The governance timelock (the market's).
    /// @param stablecoin The market's stablecoin.
    /// @param stableDecimals Its decimals.
    /// @param oracle_ The market's PriceOracle.
    /// @param identity_ The market's IdentityRegistry.
    /// @param debtAuction_ The market's DebtAuction.
    constructor(
        address governance_,
        IERC20 stablecoin,
        uint8 stableDecimals,
        IPriceOracle oracle_,
        IIdentityRegistry identity_,
        address debtAuction_
    ) LendingMarketStorage(stablecoin, stableDecimals, oracle_, identity_) Governed(governance_) {
        _debtAuction = debtAuction_;
    }

    /// @dev See {ILendingMarket-pokeHealth}.
    function pokeHealth(address account) external nonReentrant returns (uint256 health) {
        (Market memory m, , ) = _accrue();
        Account memory a = _accounts[account];
        if (a.scaledDebt == 0) return type(uint256).max;
        uint256 debt = _debt(a.scaledDebt, m.index);
        Valuation memory v = _valuation(account, a.collateralMask, address(0));
        if (v.unpriced != address(0)) revert LendingPriceUnavailable(v.unpriced);
        health = v.liquidationValue.mulDiv(_WAD, debt * _usdPerUnit);
        if (health < _MARGIN_CALL_BAND) emit MarginCall(account, health);
    }

    /// @dev See {ILendingMarket-coverDeficit}.
    function coverDeficit() external nonReentrant returns (uint256 covered) {
        _accrue();
        covered = _coverDeficit();
    }

    /// @dev See {ILendingMarket-recordAuctionProceeds}.
    function recordAuctionProceeds(uint256 amount) external nonReentrant onlyDebtAuction {
        (Market memory m, Book memory b, ) = _accrue();
        uint256 deficit_ = _deficit;
        // The reserve may have covered part of the auction's debt since it started: the excess
        // goes to the reserve, which paid for it.
        uint256 covered = Math.min(amount, deficit_);
        _deficit = deficit_ - covered;
        _market.cash = SafeCast.toUint112(m.cash + amount);
        if (amount > covered) _book.reserves = b.reserves + uint128(amount - covered);
        emit DeficitCoveredByAuction(amount, deficit_ - covered);
    }

    /// @dev See {ILendingMarket-writeDownDeficit}.
    function writeDownDeficit(uint256 amount) external nonReentrant onlyDebtAuction {
        uint256 deficit_ = _deficit;
        uint256 written = Math.min(amount, deficit_);
        _deficit = deficit_ - written;
        emit DeficitWrittenDown(written, deficit_ - written);
    }

    /// @dev See {ILendingMarket-withdrawReserves}.
    function withdrawReserves(address to, uint256 amount) external nonReentrant onlyGovernance {
        if (to == address(0)) revert LendingZeroAddress();
        if (amount == 0) revert LendingZeroAmount();
        (Market memory m, Book memory b, ) = _accrue();
        if (_deficit != 0) revert LendingDeficitOutstanding(_deficit);
        if (amount > b.reserves) revert LendingInsufficientReserves(amount, b.reserves);
        if (amount > m.cash) revert LendingInsufficientCash(amount, m.cash);
        _book.reserves = b.reserves - uint128(amount);
        _market.cash = m.cash - uint112(amount);
        emit ReservesWithdrawn(to, amount);
        _stablecoin.safeTransfer(to, amount);
    }

    /// @dev See {ILendingMarket-listCollateral}.
    function listCollateral(address asset, CollateralParams calldata params) external onlyGovernance {
        if (_totals[asset].slot != 0) revert LendingCollateralAlreadyListed(asset);
        if (asset == address(0) || asset == address(_stablecoin) || asset == address(this)) {
            revert LendingInvalidCollateral(asset);
        }
        uint256 count = _collateralCount;
        if (count == _MAX_COLLATERALS) revert LendingTooManyCollaterals(_MAX_COLLATERALS);
        uint8 decimals_ = IERC20Metadata(asset).decimals();
        if (decimals_ > 18) revert LendingInvalidCollateral(asset);
        (, bool reliable) = _oracle.peekPrice(asset);
        if (!reliable) revert LendingInvalidCollateral(asset);
        _checkCollateralParams(params);

        _collaterals[count] = _collateral(asset, decimals_, params);
        _collateralCount = count + 1;
        _totals[asset] = CollateralTotal({total: 0, cap: uint120(params.supplyCap), slot: uint8(count + 1)});
        emit CollateralListed(asset, params);
    }

    /// @dev See {ILendingMarket-updateCollateral}.
    function updateCollateral(address asset, CollateralParams calldata params) external onlyGovernance {
        CollateralTotal memory t = _totals[asset];
        if (t.slot == 0) revert LendingCollateralNotListed(asset);
        _checkCollateralParams(params);
        Collateral memory current = _collaterals[t.slot - 1];
        // A threshold cut makes positions liquidatable without any price move: at most
        // _MAX_THRESHOLD_CUT per change, so borrowers see each step coming through the
        // timelock and can add collateral or repay before the next.
        uint256 lowest = current.liquidationThresholdBps > _MAX_THRESHOLD_CUT
            ? current.liquidationThresholdBps - _MAX_THRESHOLD_CUT
            : 0;
        _checkBound("liquidationThreshold", params.liquidationThresholdBps, lowest, _MAX_LIQUIDATION_THRESHOLD);
        _collaterals[t.slot - 1] = _collateral(asset, current.decimals, params);
        _totals[asset].cap = uint120(params.supplyCap);
        emit CollateralUpdated(asset, params);
    }

    /// @dev See {ILendingMarket-setRateModel}.
    function setRateModel(RateModel calldata model) external onlyGovernance {
        _checkBound("baseRate", model.baseRateBps, 0, _MAX_BASE_RATE);
        _checkBound("slope1", model.slope1Bps, 0, _MAX_SLOPE1);
        _checkBound("slope2", model.slope2Bps, 0, _MAX_SLOPE2);
        _checkBound("kink", model.kinkBps, _MIN_KINK, _MAX_KINK);
        _accrue();
        Rules memory r = _rules;
        (r.baseRateBps, r.slope1Bps, r.slope2Bps, r.kinkBps) = (
            model.baseRateBps,
            model.slope1Bps,
            model.slope2Bps,
            model.kinkBps
        );
        _rules = r;
        emit RateModelSet(model);
    }

    /// @dev See {ILendingMarket-setReserveFactor}.
    function setReserveFactor(uint256 reserveFactorBps_) external onlyGovernance {
        _checkBound("reserveFactor", reserveFactorBps_, 0, _MAX_RESERVE_FACTOR);
        _accrue();
        _rules.reserveFactorBps = uint16(reserveFactorBps_);
        emit ReserveFactorSet(reserveFactorBps_);
    }

    /// @dev See {ILendingMarket-setTierCap}.
    function setTierCap(uint8 tier, uint256 cap) external onlyGovernance {
        _checkBound("tier", tier, 0, _MAX_TIER);
        _checkBound("tierCap", cap, 0, type(uint32).max * _stableUnit);
        // Caps count whole stablecoin units (a fraction of one is dropped); each collateral of
        // the tier keeps a copy in its own slot, so a borrow reads no extra slot for it.
        uint256 whole = cap / _stableUnit;
        _tierCaps[tier] = whole;
        uint256 count = _collateralCount;
        for (uint256 i; i < count; ++i) {
            if (_collaterals[i].tier == tier) _collaterals[i].tierCap = uint32(whole);
        }
        emit TierCapSet(tier, whole * _stableUnit);
    }

    /// @dev See {ILendingMarket-setLargeLoanPolicy}.
    function setLargeLoanPolicy(uint256 threshold, uint8 minLevel) external onlyGovernance {
        _checkBound("largeLoanThreshold", threshold, 0, type(uint112).max);
        _checkBound("largeLoanLevel", minLevel, 0, _identity.MAX_LEVEL());
        (_rules.largeLoanThreshold, _rules.largeLoanLevel) = (uint112(threshold), minLevel);
        emit LargeLoanPolicySet(threshold, minLevel);
    }

    /// @dev See {ILendingMarket-pauseBorrowing}.
    function pauseBorrowing() external onlyGovernanceOrGuardian {
        _rules.paused = true;
        emit BorrowingPaused(msg.sender);
    }

    /// @dev See {ILendingMarket-unpauseBorrowing}.
    function unpauseBorrowing() external onlyGovernance {
        _rules.paused = false;
        emit BorrowingUnpaused();
    }

    /// @dev See {ILendingMarket-collateralsOf}.
    function collateralsOf(address account) external view returns (address[] memory assets) {
        uint256 mask = _accounts[account].collateralMask;
        assets = new address[](_popCount(mask));
        uint256 n;
        for (uint256 i; mask != 0; ++i) {
            if (mask & 1 != 0) assets[n++] = _collaterals[i].asset;
            mask >>= 1;
        }
    }

    /// @dev See {ILendingMarket-positionOf}.
    function positionOf(address account) public view returns (Position memory p) {
        p.debt = _debtOf(account);
        Valuation memory v = _peekValuation(account);
        p.collateralValue = v.collateralValue;
        p.ltvLimit = v.ltvLimit / _usdPerUnit;
        p.tierLimit = v.tierLimit / _usdPerUnit;
        p.liquidationValue = v.liquidationValue / _usdPerUnit;
        p.healthFactor = p.debt == 0 ? type(uint256).max : v.liquidationValue.mulDiv(_WAD, p.debt * _usdPerUnit);
        p.pricesReliable = v.unpriced == address(0);
    }

    /// @dev See {ILendingMarket-healthFactor}.
    function healthFactor(address account) external view returns (uint256) {
        return positionOf(account).healthFactor;
    }

    /// @dev See {ILendingMarket-collaterals}.
    function collaterals() external view returns (address[] memory assets) {
        uint256 count = _collateralCount;
        assets = new address[](count);
        for (uint256 i; i < count; ++i) {
            assets[i] = _collaterals[i].asset;
        }
    }

    /// @dev See {ILendingMarket-collateralParams}.
    function collateralParams(address asset) external view returns (CollateralParams memory params, uint256 total) {
        CollateralTotal memory t = _totals[asset];
        if (t.slot == 0) revert LendingCollateralNotListed(asset);
        Collateral memory c = _collaterals[t.slot - 1];
        params = CollateralParams({
            maxLtvBps: c.maxLtvBps,
            liquidationThresholdBps: c.liquidationThresholdBps,
            liquidationBonusBps: c.liquidationBonusBps,
            volatilityTier: c.tier,
            supplyCap: t.cap
        });
        total = t.total;
    }

    /// @dev See {ILendingMarket-rateModel}.
    function rateModel() external view returns (RateModel memory) {
        Rules memory r = _rules;
        return RateModel(r.baseRateBps, r.slope1Bps, r.slope2Bps, r.kinkBps);
    }

    /// @dev See {ILendingMarket-reserveFactorBps}.
    function reserveFactorBps() external view returns (uint256) {
        return _rules.reserveFactorBps;
    }

    /// @dev See {ILendingMarket-tierCap}.
    function tierCap(uint8 tier) external view returns (uint256) {
        return _tierCaps[tier] * _stableUnit;
    }

    /// @dev See {ILendingMarket-largeLoanPolicy}.
    function largeLoanPolicy() external view returns (uint256 threshold, uint8 minLevel) {
        return (_rules.largeLoanThreshold, _rules.largeLoanLevel);
    }

    /// @dev See {ILendingMarket-borrowingPaused}.
    function borrowingPaused() external view returns (bool) {
        return _rules.paused;
    }

    /// @dev See {ILendingMarket-totalDebt}.
    function totalDebt() external view returns (uint256) {
        (Market memory m, Book memory b) = _accrued();
        return _debt(b.scaledDebt, m.index);
    }

    /// @dev See {ILendingMarket-reserves}.
    function reserves() external view returns (uint256) {
        (, Book memory b) = _accrued();
        return b.reserves;
    }

    /// @dev See {ILendingMarket-deficit}.
    function deficit() external view returns (uint256) {
        return _deficit;
    }

    /// @dev See {ILendingMarket-borrowIndex}.
    function borrowIndex() external view returns (uint256) {
        (Market memory m, ) = _accrued();
        return m.index;
    }

    /// @dev See {ILendingMarket-utilization}.
    function utilization() external view returns (uint256) {
        (Market memory m, Book memory b) = _accrued();
        return _utilization(m.cash, _debt(b.scaledDebt, m.index), b.reserves);
    }

    /// @dev See {ILendingMarket-borrowRate}.
    function borrowRate() external view returns (uint256) {
        (Market memory m, Book memory b) = _accrued();
        return _rate(_rules, _utilization(m.cash, _debt(b.scaledDebt, m.index), b.reserves));
    }

    function _collateral(
        address asset,
        uint8 decimals_,
        CollateralParams calldata p
    ) private view returns (Collateral memory) {
        return
            Collateral({
                asset: asset,
                maxLtvBps: p.maxLtvBps,
                liquidationThresholdBps: p.liquidationThresholdBps,
                liquidationBonusBps: p.liquidationBonusBps,
                tier: p.volatilityTier,
                decimals: decimals_,
                tierCap: uint32(_tierCaps[p.volatilityTier])
            });
    }

    /// @dev Bounds: 0 < max LTV <= 90%; max LTV < liquidation threshold <= 95%; 1% <= bonus
    ///      <= 15% with threshold * (1 + bonus) < 100% (a liquidation just below health 1
    ///      leaves the position healthier); tier <= _MAX_TIER; 0 < supply cap < 2^120.
    function _checkCollateralParams(CollateralParams calldata p) private pure {
        _checkBound("maxLtv", p.maxLtvBps, 1, _MAX_LTV);
        _checkBound("liquidationThreshold", p.liquidationThresholdBps, p.maxLtvBps + 1, _MAX_LIQUIDATION_THRESHOLD);
        uint256 maxBonus = Math.min(_MAX_BONUS, (BPS * BPS - 1) / p.liquidationThresholdBps - BPS);
        _checkBound("liquidationBonus", p.liquidationBonusBps, _MIN_BONUS, maxBonus);
        _checkBound("volatilityTier", p.volatilityTier, 0, _MAX_TIER);
        _checkBound("supplyCap", p.supplyCap, 1, type(uint120).max);
    }

    function _popCount(uint256 mask) private pure returns (uint256 n) {
        for (; mask != 0; mask &= mask - 1) ++n;
    }
}
