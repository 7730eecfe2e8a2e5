// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IPriceOracle} from "../../interfaces/IPriceOracle.sol";
import {Governed} from "../governance/Governed.sol";

/// @title PriceOracle
/// @notice USD prices of every collateral asset of the lending market, each from a Chainlink
///         feed with a second feed as fallback. See {IPriceOracle}.
/// @dev One contract for all assets: the market asks it for several prices per transaction,
///      and only the first call pays for a cold address. Per asset, one word holds the primary
///      feed and the last good price with its source, another the fallback (read only when
///      the primary's answer is refused): a read of a healthy primary whose price did not
///      change costs one storage read and the feed's call, and writes nothing.
contract PriceOracle is IPriceOracle, Governed {
    /// @inheritdoc IPriceOracle
    uint256 public constant MAX_DEVIATION_BPS = 5_000; // 50% of the last good price (Liquity v1's bound)
    /// @inheritdoc IPriceOracle
    uint256 public constant MAX_AGREEMENT_BPS = 500; // 5% of the primary's price
    /// @inheritdoc IPriceOracle
    /// @dev Seconds. Below a minute, a healthy feed would read as stale between two updates.
    uint32 public constant MIN_HEARTBEAT = 60;
    /// @inheritdoc IPriceOracle
    /// @dev Seconds. Chainlink's longest heartbeats are 24 h; two days leave governance a margin
    ///      above them while still refusing a feed that stopped for days.
    uint32 public constant MAX_HEARTBEAT = 2 days;

    uint256 private constant _BPS = 10_000; // basis points in 100%
    uint8 private constant _PRICE_DECIMALS = 18;
    /// @dev Gas a feed's `latestRoundData` may use, several times what a Chainlink proxy and its
    ///      aggregator need: a feed that burns all it is given (twice when it is the primary:
    ///      the steady check, then the slow way) fails alone (and the fallback is
    ///      read) instead of taking the caller's transaction with it. Nor can a caller starve a
    ///      healthy feed to force the fallback: to make a feed that needs G <= _FEED_GAS run out,
    ///      the call must get less than G, which leaves the caller under G / 63 <= 1,588 gas
    ///      (EIP-150 keeps 1/64 back), too little for the cold read of the fallback's slot.
    uint256 private constant _FEED_GAS = 100_000;

    /// @dev An asset's primary feed and last good price, in one word (low bits first): the
    ///      aggregator (160 bits), its heartbeat (24 bits: MAX_HEARTBEAT < 2**24), its decimals
    ///      (5 bits: at most 18), the source of the last good price (2 bits), and the last good
    ///      price as a binary float, a 57-bit mantissa and an 8-bit exponent: 17 significant
    ///      digits, exact for every price below 2**57 and for most feed answers above (their
    ///      scaling to 18 decimals adds trailing zero bits). The deviation bound needs no more.
    type AssetWord is uint256;

    uint256 private constant _HEARTBEAT_SHIFT = 160;
    uint256 private constant _DECIMALS_SHIFT = 184;
    uint256 private constant _SOURCE_SHIFT = 189;
    uint256 private constant _PRICE_SHIFT = 191;
    uint256 private constant _MANTISSA_BITS = 57;

    mapping(address asset => AssetWord) private _words;
    mapping(address asset => Feed) private _fallback;

    constructor(address governance_) Governed(governance_) {}

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IPriceOracle
    /// @dev Checks each feed (contract, heartbeat, decimals) then that they differ, then the
    ///      primary's answer (without a deviation bound: there is no reference for it).
    function setFeeds(address asset, Feed calldata primary, Feed calldata fallbackFeed) external onlyGovernance {
        Feed memory first = _checked(primary);
        Feed memory second = _checked(fallbackFeed);
        if (second.aggregator == first.aggregator) revert OracleInvalidFeed(second.aggregator);
        (bool answered, uint256 price) = _read(first);
        if (!answered) revert OracleFeedNotAnswering(first.aggregator);

        Source previous = _sourceOf(_words[asset]);
        _words[asset] = _compose(first, price, Source.Primary);
        _fallback[asset] = second;
        emit FeedsSet(asset, first.aggregator, first.heartbeat, second.aggregator, second.heartbeat);
        if (previous != Source.Primary) emit PriceSourceChanged(asset, previous, Source.Primary, price);
    }

    // ---------------------------------------------------------------- prices

    /// @inheritdoc IPriceOracle
    function fetchPrice(address asset) external returns (uint256 price, bool reliable) {
        uint256 raw = AssetWord.unwrap(_words[asset]);
        // The steady state first (what a borrow pays per collateral): the primary answers the
        // last good price, which it gave.
        (bool steady, uint256 steadyPrice) = _steadyPrice(raw);
        if (steady) return (steadyPrice, true);
        AssetWord word = _supported(asset);
        (bool primaryValid, uint256 primaryPrice) = _read(_feedOf(word));
        Source lastSource = _sourceOf(word);
        Source source;
        (price, source) = _decide(asset, word, primaryValid, primaryPrice);
        // A price the float cannot hold exactly is compared as it would be stored.
        AssetWord updated = _compose(_feedOf(word), price, source);
        if (AssetWord.unwrap(updated) != AssetWord.unwrap(word)) {
            _words[asset] = updated;
            if (source != lastSource) emit PriceSourceChanged(asset, lastSource, source, price);
        }
        reliable = source != Source.Failed;
    }

    /// @inheritdoc IPriceOracle
    function peekPrice(address asset) external view returns (uint256 price, bool reliable) {
        AssetWord word = _supported(asset);
        (bool primaryValid, uint256 primaryPrice) = _read(_feedOf(word));
        Source source;
        (price, source) = _decide(asset, word, primaryValid, primaryPrice);
        reliable = source != Source.Failed;
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IPriceOracle
    function feedsOf(address asset) external view returns (Feed memory primary, Feed memory fallbackFeed) {
        primary = _feedOf(_supported(asset));
        fallbackFeed = _fallback[asset];
    }

    /// @inheritdoc IPriceOracle
    function lastGoodPrice(address asset) external view returns (uint256 price, Source source) {
        AssetWord word = _supported(asset);
        return (_priceOf(word), _sourceOf(word));
    }

    // ---------------------------------------------------------------- internals

    /// @dev The price to use now and its source: the primary's answer if valid and within
    ///      MAX_DEVIATION_BPS of the last good price; else the primary's answer if the fallback
    ///      confirms it (valid, within MAX_AGREEMENT_BPS of it); else the fallback's answer if
    ///      valid and within MAX_DEVIATION_BPS of the last good price; else the last good price,
    ///      Failed. A fallback beyond the deviation bound is never confirmed by the primary: the
    ///      primary would have been taken first.
    function _decide(
        address asset,
        AssetWord word,
        bool primaryValid,
        uint256 primaryPrice
    ) private view returns (uint256, Source) {
        uint256 lastPrice = _priceOf(word);
        if (primaryValid && _within(primaryPrice, lastPrice, MAX_DEVIATION_BPS)) {
            return (primaryPrice, Source.Primary);
        }
        (bool fallbackValid, uint256 fallbackPrice) = _read(_fallback[asset]);
        if (fallbackValid) {
            if (primaryValid && _within(fallbackPrice, primaryPrice, MAX_AGREEMENT_BPS)) {
                return (primaryPrice, Source.Primary);
            }
            if (_within(fallbackPrice, lastPrice, MAX_DEVIATION_BPS)) return (fallbackPrice, Source.Fallback);
        }
        return (lastPrice, Source.Failed);
    }

    /// @dev Whether `price` is within `bps` of `anchor` (exactly at the bound is within).
    ///      No overflow: both are below 2**128.
    function _within(uint256 price, uint256 anchor, uint256 bps) private pure returns (bool) {
        uint256 gap = price > anchor ? price - anchor : anchor - price;
        return gap * _BPS <= anchor * bps;
    }

    /// @dev `feed`'s latest answer scaled to 18 decimals, and whether it is valid: the call
    ///      succeeded with five words, the answer is positive, its round complete, it is neither
    ///      from the future nor older than the heartbeat, and its scaled value fits in 128 bits.
    ///      A round never updated (`updatedAt == 0`) is refused as stale: no heartbeat comes
    ///      near the time since 1970.
    ///      A feed that reverts, returns too little or burns its gas is refused, never bubbled:
    ///      a broken feed cannot stop the oracle (a high-level call with try/catch would still
    ///      revert here on an answer it cannot decode).
    function _read(Feed memory feed) private view returns (bool valid, uint256 price) {
        return _readFeed(feed.aggregator, feed.heartbeat, feed.decimals);
    }

    /// @dev {_read} of the feed at `aggregator`, from its fields (the steady-state path reads
    ///      them from the asset's word without building a Feed in memory).
    function _readFeed(
        address aggregator,
        uint256 heartbeat,
        uint256 decimals
    ) private view returns (bool valid, uint256 price) {
        bytes4 selector = AggregatorV3Interface.latestRoundData.selector;
        bool answered;
        uint256 roundId;
        int256 answer;
        uint256 updatedAt;
        uint256 answeredInRound;
        // Safe: the selector and the answer use memory from the free memory pointer on, which
        // is not moved (temporary use, as memory-safe allows); at most five words are copied
        // back whatever the feed returns, and an answer shorter than five words is refused.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let buffer := mload(0x40)
            mstore(buffer, selector)
            answered := staticcall(_FEED_GAS, aggregator, buffer, 0x04, buffer, 0xa0)
            answered := and(answered, iszero(lt(returndatasize(), 0xa0)))
            roundId := mload(buffer)
            answer := mload(add(buffer, 0x20))
            updatedAt := mload(add(buffer, 0x60))
            answeredInRound := mload(add(buffer, 0x80))
        }
        if (
            !answered ||
            answer <= 0 ||
            answeredInRound < roundId ||
            updatedAt > block.timestamp ||
            block.timestamp - updatedAt > heartbeat ||
            uint256(answer) > type(uint128).max
        ) return (false, 0);
        // No overflow: the answer is below 2**128 and the factor at most 10**18.
        price = uint256(answer) * 10 ** (_PRICE_DECIMALS - decimals);
        valid = price <= type(uint128).max;
    }

    /// @dev `feed` as stored: a contract, with a heartbeat within bounds and its decimals as it
    ///      reports them (at most 18).
    function _checked(Feed calldata feed) private view returns (Feed memory) {
        address aggregator = feed.aggregator;
        if (aggregator.code.length == 0) revert OracleInvalidFeed(aggregator);
        uint32 heartbeat = feed.heartbeat;
        if (heartbeat < MIN_HEARTBEAT || heartbeat > MAX_HEARTBEAT) {
            revert OracleInvalidHeartbeat(heartbeat, MIN_HEARTBEAT, MAX_HEARTBEAT);
        }
        uint8 decimals = _decimalsOf(aggregator);
        if (decimals > _PRICE_DECIMALS) revert OracleInvalidDecimals(aggregator, decimals);
        return Feed(aggregator, heartbeat, decimals);
    }

    /// @dev The decimals `aggregator` reports; refuses a contract that does not report them.
    function _decimalsOf(address aggregator) private view returns (uint8) {
        try AggregatorV3Interface(aggregator).decimals() returns (uint8 decimals) {
            return decimals;
        } catch {
            revert OracleInvalidFeed(aggregator);
        }
    }

    /// @dev Whether the asset of word `raw` is in the steady state - its last good price came
    ///      from the primary, and the primary's answer now is valid as {_read} defines it and
    ///      equal to that price - and then the price. The same checks as {_read} and
    ///      {_priceOf}, written out in assembly because every collateral of a borrow passes
    ///      here: about a third of the compiled code's cost. Any other case (a word of no
    ///      asset included) is not steady, and {fetchPrice} decides the slow way, calling the
    ///      primary again: a primary that burns its allowance costs it twice.
    function _steadyPrice(uint256 raw) private view returns (bool steady, uint256 price) {
        bytes4 selector = AggregatorV3Interface.latestRoundData.selector;
        // Safe: the call's selector and answer use memory from the free memory pointer on,
        // without moving it (temporary use, as memory-safe allows), as in {_readFeed}; at most
        // five words are copied back and a shorter answer is refused. No arithmetic wraps:
        // `updatedAt <= timestamp` is required with the subtraction, the answer is below
        // 2**128 and the scale at most 10**18, and the shift of the mantissa is below 2**8.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            if iszero(and(shr(_SOURCE_SHIFT, raw), 3)) {
                let buffer := mload(0x40)
                mstore(buffer, selector)
                let aggregator := and(raw, 0xffffffffffffffffffffffffffffffffffffffff)
                // (Yul evaluates arguments right to left: the call must come first, alone.)
                let answered := staticcall(_FEED_GAS, aggregator, buffer, 0x04, buffer, 0xa0)
                if and(answered, iszero(lt(returndatasize(), 0xa0))) {
                    let answer := mload(add(buffer, 0x20))
                    let updatedAt := mload(add(buffer, 0x60))
                    let heartbeat := and(shr(_HEARTBEAT_SHIFT, raw), 0xffffff)
                    let valid := and(
                        and(sgt(answer, 0), iszero(gt(answer, 0xffffffffffffffffffffffffffffffff))),
                        and(
                            iszero(lt(mload(add(buffer, 0x80)), mload(buffer))),
                            and(iszero(gt(updatedAt, timestamp())), iszero(gt(sub(timestamp(), updatedAt), heartbeat)))
                        )
                    )
                    let decimals := and(shr(_DECIMALS_SHIFT, raw), 0x1f)
                    price := mul(answer, exp(10, sub(_PRICE_DECIMALS, decimals)))
                    let packed := shr(_PRICE_SHIFT, raw)
                    let last := shl(shr(_MANTISSA_BITS, packed), and(packed, sub(shl(_MANTISSA_BITS, 1), 1)))
                    steady := and(valid, eq(price, last))
                }
            }
        }
    }

    /// @dev The word of `feed` with `price` (below 2**128: `_read` accepts no larger price,
    ///      and every price recorded came from it) and `source`. `feed` is checked: its
    ///      heartbeat fits 24 bits and its decimals 5.
    function _compose(Feed memory feed, uint256 price, Source source) private pure returns (AssetWord) {
        uint256 shift = price >> _MANTISSA_BITS == 0 ? 0 : Math.log2(price) + 1 - _MANTISSA_BITS;
        uint256 packedPrice = (shift << _MANTISSA_BITS) | (price >> shift);
        return
            AssetWord.wrap(
                uint256(uint160(feed.aggregator)) |
                    (uint256(feed.heartbeat) << _HEARTBEAT_SHIFT) |
                    (uint256(feed.decimals) << _DECIMALS_SHIFT) |
                    (uint256(source) << _SOURCE_SHIFT) |
                    (packedPrice << _PRICE_SHIFT)
            );
    }

    function _feedOf(AssetWord word) private pure returns (Feed memory) {
        uint256 w = AssetWord.unwrap(word);
        return
            Feed(address(uint160(w)), uint32((w >> _HEARTBEAT_SHIFT) & 0xffffff), uint8((w >> _DECIMALS_SHIFT) & 0x1f));
    }

    function _sourceOf(AssetWord word) private pure returns (Source) {
        return Source((AssetWord.unwrap(word) >> _SOURCE_SHIFT) & 3);
    }

    /// @dev The last good price: the mantissa shifted left by the exponent.
    function _priceOf(AssetWord word) private pure returns (uint256) {
        uint256 packedPrice = AssetWord.unwrap(word) >> _PRICE_SHIFT;
        return (packedPrice & ((1 << _MANTISSA_BITS) - 1)) << (packedPrice >> _MANTISSA_BITS);
    }

    /// @dev `asset`'s word; reverts when no feeds are set for it.
    function _supported(address asset) private view returns (AssetWord word) {
        word = _words[asset];
        if (uint160(AssetWord.unwrap(word)) == 0) revert OracleAssetNotSupported(asset);
    }
}
