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
    mapping(bytes32 swapId => uint256) private _state;

    constructor() EIP712("OpenOTC AtomicSwap", "1") {}

    /// @inheritdoc IAtomicSwap
    function lock(bytes32 hashlock, address recipient, uint256 timelock) external payable returns (bytes32 swapId) {
        _checkTerms(hashlock, msg.value, recipient, timelock);
        swapId = keccak256(abi.encode(hashlock, address(0), msg.value, msg.sender, recipient, timelock));
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
        swapId = keccak256(abi.encode(hashlock, token, amount, msg.sender, recipient, timelock));
        _record(swapId);
        emit TokenSwapLocked(hashlock, recipient, msg.sender, token, amount, timelock);
    }

    /// @inheritdoc IAtomicSwap
    function claim(bytes32 preimage, Swap calldata swap) external {
        _claim(preimage, swap);
    }

    /// @inheritdoc IAtomicSwap
    function refund(Swap calldata swap) external {
        _refund(swap);
    }

    /// @inheritdoc IAtomicSwap
    function refundCooperatively(Swap calldata swap, bytes calldata recipientSignature) external {
        bytes32 swapId = _idOf(swap);
        if (!SignatureChecker.isValidSignatureNow(swap.recipient, refundDigest(swapId), recipientSignature)) {
            revert SwapInvalidRefundSignature(swapId, swap.recipient);
        }
        if (_state[swapId] != _OPEN) revert SwapNotFound(swapId);
        _state[swapId] = _RELEASED;
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
        return _state[swapId] == _OPEN;
    }

    /// @inheritdoc IAtomicSwap
    function refundDigest(bytes32 swapId) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(_REFUND_TYPEHASH, swapId)));
    }

    function _claim(bytes32 preimage, Swap calldata swap) private {
        bytes32 preimageHash = sha256(abi.encodePacked(preimage));
        if (preimageHash != swap.hashlock) revert SwapWrongPreimage(swap.hashlock, preimageHash);
        bytes32 swapId = _idOf(swap);
        if (block.timestamp >= swap.timelock) revert SwapExpired(swapId, swap.timelock);
        _settle(swapId);
        emit SwapClaimed(swap.hashlock, preimage);
        _pay(swap.token, swap.recipient, swap.amount);
    }

    function _refund(Swap calldata swap) private {
        bytes32 swapId = _idOf(swap);
        if (block.timestamp < swap.timelock) revert SwapNotExpired(swapId, swap.timelock);
        _settle(swapId);
        emit SwapRefunded(swapId);
        _pay(swap.token, swap.sender, swap.amount);
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

    function _checkTerms(bytes32 hashlock, uint256 amount, address recipient, uint256 timelock) private view {
        if (amount == 0) revert SwapZeroAmount();
        if (recipient == address(0)) revert SwapZeroAddress();
        if (hashlock == bytes32(0)) revert SwapZeroHashlock();
        if (timelock <= block.timestamp) revert SwapTimelockInPast(timelock, block.timestamp);
        if (timelock > block.timestamp + MAX_TIMELOCK) {
            revert SwapTimelockTooFar(timelock, block.timestamp + MAX_TIMELOCK);
        }
    }

    function _record(bytes32 swapId) private {
        if (_state[swapId] != 0) revert SwapAlreadyExists(swapId);
        _state[swapId] = _OPEN;
    }

    function _settle(bytes32 swapId) private {
        if (_state[swapId] != _OPEN) revert SwapNotFound(swapId);
        delete _state[swapId];
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
