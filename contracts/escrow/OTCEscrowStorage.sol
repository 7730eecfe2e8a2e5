// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IOTCEscrow} from "../../interfaces/IOTCEscrow.sol";
import {Rulings} from "../libraries/Constants.sol";
import {Transfers} from "../libraries/Transfers.sol";

/// @title OTCEscrowStorage
/// @notice The OTCEscrow's state and the steps both of its units take: the escrow and its
///         extension (which runs on the escrow's storage by DELEGATECALL) both inherit it
///         first, so both see one layout.
abstract contract OTCEscrowStorage {
    using SafeERC20 for IERC20;

    bytes internal _arbitratorExtraData;

    /// @dev What governance sets, in one slot: read once by every opening.
    struct Config {
        uint16 feeBps;
        bool paused;
        uint32 policyId;
    }

    Config internal _config;

    mapping(bytes32 offerHash => IOTCEscrow.Fill) internal _fills;
    mapping(address maker => uint256) internal _minNonce;
    mapping(bytes32 tradeId => bytes32) internal _commitments;
    mapping(uint256 disputeId => bytes32 tradeId) internal _disputeTrades;
    mapping(bytes32 tradeId => IOTCEscrow.Trade) internal _disputed;
    mapping(address account => mapping(address token => IOTCEscrow.Stats)) internal _stats;
    mapping(address account => IOTCEscrow.Rating) internal _ratings;
    mapping(bytes32 tradeId => mapping(address party => IOTCEscrow.ChatAnchor)) internal _chats;
    mapping(address token => uint256) internal _fees;
    mapping(bytes32 tradeId => IOTCEscrow.DisputeFees) internal _disputes;
    mapping(address account => mapping(address token => uint256)) internal _credits;
    mapping(address account => mapping(address token => IOTCEscrow.Volume)) internal _volumes;

    function _load(bytes32 tradeId, IOTCEscrow.Trade calldata record) internal view returns (IOTCEscrow.Trade memory) {
        bytes32 stored = _commitments[tradeId];
        if (stored == bytes32(0)) revert IOTCEscrow.EscrowUnknownTrade(tradeId);
        if (stored != _hashRecord(record)) revert IOTCEscrow.EscrowTradeMismatch(tradeId);
        return record;
    }

    /// @dev keccak256(abi.encode(record)) without the ABI encoder's copy and checks: a IOTCEscrow.Trade is
    ///      a static struct of fourteen words, encoded as its calldata bytes. A record with dirty
    ///      (non-canonical) bits hashes differently from the stored commitment, which hashes
    ///      the canonical encoding, so it is refused as EscrowTradeMismatch.
    function _hashRecord(IOTCEscrow.Trade calldata record) internal pure returns (bytes32 recordHash) {
        // Safe: copies the record to free memory without moving the free memory pointer (the
        // bytes are scratch, hashed at once) and writes nothing else.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let pointer := mload(0x40)
            calldatacopy(pointer, record, 0x1c0)
            recordHash := keccak256(pointer, 0x1c0)
        }
    }

    function _requireStatus(bytes32 tradeId, IOTCEscrow.Trade memory trade, IOTCEscrow.Status expected) internal pure {
        if (trade.status != expected) revert IOTCEscrow.EscrowWrongStatus(tradeId, trade.status);
    }

    function _hash(IOTCEscrow.Trade memory trade) internal pure returns (bytes32) {
        return keccak256(abi.encode(trade));
    }

    /// @dev Clears the fee deposits of a trade that settles while its status `was` AwaitingFee
    ///      (each deposit back to its payer: a concession or a default) or Disputed (the held
    ///      deposit to the side `ruling` favours, split if refused: a concession or a ruling).
    ///      Returns the wei due to the buyer and to the seller; nothing for any other status.
    function _closeFees(bytes32 tradeId, IOTCEscrow.Status was, uint256 ruling) internal returns (uint256, uint256) {
        if (was != IOTCEscrow.Status.AwaitingFee && was != IOTCEscrow.Status.Disputed) return (0, 0);
        IOTCEscrow.DisputeFees memory fees = _disputes[tradeId];
        delete _disputes[tradeId];
        if (was == IOTCEscrow.Status.AwaitingFee) return (fees.buyer, fees.seller);
        delete _disputed[tradeId];
        uint256 held = fees.buyer; // both deposits equal the cost; the escrow holds one
        uint256 toBuyer = ruling == Rulings.BUYER_WINS
            ? held
            : ruling == Rulings.SELLER_WINS
                ? 0
                : held / 2;
        return (toBuyer, held - toBuyer);
    }

    /// @dev Pays `amount` of `token`, or credits it to `to` if the transfer fails.
    function _pay(address token, address to, uint256 amount) internal {
        if (amount == 0) return;
        if (!IERC20(token).trySafeTransfer(to, amount)) _credit(to, token, amount);
    }

    /// @dev Returns `amount` wei of fee deposit to `to`, or credits it if `to` refuses ETH.
    function _returnEth(bytes32 tradeId, address to, uint256 amount) internal {
        if (amount == 0) return;
        emit IOTCEscrow.FeeDepositReturned(tradeId, to, amount);
        if (!Transfers.trySendEth(to, amount)) _credit(to, address(0), amount);
    }

    function _credit(address to, address token, uint256 amount) internal {
        _credits[to][token] += amount;
        emit IOTCEscrow.PaymentDeferred(to, token, amount);
    }

    /// @dev Adds to an account's statistics in one read and one write. A non-zero `amount`
    ///      counts a completed trade of that volume; `won` and `lost` count disputes.
    function _record(address account, address token, uint256 amount, uint32 won, uint32 lost) internal {
        IOTCEscrow.Stats memory stats = _stats[account][token];
        if (amount != 0) {
            stats.tradesCompleted += 1;
            stats.volume += uint160(amount); // amount < 2**128
        }
        stats.disputesWon += won;
        stats.disputesLost += lost;
        _stats[account][token] = stats;
    }

    /// @dev The account's volume now: the stored figure less `limit` per `period` since.
    function _drained(IOTCEscrow.Volume memory volume, uint256 limit, uint256 period) internal view returns (uint256) {
        uint256 elapsed = block.timestamp - volume.updatedAt;
        if (elapsed >= period) return 0;
        uint256 drain = Math.mulDiv(limit, elapsed, period);
        return volume.used > drain ? volume.used - drain : 0;
    }
}
