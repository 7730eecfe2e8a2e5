// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IArbitrable} from "@kleros/erc-792/contracts/IArbitrable.sol";
import {IArbitrator} from "@kleros/erc-792/contracts/IArbitrator.sol";
import {IAssetProxy} from "../../interfaces/IAssetProxy.sol";
import {IIdentityRegistry} from "../../interfaces/IIdentityRegistry.sol";
import {IOTCEscrow} from "../../interfaces/IOTCEscrow.sol";
import {ITokenRegistry} from "../../interfaces/ITokenRegistry.sol";
import {Governed} from "../governance/Governed.sol";
import {BPS, Rulings} from "../libraries/Constants.sol";
import {Transfers} from "../libraries/Transfers.sol";

/// @title OTCEscrow
/// @notice Stablecoin <-> fiat trades with a seller bond and ERC-792 arbitration.
///         See {IOTCEscrow}.
contract OTCEscrow is IOTCEscrow, Governed, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 public constant BOND_BPS = 2_000; // 20% of the trade amount
    uint256 public constant MAX_FEE_BPS = 100; // 1% of the trade amount
    uint256 public constant CONFIRMATION_WINDOW = 3 days;
    uint256 public constant MIN_PAYMENT_WINDOW = 15 minutes;
    uint256 public constant MAX_PAYMENT_WINDOW = 3 days;
    uint8 public constant PRICE_DECIMALS = 8;
    uint256 public constant RULING_OPTIONS = Rulings.OPTIONS;
    uint256 public constant RULING_REFUSED = Rulings.REFUSED;
    uint256 public constant RULING_BUYER_WINS = Rulings.BUYER_WINS;
    uint256 public constant RULING_SELLER_WINS = Rulings.SELLER_WINS;

    uint256 private constant _CANCELLED = type(uint256).max; // `filled` of a cancelled offer
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
    bytes private _arbitratorExtraData;

    uint16 private _feeBps;
    bool private _paused;

    mapping(bytes32 offerHash => uint256) private _filled;
    mapping(address maker => uint256) private _minNonce;
    mapping(bytes32 tradeId => bytes32) private _commitments;
    mapping(uint256 disputeId => bytes32 tradeId) private _disputeTrades;
    mapping(bytes32 tradeId => Trade) private _disputed;
    mapping(address account => mapping(address token => Stats)) private _stats;
    mapping(address account => Rating) private _ratings;
    mapping(bytes32 tradeId => mapping(address party => ChatAnchor)) private _chats;
    mapping(address token => uint256) private _fees;

    constructor(
        address governance_,
        ITokenRegistry registry_,
        IIdentityRegistry identity_,
        IAssetProxy proxy_,
        IArbitrator arbitrator_,
        bytes memory arbitratorExtraData_,
        address treasury_
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
        _filled[offerHash] = _CANCELLED;
        emit OfferCancelled(offerHash, msg.sender);
    }

    /// @inheritdoc IOTCEscrow
    function cancelOffersBelow(uint256 nonce) external {
        uint256 current = _minNonce[msg.sender];
        if (nonce <= current) revert EscrowNonceNotIncreasing(nonce, current);
        _minNonce[msg.sender] = nonce;
        emit OffersCancelledBelow(msg.sender, nonce);
    }

    // ---------------------------------------------------------------- opening

    /// @inheritdoc IOTCEscrow
    function openTrade(
        Offer calldata offer,
        bytes calldata signature,
        uint256 amount
    ) external nonReentrant returns (bytes32 tradeId) {
        // Checks: the offer, then the parties.
        if (_paused) revert EscrowPaused();
        bytes32 offerHash = hashOffer(offer);
        uint256 before = _checkOffer(offer, offerHash, signature, amount);
        (address seller, address buyer) = offer.side == Side.SellCrypto
            ? (offer.maker, msg.sender)
            : (msg.sender, offer.maker);
        _checkParties(offer, amount);

        // Effects: fill the offer, commit the trade.
        _filled[offerHash] = before + amount;
        uint256 bond = (amount * BOND_BPS) / BPS;
        Trade memory trade = Trade({
            seller: seller,
            paymentDeadline: uint64(block.timestamp + offer.paymentWindow),
            feeBps: _feeBps,
            status: Status.Funded,
            sellerReviewed: false,
            buyer: buyer,
            confirmDeadline: 0,
            buyerReviewed: false,
            token: offer.token,
            amount: SafeCast.toUint128(amount),
            bond: uint128(bond) // bond < amount, which fits in 128 bits
        });
        tradeId = keccak256(abi.encode(offerHash, before));
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

    // ---------------------------------------------------------------- the happy path

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
        if (trade.status != Status.Funded && trade.status != Status.Paid) {
            revert EscrowWrongStatus(tradeId, trade.status);
        }
        _release(tradeId, trade);
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
        if (msg.sender == trade.seller) {
            _requireStatus(tradeId, trade, Status.Funded);
            if (block.timestamp < trade.paymentDeadline) {
                revert EscrowPaymentWindowOpen(tradeId, trade.paymentDeadline);
            }
        } else if (msg.sender == trade.buyer) {
            _requireStatus(tradeId, trade, Status.Funded);
        } else {
            revert EscrowNotParty(msg.sender);
        }
        trade.status = Status.Cancelled;
        _commitments[tradeId] = _hash(trade);
        emit TradeCancelled(tradeId, msg.sender);
        IERC20(trade.token).safeTransfer(trade.seller, uint256(trade.amount) + trade.bond);
    }

    // ---------------------------------------------------------------- disputes

    /// @inheritdoc IOTCEscrow
    function dispute(
        bytes32 tradeId,
        Trade calldata record,
        string calldata metaEvidence
    ) external payable nonReentrant returns (uint256 disputeId) {
        Trade memory trade = _load(tradeId, record);
        if (msg.sender == trade.seller) {
            _requireStatus(tradeId, trade, Status.Paid);
            if (block.timestamp >= trade.confirmDeadline) {
                revert EscrowConfirmationWindowClosed(tradeId, trade.confirmDeadline);
            }
        } else if (msg.sender == trade.buyer) {
            _requireStatus(tradeId, trade, Status.Paid);
        } else {
            revert EscrowNotParty(msg.sender);
        }
        bytes memory extraData = _arbitratorExtraData;
        uint256 cost = _arbitrator.arbitrationCost(extraData);
        if (msg.value != cost) revert EscrowWrongArbitrationFee(msg.value, cost);

        trade.status = Status.Disputed;
        _commitments[tradeId] = _hash(trade);
        _disputed[tradeId] = trade;
        disputeId = _arbitrator.createDispute{value: cost}(RULING_OPTIONS, extraData);
        _disputeTrades[disputeId] = tradeId;
        emit TradeDisputed(tradeId, disputeId, msg.sender);
        emit MetaEvidence(uint256(tradeId), metaEvidence);
        emit Dispute(_arbitrator, disputeId, uint256(tradeId), uint256(tradeId));
    }

    /// @inheritdoc IOTCEscrow
    function appeal(bytes32 tradeId, Trade calldata record, uint256 disputeId) external payable nonReentrant {
        Trade memory trade = _load(tradeId, record);
        _requireParty(trade);
        _requireStatus(tradeId, trade, Status.Disputed);
        if (_disputeTrades[disputeId] != tradeId) revert EscrowUnknownDispute(disputeId);
        bytes memory extraData = _arbitratorExtraData;
        uint256 cost = _arbitrator.appealCost(disputeId, extraData);
        if (msg.value != cost) revert EscrowWrongArbitrationFee(msg.value, cost);
        emit TradeAppealed(tradeId, disputeId, msg.sender, cost);
        _arbitrator.appeal{value: cost}(disputeId, extraData);
    }

    /// @inheritdoc IArbitrable
    function rule(uint256 disputeId, uint256 ruling) external nonReentrant {
        if (msg.sender != address(_arbitrator)) revert EscrowNotArbitrator(msg.sender);
        bytes32 tradeId = _disputeTrades[disputeId];
        if (tradeId == bytes32(0)) revert EscrowUnknownDispute(disputeId);
        if (ruling > RULING_OPTIONS) revert EscrowInvalidRuling(ruling);
        Trade memory trade = _disputed[tradeId];
        _requireStatus(tradeId, trade, Status.Disputed);

        uint256 amount = trade.amount;
        uint256 toBuyer = 0;
        uint256 toSeller = 0;
        uint256 fee = 0;
        if (ruling == RULING_BUYER_WINS) {
            fee = (amount * trade.feeBps) / BPS;
            toBuyer = amount - fee + trade.bond;
            _recordTrade(trade.buyer, trade.token, amount, 1, 0);
            _recordTrade(trade.seller, trade.token, amount, 0, 1);
        } else if (ruling == RULING_SELLER_WINS) {
            toSeller = amount + trade.bond;
            _recordDispute(trade.seller, trade.token, true);
            _recordDispute(trade.buyer, trade.token, false);
        } else {
            toBuyer = amount / 2;
            toSeller = amount - toBuyer + trade.bond;
        }
        delete _disputed[tradeId];
        trade.status = Status.Resolved;
        _commitments[tradeId] = _hash(trade);
        if (fee != 0) _fees[trade.token] += fee;
        emit Ruling(_arbitrator, disputeId, ruling);
        emit TradeResolved(tradeId, disputeId, ruling, toBuyer, toSeller);
        _payout(trade.token, trade.buyer, toBuyer);
        _payout(trade.token, trade.seller, toSeller);
    }

    /// @inheritdoc IOTCEscrow
    function submitEvidence(bytes32 tradeId, Trade calldata record, string calldata evidence) external {
        Trade memory trade = _load(tradeId, record);
        _requireParty(trade);
        if (trade.status != Status.Paid && trade.status != Status.Disputed) {
            revert EscrowWrongStatus(tradeId, trade.status);
        }
        emit Evidence(_arbitrator, uint256(tradeId), msg.sender, evidence);
    }

    // ---------------------------------------------------------------- chat and reputation

    /// @inheritdoc IOTCEscrow
    function anchorChat(bytes32 tradeId, Trade calldata record, bytes32 root, uint64 messageCount) external {
        Trade memory trade = _load(tradeId, record);
        _requireParty(trade);
        ChatAnchor storage anchor = _chats[tradeId][msg.sender];
        if (messageCount < anchor.messageCount) {
            revert EscrowChatCountDecreased(messageCount, anchor.messageCount);
        }
        anchor.root = root;
        anchor.messageCount = messageCount;
        emit ChatAnchored(tradeId, msg.sender, root, messageCount);
    }

    /// @inheritdoc IOTCEscrow
    function review(bytes32 tradeId, Trade calldata record, uint8 rating, bytes32 commentHash) external {
        Trade memory trade = _load(tradeId, record);
        if (trade.status != Status.Released && trade.status != Status.Resolved) {
            revert EscrowNotSettled(tradeId, trade.status);
        }
        if (rating == 0 || rating > 5) revert EscrowInvalidRating(rating);
        address subject = address(0);
        if (msg.sender == trade.buyer) {
            if (trade.buyerReviewed) revert EscrowAlreadyReviewed(tradeId, msg.sender);
            trade.buyerReviewed = true;
            subject = trade.seller;
        } else if (msg.sender == trade.seller) {
            if (trade.sellerReviewed) revert EscrowAlreadyReviewed(tradeId, msg.sender);
            trade.sellerReviewed = true;
            subject = trade.buyer;
        } else {
            revert EscrowNotParty(msg.sender);
        }
        _commitments[tradeId] = _hash(trade);
        Rating storage score = _ratings[subject];
        score.sum += rating;
        score.count += 1;
        emit ReviewLeft(tradeId, msg.sender, subject, rating, commentHash);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IOTCEscrow
    function setFee(uint256 newFeeBps) external onlyGovernance {
        if (newFeeBps > MAX_FEE_BPS) revert EscrowFeeTooHigh(newFeeBps, MAX_FEE_BPS);
        _feeBps = uint16(newFeeBps); // <= MAX_FEE_BPS
        emit FeeSet(newFeeBps);
    }

    /// @inheritdoc IOTCEscrow
    function pause() external onlyGovernanceOrGuardian {
        _paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IOTCEscrow
    function unpause() external onlyGovernance {
        _paused = false;
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
        return _filled[offerHash];
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
    function statsOf(address account, address token) external view returns (Stats memory) {
        return _stats[account][token];
    }

    /// @inheritdoc IOTCEscrow
    function ratingOf(address account) external view returns (Rating memory) {
        return _ratings[account];
    }

    /// @inheritdoc IOTCEscrow
    function chatAnchor(bytes32 tradeId, address party) external view returns (ChatAnchor memory) {
        return _chats[tradeId][party];
    }

    /// @inheritdoc IOTCEscrow
    function verifyChatMessage(
        bytes32 tradeId,
        address party,
        ChatMessage calldata message,
        bytes32[] calldata proof
    ) external view returns (bool) {
        bytes32 root = _chats[tradeId][party].root;
        bytes32 leaf = keccak256(
            bytes.concat(
                keccak256(abi.encode(tradeId, message.index, message.sender, message.sentAt, message.textHash))
            )
        );
        return root != bytes32(0) && MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @inheritdoc IOTCEscrow
    function feeBps() external view returns (uint256) {
        return _feeBps;
    }

    /// @inheritdoc IOTCEscrow
    function accruedFees(address token) external view returns (uint256) {
        return _fees[token];
    }

    /// @inheritdoc IOTCEscrow
    function paused() external view returns (bool) {
        return _paused;
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

    /// @dev Checks the offer and the amount; returns the amount filled before this take.
    function _checkOffer(
        Offer calldata offer,
        bytes32 offerHash,
        bytes calldata signature,
        uint256 amount
    ) private view returns (uint256 before) {
        if (block.timestamp >= offer.expiry) revert EscrowOfferExpired(offerHash, offer.expiry);
        uint256 floor = _minNonce[offer.maker];
        if (offer.nonce < floor) revert EscrowOfferNonceCancelled(offer.nonce, floor);
        before = _filled[offerHash];
        if (before == _CANCELLED) revert EscrowOfferCancelled(offerHash);
        // A zero take would leave `filled` unchanged and give the next take the same trade id.
        if (amount == 0) revert EscrowZeroAmount();
        if (amount < offer.minAmount || amount > offer.maxAmount) {
            revert EscrowAmountOutOfRange(amount, offer.minAmount, offer.maxAmount);
        }
        // before <= maxAmount always holds: every take keeps filled within maxAmount.
        uint256 remaining = offer.maxAmount - before;
        if (amount > remaining) revert EscrowOfferOverfilled(offerHash, amount, remaining);
        if (offer.paymentWindow < MIN_PAYMENT_WINDOW || offer.paymentWindow > MAX_PAYMENT_WINDOW) {
            revert EscrowInvalidPaymentWindow(offer.paymentWindow);
        }
        _checkSignature(offer.maker, offerHash, signature);
    }

    /// @dev Registry listing, self-trade, the taker's level, both parties' limits.
    function _checkParties(Offer calldata offer, uint256 amount) private view {
        if (msg.sender == offer.maker) revert EscrowSelfTrade(msg.sender);
        if (!_registry.isListed(offer.token)) revert EscrowTokenNotListed(offer.token);
        uint8 takerLevel = _identity.levelOf(msg.sender);
        if (takerLevel < offer.minLevel) revert EscrowLevelTooLow(msg.sender, takerLevel, offer.minLevel);
        uint256 takerLimit = _identity.limit(offer.token, takerLevel);
        if (amount > takerLimit) revert EscrowLimitExceeded(msg.sender, amount, takerLimit);
        uint256 makerLimit = _identity.limitOf(offer.maker, offer.token);
        if (amount > makerLimit) revert EscrowLimitExceeded(offer.maker, amount, makerLimit);
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
        _recordTrade(trade.buyer, trade.token, amount, 0, 0);
        _recordTrade(trade.seller, trade.token, amount, 0, 0);
        emit TradeReleased(tradeId, msg.sender, amount - fee, fee);
        IERC20(trade.token).safeTransfer(trade.buyer, amount - fee);
        _payout(trade.token, trade.seller, trade.bond);
    }

    function _recordTrade(address account, address token, uint256 amount, uint32 won, uint32 lost) private {
        Stats storage stats = _stats[account][token];
        stats.tradesCompleted += 1;
        stats.disputesWon += won;
        stats.disputesLost += lost;
        stats.volume += uint160(amount); // amount < 2**128
    }

    function _recordDispute(address account, address token, bool won) private {
        Stats storage stats = _stats[account][token];
        if (won) stats.disputesWon += 1;
        else stats.disputesLost += 1;
    }

    function _payout(address token, address to, uint256 amount) private {
        if (amount != 0) IERC20(token).safeTransfer(to, amount);
    }

    function _load(bytes32 tradeId, Trade calldata record) private view returns (Trade memory) {
        bytes32 stored = _commitments[tradeId];
        if (stored == bytes32(0)) revert EscrowUnknownTrade(tradeId);
        if (stored != _hashRecord(record)) revert EscrowTradeMismatch(tradeId);
        return record;
    }

    /// @dev keccak256(abi.encode(record)) without the ABI encoder's copy and checks: a Trade is
    ///      a static struct of eleven words, encoded as its calldata bytes. A record with dirty
    ///      (non-canonical) bits hashes differently from the stored commitment, which hashes
    ///      the canonical encoding, so it is refused as EscrowTradeMismatch.
    function _hashRecord(Trade calldata record) private pure returns (bytes32 recordHash) {
        // Safe: copies the record to free memory without moving the free memory pointer (the
        // bytes are scratch, hashed at once) and writes nothing else.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let pointer := mload(0x40)
            calldatacopy(pointer, record, 0x160)
            recordHash := keccak256(pointer, 0x160)
        }
    }

    function _requireStatus(bytes32 tradeId, Trade memory trade, Status expected) private pure {
        if (trade.status != expected) revert EscrowWrongStatus(tradeId, trade.status);
    }

    function _requireParty(Trade memory trade) private view {
        if (msg.sender != trade.buyer && msg.sender != trade.seller) revert EscrowNotParty(msg.sender);
    }

    function _hash(Trade memory trade) private pure returns (bytes32) {
        return keccak256(abi.encode(trade));
    }
}
