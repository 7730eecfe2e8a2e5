// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IGoverned} from "./IGoverned.sol";

/// @title IPriceOracle
/// @notice USD prices of the lending market's collateral assets, each from a Chainlink
///         `AggregatorV3Interface` feed with a second feed as fallback.
/// @dev Prices are USD per whole unit of the asset, scaled to 18 decimals whatever the feeds'
///      decimals. An answer is refused when it is <= 0, stale (older than its feed's heartbeat:
///      `block.timestamp - updatedAt > heartbeat`), from the future, from an incomplete round
///      (`answeredInRound < roundId` or `updatedAt == 0`), or when it moved more than
///      MAX_DEVIATION_BPS from the asset's last good price - unless the other feed is live and
///      agrees with it within MAX_AGREEMENT_BPS (a real crash that both feeds confirm is
///      accepted; a single feed's jump is not).
///      {fetchPrice} uses the primary feed while it answers, falls back to the second feed
///      when it does not, returns to the primary as soon as it recovers, and reports the
///      asset as failed (price not reliable) when neither answers. Each change of source
///      emits {PriceSourceChanged}. Governance sets the feeds through the timelock.
interface IPriceOracle is IGoverned {
    /// @notice Where an asset's price currently comes from.
    enum Source {
        Primary,
        Fallback,
        Failed
    }

    /// @notice One Chainlink feed and how fresh its answers must be.
    struct Feed {
        address aggregator;
        uint32 heartbeat; // seconds: an answer older than this is stale
        uint8 decimals; // the aggregator's decimals, read when the feed is set
    }

    /// @notice Governance set `asset`'s feeds.
    event FeedsSet(
        address indexed asset,
        address indexed primary,
        uint32 primaryHeartbeat,
        address indexed fallbackFeed,
        uint32 fallbackHeartbeat
    );

    /// @notice `asset`'s price now comes from `source` (the previous source stopped answering,
    ///         or recovered). `price` is the price used now (18 decimals); for Failed, the last
    ///         good price, which the market does not lend against.
    event PriceSourceChanged(address indexed asset, Source indexed previous, Source indexed source, uint256 price);

    /// @notice No feeds are set for `asset`.
    error OracleAssetNotSupported(address asset);

    /// @notice A feed address is not a contract (or does not report its decimals), or both
    ///         feeds are the same.
    error OracleInvalidFeed(address feed);

    /// @notice A heartbeat is outside [MIN_HEARTBEAT, MAX_HEARTBEAT].
    error OracleInvalidHeartbeat(uint32 heartbeat, uint32 min, uint32 max);

    /// @notice A feed's decimals exceed 18.
    error OracleInvalidDecimals(address feed, uint8 decimals);

    /// @notice A feed gave no usable answer when it was set (a feed must work when listed).
    error OracleFeedNotAnswering(address feed);

    /// @notice Largest move from the last good price accepted from a single feed (5,000 bps = 50%).
    function MAX_DEVIATION_BPS() external view returns (uint256);

    /// @notice Largest gap between the two feeds for a move above MAX_DEVIATION_BPS to be
    ///         accepted (500 bps = 5%), measured against the primary's price; the price used is
    ///         then the primary's.
    function MAX_AGREEMENT_BPS() external view returns (uint256);

    /// @notice Shortest heartbeat governance may set, in seconds.
    function MIN_HEARTBEAT() external view returns (uint32);

    /// @notice Longest heartbeat governance may set, in seconds.
    function MAX_HEARTBEAT() external view returns (uint32);

    /// @notice Sets `asset`'s primary and fallback feeds. Governance only. Both must be
    ///         contracts, distinct, with at most 18 decimals and a heartbeat within bounds,
    ///         and the primary must answer now: its answer becomes the last good price.
    ///         The feeds' decimals are read from them (the `decimals` given are ignored).
    ///         Setting an asset's feeds again replaces its last good price with the new
    ///         primary's answer and its source with Primary (emitting {PriceSourceChanged} if
    ///         the source was another): governance's way to revive an asset left Failed by a
    ///         move that only one feed reports.
    /// @param asset The collateral asset.
    /// @param primary The primary feed.
    /// @param fallbackFeed The fallback feed.
    function setFeeds(address asset, Feed calldata primary, Feed calldata fallbackFeed) external;

    /// @notice The asset's price now, recording it as the last good price and switching
    ///         source as described above (emits {PriceSourceChanged} on a switch).
    /// @param asset The asset.
    /// @return price USD per whole unit of `asset`, 18 decimals (the last good price if failed).
    /// @return reliable False when neither feed answers: the price is the last good one.
    function fetchPrice(address asset) external returns (uint256 price, bool reliable);

    /// @notice What {fetchPrice} would return now, without recording anything.
    /// @param asset The asset.
    /// @return price USD per whole unit of `asset`, 18 decimals.
    /// @return reliable False when neither feed answers.
    function peekPrice(address asset) external view returns (uint256 price, bool reliable);

    /// @notice The asset's feeds.
    /// @param asset The asset.
    /// @return primary The primary feed.
    /// @return fallbackFeed The fallback feed.
    function feedsOf(address asset) external view returns (Feed memory primary, Feed memory fallbackFeed);

    /// @notice The asset's last good price and the source it came from at the last {fetchPrice}.
    /// @dev The price is kept with 57 significant bits (about 17 digits), the low bits of a
    ///      longer one dropped: the deviation bound needs no more, and it lets the primary
    ///      feed and the last good price share one storage word. {fetchPrice} and {peekPrice}
    ///      return the feeds' answers exactly; only the Failed case returns this kept price.
    /// @param asset The asset.
    /// @return price The last good price, 18 decimals.
    /// @return source The source recorded at the last {fetchPrice} (or {setFeeds}).
    function lastGoodPrice(address asset) external view returns (uint256 price, Source source);
}
