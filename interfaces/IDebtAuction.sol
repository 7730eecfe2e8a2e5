// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IGoverned} from "./IGoverned.sol";

/// @title IDebtAuction
/// @notice Sells newly minted protocol token for a lending market's stablecoin, to cover the
///         part of the market's deficit that its reserve could not (seed section 8: token
///         inflation as the last safety buffer).
/// @dev A reverse auction, one at a time per market, that anyone starts and settles:
///      - {start} takes `debt` = min(the market's deficit, debtPerAuction) and offers a lot of
///        initialLot * debt / debtPerAuction protocol token for it (at least 1 unit). The lot is minted into this contract at the
///        start, through the minter role that governance grants this contract on the token,
///        so the token's own cap (2% of supply per 365 days) bounds it; tokens left from
///        earlier auctions are used first. Without the role (revoked), nothing is mintable.
///      - Each {bid} pays exactly `debt` of stablecoin and asks for a smaller lot: the first
///        at most the offered lot, each later one at least MIN_DECREASE_BPS below the current
///        bid. The first bid's payment goes straight to the market against the deficit; a
///        later bid's payment refunds the bid it beats (credited for {withdrawRefund} if the
///        transfer fails), so the market is paid once and every outbid bidder is made whole.
///      - The auction ends BID_DURATION after the last bid or at its end time, whichever is
///        first. {settle} then sends the winning lot to the winner; the unsold rest of the
///        minted lot stays here for the next auction.
///      - Without bids by the end time, {restart} grows the lot by RESTART_INCREASE_BPS (as far
///        as the cap allows) and runs it again. When the cap allows no more token - at a
///        restart, or at a start with nothing minted in stock - the auction's debt is written
///        down against the market's suppliers instead ({AuctionAbandoned}).
///      No step needs a trusted operator; governance only sets the lot sizes, within bounds.
interface IDebtAuction is IGoverned {
    struct Auction {
        uint256 debt; // stablecoin the winner pays, in stablecoin units
        uint256 lot; // protocol token offered now (the current bid's, once there is one)
        address bidder; // current best bidder, zero before the first bid
        uint64 bidExpiry; // the auction ends at this time after the last bid (0: no bid)
        uint64 end; // the auction's end time
    }

    /// @notice Auction `id` started: `lot` of protocol token for `debt` of stablecoin.
    event AuctionStarted(uint256 indexed id, uint256 debt, uint256 lot, uint64 end);

    /// @notice `bidder` bid `debt` of stablecoin for `lot` of protocol token in auction `id`.
    event BidPlaced(uint256 indexed id, address indexed bidder, uint256 lot, uint256 debt);

    /// @notice Auction `id` ended without bids and runs again with `lot` until `end`.
    event AuctionRestarted(uint256 indexed id, uint256 lot, uint64 end);

    /// @notice Auction `id` was settled: `winner` received `lot` of protocol token.
    event AuctionSettled(uint256 indexed id, address indexed winner, uint256 lot);

    /// @notice The token cap allows no (larger) lot for auction `id`: its `debt` was written
    ///         down against the market's suppliers.
    event AuctionAbandoned(uint256 indexed id, uint256 debt);

    /// @notice Minted `amount` of protocol token into this contract for auction lots.
    event LotMinted(uint256 amount);

    /// @notice A refund to `bidder` failed and was credited: {withdrawRefund} pays it.
    event RefundDeferred(address indexed bidder, uint256 amount);

    /// @notice `bidder` withdrew `amount` of credited refunds to `to`.
    event RefundWithdrawn(address indexed bidder, address indexed to, uint256 amount);

    /// @notice Governance set the lot offered at the start and the debt per auction.
    event AuctionParamsSet(uint256 initialLot, uint256 debtPerAuction);

    /// @notice An auction is running already.
    error AuctionLive(uint256 id);

    /// @notice No auction is running.
    error AuctionNotLive();

    /// @notice The market has no deficit left to auction (after the reserve covered what it could).
    error AuctionNoDeficit();

    /// @notice Auction `id` has ended (at `endedAt`): no more bids.
    error AuctionEnded(uint256 id, uint64 endedAt);

    /// @notice Auction `id` has not ended yet (it ends at `endsAt`).
    error AuctionNotEnded(uint256 id, uint64 endsAt);

    /// @notice Auction `id` has a bid: it is settled, not restarted.
    error AuctionHasBid(uint256 id);

    /// @notice Auction `id` has no bid: it is restarted, not settled.
    error AuctionNoBid(uint256 id);

    /// @notice The bid asks for `lot`, more than the most allowed now (`maxLot`).
    error AuctionBidTooHigh(uint256 lot, uint256 maxLot);

    /// @notice The bid's lot is zero.
    error AuctionZeroLot();

    /// @notice The recipient is the zero address.
    error AuctionZeroAddress();

    /// @notice `bidder` has no refund credited.
    error AuctionNoRefund(address bidder);

    /// @notice Parameter `name` is `value`, outside [min, max].
    error AuctionParameterOutOfBounds(bytes32 name, uint256 value, uint256 min, uint256 max);

    /// @notice The stablecoin delivered a different amount than `expected` (fee-on-transfer).
    error AuctionTransferAmountMismatch(address token, uint256 expected, uint256 received);

    /// @notice A later bid asks for at most this share less than the current one (500 = 5%).
    function MIN_DECREASE_BPS() external view returns (uint256);

    /// @notice An auction without bids restarts with a lot this much larger (5,000 = 50%).
    function RESTART_INCREASE_BPS() external view returns (uint256);

    /// @notice An auction ends this long after its last bid (3 hours).
    function BID_DURATION() external view returns (uint64);

    /// @notice An auction runs at most this long from its (re)start (2 days).
    function AUCTION_DURATION() external view returns (uint64);

    /// @notice The lending market this auction covers.
    function market() external view returns (address);

    /// @notice The protocol token sold.
    function protocolToken() external view returns (address);

    /// @notice The stablecoin bought (the market's asset).
    function stablecoin() external view returns (address);

    /// @notice Starts an auction for min(deficit, debtPerAuction) once the reserve has covered
    ///         what it can (abandoned at once, its debt written down, if the cap allows no
    ///         token and none is in stock). Anyone may call it.
    /// @return id The auction's id.
    function start() external returns (uint256 id);

    /// @notice Bids `debt` of stablecoin for `lot` of protocol token in the live auction.
    /// @param id The live auction's id.
    /// @param lot The protocol token asked for.
    function bid(uint256 id, uint256 lot) external;

    /// @notice Ends auction `id` with a winner: sends the lot. Anyone may call it.
    function settle(uint256 id) external;

    /// @notice Runs auction `id`, which ended without bids, again with a larger lot - or writes
    ///         its debt down when the cap allows no token. Anyone may call it.
    function restart(uint256 id) external;

    /// @notice Pays the caller's credited refunds to `to` (any address: a bidder that cannot
    ///         receive the stablecoin itself, e.g. blacklisted, names another).
    /// @param to The recipient.
    function withdrawRefund(address to) external;

    /// @notice Sets the lot offered at the start and the debt per auction. Governance only.
    function setParams(uint256 initialLot, uint256 debtPerAuction) external;

    /// @notice Auction `id`.
    function auctionOf(uint256 id) external view returns (Auction memory);

    /// @notice The id of the live auction (0 if none; ids start at 1).
    function liveAuction() external view returns (uint256);

    /// @notice Protocol token held for lots: minted, not yet sold.
    function inventory() external view returns (uint256);

    /// @notice Refunds credited to `bidder`.
    function refundOf(address bidder) external view returns (uint256);

    /// @notice The lot offered at a start (protocol token units).
    function initialLot() external view returns (uint256);

    /// @notice The most debt one auction covers (stablecoin units).
    function debtPerAuction() external view returns (uint256);

    /// @notice Total protocol token this contract minted.
    function totalMinted() external view returns (uint256);
}
