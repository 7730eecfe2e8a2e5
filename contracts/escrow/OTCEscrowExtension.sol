// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IArbitrable} from "@kleros/erc-792/contracts/IArbitrable.sol";
import {IArbitrator} from "@kleros/erc-792/contracts/IArbitrator.sol";
import {IEvidence} from "@kleros/erc-792/contracts/erc-1497/IEvidence.sol";
import {IIdentityRegistry} from "../../interfaces/IIdentityRegistry.sol";
import {IOTCEscrow} from "../../interfaces/IOTCEscrow.sol";
import {BPS, Rulings} from "../libraries/Constants.sol";
import {Transfers} from "../libraries/Transfers.sol";
import {OTCEscrowStorage} from "./OTCEscrowStorage.sol";

/// @title OTCEscrowExtension
/// @notice The OTCEscrow's disputes, credits, chat and reputation: the escrow creates one
///         extension in its constructor and runs these functions by DELEGATECALL, on its own
///         storage, under the same selectors as in {IOTCEscrow}; they are documented there.
/// @dev Called directly, the extension runs on its own empty storage: no trade of the escrow
///      can be read or changed that way, and there is nothing to withdraw.
contract OTCEscrowExtension is OTCEscrowStorage, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    uint256 private constant _FEE_WINDOW = 3 days; // IOTCEscrow._FEE_WINDOW
    uint256 private constant _BOND_BPS = 2_000; // IOTCEscrow.BOND_BPS

    IIdentityRegistry private immutable _identity;
    IArbitrator private immutable _arbitrator;
    uint256 private immutable _volumePeriod;

    /// @param identity_ The escrow's identity registry.
    /// @param arbitrator_ The escrow's arbitrator.
    /// @param volumePeriod_ The identity registry's VOLUME_PERIOD.
    constructor(IIdentityRegistry identity_, IArbitrator arbitrator_, uint256 volumePeriod_) {
        _identity = identity_;
        _arbitrator = arbitrator_;
        _volumePeriod = volumePeriod_;
    }

    /// @notice {IOTCEscrow-dispute}.
    function dispute(bytes32 tradeId, IOTCEscrow.Trade calldata record) external payable nonReentrant {
        IOTCEscrow.Trade memory trade = _load(tradeId, record);
        bool byBuyer = msg.sender == trade.buyer;
        if (!byBuyer && msg.sender != trade.seller) revert IOTCEscrow.EscrowNotParty(msg.sender);
        bytes memory extraData = _arbitratorExtraData;
        uint256 cost = _arbitrator.arbitrationCost(extraData);
        IOTCEscrow.DisputeFees memory fees = _disputes[tradeId];
        if (trade.status == IOTCEscrow.Status.Paid) {
            if (!byBuyer && block.timestamp >= trade.confirmDeadline) {
                revert IOTCEscrow.EscrowConfirmationWindowClosed(tradeId, trade.confirmDeadline);
            }
            if (msg.value != cost) revert IOTCEscrow.EscrowWrongArbitrationFee(msg.value, cost);
            trade.status = IOTCEscrow.Status.AwaitingFee;
            _commitments[tradeId] = _hash(trade);
        } else if (trade.status == IOTCEscrow.Status.AwaitingFee) {
            if (byBuyer != fees.awaitingBuyer) revert IOTCEscrow.EscrowFeeNotAwaited(tradeId, msg.sender);
            if (block.timestamp >= fees.deadline) revert IOTCEscrow.EscrowFeeWindowClosed(tradeId, fees.deadline);
            uint256 deposited = byBuyer ? fees.buyer : fees.seller;
            uint256 due = cost > deposited ? cost - deposited : 0;
            if (msg.value != due) revert IOTCEscrow.EscrowWrongArbitrationFee(msg.value, due);
        } else {
            revert IOTCEscrow.EscrowWrongStatus(tradeId, trade.status);
        }

        uint128 paid = SafeCast.toUint128(msg.value);
        if (byBuyer) fees.buyer += paid;
        else fees.seller += paid;
        if ((byBuyer ? fees.seller : fees.buyer) < cost) {
            // The other party's turn: it deposits, concedes or loses by default.
            fees.awaitingBuyer = !byBuyer;
            fees.deadline = uint64(block.timestamp + _FEE_WINDOW);
            _disputes[tradeId] = fees;
            emit IOTCEscrow.DisputeFeePaid(tradeId, msg.sender, msg.value, fees.deadline);
            return;
        }
        emit IOTCEscrow.DisputeFeePaid(tradeId, msg.sender, msg.value, 0);
        _createDispute(tradeId, trade, fees, cost, extraData);
    }

    /// @notice {IOTCEscrow-settleByDefault}.
    function settleByDefault(bytes32 tradeId, IOTCEscrow.Trade calldata record) external nonReentrant {
        IOTCEscrow.Trade memory trade = _load(tradeId, record);
        _requireStatus(tradeId, trade, IOTCEscrow.Status.AwaitingFee);
        IOTCEscrow.DisputeFees memory fees = _disputes[tradeId];
        if (block.timestamp < fees.deadline) revert IOTCEscrow.EscrowFeeWindowOpen(tradeId, fees.deadline);
        uint256 ruling = fees.awaitingBuyer ? Rulings.SELLER_WINS : Rulings.BUYER_WINS;
        (uint256 toBuyer, uint256 toSeller) = _decide(tradeId, trade, ruling);
        (uint256 buyerEth, uint256 sellerEth) = _closeFees(tradeId, IOTCEscrow.Status.AwaitingFee, ruling);
        emit IOTCEscrow.TradeResolvedByDefault(tradeId, ruling, toBuyer, toSeller);
        _settle(tradeId, trade, toBuyer, toSeller, buyerEth, sellerEth);
    }

    /// @notice {IOTCEscrow-appeal}.
    function appeal(
        bytes32 tradeId,
        IOTCEscrow.Trade calldata record,
        uint256 disputeId
    ) external payable nonReentrant {
        IOTCEscrow.Trade memory trade = _load(tradeId, record);
        _requireParty(trade);
        _requireStatus(tradeId, trade, IOTCEscrow.Status.Disputed);
        if (_disputeTrades[disputeId] != tradeId) revert IOTCEscrow.EscrowUnknownDispute(disputeId);
        bytes memory extraData = _arbitratorExtraData;
        uint256 cost = _arbitrator.appealCost(disputeId, extraData);
        if (msg.value < cost) revert IOTCEscrow.EscrowWrongArbitrationFee(msg.value, cost);
        uint256 heldBefore = address(this).balance - msg.value;
        // The stated cost first; the whole payment only for an arbitrator that asks for more.
        // solhint-disable-next-line no-empty-blocks
        try _arbitrator.appeal{value: cost}(disputeId, extraData) {} catch (bytes memory reason) {
            if (msg.value == cost) _bubble(reason);
            _arbitrator.appeal{value: msg.value}(disputeId, extraData);
        }
        uint256 excess = address(this).balance - heldBefore;
        emit IOTCEscrow.TradeAppealed(tradeId, disputeId, msg.sender, msg.value - excess);
        _returnEth(tradeId, msg.sender, excess);
    }

    /// @notice {IArbitrable-rule}.
    function rule(uint256 disputeId, uint256 ruling) external nonReentrant {
        if (msg.sender != address(_arbitrator)) revert IOTCEscrow.EscrowNotArbitrator(msg.sender);
        bytes32 tradeId = _disputeTrades[disputeId];
        if (tradeId == bytes32(0)) revert IOTCEscrow.EscrowUnknownDispute(disputeId);
        if (ruling > Rulings.OPTIONS) revert IOTCEscrow.EscrowInvalidRuling(ruling);
        emit IArbitrable.Ruling(_arbitrator, disputeId, ruling);
        IOTCEscrow.Trade memory trade = _disputed[tradeId];
        // Conceded (or already ruled): the trade is settled and the ruling changes nothing.
        if (trade.status != IOTCEscrow.Status.Disputed) return;

        (uint256 toBuyer, uint256 toSeller) = _decide(tradeId, trade, ruling);
        // The winner's deposit comes back (the loser's paid the arbitrator); split if refused.
        (uint256 buyerEth, uint256 sellerEth) = _closeFees(tradeId, IOTCEscrow.Status.Disputed, ruling);
        emit IOTCEscrow.TradeResolved(tradeId, disputeId, ruling, toBuyer, toSeller);
        _settle(tradeId, trade, toBuyer, toSeller, buyerEth, sellerEth);
    }

    /// @notice {IOTCEscrow-submitEvidence}.
    function submitEvidence(bytes32 tradeId, IOTCEscrow.Trade calldata record, string calldata evidence) external {
        IOTCEscrow.Trade memory trade = _load(tradeId, record);
        _requireParty(trade);
        if (
            trade.status != IOTCEscrow.Status.Paid &&
            trade.status != IOTCEscrow.Status.AwaitingFee &&
            trade.status != IOTCEscrow.Status.Disputed
        ) {
            revert IOTCEscrow.EscrowWrongStatus(tradeId, trade.status);
        }
        emit IEvidence.Evidence(_arbitrator, uint256(tradeId), msg.sender, evidence);
    }

    /// @notice {IOTCEscrow-withdraw}.
    function withdraw(address token, address to) external nonReentrant {
        if (to == address(0)) revert IOTCEscrow.EscrowZeroAddress();
        uint256 amount = _credits[msg.sender][token];
        if (amount == 0) revert IOTCEscrow.EscrowNothingToWithdraw(msg.sender, token);
        _credits[msg.sender][token] = 0;
        emit IOTCEscrow.Withdrawn(msg.sender, token, to, amount);
        if (token == address(0)) Transfers.sendEth(to, amount, IOTCEscrow.EscrowTransferFailed.selector);
        else IERC20(token).safeTransfer(to, amount);
    }

    /// @notice {IOTCEscrow-anchorChat}.
    function anchorChat(bytes32 tradeId, IOTCEscrow.Trade calldata record, bytes32 root, uint64 messageCount) external {
        IOTCEscrow.Trade memory trade = _load(tradeId, record);
        _requireParty(trade);
        IOTCEscrow.ChatAnchor storage anchor = _chats[tradeId][msg.sender];
        if (messageCount < anchor.messageCount) {
            revert IOTCEscrow.EscrowChatCountDecreased(messageCount, anchor.messageCount);
        }
        anchor.root = root;
        anchor.messageCount = messageCount;
        emit IOTCEscrow.ChatAnchored(tradeId, msg.sender, root, messageCount);
    }

    /// @notice {IOTCEscrow-review}.
    function review(bytes32 tradeId, IOTCEscrow.Trade calldata record, uint8 rating, bytes32 commentHash) external {
        IOTCEscrow.Trade memory trade = _load(tradeId, record);
        if (trade.status != IOTCEscrow.Status.Released && trade.status != IOTCEscrow.Status.Resolved) {
            revert IOTCEscrow.EscrowNotSettled(tradeId, trade.status);
        }
        if (rating == 0 || rating > 5) revert IOTCEscrow.EscrowInvalidRating(rating);
        address subject = address(0);
        if (msg.sender == trade.buyer) {
            if (trade.buyerReviewed) revert IOTCEscrow.EscrowAlreadyReviewed(tradeId, msg.sender);
            trade.buyerReviewed = true;
            subject = trade.seller;
        } else if (msg.sender == trade.seller) {
            if (trade.sellerReviewed) revert IOTCEscrow.EscrowAlreadyReviewed(tradeId, msg.sender);
            trade.sellerReviewed = true;
            subject = trade.buyer;
        } else {
            revert IOTCEscrow.EscrowNotParty(msg.sender);
        }
        _commitments[tradeId] = _hash(trade);
        IOTCEscrow.Rating storage score = _ratings[subject];
        score.sum += rating;
        score.count += 1;
        emit IOTCEscrow.ReviewLeft(tradeId, msg.sender, subject, rating, commentHash);
    }

    /// @notice {IOTCEscrow-disputeFees}.
    function disputeFees(bytes32 tradeId) external view returns (IOTCEscrow.DisputeFees memory) {
        return _disputes[tradeId];
    }

    /// @notice {IOTCEscrow-creditOf}.
    function creditOf(address account, address token) external view returns (uint256) {
        return _credits[account][token];
    }

    /// @notice {IOTCEscrow-volumeOf}.
    function volumeOf(address account, address token) external view returns (IOTCEscrow.Volume memory) {
        return _volumes[account][token];
    }

    /// @notice {IOTCEscrow-volumeHeadroom}.
    function volumeHeadroom(address account, address token) external view returns (uint256) {
        (, IIdentityRegistry.Limits memory limits) = _identity.limitOf(account, token);
        if (limits.perPeriod == type(uint256).max) return type(uint256).max;
        uint256 used = _drained(_volumes[account][token], limits.perPeriod, _volumePeriod);
        return limits.perPeriod > used ? limits.perPeriod - used : 0;
    }

    /// @notice {IOTCEscrow-statsOf}.
    function statsOf(address account, address token) external view returns (IOTCEscrow.Stats memory) {
        return _stats[account][token];
    }

    /// @notice {IOTCEscrow-ratingOf}.
    function ratingOf(address account) external view returns (IOTCEscrow.Rating memory) {
        return _ratings[account];
    }

    /// @notice {IOTCEscrow-chatAnchor}.
    function chatAnchor(bytes32 tradeId, address party) external view returns (IOTCEscrow.ChatAnchor memory) {
        return _chats[tradeId][party];
    }

    /// @notice {IOTCEscrow-verifyChatMessage}.
    function verifyChatMessage(
        bytes32 tradeId,
        address party,
        IOTCEscrow.ChatMessage calldata message,
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

    /// @dev The effects of `ruling` on a disputed trade: status, statistics, fee. Returns
    ///      the token amounts due to each party, which the caller pays after its events.
    function _decide(
        bytes32 tradeId,
        IOTCEscrow.Trade memory trade,
        uint256 ruling
    ) private returns (uint256 toBuyer, uint256 toSeller) {
        uint256 amount = trade.amount;
        if (ruling == Rulings.BUYER_WINS) {
            uint256 fee = (amount * trade.feeBps) / BPS;
            toBuyer = amount - fee + trade.bond;
            if (fee != 0) _fees[trade.token] += fee;
            _record(trade.buyer, trade.token, amount, 1, 0);
            _record(trade.seller, trade.token, amount, 0, 1);
        } else if (ruling == Rulings.SELLER_WINS) {
            toSeller = amount + trade.bond;
            _record(trade.seller, trade.token, 0, 1, 0);
            _record(trade.buyer, trade.token, 0, 0, 1);
        } else {
            toBuyer = amount / 2;
            toSeller = amount - toBuyer + trade.bond;
        }
        trade.status = IOTCEscrow.Status.Resolved;
        _commitments[tradeId] = _hash(trade);
    }

    /// @dev Pays a decided trade's tokens and returns its parties' fee deposits.
    function _settle(
        bytes32 tradeId,
        IOTCEscrow.Trade memory trade,
        uint256 toBuyer,
        uint256 toSeller,
        uint256 buyerEth,
        uint256 sellerEth
    ) private {
        _pay(trade.token, trade.buyer, toBuyer);
        _pay(trade.token, trade.seller, toSeller);
        _returnEth(tradeId, trade.buyer, buyerEth);
        _returnEth(tradeId, trade.seller, sellerEth);
    }

    /// @dev Creates the dispute once both deposits cover `cost`; returns what exceeds it to
    ///      each payer.
    function _createDispute(
        bytes32 tradeId,
        IOTCEscrow.Trade memory trade,
        IOTCEscrow.DisputeFees memory fees,
        uint256 cost,
        bytes memory extraData
    ) private {
        uint256 buyerExcess = fees.buyer - cost;
        uint256 sellerExcess = fees.seller - cost;
        uint128 held = uint128(cost); // at most a deposit, which is a uint128
        _disputes[tradeId] = IOTCEscrow.DisputeFees(held, held, 0, false);
        trade.status = IOTCEscrow.Status.Disputed;
        _commitments[tradeId] = _hash(trade);
        _disputed[tradeId] = trade;
        uint256 disputeId = _arbitrator.createDispute{value: cost}(Rulings.OPTIONS, extraData);
        _disputeTrades[disputeId] = tradeId;
        emit IOTCEscrow.TradeDisputed(tradeId, disputeId, msg.sender);
        emit IEvidence.Dispute(_arbitrator, disputeId, trade.policyId, uint256(tradeId));
        _returnEth(tradeId, trade.buyer, buyerExcess);
        _returnEth(tradeId, trade.seller, sellerExcess);
    }

    /// @dev Reverts with `reason`, the revert data of a failed call.
    function _bubble(bytes memory reason) private pure {
        // Safe: reads the revert data just returned to memory and ends the call.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            revert(add(reason, 0x20), mload(reason))
        }
    }

    function _requireParty(IOTCEscrow.Trade memory trade) private view {
        if (msg.sender != trade.buyer && msg.sender != trade.seller) revert IOTCEscrow.EscrowNotParty(msg.sender);
    }
}
