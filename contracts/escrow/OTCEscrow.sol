// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IArbitrable} from "@kleros/erc-792/contracts/IArbitrable.sol";
import {IArbitrator} from "@kleros/erc-792/contracts/IArbitrator.sol";
import {IAssetProxy} from "../../interfaces/IAssetProxy.sol";
import {IIdentityRegistry} from "../../interfaces/IIdentityRegistry.sol";
import {IOTCEscrow} from "../../interfaces/IOTCEscrow.sol";
import {ITokenRegistry} from "../../interfaces/ITokenRegistry.sol";
import {Governed} from "../governance/Governed.sol";
import {BPS, Rulings} from "../libraries/Constants.sol";
import {Delegation} from "../libraries/Delegation.sol";
import {Transfers} from "../libraries/Transfers.sol";
import {OTCEscrowExtension} from "./OTCEscrowExtension.sol";
import {OTCEscrowStorage} from "./OTCEscrowStorage.sol";

/// @title OTCEscrow
/// @notice Stablecoin <-> fiat trades with a seller bond and ERC-792 arbitration.
///         See {IOTCEscrow}.
/// @dev The trade's path (offers, opening, payment, release, cancellation) and governance run
///      here. Disputes, credits, chat, reviews and the structured views run in
///      {OTCEscrowExtension}, created by the constructor and reached by DELEGATECALL, which
///      keeps each unit under the code size limit. Both inherit {OTCEscrowStorage} first.
contract OTCEscrow is OTCEscrowStorage, IOTCEscrow, Governed, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 public constant BOND_BPS = 2_000; // 20% of the trade amount
    uint256 public constant MAX_FEE_BPS = 100; // 1% of the trade amount
    uint256 public constant CONFIRMATION_WINDOW = 3 days;
    uint256 public constant FEE_WINDOW = 3 days;
    uint256 public constant MIN_PAYMENT_WINDOW = 15 minutes;
    uint256 public constant MAX_PAYMENT_WINDOW = 3 days;
    uint8 public constant PRICE_DECIMALS = 8;
    uint256 public constant RULING_OPTIONS = Rulings.OPTIONS;
    uint256 public constant RULING_REFUSED = Rulings.REFUSED;
    uint256 public constant RULING_BUYER_WINS = Rulings.BUYER_WINS;
    uint256 public constant RULING_SELLER_WINS = Rulings.SELLER_WINS;

    bytes32 private constant _OFFER_TYPEHASH =
        keccak256(
            "Offer(address maker,uint8 side,address token,uint256 minAmount,uint256 maxAmount,"
            "bytes3 fiatCurrency,uint256 price,bytes32 paymentMethodsHash,uint32 paymentWindow,"
            "bytes32 termsHash,uint8 minLevel,uint64 expiry,uint256 nonce)"
        );

    ITokenRegistry private immutable _registry;
    IIdentityRegistry private immutable _identity;
    IAssetProxy private immutable _proxy;
    IArbitrator private immutable _arbitrator;
    address private immutable _treasury;
    uint256 private immutable _volumePeriod;
    address private immutable _extension;

    constructor(
        address governance_,
        ITokenRegistry registry_,
        IIdentityRegistry identity_,
        IAssetProxy proxy_,
        IArbitrator arbitrator_,
        bytes memory arbitratorExtraData_,
        address treasury_,
        string memory policy_
    ) Governed(governance_) EIP712("OpenOTC Escrow", "1") {
        if (
            address(registry_) == address(0) ||
            address(identity_) == address(0) ||
            address(proxy_) == address(0) ||
            address(arbitrator_) == address(0) ||
            treasury_ == address(0)
        ) revert EscrowZeroAddress();
        _registry = registry_;
        _identity = identity_;
        _proxy = proxy_;
        _arbitrator = arbitrator_;
        _arbitratorExtraData = arbitratorExtraData_;
        _treasury = treasury_;
        uint256 volumePeriod = identity_.VOLUME_PERIOD();
        _volumePeriod = volumePeriod;
        _extension = address(new OTCEscrowExtension(identity_, arbitrator_, volumePeriod));
        _publishPolicy(0, policy_);
    }

    /// @notice Takes back ETH the arbitrator returns (an appeal it did not charge in full).
    receive() external payable {
        if (msg.sender != address(_arbitrator)) revert EscrowUnexpectedEth(msg.sender);
    }

    // ---------------------------------------------------------------- offers

    /// @inheritdoc IOTCEscrow
    function publishOffer(Offer calldata offer, bytes calldata signature) external {
        bytes32 offerHash = hashOffer(offer);
        _checkSignature(offer.maker, offerHash, signature);
        emit OfferPublished(offerHash, offer.maker, offer, signature);
    }

    /// @inheritdoc IOTCEscrow
    function cancelOffer(Offer calldata offer) external {
        if (msg.sender != offer.maker) revert EscrowNotMaker(msg.sender);
        bytes32 offerHash = hashOffer(offer);
        _fills[offerHash].cancelled = true;
        emit OfferCancelled(offerHash, msg.sender);
    }

    /// @inheritdoc IOTCEscrow
    function cancelOffersBelow(uint256 nonce) external {
        uint256 current = _minNonce[msg.sender];
        if (nonce <= current) revert EscrowNonceNotIncreasing(nonce, current);
        _minNonce[msg.sender] = nonce;
        emit OffersCancelledBelow(msg.sender, nonce);
    }

    /// @inheritdoc IOTCEscrow
    function openTrade(
        Offer calldata offer,
        bytes calldata signature,
        uint256 amount
    ) external nonReentrant returns (bytes32 tradeId) {
        // Checks: the offer, then the parties.
        if (_config.paused) revert EscrowPaused();
        bytes32 offerHash = hashOffer(offer);
        Fill memory fill = _checkOffer(offer, offerHash, signature, amount);
        (address seller, address buyer) = offer.side == Side.SellCrypto
            ? (offer.maker, msg.sender)
            : (msg.sender, offer.maker);

        // Effects: count both parties' volume, fill the offer, commit the trade.
        _checkParties(offer, amount);
        tradeId = keccak256(abi.encode(offerHash, fill.takes));
        // filled + amount <= maxAmount; takes counts transactions and cannot reach 2**64.
        _fills[offerHash] = Fill(fill.filled + SafeCast.toUint128(amount), fill.takes + 1, false);
        uint256 bond = (amount * BOND_BPS) / BPS;
        Trade memory trade = Trade({
            seller: seller,
            paymentDeadline: uint64(block.timestamp + offer.paymentWindow),
            feeBps: _config.feeBps,
            status: Status.Funded,
            sellerReviewed: false,
            buyer: buyer,
            confirmDeadline: 0,
            buyerReviewed: false,
            token: offer.token,
            amount: SafeCast.toUint128(amount),
            bond: uint128(bond), // bond < amount, which fits in 128 bits
            offerHash: offerHash,
            policyId: _config.policyId,
            openedAt: uint64(block.timestamp)
        });
        _commitments[tradeId] = _hash(trade);
        emit TradeOpened(tradeId, offerHash, msg.sender, trade);

        // Interaction: lock amount + bond from the seller, refusing fee-on-transfer tokens.
        Transfers.pullExact(
            IERC20(offer.token),
            seller,
            amount + bond,
            _pullThroughProxy,
            EscrowFeeOnTransferToken.selector
        );
    }

    /// @inheritdoc IOTCEscrow
    function markPaid(bytes32 tradeId, Trade calldata record, bytes32 paymentReference) external {
        Trade memory trade = _load(tradeId, record);
        if (msg.sender != trade.buyer) revert EscrowNotBuyer(msg.sender);
        _requireStatus(tradeId, trade, Status.Funded);
        if (block.timestamp >= trade.paymentDeadline) {
            revert EscrowPaymentWindowClosed(tradeId, trade.paymentDeadline);
        }
        trade.status = Status.Paid;
        trade.confirmDeadline = uint64(block.timestamp + CONFIRMATION_WINDOW);
        _commitments[tradeId] = _hash(trade);
        emit TradePaid(tradeId, paymentReference, trade.confirmDeadline);
    }

    /// @inheritdoc IOTCEscrow
    function release(bytes32 tradeId, Trade calldata record) external nonReentrant {
        Trade memory trade = _load(tradeId, record);
        if (msg.sender != trade.seller) revert EscrowNotSeller(msg.sender);
        Status was = trade.status;
        if (was != Status.Funded && was != Status.Paid) {
            if (was != Status.AwaitingFee && was != Status.Disputed) revert EscrowWrongStatus(tradeId, was);
        }
        // A concession during a dispute: the buyer, who wins, takes back what it deposited.
        (uint256 buyerEth, uint256 sellerEth) = _closeFees(tradeId, was, Rulings.BUYER_WINS);
        _release(tradeId, trade);
        _returnEth(tradeId, trade.buyer, buyerEth);
        _returnEth(tradeId, trade.seller, sellerEth);
    }

    /// @inheritdoc IOTCEscrow
    function releaseAfterTimeout(bytes32 tradeId, Trade calldata record) external nonReentrant {
        Trade memory trade = _load(tradeId, record);
        if (msg.sender != trade.buyer) revert EscrowNotBuyer(msg.sender);
        _requireStatus(tradeId, trade, Status.Paid);
        if (block.timestamp < trade.confirmDeadline) {
            revert EscrowConfirmationWindowOpen(tradeId, trade.confirmDeadline);
        }
        _release(tradeId, trade);
    }

    /// @inheritdoc IOTCEscrow
    function cancel(bytes32 tradeId, Trade calldata record) external nonReentrant {
        Trade memory trade = _load(tradeId, record);
        Status was = trade.status;
        if (msg.sender == trade.seller) {
            _requireStatus(tradeId, trade, Status.Funded);
            if (block.timestamp < trade.paymentDeadline) {
                revert EscrowPaymentWindowOpen(tradeId, trade.paymentDeadline);
            }
        } else if (msg.sender == trade.buyer) {
            if (was == Status.None || was > Status.Disputed) revert EscrowWrongStatus(tradeId, was);
        } else {
            revert EscrowNotParty(msg.sender);
        }
        trade.status = Status.Cancelled;
        _commitments[tradeId] = _hash(trade);
        (uint256 buyerEth, uint256 sellerEth) = _closeFees(tradeId, was, Rulings.SELLER_WINS);
        // The trade did not happen: its amount goes back to the offer and to both volumes.
        _fills[trade.offerHash].filled -= trade.amount;
        _returnVolume(trade.seller, trade);
        _returnVolume(trade.buyer, trade);
        emit TradeCancelled(tradeId, msg.sender);
        emit OfferRefilled(trade.offerHash, tradeId, trade.amount);
        _pay(trade.token, trade.seller, uint256(trade.amount) + trade.bond);
        _returnEth(tradeId, trade.buyer, buyerEth);
        _returnEth(tradeId, trade.seller, sellerEth);
    }

    // ---------------------------------------------------------------- in the extension

    /// @inheritdoc IOTCEscrow
    function dispute(bytes32, Trade calldata) external payable {
        _delegate();
    }

    /// @inheritdoc IOTCEscrow
    function settleByDefault(bytes32, Trade calldata) external {
        _delegate();
    }

    /// @inheritdoc IOTCEscrow
    function appeal(bytes32, Trade calldata, uint256) external payable {
        _delegate();
    }

    /// @inheritdoc IArbitrable
    function rule(uint256, uint256) external {
        _delegate();
    }

    /// @inheritdoc IOTCEscrow
    function submitEvidence(bytes32, Trade calldata, string calldata) external {
        _delegate();
    }

    /// @inheritdoc IOTCEscrow
    function withdraw(address, address) external {
        _delegate();
    }

    /// @inheritdoc IOTCEscrow
    function anchorChat(bytes32, Trade calldata, bytes32, uint64) external {
        _delegate();
    }

    /// @inheritdoc IOTCEscrow
    function review(bytes32, Trade calldata, uint8, bytes32) external {
        _delegate();
    }

    /// @inheritdoc IOTCEscrow
    function disputeFees(bytes32) external view returns (DisputeFees memory) {
        _delegateView();
    }

    /// @inheritdoc IOTCEscrow
    function creditOf(address, address) external view returns (uint256) {
        _delegateView();
    }

    /// @inheritdoc IOTCEscrow
    function volumeOf(address, address) external view returns (Volume memory) {
        _delegateView();
    }

    /// @inheritdoc IOTCEscrow
    function volumeHeadroom(address, address) external view returns (uint256) {
        _delegateView();
    }

    /// @inheritdoc IOTCEscrow
    function statsOf(address, address) external view returns (Stats memory) {
        _delegateView();
    }

    /// @inheritdoc IOTCEscrow
    function ratingOf(address) external view returns (Rating memory) {
        _delegateView();
    }

    /// @inheritdoc IOTCEscrow
    function chatAnchor(bytes32, address) external view returns (ChatAnchor memory) {
        _delegateView();
    }

    /// @inheritdoc IOTCEscrow
    function verifyChatMessage(
        bytes32,
        address,
        ChatMessage calldata,
        bytes32[] calldata
    ) external view returns (bool) {
        _delegateView();
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IOTCEscrow
    function setPolicy(string calldata uri) external onlyGovernance {
        uint32 id = _config.policyId + 1;
        _config.policyId = id;
        _publishPolicy(id, uri);
    }

    /// @inheritdoc IOTCEscrow
    function setFee(uint256 newFeeBps) external onlyGovernance {
        if (newFeeBps > MAX_FEE_BPS) revert EscrowFeeTooHigh(newFeeBps, MAX_FEE_BPS);
        _config.feeBps = uint16(newFeeBps); // <= MAX_FEE_BPS
        emit FeeSet(newFeeBps);
    }

    /// @inheritdoc IOTCEscrow
    function pause() external onlyGovernanceOrGuardian {
        _config.paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IOTCEscrow
    function unpause() external onlyGovernance {
        _config.paused = false;
        emit Unpaused();
    }

    /// @inheritdoc IOTCEscrow
    function collectFees(address token) external nonReentrant {
        uint256 amount = _fees[token];
        if (amount == 0) revert EscrowNothingToCollect(token);
        _fees[token] = 0;
        emit FeesCollected(token, _treasury, amount);
        IERC20(token).safeTransfer(_treasury, amount);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IOTCEscrow
    function hashOffer(Offer calldata offer) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(_OFFER_TYPEHASH, offer)));
    }

    /// @inheritdoc IOTCEscrow
    function hashTrade(Trade calldata trade) external pure returns (bytes32) {
        return keccak256(abi.encode(trade));
    }

    /// @inheritdoc IOTCEscrow
    function filled(bytes32 offerHash) external view returns (uint256) {
        Fill memory fill = _fills[offerHash];
        return fill.cancelled ? type(uint256).max : fill.filled;
    }

    /// @inheritdoc IOTCEscrow
    function fillOf(bytes32 offerHash) external view returns (Fill memory) {
        return _fills[offerHash];
    }

    /// @inheritdoc IOTCEscrow
    function policyId() external view returns (uint32) {
        return _config.policyId;
    }

    /// @inheritdoc IOTCEscrow
    function minNonce(address maker) external view returns (uint256) {
        return _minNonce[maker];
    }

    /// @inheritdoc IOTCEscrow
    function tradeCommitment(bytes32 tradeId) external view returns (bytes32) {
        return _commitments[tradeId];
    }

    /// @inheritdoc IOTCEscrow
    function feeBps() external view returns (uint256) {
        return _config.feeBps;
    }

    /// @inheritdoc IOTCEscrow
    function accruedFees(address token) external view returns (uint256) {
        return _fees[token];
    }

    /// @inheritdoc IOTCEscrow
    function paused() external view returns (bool) {
        return _config.paused;
    }

    /// @inheritdoc IOTCEscrow
    function arbitrator() external view returns (IArbitrator) {
        return _arbitrator;
    }

    /// @inheritdoc IOTCEscrow
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IOTCEscrow
    function tradeOfDispute(uint256 disputeId) external view returns (bytes32) {
        return _disputeTrades[disputeId];
    }

    // ---------------------------------------------------------------- internals

    /// @dev Runs this call in the extension (see {Delegation-forward}); the call ends there.
    function _delegate() private {
        Delegation.forward(_extension);
    }

    /// @dev {_delegate} for a view (see {Delegation-forwardView}).
    function _delegateView() private view {
        Delegation.forwardView(_extension);
    }

    /// @dev Checks the offer and the amount; returns the offer's fill before this take.
    function _checkOffer(
        Offer calldata offer,
        bytes32 offerHash,
        bytes calldata signature,
        uint256 amount
    ) private view returns (Fill memory fill) {
        if (block.timestamp >= offer.expiry) revert EscrowOfferExpired(offerHash, offer.expiry);
        uint256 floor = _minNonce[offer.maker];
        if (offer.nonce < floor) revert EscrowOfferNonceCancelled(offer.nonce, floor);
        fill = _fills[offerHash];
        if (fill.cancelled) revert EscrowOfferCancelled(offerHash);
        if (amount == 0) revert EscrowZeroAmount();
        if (amount < offer.minAmount || amount > offer.maxAmount) {
            revert EscrowAmountOutOfRange(amount, offer.minAmount, offer.maxAmount);
        }
        // filled <= maxAmount always holds: every take keeps it within maxAmount, and a
        // cancelled trade returns only what it took. So one taker never holds more of an
        // offer, unpaid or not, than the offer's maxAmount.
        uint256 remaining = offer.maxAmount - fill.filled;
        if (amount > remaining) revert EscrowOfferOverfilled(offerHash, amount, remaining);
        if (offer.paymentWindow < MIN_PAYMENT_WINDOW || offer.paymentWindow > MAX_PAYMENT_WINDOW) {
            revert EscrowInvalidPaymentWindow(offer.paymentWindow);
        }
        _checkSignature(offer.maker, offerHash, signature);
    }

    /// @dev Registry listing, self-trade, the taker's level, both parties' limits per trade
    ///      and over the rolling period; counts the amount in both parties' volume.
    function _checkParties(Offer calldata offer, uint256 amount) private {
        if (msg.sender == offer.maker) revert EscrowSelfTrade(msg.sender);
        if (!_registry.isListed(offer.token)) revert EscrowTokenNotListed(offer.token);
        (uint8 takerLevel, IIdentityRegistry.Limits memory taker) = _identity.limitOf(msg.sender, offer.token);
        if (takerLevel < offer.minLevel) revert EscrowLevelTooLow(msg.sender, takerLevel, offer.minLevel);
        if (amount > taker.perTransaction) revert EscrowLimitExceeded(msg.sender, amount, taker.perTransaction);
        (, IIdentityRegistry.Limits memory maker) = _identity.limitOf(offer.maker, offer.token);
        if (amount > maker.perTransaction) revert EscrowLimitExceeded(offer.maker, amount, maker.perTransaction);
        _useVolume(msg.sender, offer.token, amount, taker.perPeriod);
        _useVolume(offer.maker, offer.token, amount, maker.perPeriod);
    }

    /// @dev Adds `amount` to the account's rolling volume, refused past `limit`. A level
    ///      without a rolling limit is not counted.
    function _useVolume(address account, address token, uint256 amount, uint256 limit) private {
        if (limit == type(uint256).max) return;
        Volume storage volume = _volumes[account][token];
        uint256 used = _drained(volume, limit, _volumePeriod);
        uint256 headroom = limit > used ? limit - used : 0;
        if (amount > headroom) revert EscrowVolumeLimitExceeded(account, amount, limit, headroom);
        volume.updatedAt = uint64(block.timestamp);
        volume.used = SafeCast.toUint192(used + amount);
    }

    /// @dev Takes a cancelled trade's amount out of the account's volume, less what may have
    ///      drained of it since the trade opened: the bucket drains at most `perPeriod` per
    ///      VOLUME_PERIOD, so at most that much of this trade's share is gone, and only the
    ///      rest is returned. A trade cancelled at once returns all of its amount; one kept
    ///      open for a period returns nothing, so an old trade cannot free the volume of newer
    ///      ones. A level without a rolling limit returns nothing (its trades were not
    ///      counted). Subtracting from the stored figure, before draining, gives what draining
    ///      then subtracting would: the drain is linear from `updatedAt` and both clamp at zero.
    function _returnVolume(address account, Trade memory trade) private {
        (, IIdentityRegistry.Limits memory limits) = _identity.limitOf(account, trade.token);
        if (limits.perPeriod == type(uint256).max) return;
        uint256 amount = trade.amount;
        uint256 elapsed = block.timestamp - trade.openedAt;
        if (elapsed >= _volumePeriod) return;
        // Rounded down, less one unit: the bucket's own drains (from each update) round down
        // too, and their sum can fall one unit short of this one, which would keep a unit of
        // the cancelled trade counted and refuse re-taking the same amount.
        uint256 drained = Math.mulDiv(limits.perPeriod, elapsed, _volumePeriod);
        if (drained != 0) --drained;
        if (drained >= amount) return;
        Volume storage volume = _volumes[account][trade.token];
        uint256 used = volume.used;
        uint256 back = amount - drained;
        volume.used = uint192(used > back ? used - back : 0); // below the stored uint192
    }

    function _checkSignature(address maker, bytes32 offerHash, bytes calldata signature) private view {
        if (!SignatureChecker.isValidSignatureNow(maker, offerHash, signature)) {
            revert EscrowInvalidSignature(maker);
        }
    }

    /// @dev The escrow moves a seller's tokens only through the AssetProxy the seller approved.
    function _pullThroughProxy(IERC20 token, address from, uint256 amount) private {
        _proxy.transferFrom(address(token), from, address(this), amount);
    }

    function _release(bytes32 tradeId, Trade memory trade) private {
        uint256 amount = trade.amount;
        uint256 fee = (amount * trade.feeBps) / BPS;
        trade.status = Status.Released;
        _commitments[tradeId] = _hash(trade);
        if (fee != 0) _fees[trade.token] += fee;
        _record(trade.buyer, trade.token, amount, 0, 0);
        _record(trade.seller, trade.token, amount, 0, 0);
        emit TradeReleased(tradeId, msg.sender, amount - fee, fee);
        _pay(trade.token, trade.buyer, amount - fee);
        _pay(trade.token, trade.seller, trade.bond);
    }

    function _publishPolicy(uint32 id, string memory uri) private {
        if (bytes(uri).length == 0) revert EscrowEmptyPolicy();
        emit PolicySet(id, uri);
        emit MetaEvidence(id, uri);
    }
}
