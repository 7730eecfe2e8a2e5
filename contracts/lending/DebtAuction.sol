// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IDebtAuction} from "../../interfaces/IDebtAuction.sol";
import {ILendingMarket} from "../../interfaces/ILendingMarket.sol";
import {IOTCToken} from "../../interfaces/IOTCToken.sol";
import {Governed} from "../governance/Governed.sol";
import {BPS} from "../libraries/Constants.sol";
import {Transfers} from "../libraries/Transfers.sol";

/// @title DebtAuction
/// @notice See {IDebtAuction}. Deployed by its LendingMarket's constructor.
contract DebtAuction is IDebtAuction, Governed, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 public constant MIN_DECREASE_BPS = 500; // each later bid asks for 5% less
    uint256 public constant RESTART_INCREASE_BPS = 5_000; // a restart offers 50% more
    uint64 public constant BID_DURATION = 3 hours;
    uint64 public constant AUCTION_DURATION = 2 days;
    uint256 private constant _MAX_PARAM = type(uint128).max;

    ILendingMarket private immutable _market;
    IERC20 private immutable _stablecoin;
    IOTCToken private immutable _token;

    uint256 private _initialLot;
    uint256 private _debtPerAuction;
    uint256 private _inventory;
    uint256 private _totalMinted;
    uint256 private _live;
    uint256 private _count;
    mapping(uint256 id => Auction) private _auctions;
    mapping(address bidder => uint256) private _refunds;

    /// @param governance_ The governance timelock.
    /// @param market_ The lending market (the deployer).
    /// @param stablecoin_ The market's stablecoin.
    /// @param token_ The protocol token (OTCToken); governance grants this contract its minter role.
    /// @param initialLot_ The lot offered at a start.
    /// @param debtPerAuction_ The most debt one auction covers.
    constructor(
        address governance_,
        address market_,
        address stablecoin_,
        address token_,
        uint256 initialLot_,
        uint256 debtPerAuction_
    ) Governed(governance_) {
        _market = ILendingMarket(market_);
        _stablecoin = IERC20(stablecoin_);
        _token = IOTCToken(token_);
        _setParams(initialLot_, debtPerAuction_);
    }

    /// @inheritdoc IDebtAuction
    function start() external nonReentrant returns (uint256 id) {
        if (_live != 0) revert AuctionLive(_live);
        _market.coverDeficit();
        uint256 deficit = _market.deficit();
        if (deficit == 0) revert AuctionNoDeficit();
        uint256 debt = Math.min(deficit, _debtPerAuction);
        id = ++_count;
        // The lot offered is in proportion to the debt: a small deficit gets a small lot.
        uint256 lot = _stock(Math.max((_initialLot * debt) / _debtPerAuction, 1));
        uint64 end = uint64(block.timestamp) + AUCTION_DURATION;
        _auctions[id] = Auction({debt: debt, lot: lot, bidder: address(0), bidExpiry: 0, end: end});
        if (lot == 0) {
            emit AuctionAbandoned(id, debt);
            _market.writeDownDeficit(debt);
            return id;
        }
        _live = id;
        emit AuctionStarted(id, debt, lot, end);
    }

    /// @inheritdoc IDebtAuction
    function bid(uint256 id, uint256 lot) external nonReentrant {
        Auction memory a = _liveAuction(id);
        uint64 endedAt = _endOf(a);
        if (block.timestamp >= endedAt) revert AuctionEnded(id, endedAt);
        if (lot == 0) revert AuctionZeroLot();
        address previous = a.bidder;
        uint256 maxLot = previous == address(0) ? a.lot : (a.lot * (BPS - MIN_DECREASE_BPS)) / BPS;
        if (lot > maxLot) revert AuctionBidTooHigh(lot, maxLot);

        Auction storage stored = _auctions[id];
        (stored.lot, stored.bidder, stored.bidExpiry) = (lot, msg.sender, uint64(block.timestamp) + BID_DURATION);
        emit BidPlaced(id, msg.sender, lot, a.debt);

        if (previous == address(0)) {
            // The first bid pays the market, once; later bids only refund the bid they beat.
            _payMarket(msg.sender, a.debt);
        } else {
            Transfers.pullExact(_stablecoin, msg.sender, a.debt, _transferFrom, AuctionTransferAmountMismatch.selector);
            if (!_stablecoin.trySafeTransfer(previous, a.debt)) {
                _refunds[previous] += a.debt;
                emit RefundDeferred(previous, a.debt);
            }
        }
    }

    /// @inheritdoc IDebtAuction
    function settle(uint256 id) external nonReentrant {
        Auction memory a = _liveAuction(id);
        if (a.bidder == address(0)) revert AuctionNoBid(id);
        uint64 endedAt = _endOf(a);
        if (block.timestamp < endedAt) revert AuctionNotEnded(id, endedAt);
        _live = 0;
        _inventory -= a.lot;
        emit AuctionSettled(id, a.bidder, a.lot);
        IERC20(address(_token)).safeTransfer(a.bidder, a.lot);
    }

    /// @inheritdoc IDebtAuction
    function restart(uint256 id) external nonReentrant {
        Auction memory a = _liveAuction(id);
        if (a.bidder != address(0)) revert AuctionHasBid(id);
        if (block.timestamp < a.end) revert AuctionNotEnded(id, a.end);
        uint256 lot = _stock((a.lot * (BPS + RESTART_INCREASE_BPS)) / BPS);
        if (lot <= a.lot) {
            // The cap allows no larger lot: what it cannot cover falls on the suppliers.
            _live = 0;
            emit AuctionAbandoned(id, a.debt);
            _market.writeDownDeficit(a.debt);
            return;
        }
        uint64 end = uint64(block.timestamp) + AUCTION_DURATION;
        (_auctions[id].lot, _auctions[id].end) = (lot, end);
        emit AuctionRestarted(id, lot, end);
    }

    /// @inheritdoc IDebtAuction
    function withdrawRefund(address to) external nonReentrant {
        if (to == address(0)) revert AuctionZeroAddress();
        uint256 amount = _refunds[msg.sender];
        if (amount == 0) revert AuctionNoRefund(msg.sender);
        _refunds[msg.sender] = 0;
        emit RefundWithdrawn(msg.sender, to, amount);
        _stablecoin.safeTransfer(to, amount);
    }

    /// @inheritdoc IDebtAuction
    function setParams(uint256 initialLot_, uint256 debtPerAuction_) external onlyGovernance {
        _setParams(initialLot_, debtPerAuction_);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IDebtAuction
    function market() external view returns (address) {
        return address(_market);
    }

    /// @inheritdoc IDebtAuction
    function protocolToken() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc IDebtAuction
    function stablecoin() external view returns (address) {
        return address(_stablecoin);
    }

    /// @inheritdoc IDebtAuction
    function auctionOf(uint256 id) external view returns (Auction memory) {
        return _auctions[id];
    }

    /// @inheritdoc IDebtAuction
    function liveAuction() external view returns (uint256) {
        return _live;
    }

    /// @inheritdoc IDebtAuction
    function inventory() external view returns (uint256) {
        return _inventory;
    }

    /// @inheritdoc IDebtAuction
    function refundOf(address bidder) external view returns (uint256) {
        return _refunds[bidder];
    }

    /// @inheritdoc IDebtAuction
    function initialLot() external view returns (uint256) {
        return _initialLot;
    }

    /// @inheritdoc IDebtAuction
    function debtPerAuction() external view returns (uint256) {
        return _debtPerAuction;
    }

    /// @inheritdoc IDebtAuction
    function totalMinted() external view returns (uint256) {
        return _totalMinted;
    }

    // ------------------------------------------------------------------ internal

    function _liveAuction(uint256 id) private view returns (Auction memory) {
        if (id == 0 || id != _live) revert AuctionNotLive();
        return _auctions[id];
    }

    /// @dev When bidding closes: the end time, or BID_DURATION after the last bid if sooner.
    function _endOf(Auction memory a) private pure returns (uint64) {
        return a.bidExpiry != 0 && a.bidExpiry < a.end ? a.bidExpiry : a.end;
    }

    /// @dev Makes `wanted` tokens available for a lot, from stock first and then by minting
    ///      what the token's cap allows; returns how many are available (at most `wanted`).
    function _stock(uint256 wanted) private returns (uint256) {
        uint256 held = _inventory;
        if (held < wanted) {
            // Without the minter role (revoked), nothing is mintable: the caller writes down.
            uint256 mintable = _token.isMinter(address(this)) ? _token.mintable() : 0;
            uint256 minted = Math.min(wanted - held, mintable);
            if (minted != 0) {
                held += minted;
                _inventory = held;
                _totalMinted += minted;
                emit LotMinted(minted);
                _token.mint(address(this), minted);
            }
        }
        return Math.min(wanted, held);
    }

    /// @dev Moves `amount` of stablecoin from `from` to the market and books it there; the
    ///      market must receive exactly `amount`.
    function _payMarket(address from, uint256 amount) private {
        address to = address(_market);
        uint256 before = _stablecoin.balanceOf(to);
        _stablecoin.safeTransferFrom(from, to, amount);
        uint256 received = _stablecoin.balanceOf(to) - before;
        if (received != amount) revert AuctionTransferAmountMismatch(address(_stablecoin), amount, received);
        _market.recordAuctionProceeds(amount);
    }

    function _transferFrom(IERC20 token, address from, uint256 amount) private {
        token.safeTransferFrom(from, address(this), amount);
    }

    function _setParams(uint256 initialLot_, uint256 debtPerAuction_) private {
        if (initialLot_ == 0 || initialLot_ > _MAX_PARAM) {
            revert AuctionParameterOutOfBounds("initialLot", initialLot_, 1, _MAX_PARAM);
        }
        if (debtPerAuction_ == 0 || debtPerAuction_ > _MAX_PARAM) {
            revert AuctionParameterOutOfBounds("debtPerAuction", debtPerAuction_, 1, _MAX_PARAM);
        }
        (_initialLot, _debtPerAuction) = (initialLot_, debtPerAuction_);
        emit AuctionParamsSet(initialLot_, debtPerAuction_);
    }
}
