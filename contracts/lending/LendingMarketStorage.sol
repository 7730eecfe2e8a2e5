// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IIdentityRegistry} from "../../interfaces/IIdentityRegistry.sol";
import {ILendingMarketTypes} from "../../interfaces/ILendingMarket.sol";
import {IPriceOracle} from "../../interfaces/IPriceOracle.sol";
import {BPS} from "../libraries/Constants.sol";
import {Transfers} from "../libraries/Transfers.sol";

/// @title LendingMarketStorage
/// @notice The state, wiring and shared arithmetic of the LendingMarket and of the
///         LendingMarketExtension, which runs the market's governance, deficit handling and
///         views in the market's storage (by delegatecall).
/// @dev Both contracts list this base first, so its variables hold the same slots in both
///      (the market's ERC-20 share balances come after them); tests/e2e/test_storage_layouts.py
///      checks it. Storage is packed for the borrow path: the market's cash, borrow index and
///      last accrual share a slot, total scaled debt and the reserve another, the rate model
///      and the borrow rules a third; a position is one slot (scaled debt and a bitmask of the
///      collateral it holds) plus one slot per two collateral balances; a collateral's parameters
///      fit one slot. Cash is counted, not read from the token, so a donation moves neither
///      the share price nor the interest rate.
abstract contract LendingMarketStorage is ILendingMarketTypes {
    using SafeERC20 for IERC20;
    using Math for uint256;

    uint256 internal constant _MAX_COLLATERALS = 16; // a position's collateral fits a uint16 mask
    uint8 internal constant _MAX_TIER = 3;
    uint256 internal constant _MARGIN_CALL_BAND = 1.1e18; // health factor 1.10
    uint256 internal constant _WAD = 1e18;
    uint256 internal constant _YEAR = 365 days;
    uint256 internal constant _BPS_TO_WAD = 1e14; // 1 bp = 1e14 in 18 decimals
    uint256 private constant _DUST_WHOLE_UNITS = 2_000; // DUST_DEBT in whole stablecoin units

    // ------------------------------------------------------------------ storage

    /// @dev Slot 1: what every action reads and most write.
    struct Market {
        uint112 cash; // stablecoin held for suppliers, the reserve and borrowers
        uint112 index; // borrow index, 18 decimals; only grows
        uint32 lastAccrual; // timestamp of the last accrual
    }

    /// @dev Slot 2.
    struct Book {
        uint128 scaledDebt; // sum of positions' scaled debt
        uint128 reserves; // the protocol's share of interest, part of cash
    }

    /// @dev Slot 3: the rate model and the borrow rules.
    struct Rules {
        uint32 baseRateBps;
        uint32 slope1Bps;
        uint32 slope2Bps;
        uint16 kinkBps;
        uint16 reserveFactorBps;
        bool paused;
        uint8 largeLoanLevel;
        uint112 largeLoanThreshold;
    }

    struct Account {
        uint128 scaledDebt;
        uint16 collateralMask; // bit i: holds a balance of _collaterals[i]
    }

    struct Collateral {
        address asset;
        uint16 maxLtvBps;
        uint16 liquidationThresholdBps;
        uint16 liquidationBonusBps;
        uint8 tier;
        uint8 decimals;
        uint32 tierCap; // the tier's borrow cap in whole stablecoin units (see _tierCaps)
    }

    struct CollateralTotal {
        uint128 total;
        uint120 cap;
        uint8 slot; // index in _collaterals plus one; 0: not listed
    }

    /// @dev A position's collateral valued at one set of prices, in USD with 18 decimals.
    struct Valuation {
        uint256 ltvLimit; // sum of value * max LTV
        uint256 tierLimit; // sum of min(value * max LTV, tier cap)
        uint256 liquidationValue; // sum of value * liquidation threshold
        uint256 collateralValue; // sum of value
        uint256 seizedPrice; // price of the asset being seized (liquidations)
        address unpriced; // first asset without a reliable price, if any
    }

    IERC20 internal immutable _stablecoin;
    IPriceOracle internal immutable _oracle;
    IIdentityRegistry internal immutable _identity;
    uint256 internal immutable _usdPerUnit; // 10**(18 - stablecoin decimals): stablecoin units to USD (18 dec)
    uint256 internal immutable _dustDebt;
    uint256 internal immutable _stableUnit; // 10**(stablecoin decimals): one whole unit

    Market internal _market;
    Book internal _book;
    Rules internal _rules;
    uint256 internal _deficit;
    uint256[4] internal _tierCaps; // whole stablecoin units, by volatility tier; copied to each Collateral
    uint256 internal _collateralCount;
    mapping(uint256 index => Collateral) internal _collaterals; // in listing order
    mapping(address asset => CollateralTotal) internal _totals;
    mapping(address account => Account) internal _accounts;
    /// @dev A position's collateral balances, two assets per slot: asset `i` in slot `i / 2`,
    ///      the low 128 bits for even `i`, the high for odd (a balance is below the asset's
    ///      supply cap, itself below 2**120), so valuing a position of several assets reads
    ///      half as many slots.
    mapping(address account => mapping(uint256 pair => uint256)) internal _balancePairs;

    /// @param stablecoin The borrowable stablecoin.
    /// @param stableDecimals Its decimals (at most 18).
    /// @param oracle_ The PriceOracle.
    /// @param identity_ The IdentityRegistry.
    constructor(IERC20 stablecoin, uint8 stableDecimals, IPriceOracle oracle_, IIdentityRegistry identity_) {
        if (stableDecimals > 18) revert LendingParameterOutOfBounds("decimals", stableDecimals, 0, 18);
        _stablecoin = stablecoin;
        _oracle = oracle_;
        _identity = identity_;
        _usdPerUnit = 10 ** (18 - stableDecimals);
        _stableUnit = 10 ** stableDecimals;
        _dustDebt = _DUST_WHOLE_UNITS * 10 ** stableDecimals;
    }

    /// @dev Brings the index and the reserve up to now and stores them.
    function _accrue() internal returns (Market memory m, Book memory b, Rules memory r) {
        m = _market;
        b = _book;
        r = _rules;
        if (m.lastAccrual == block.timestamp) return (m, b, r);
        (m, b) = _grow(m, b, r);
        _storeMarket(m);
        _storeBook(b);
        emit InterestAccrued(m.index, _debt(b.scaledDebt, m.index), b.reserves);
    }

    /// @dev Stores `m` in one write of its slot (a struct assignment writes field by field).
    function _storeMarket(Market memory m) internal {
        uint256 word = uint256(m.cash) | (uint256(m.index) << 112) | (uint256(m.lastAccrual) << 224);
        // Safe: `_market` is one slot holding exactly these fields, in this order from the
        // low bits (Solidity's packing of {Market}).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(_market.slot, word)
        }
    }

    /// @dev Stores `account`'s position `a` in one write of its slot, as {_storeMarket}.
    function _storeAccount(address account, Account memory a) internal {
        Account storage stored = _accounts[account];
        uint256 word = uint256(a.scaledDebt) | (uint256(a.collateralMask) << 128);
        // Safe: an {Account} is one slot holding exactly these fields, low bits first.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(stored.slot, word)
        }
    }

    /// @dev Stores `b` in one write of its slot, as {_storeMarket}.
    function _storeBook(Book memory b) internal {
        uint256 word = uint256(b.scaledDebt) | (uint256(b.reserves) << 128);
        // Safe: `_book` is one slot holding exactly these fields, low bits first.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(_book.slot, word)
        }
    }

    /// @dev The index and the reserve as {_accrue} would store them now.
    function _accrued() internal view returns (Market memory m, Book memory b) {
        (m, b) = _grow(_market, _book, _rules);
    }

    /// @dev Grows the index by the rate over the time since the last accrual (simple interest
    ///      per period, compounding at every accrual) and books the reserve's share.
    function _grow(Market memory m, Book memory b, Rules memory r) internal view returns (Market memory, Book memory) {
        uint256 elapsed = block.timestamp - m.lastAccrual;
        m.lastAccrual = uint32(block.timestamp);
        if (elapsed == 0 || b.scaledDebt == 0) return (m, b);
        uint256 debtBefore = _debt(b.scaledDebt, m.index);
        uint256 rate = _rate(r, _utilization(m.cash, debtBefore, b.reserves));
        // The index rounds up: interest never rounds in the borrower's favour. No overflow:
        // index < 2**112, rate < 2**64 (at most 420% a year), elapsed < 2**32. The index fits
        // 112 bits for over eight years at full utilization and the highest rates governance
        // may set; past that, accrual would revert rather than wrap.
        uint256 index = m.index + Math.ceilDiv(m.index * rate * elapsed, _WAD * _YEAR);
        m.index = SafeCast.toUint112(index);
        uint256 interest = _debt(b.scaledDebt, index) - debtBefore;
        b.reserves += uint128((interest * r.reserveFactorBps) / BPS);
        return (m, b);
    }

    /// @dev Borrowed share of the suppliers' money, 18 decimals.
    function _utilization(uint256 cash_, uint256 debt, uint256 reserves_) internal pure returns (uint256) {
        uint256 supplied = cash_ + debt;
        if (debt == 0 || supplied <= reserves_) return 0;
        return Math.min((debt * _WAD) / (supplied - reserves_), _WAD);
    }

    /// @dev The kinked curve: yearly borrow rate, 18 decimals, at `util` (at most 1e18).
    function _rate(Rules memory r, uint256 util) internal pure returns (uint256 rate) {
        uint256 kink = uint256(r.kinkBps) * _BPS_TO_WAD;
        rate = uint256(r.baseRateBps) * _BPS_TO_WAD;
        if (util <= kink) return rate + (util * r.slope1Bps * _BPS_TO_WAD) / kink;
        rate += uint256(r.slope1Bps) * _BPS_TO_WAD;
        return rate + ((util - kink) * r.slope2Bps * _BPS_TO_WAD) / (_WAD - kink);
    }

    /// @dev `account`'s debt now, rounded up.
    function _debtOf(address account) internal view returns (uint256) {
        (Market memory m, ) = _accrued();
        return _debt(_accounts[account].scaledDebt, m.index);
    }

    /// @dev Debt of `scaled` at `index`, rounded up.
    function _debt(uint256 scaled, uint256 index) internal pure returns (uint256) {
        return Math.ceilDiv(scaled * index, _WAD);
    }

    /// @dev Values `account`'s collateral at fresh prices (the oracle records them). `seized`:
    ///      also returns that asset's price.
    function _valuation(address account, uint256 mask, address seized) internal returns (Valuation memory v) {
        uint256 pairs = _pairsSlot(account);
        uint256 pair; // the balance slot of assets 2k and 2k + 1, read once for both
        uint256 loaded; // which: k + 1 (0 before the first read)
        for (uint256 i; mask != 0; ++i) {
            if (mask & 1 != 0) {
                uint256 word = _collateralWord(i);
                address asset = address(uint160(word));
                (uint256 price, bool reliable) = _fetchPrice(asset);
                if (loaded != (i >> 1) + 1) (pair, loaded) = (_pairAt(pairs, i >> 1), (i >> 1) + 1);
                _addValue(v, word, i & 1 == 0 ? uint128(pair) : pair >> 128, price, reliable);
                if (asset == seized) v.seizedPrice = price;
            }
            mask >>= 1;
        }
    }

    /// @dev As {_valuation}, at the prices the oracle would give now, without recording them.
    function _peekValuation(address account) internal view returns (Valuation memory v) {
        uint256 mask = _accounts[account].collateralMask;
        for (uint256 i; mask != 0; ++i) {
            if (mask & 1 != 0) {
                uint256 word = _collateralWord(i);
                address asset = address(uint160(word));
                (uint256 price, bool reliable) = _oracle.peekPrice(asset);
                _addValue(v, word, _balanceOf(account, i), price, reliable);
            }
            mask >>= 1;
        }
    }

    /// @dev The slot of `account`'s entry in {_balancePairs}: the mapping of its pairs.
    function _pairsSlot(address account) private pure returns (uint256 slot) {
        // Safe: hashes the key and the mapping's slot in the scratch space, as Solidity does.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, and(account, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(0x20, _balancePairs.slot)
            slot := keccak256(0x00, 0x40)
        }
    }

    /// @dev The balance slot `pair` of the account whose pairs are at `pairs` ({_pairsSlot}).
    function _pairAt(uint256 pairs, uint256 pair) private view returns (uint256 word) {
        // Safe: as {_pairsSlot}, one level down.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, pair)
            mstore(0x20, pairs)
            word := sload(keccak256(0x00, 0x40))
        }
    }

    /// @dev `account`'s balance of the collateral at `index`.
    function _balanceOf(address account, uint256 index) internal view returns (uint256) {
        uint256 pair = _balancePairs[account][index >> 1];
        return index & 1 == 0 ? uint128(pair) : pair >> 128;
    }

    /// @dev Sets `account`'s balance of the collateral at `index` (below 2**128: see
    ///      {_balancePairs}).
    function _setBalance(address account, uint256 index, uint256 balance) internal {
        uint256 pair = _balancePairs[account][index >> 1];
        pair = index & 1 == 0 ? (pair & ~uint256(type(uint128).max)) | balance : uint128(pair) | (balance << 128);
        _balancePairs[account][index >> 1] = pair;
    }

    /// @dev `_collaterals[index]` as its storage word, read once and decoded with shifts by
    ///      {_addValue} (the borrow path values up to 16 of them; a memory copy of each struct
    ///      costs more than the read).
    function _collateralWord(uint256 index) private view returns (uint256 word) {
        // Safe: hashes the mapping key and slot in the scratch space (0x00-0x3f) and reads
        // the slot Solidity assigns to `_collaterals[index]`.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, index)
            mstore(0x20, _collaterals.slot)
            word := sload(keccak256(0x00, 0x40))
        }
    }

    /// @dev `_oracle.fetchPrice(asset)` without the high-level call's checks: the oracle is a
    ///      known contract that returns two words or reverts (its revert is passed on).
    function _fetchPrice(address asset) private returns (uint256 price, bool reliable) {
        address oracle = address(_oracle);
        bytes4 selector = IPriceOracle.fetchPrice.selector;
        // Safe: uses the scratch space (0x00-0x3f) only, for the call and its two-word answer.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, selector)
            // The high bits of an address on the stack may be dirty: clear them.
            mstore(0x04, and(asset, 0xffffffffffffffffffffffffffffffffffffffff))
            if iszero(call(gas(), oracle, 0, 0x00, 0x24, 0x00, 0x40)) {
                returndatacopy(0x00, 0x00, returndatasize())
                revert(0x00, returndatasize())
            }
            price := mload(0x00)
            reliable := iszero(iszero(mload(0x20)))
        }
    }

    /// @dev Adds `balance` of the collateral stored as `word` (a {Collateral}: asset in bits
    ///      0-159, max LTV 160-175, liquidation threshold 176-191, bonus 192-207, tier
    ///      208-215, decimals 216-223, tier cap 224-255) at `price` to `v`; values round down.
    function _addValue(Valuation memory v, uint256 word, uint256 balance, uint256 price, bool reliable) private pure {
        if (!reliable && v.unpriced == address(0)) v.unpriced = address(uint160(word));
        // Safe: balance < 2**128 (supply caps are below 2**120) and price < 2**128 (the oracle
        // refuses larger answers), so value < 2**242 after the division by 10**decimals and
        // value * 10_000 < 2**256; the tier cap is below 2**32 * 1e18. Each sum adds at most
        // 16 such values (MAX_COLLATERALS), far below 2**256.
        unchecked {
            uint256 value = (balance * price) / 10 ** ((word >> 216) & 0xff);
            uint256 ltvValue = (value * ((word >> 160) & 0xffff)) / BPS;
            // A whole stablecoin unit is 1 USD with 18 decimals.
            uint256 tierCapUsd = (word >> 224) * _WAD;
            v.collateralValue += value;
            v.ltvLimit += ltvValue;
            v.tierLimit += ltvValue < tierCapUsd ? ltvValue : tierCapUsd;
            v.liquidationValue += (value * ((word >> 176) & 0xffff)) / BPS;
        }
    }

    /// @dev Emits {MarginCall} when the health factor is below the band.
    function _marginCall(address account, Valuation memory v, uint256 debt) internal {
        if (debt == 0) return;
        uint256 health = v.liquidationValue.mulDiv(_WAD, debt * _usdPerUnit);
        if (health < _MARGIN_CALL_BAND) emit MarginCall(account, health);
    }

    /// @dev Lets the reserve cover as much of the deficit as it holds.
    function _coverDeficit() internal returns (uint256 covered) {
        uint256 deficit_ = _deficit;
        uint256 reserves_ = _book.reserves;
        covered = Math.min(deficit_, reserves_);
        if (covered == 0) return 0;
        _deficit = deficit_ - covered;
        _book.reserves = uint128(reserves_ - covered);
        emit DeficitCoveredByReserve(covered, deficit_ - covered);
    }

    /// @dev Pulls exactly `amount` of `token` from `from`; other amounts are refused.
    function _pull(IERC20 token, address from, uint256 amount) internal {
        Transfers.pullExact(token, from, amount, _transferFrom, LendingTransferAmountMismatch.selector);
    }

    function _transferFrom(IERC20 token, address from, uint256 amount) internal {
        token.safeTransferFrom(from, address(this), amount);
    }

    function _checkBound(bytes32 name, uint256 value, uint256 min, uint256 max) internal pure {
        if (value < min || value > max) revert LendingParameterOutOfBounds(name, value, min, max);
    }
}
