// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IIdentityRegistry} from "../../interfaces/IIdentityRegistry.sol";
import {ILendingMarket} from "../../interfaces/ILendingMarket.sol";
import {IPriceOracle} from "../../interfaces/IPriceOracle.sol";
import {ITokenRegistry} from "../../interfaces/ITokenRegistry.sol";
import {Governed} from "../governance/Governed.sol";
import {BPS} from "../libraries/Constants.sol";
import {Delegation} from "../libraries/Delegation.sol";
import {DebtAuction} from "./DebtAuction.sol";
import {LendingMarketExtension} from "./LendingMarketExtension.sol";
import {LendingMarketStorage} from "./LendingMarketStorage.sol";

/// @title LendingMarket
/// @notice See {ILendingMarket}.
/// @dev Suppliers, borrowers and liquidators run here; governance, the deficit and most views
///      run in the LendingMarketExtension by delegatecall (see {LendingMarketStorage}).
contract LendingMarket is LendingMarketStorage, ILendingMarket, ERC4626, Governed, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Math for uint256;

    uint256 public constant MAX_COLLATERALS = _MAX_COLLATERALS;
    uint8 public constant MAX_TIER = _MAX_TIER;
    uint256 public constant MARGIN_CALL_BAND = _MARGIN_CALL_BAND;
    uint256 public constant CLOSE_FACTOR_BPS = 5_000; // 50% of the debt per liquidation
    uint256 public constant FULL_CLOSE_HEALTH_FACTOR = 0.95e18; // below it, up to 100%

    // Defaults set at deployment (governance may change them within bounds).
    uint32 private constant _DEFAULT_SLOPE1 = 400; // 4% a year at the kink
    uint32 private constant _DEFAULT_SLOPE2 = 7_500; // 75% a year more at full utilization
    uint16 private constant _DEFAULT_KINK = 8_000; // 80% utilization
    uint16 private constant _DEFAULT_RESERVE_FACTOR = 1_000; // 10% of interest

    /// @dev One liquidation's terms.
    struct Liquidation {
        Collateral collateral; // the seized asset's parameters
        uint256 index; // its index in _collaterals
        uint256 balance; // the account's balance of it
        uint256 price; // its price
        uint256 debt; // the account's debt before
        uint256 liquidationValue; // sum of value * liquidation threshold before, USD 18 dec
        uint256 health; // health factor before
        uint256 repaid;
        uint256 seized;
    }

    address private immutable _protocolToken;
    address private immutable _debtAuction;
    address private immutable _extension;

    modifier onlyDebtAuction() {
        if (msg.sender != _debtAuction) revert LendingNotDebtAuction(msg.sender);
        _;
    }

    /// @param governance_ The governance timelock.
    /// @param stablecoin The borrowable stablecoin; must be listed in `tokenRegistry`.
    /// @param oracle_ The PriceOracle pricing the collateral.
    /// @param identity_ The IdentityRegistry whose limits bound borrows.
    /// @param tokenRegistry The TokenRegistry.
    /// @param protocolToken_ The OTCToken the debt auction mints.
    /// @param initialLot The debt auction's starting lot (protocol token units).
    /// @param debtPerAuction The most debt one auction covers (stablecoin units).
    constructor(
        address governance_,
        IERC20Metadata stablecoin,
        IPriceOracle oracle_,
        IIdentityRegistry identity_,
        ITokenRegistry tokenRegistry,
        address protocolToken_,
        uint256 initialLot,
        uint256 debtPerAuction
    )
        ERC4626(stablecoin)
        ERC20(string.concat("OpenOTC Lending ", stablecoin.symbol()), string.concat("ol", stablecoin.symbol()))
        Governed(governance_)
        LendingMarketStorage(stablecoin, stablecoin.decimals(), oracle_, identity_)
    {
        if (address(oracle_) == address(0) || address(identity_) == address(0) || protocolToken_ == address(0)) {
            revert LendingZeroAddress();
        }
        if (!tokenRegistry.isListed(address(stablecoin))) revert LendingAssetNotListed(address(stablecoin));
        _protocolToken = protocolToken_;
        _market = Market({cash: 0, index: uint112(_WAD), lastAccrual: uint32(block.timestamp)});
        _rules = Rules({
            baseRateBps: 0,
            slope1Bps: _DEFAULT_SLOPE1,
            slope2Bps: _DEFAULT_SLOPE2,
            kinkBps: _DEFAULT_KINK,
            reserveFactorBps: _DEFAULT_RESERVE_FACTOR,
            paused: false,
            largeLoanLevel: 0,
            largeLoanThreshold: type(uint112).max
        });
        address auction = address(
            new DebtAuction(governance_, address(this), address(stablecoin), protocolToken_, initialLot, debtPerAuction)
        );
        _debtAuction = auction;
        _extension = address(
            new LendingMarketExtension(governance_, stablecoin, stablecoin.decimals(), oracle_, identity_, auction)
        );
    }

    // ================================================================== borrowers

    /// @inheritdoc ILendingMarket
    function depositCollateral(address asset, uint256 amount) external nonReentrant {
        if (amount == 0) revert LendingZeroAmount();
        CollateralTotal memory t = _totals[asset];
        if (t.slot == 0) revert LendingCollateralNotListed(asset);
        uint256 total = t.total + amount;
        if (total > t.cap) revert LendingSupplyCapExceeded(asset, total, t.cap);

        _totals[asset].total = uint128(total);
        uint256 index = t.slot - 1;
        uint256 balance = _balanceOf(msg.sender, index);
        _setBalance(msg.sender, index, balance + amount);
        if (balance == 0) _accounts[msg.sender].collateralMask |= uint16(1 << index);
        emit CollateralDeposited(msg.sender, asset, amount);

        _pull(IERC20(asset), msg.sender, amount);
    }

    /// @inheritdoc ILendingMarket
    function withdrawCollateral(address asset, uint256 amount, address to) external nonReentrant {
        if (to == address(0)) revert LendingZeroAddress();
        uint256 slot = _totals[asset].slot; // 0: not listed, so no balance
        uint256 balance = slot == 0 ? 0 : _balanceOf(msg.sender, slot - 1);
        if (amount == type(uint256).max) amount = balance;
        if (amount == 0) revert LendingZeroAmount();
        if (amount > balance) revert LendingInsufficientCollateral(msg.sender, asset, balance);

        uint256 left = balance - amount;
        _setBalance(msg.sender, slot - 1, left);
        _totals[asset].total -= uint128(amount);
        Account memory a = _accounts[msg.sender];
        if (left == 0) {
            a.collateralMask &= ~uint16(1 << (slot - 1));
            _accounts[msg.sender].collateralMask = a.collateralMask;
        }
        if (a.scaledDebt != 0) {
            (Market memory m, , ) = _accrue();
            uint256 debt = _debt(a.scaledDebt, m.index);
            Valuation memory v = _valuation(msg.sender, a.collateralMask, address(0));
            if (v.unpriced != address(0)) revert LendingPriceUnavailable(v.unpriced);
            _requireWithinBorrowLimits(v, debt, type(uint256).max, type(uint256).max);
            _marginCall(msg.sender, v, debt);
        }
        emit CollateralWithdrawn(msg.sender, asset, amount, to);

        IERC20(asset).safeTransfer(to, amount);
    }

    /// @inheritdoc ILendingMarket
    function borrow(uint256 amount) external nonReentrant {
        if (amount == 0) revert LendingZeroAmount();
        (Market memory m, Book memory b, Rules memory r) = _accrue();
        if (r.paused) revert LendingBorrowingPaused();
        if (amount > m.cash) revert LendingInsufficientCash(amount, m.cash);

        Account memory a = _accounts[msg.sender];
        // Scaled debt rounds up: the borrower owes at least `amount`.
        uint256 added = Math.ceilDiv(amount * _WAD, m.index);
        a.scaledDebt += uint128(added);
        uint256 debt = _debt(a.scaledDebt, m.index);

        (uint8 level, uint256 identityLimit) = _identity.transactionLimitOf(msg.sender, address(_stablecoin));
        Valuation memory v = _valuation(msg.sender, a.collateralMask, address(0));
        if (v.unpriced != address(0)) revert LendingPriceUnavailable(v.unpriced);
        _requireWithinBorrowLimits(
            v,
            debt,
            identityLimit,
            level < r.largeLoanLevel ? r.largeLoanThreshold : type(uint256).max
        );

        _storeAccount(msg.sender, a);
        b.scaledDebt += uint128(added);
        _storeBook(b);
        m.cash -= uint112(amount);
        _storeMarket(m);
        emit Borrowed(msg.sender, amount, debt);
        _marginCall(msg.sender, v, debt);

        _stablecoin.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc ILendingMarket
    function repay(address account, uint256 amount) external nonReentrant returns (uint256 repaid) {
        if (amount == 0) revert LendingZeroAmount();
        (Market memory m, Book memory b, ) = _accrue();
        Account memory a = _accounts[account];
        if (a.scaledDebt == 0) revert LendingNoDebt(account);
        uint256 debt = _debt(a.scaledDebt, m.index);
        uint256 removed;
        (repaid, removed) = _repayment(a.scaledDebt, debt, amount, m.index);

        uint256 scaledLeft = a.scaledDebt - removed;
        _accounts[account].scaledDebt = uint128(scaledLeft);
        _book.scaledDebt = b.scaledDebt - uint128(removed);
        _market.cash = SafeCast.toUint112(m.cash + repaid);
        emit Repaid(msg.sender, account, repaid, _debt(scaledLeft, m.index));

        _pullStablecoin(msg.sender, repaid);
    }

    /// @inheritdoc ILendingMarket
    function liquidate(
        address account,
        address asset,
        uint256 maxRepay
    ) external nonReentrant returns (uint256 repaid, uint256 seized) {
        if (maxRepay == 0) revert LendingZeroAmount();
        (Market memory m, Book memory b, ) = _accrue();
        Account memory a = _accounts[account];
        if (a.scaledDebt == 0) revert LendingNoDebt(account);
        Liquidation memory terms = _liquidationTerms(account, asset, a, m.index, maxRepay);
        (repaid, seized) = (terms.repaid, terms.seized);
        uint256 removed;
        (repaid, removed) = _repayment(a.scaledDebt, terms.debt, repaid, m.index);
        a.scaledDebt -= uint128(removed);
        b.scaledDebt -= uint128(removed);
        uint256 debtLeft = _debt(a.scaledDebt, m.index);

        // Effects on the collateral.
        uint256 left = terms.balance - seized;
        _setBalance(account, terms.index, left);
        _totals[asset].total -= uint128(seized);
        if (left == 0) a.collateralMask &= ~uint16(1 << terms.index);
        if (debtLeft != 0 && left != 0) _requireHealthier(account, terms, debtLeft);

        _market.cash = SafeCast.toUint112(m.cash + repaid);
        if (debtLeft != 0 && a.collateralMask == 0) {
            // Nothing backs the rest: it becomes the deficit, which the reserve covers first.
            b.scaledDebt -= a.scaledDebt;
            a.scaledDebt = 0;
            _accounts[account] = a;
            _book.scaledDebt = b.scaledDebt;
            emit Liquidated(msg.sender, account, asset, repaid, seized, 0);
            _deficit += debtLeft;
            emit BadDebtBooked(account, debtLeft);
            _coverDeficit();
        } else {
            _accounts[account] = a;
            _book.scaledDebt = b.scaledDebt;
            emit Liquidated(msg.sender, account, asset, repaid, seized, debtLeft);
        }

        _pullStablecoin(msg.sender, repaid);
        IERC20(asset).safeTransfer(msg.sender, seized);
    }

    /// @inheritdoc ILendingMarket
    function accrueInterest() external nonReentrant {
        _accrue();
    }

    // ================================================================== ERC-4626

    /// @notice Cash plus debt less the reserve, plus the deficit not yet covered or written down.
    /// @inheritdoc ERC4626
    function totalAssets() public view override(ERC4626, IERC4626) returns (uint256) {
        (Market memory m, Book memory b) = _accrued();
        return m.cash + _debt(b.scaledDebt, m.index) + _deficit - b.reserves;
    }

    /// @notice Also bounded by the market's cash.
    /// @inheritdoc ERC4626
    function maxWithdraw(address owner) public view override(ERC4626, IERC4626) returns (uint256) {
        return Math.min(super.maxWithdraw(owner), _market.cash);
    }

    /// @notice Also bounded by the market's cash.
    /// @inheritdoc ERC4626
    function maxRedeem(address owner) public view override(ERC4626, IERC4626) returns (uint256) {
        return Math.min(super.maxRedeem(owner), _convertToShares(_market.cash, Math.Rounding.Floor));
    }

    /// @dev Accrues first, so interest up to now uses the utilization before the deposit.
    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override nonReentrant {
        if (assets == 0 || shares == 0) revert LendingZeroAmount();
        (Market memory m, , ) = _accrue();
        _market.cash = SafeCast.toUint112(m.cash + assets);
        super._deposit(caller, receiver, assets, shares);
    }

    /// @dev Accrues first, as {_deposit}.
    function _withdraw(
        address caller,
        address receiver,
        address owner,
        uint256 assets,
        uint256 shares
    ) internal override nonReentrant {
        if (assets == 0 || shares == 0) revert LendingZeroAmount();
        (Market memory m, , ) = _accrue();
        _market.cash = m.cash - uint112(assets);
        super._withdraw(caller, receiver, owner, assets, shares);
    }

    /// @dev Refuses a stablecoin that delivers a different amount.
    function _transferIn(address from, uint256 assets) internal override {
        _pull(_stablecoin, from, assets);
    }

    /// @dev Shares carry six more decimals than the stablecoin: with the virtual shares and
    ///      assets of OpenZeppelin's ERC4626, a first depositor who donates to inflate the
    ///      share price loses about a million times what it takes from the next depositor -
    ///      and a donation moves nothing here anyway, since cash is counted.
    function _decimalsOffset() internal pure override returns (uint8) {
        return 6;
    }

    // ================================================================== views

    /// @inheritdoc ILendingMarket
    function DUST_DEBT() external view returns (uint256) {
        return _dustDebt;
    }

    /// @inheritdoc ILendingMarket
    function oracle() external view returns (address) {
        return address(_oracle);
    }

    /// @inheritdoc ILendingMarket
    function identity() external view returns (address) {
        return address(_identity);
    }

    /// @inheritdoc ILendingMarket
    function protocolToken() external view returns (address) {
        return _protocolToken;
    }

    /// @inheritdoc ILendingMarket
    function debtAuction() external view returns (address) {
        return _debtAuction;
    }

    /// @inheritdoc ILendingMarket
    function debtOf(address account) public view returns (uint256) {
        return _debtOf(account);
    }

    /// @inheritdoc ILendingMarket
    function collateralOf(address account, address asset) external view returns (uint256) {
        uint256 slot = _totals[asset].slot;
        return slot == 0 ? 0 : _balanceOf(account, slot - 1);
    }

    /// @inheritdoc ILendingMarket
    function cash() external view returns (uint256) {
        return _market.cash;
    }

    // ================================================================== run by the extension

    /// @inheritdoc ILendingMarket
    function pokeHealth(address) external returns (uint256) {
        _delegate();
    }

    /// @inheritdoc ILendingMarket
    function coverDeficit() external returns (uint256) {
        _delegate();
    }

    /// @inheritdoc ILendingMarket
    function recordAuctionProceeds(uint256) external {
        _delegate();
    }

    /// @inheritdoc ILendingMarket
    function writeDownDeficit(uint256) external {
        _delegate();
    }

    /// @inheritdoc ILendingMarket
    function withdrawReserves(address, uint256) external {
        _delegate();
    }

    /// @inheritdoc ILendingMarket
    function listCollateral(address, CollateralParams calldata) external {
        _delegate();
    }

    /// @inheritdoc ILendingMarket
    function updateCollateral(address, CollateralParams calldata) external {
        _delegate();
    }

    /// @inheritdoc ILendingMarket
    function setRateModel(RateModel calldata) external {
        _delegate();
    }

    /// @inheritdoc ILendingMarket
    function setReserveFactor(uint256) external {
        _delegate();
    }

    /// @inheritdoc ILendingMarket
    function setTierCap(uint8, uint256) external {
        _delegate();
    }

    /// @inheritdoc ILendingMarket
    function setLargeLoanPolicy(uint256, uint8) external {
        _delegate();
    }

    /// @inheritdoc ILendingMarket
    function pauseBorrowing() external {
        _delegate();
    }

    /// @inheritdoc ILendingMarket
    function unpauseBorrowing() external {
        _delegate();
    }

    /// @inheritdoc ILendingMarket
    function collateralsOf(address) external view returns (address[] memory) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function positionOf(address) external view returns (Position memory) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function healthFactor(address) external view returns (uint256) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function collaterals() external view returns (address[] memory) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function collateralParams(address) external view returns (CollateralParams memory, uint256) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function rateModel() external view returns (RateModel memory) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function reserveFactorBps() external view returns (uint256) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function tierCap(uint8) external view returns (uint256) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function largeLoanPolicy() external view returns (uint256, uint8) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function borrowingPaused() external view returns (bool) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function totalDebt() external view returns (uint256) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function reserves() external view returns (uint256) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function deficit() external view returns (uint256) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function borrowIndex() external view returns (uint256) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function utilization() external view returns (uint256) {
        _delegateView();
    }

    /// @inheritdoc ILendingMarket
    function borrowRate() external view returns (uint256) {
        _delegateView();
    }

    // ================================================================== internal

    /// @dev What a repayment of up to `amount` takes and how much scaled debt it removes: all
    ///      of it when it covers the debt; otherwise the scaled amount rounds down.
    /// @dev Pulls exactly `amount` of the stablecoin from `from` for a repayment: the market's
    ///      balance must grow by exactly `amount` (a stablecoin that starts charging a fee is
    ///      refused). Cheaper than {_pull}'s round trip, which deposits make: a token that
    ///      charges only on `transfer` is refused there, at the first supply.
    function _pullStablecoin(address from, uint256 amount) private {
        uint256 before = _stablecoin.balanceOf(address(this));
        _stablecoin.safeTransferFrom(from, address(this), amount);
        uint256 received = _stablecoin.balanceOf(address(this)) - before;
        if (received != amount) revert LendingTransferAmountMismatch(address(_stablecoin), amount, received);
    }

    /// @dev Refuses a debt above any of the borrow limits, naming the smallest one it exceeds
    ///      (on a tie, the first of identity, collateral, large-loan level): the identity
    ///      limit, the collateral's (the volatility tier's when its caps bind, else the loan-
    ///      to-value limit), and `largeLoanThreshold` for a borrower below the large-loan
    ///      level (type(uint256).max otherwise).
    function _requireWithinBorrowLimits(
        Valuation memory v,
        uint256 debt,
        uint256 identityLimit,
        uint256 largeLoanThreshold
    ) private view {
        // `limit` stays at the maximum while no limit is exceeded; `kind` is read only then.
        BorrowLimit kind = BorrowLimit.Identity;
        uint256 limit = type(uint256).max;
        if (debt > identityLimit) (kind, limit) = (BorrowLimit.Identity, identityLimit);
        uint256 tierLimit = v.tierLimit / _usdPerUnit;
        if (debt > tierLimit && tierLimit < limit) {
            uint256 ltvLimit = v.ltvLimit / _usdPerUnit;
            kind = tierLimit < ltvLimit ? BorrowLimit.VolatilityTier : BorrowLimit.LoanToValue;
            limit = tierLimit;
        }
        if (debt > largeLoanThreshold && largeLoanThreshold < limit) {
            (kind, limit) = (BorrowLimit.LargeLoanLevel, largeLoanThreshold);
        }
        if (limit != type(uint256).max) revert LendingBorrowLimitExceeded(kind, debt, limit);
    }

    /// @dev Runs this call in the extension (see {Delegation-forward}); the call ends there.
    function _delegate() private {
        Delegation.forward(_extension);
    }

    /// @dev {_delegate} for a view (see {Delegation-forwardView}).
    function _delegateView() private view {
        Delegation.forwardView(_extension);
    }

    function _repayment(
        uint256 scaled,
        uint256 debt,
        uint256 amount,
        uint256 index
    ) private pure returns (uint256 repaid, uint256 removed) {
        if (amount >= debt) return (debt, scaled);
        return (amount, (amount * _WAD) / index);
    }

    /// @dev Checks that `account` may be liquidated for `asset` and works out the repayment
    ///      (at most `maxRepay`, half the debt unless the position is deep or dust) and the
    ///      collateral it buys (worth the repayment plus the bonus, rounded down); with too
    ///      little of the asset, all of it for a repayment worth that much (rounded up).
    function _liquidationTerms(
        address account,
        address asset,
        Account memory a,
        uint256 index,
        uint256 maxRepay
    ) private returns (Liquidation memory terms) {
        CollateralTotal memory t = _totals[asset];
        if (t.slot == 0) revert LendingCollateralNotListed(asset);
        terms.index = t.slot - 1;
        terms.balance = _balanceOf(account, terms.index);
        if (terms.balance == 0) revert LendingInsufficientCollateral(account, asset, 0);
        terms.debt = _debt(a.scaledDebt, index);
        Valuation memory v = _valuation(account, a.collateralMask, asset);
        if (v.unpriced != address(0)) revert LendingPriceUnavailable(v.unpriced);
        terms.liquidationValue = v.liquidationValue;
        terms.price = v.seizedPrice;
        terms.health = v.liquidationValue.mulDiv(_WAD, terms.debt * _usdPerUnit);
        if (terms.health >= _WAD) revert LendingPositionHealthy(account, terms.health);

        uint256 maxClose = terms.health < FULL_CLOSE_HEALTH_FACTOR || terms.debt <= _dustDebt
            ? terms.debt
            : terms.debt.mulDiv(CLOSE_FACTOR_BPS, BPS);
        terms.repaid = Math.min(maxRepay, maxClose);
        terms.collateral = _collaterals[terms.index];
        uint256 unit = 10 ** terms.collateral.decimals;
        uint256 withBonus = BPS + terms.collateral.liquidationBonusBps;
        terms.seized = (terms.repaid * _usdPerUnit).mulDiv(withBonus, BPS).mulDiv(unit, terms.price);
        if (terms.seized > terms.balance) {
            terms.seized = terms.balance;
            terms.repaid = terms.balance.mulDiv(terms.price, unit, Math.Rounding.Ceil).mulDiv(
                BPS,
                withBonus * _usdPerUnit,
                Math.Rounding.Ceil
            );
        }
    }

    /// @dev A partial liquidation that leaves collateral of the seized asset must raise the
    ///      health factor (one that takes the whole asset, or repays all, may not: a position
    ///      too deep for any partial step still winds down, one asset at a time).
    function _requireHealthier(address account, Liquidation memory terms, uint256 debtLeft) private {
        uint256 lost = terms.seized.mulDiv(terms.price, 10 ** terms.collateral.decimals, Math.Rounding.Ceil).mulDiv(
            terms.collateral.liquidationThresholdBps,
            BPS,
            Math.Rounding.Ceil
        );
        uint256 valueLeft = terms.liquidationValue > lost ? terms.liquidationValue - lost : 0;
        uint256 healthAfter = valueLeft.mulDiv(_WAD, debtLeft * _usdPerUnit);
        if (healthAfter <= terms.health) revert LendingLiquidationWorsensHealth(account, terms.health, healthAfter);
        if (healthAfter < MARGIN_CALL_BAND) emit MarginCall(account, healthAfter);
    }
}
