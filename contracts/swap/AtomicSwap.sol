// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IAtomicSwap} from "../../interfaces/IAtomicSwap.sol";
import {Transfers} from "../libraries/Transfers.sol";

/// @title AtomicSwap
/// @notice sha256-hashlocked, timelocked swaps of ETH and ERC-20 tokens. See {IAtomicSwap}.
/// @dev No re-entrancy guard: every function writes its one slot before any external call
///      (checks-effects-interactions), so a re-entering token or recipient finds the swap
///      already settled (or, on lock, not yet recorded) and is refused.
contract AtomicSwap is IAtomicSwap, EIP712 {
    using SafeERC20 for IERC20;

    uint256 public constant MAX_TIMELOCK = 30 days; // from now, at lock time

    bytes32 private constant _REFUND_TYPEHASH = keccak256("Refund(bytes32 swapId)");

    uint256 private constant _OPEN = 1;
    uint256 private constant _RELEASED = 2; // refunded with the recipient's signature: never again

    /// @dev 0: never locked, or claimed or refunded (cleared for the gas refund); _OPEN;
    ///      _RELEASED: the recipient's refund signature names this id, so it can never be
    ///      locked again (the signature would refund the new lock too).
    ///      A struct of one word, so that a function that reads and then writes the slot takes a
    ///      storage reference and hashes the key once.
    mapping(bytes32 swapId => SwapState) private _state;

    struct SwapState {
        uint256 value;
    }

    constructor() EIP712("OpenOTC AtomicSwap", "1") {}

    /// @inheritdoc IAtomicSwap
    function lock(bytes32 hashlock, address recipient, uint256 timelock) external payable returns (bytes32 swapId) {
        _checkTerms(hashlock, msg.value, recipient, timelock);
        swapId = _id(hashlock, address(0), msg.value, msg.sender, recipient, timelock);
        _record(swapId);
        emit EtherSwapLocked(hashlock, recipient, msg.sender, msg.value, timelock);
    }

    /// @inheritdoc IAtomicSwap
    function lockToken(
        bytes32 hashlock,
        address token,
        uint256 amount,
        address recipient,
        uint256 timelock
    ) external returns (bytes32 swapId) {
        _checkTerms(hashlock, amount, recipient, timelock);
        if (token == address(0)) revert SwapZeroAddress();
        // The transfer and the balance check come before the record: a token that re-enters
        // (to lock the same terms, or anything else) changes the balance seen here or meets
        // the duplicate check, and the whole call reverts.
        Transfers.pullExact(IERC20(token), msg.sender, amount, _transferIn, SwapFeeOnTransferToken.selector);
        swapId = _id(hashlock, token, amount, msg.sender, recipient, timelock);
        _record(swapId);
        emit TokenSwapLocked(hashlock, recipient, msg.sender, token, amount, timelock);
    }

    /// @inheritdoc IAtomicSwap
    function claim(bytes32 preimage, uint256 amount, address sender, uint256 timelock) external {
        bytes32 hashlock = _sha256(preimage);
        _settleClaim(_id(hashlock, address(0), amount, sender, msg.sender, timelock), timelock);
        emit SwapClaimed(hashlock, preimage);
        Transfers.sendEth(msg.sender, amount, SwapTransferFailed.selector);
    }

    /// @inheritdoc IAtomicSwap
    function claimToken(bytes32 preimage, address token, uint256 amount, address sender, uint256 timelock) external {
        bytes32 hashlock = _sha256(preimage);
        _settleClaim(_id(hashlock, token, amount, sender, msg.sender, timelock), timelock);
        emit SwapClaimed(hashlock, preimage);
        _pay(token, msg.sender, amount);
    }

    /// @inheritdoc IAtomicSwap
    function claimFor(bytes32 preimage, Swap calldata swap) external {
        _claim(preimage, swap);
    }

    /// @inheritdoc IAtomicSwap
    function refund(bytes32 hashlock, uint256 amount, address recipient, uint256 timelock) external {
        bytes32 swapId = _id(hashlock, address(0), amount, msg.sender, recipient, timelock);
        _settleRefund(swapId, timelock);
        emit SwapRefunded(swapId);
        Transfers.sendEth(msg.sender, amount, SwapTransferFailed.selector);
    }

    /// @inheritdoc IAtomicSwap
    function refundToken(
        bytes32 hashlock,
        address token,
        uint256 amount,
        address recipient,
        uint256 timelock
    ) external {
        bytes32 swapId = _id(hashlock, token, amount, msg.sender, recipient, timelock);
        _settleRefund(swapId, timelock);
        emit SwapRefunded(swapId);
        _pay(token, msg.sender, amount);
    }

    /// @inheritdoc IAtomicSwap
    function refundFor(Swap calldata swap) external {
        _refund(swap);
    }

    /// @inheritdoc IAtomicSwap
    function refundCooperatively(Swap calldata swap, bytes calldata recipientSignature) external {
        bytes32 swapId = _idOf(swap);
        if (!SignatureChecker.isValidSignatureNow(swap.recipient, refundDigest(swapId), recipientSignature)) {
            revert SwapInvalidRefundSignature(swapId, swap.recipient);
        }
        SwapState storage state = _state[swapId];
        if (state.value != _OPEN) revert SwapNotFound(swapId);
        state.value = _RELEASED;
        emit SwapRefunded(swapId);
        _pay(swap.token, swap.sender, swap.amount);
    }

    /// @inheritdoc IAtomicSwap
    function claimBatch(bytes32[] calldata preimages, Swap[] calldata swaps) external {
        if (preimages.length != swaps.length) revert SwapBatchLengthMismatch(preimages.length, swaps.length);
        for (uint256 i = 0; i < swaps.length; ++i) {
            _claim(preimages[i], swaps[i]);
        }
    }

    /// @inheritdoc IAtomicSwap
    function refundBatch(Swap[] calldata swaps) external {
        for (uint256 i = 0; i < swaps.length; ++i) {
            _refund(swaps[i]);
        }
    }

    /// @inheritdoc IAtomicSwap
    function swapIdOf(Swap calldata swap) external pure returns (bytes32) {
        return _idOf(swap);
    }

    /// @inheritdoc IAtomicSwap
    function isOpen(bytes32 swapId) external view returns (bool) {
        return _state[swapId].value == _OPEN;
    }

    /// @inheritdoc IAtomicSwap
    function refundDigest(bytes32 swapId) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(_REFUND_TYPEHASH, swapId)));
    }

    function _claim(bytes32 preimage, Swap calldata swap) private {
        bytes32 preimageHash = _sha256(preimage);
        if (preimageHash != swap.hashlock) revert SwapWrongPreimage(swap.hashlock, preimageHash);
        _settleClaim(_idOf(swap), swap.timelock);
        emit SwapClaimed(swap.hashlock, preimage);
        _pay(swap.token, swap.recipient, swap.amount);
    }

    function _refund(Swap calldata swap) private {
        bytes32 swapId = _idOf(swap);
        _settleRefund(swapId, swap.timelock);
        emit SwapRefunded(swapId);
        _pay(swap.token, swap.sender, swap.amount);
    }

    /// @dev Closes an open swap for its recipient: only before the timelock.
    function _settleClaim(bytes32 swapId, uint256 timelock) private {
        if (block.timestamp >= timelock) revert SwapExpired(swapId, timelock);
        _settle(swapId);
    }

    /// @dev Closes an open swap for its sender: only from the timelock on.
    function _settleRefund(bytes32 swapId, uint256 timelock) private {
        if (block.timestamp < timelock) revert SwapNotExpired(swapId, timelock);
        _settle(swapId);
    }

    /// @dev sha256(abi.encodePacked(preimage)) through the precompile, in the scratch space.
    function _sha256(bytes32 preimage) private view returns (bytes32 hash) {
        // Safe: the precompile reads its one-word input from and writes its one-word answer to
        // the scratch space (0x00-0x3f), which Solidity leaves free for such use. It fails
        // only when out of gas, and then so does the call.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, preimage)
            if iszero(staticcall(gas(), 0x02, 0x00, 0x20, 0x00, 0x20)) {
                revert(0x00, 0x00)
            }
            hash := mload(0x00)
        }
    }

    /// @dev keccak256(abi.encode(Swap(hashlock, token, amount, sender, recipient, timelock))),
    ///      the id {_idOf} gives for the same terms, hashed from free memory without moving the
    ///      free-memory pointer.
    function _id(
        bytes32 hashlock,
        address token,
        uint256 amount,
        address sender,
        address recipient,
        uint256 timelock
    ) private pure returns (bytes32 id) {
        // Safe: writes six words at the free-memory pointer, which stays where it was (the
        // memory above it is free for any later use); the addresses are clean (ABI-decoded
        // arguments or msg.sender), so each word is what abi.encode writes.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let pointer := mload(0x40)
            mstore(pointer, hashlock)
            mstore(add(pointer, 0x20), token)
            mstore(add(pointer, 0x40), amount)
            mstore(add(pointer, 0x60), sender)
            mstore(add(pointer, 0x80), recipient)
            mstore(add(pointer, 0xa0), timelock)
            id := keccak256(pointer, 0xc0)
        }
    }

    /// @dev keccak256(abi.encode(swap)) without the ABI encoder's copy and checks: a static
    ///      struct of six words is encoded as its calldata bytes. Dirty (non-canonical) address
    ///      bits would only give an id that was never recorded, refused as SwapNotFound.
    function _idOf(Swap calldata swap) private pure returns (bytes32 id) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let pointer := mload(0x40)
            calldatacopy(pointer, swap, 0xc0)
            id := keccak256(pointer, 0xc0)
        }
    }

    /// @dev One branch for terms that pass, which nearly every lock has: the five tests are
    ///      combined without jumps, and {_refuseTerms} names the first that failed.
    function _checkTerms(bytes32 hashlock, uint256 amount, address recipient, uint256 timelock) private view {
        uint256 latest;
        // Safe: block.timestamp + 30 days is nowhere near 2**256.
        unchecked {
            latest = block.timestamp + MAX_TIMELOCK;
        }
        bool refused;
        // Safe: arithmetic and comparisons on the arguments only; nothing is read or written.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            refused := or(
                or(or(iszero(amount), iszero(recipient)), iszero(hashlock)),
                or(iszero(gt(timelock, timestamp())), gt(timelock, latest))
            )
        }
        if (refused) _refuseTerms(hashlock, amount, recipient, timelock, latest);
    }

    /// @dev Reverts with the error of the first term {_checkTerms} refused, in this order.
    function _refuseTerms(
        bytes32 hashlock,
        uint256 amount,
        address recipient,
        uint256 timelock,
        uint256 latest
    ) private view {
        if (amount == 0) revert SwapZeroAmount();
        if (recipient == address(0)) revert SwapZeroAddress();
        if (hashlock == bytes32(0)) revert SwapZeroHashlock();
        if (timelock <= block.timestamp) revert SwapTimelockInPast(timelock, block.timestamp);
        revert SwapTimelockTooFar(timelock, latest);
    }

    function _record(bytes32 swapId) private {
        SwapState storage state = _state[swapId];
        if (state.value != 0) revert SwapAlreadyExists(swapId);
        state.value = _OPEN;
    }

    function _settle(bytes32 swapId) private {
        SwapState storage state = _state[swapId];
        if (state.value != _OPEN) revert SwapNotFound(swapId);
        delete state.value;
    }

    function _pay(address token, address to, uint256 amount) private {
        if (token == address(0)) {
            Transfers.sendEth(to, amount, SwapTransferFailed.selector);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    /// @dev Tokens are locked straight from the sender, who approved this contract.
    function _transferIn(IERC20 token, address from, uint256 amount) private {
        token.safeTransferFrom(from, address(this), amount);
    }
}
