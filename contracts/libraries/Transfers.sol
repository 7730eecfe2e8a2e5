// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

/// @title Transfers
/// @notice Value movements that several OpenOTC contracts make, each failing with the calling
///         contract's own domain error (passed as its selector, so the error and its arguments
///         stay declared in that contract's interface).
library Transfers {
    /// @notice Pulls exactly `amount` of `token` from `from` into this contract with `move`,
    ///         and refuses tokens that deliver less or more (fee-on-transfer, rebasing), on the
    ///         way in and on the way out: after the pull, the contract transfers the amount to
    ///         itself and its balance must not change. A token that charges on `transfer` but
    ///         not on `transferFrom` is refused here, before anything is locked, rather than
    ///         paying a recipient short later.
    /// @dev Reverts with `feeOnTransferError(address token, uint256 expected, uint256 received)`
    ///      unless this contract's balance grew by exactly `amount` (received = the growth), or
    ///      if the self-transfer lost part of it (received = amount less the loss). A `move`
    ///      that re-enters and moves tokens itself changes the balance seen here, so it is
    ///      refused too.
    /// @param token The token to pull.
    /// @param from The account the tokens come from (it approved `move`'s spender).
    /// @param amount The exact amount this contract must receive.
    /// @param move How the caller moves tokens from `from` to itself (directly, or through
    ///        the AssetProxy); it must revert if the transfer fails.
    /// @param feeOnTransferError Selector of the caller's error for a wrong amount received.
    function pullExact(
        IERC20 token,
        address from,
        uint256 amount,
        function(IERC20, address, uint256) internal move,
        bytes4 feeOnTransferError
    ) internal {
        uint256 balanceBefore = _balanceOfSelf(token);
        move(token, from, amount);
        uint256 balanceAfter = _balanceOfSelf(token);
        uint256 received = balanceAfter - balanceBefore;
        if (received != amount) {
            _revert(abi.encodeWithSelector(feeOnTransferError, token, amount, received));
        }
        SafeERC20.safeTransfer(token, address(this), amount);
        uint256 kept = _balanceOfSelf(token);
        if (kept != balanceAfter) {
            // Lost part of it (fee) or gained some (rebasing): `received` is what a recipient
            // of `amount` would have seen.
            received = kept < balanceAfter ? amount - (balanceAfter - kept) : amount + (kept - balanceAfter);
            _revert(abi.encodeWithSelector(feeOnTransferError, token, amount, received));
        }
    }

    /// @notice Sends `amount` wei to `to`, forwarding all gas and ignoring any return data.
    /// @dev Reverts with `failedError(address to, uint256 amount)` if the call fails (the
    ///      recipient reverts or this contract lacks the balance). The recipient runs code:
    ///      callers guard re-entry or finish their effects first.
    /// @param to The recipient.
    /// @param amount The amount of wei to send.
    /// @param failedError Selector of the caller's error for a failed send.
    function sendEth(address to, uint256 amount, bytes4 failedError) internal {
        if (!trySendEth(to, amount)) _revert(abi.encodeWithSelector(failedError, to, amount));
    }

    /// @notice Sends `amount` wei to `to` like {sendEth}, but returns false instead of reverting
    ///         when the recipient refuses it, so the caller can credit it for later withdrawal.
    /// @param to The recipient.
    /// @param amount The amount of wei to send.
    /// @return sent Whether the call succeeded.
    function trySendEth(address to, uint256 amount) internal returns (bool sent) {
        // Safe: a plain value call that passes no data and copies no return data.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sent := call(gas(), to, amount, 0x00, 0x00, 0x00, 0x00)
        }
    }

    /// @dev `token.balanceOf(address(this))`, read through the scratch space: no memory is
    ///      allocated. As the high-level call would, it bubbles a revert of the token, and
    ///      reverts without data when the answer is shorter than a word (no code, no such
    ///      function).
    function _balanceOfSelf(IERC20 token) private view returns (uint256 held) {
        bytes4 selector = IERC20.balanceOf.selector;
        // Safe: the call's input and its one-word answer use only the scratch space
        // (0x00-0x3f), which Solidity leaves free for such use; a revert is copied to free
        // memory and ends the call.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, selector)
            mstore(0x04, address())
            if iszero(staticcall(gas(), token, 0x00, 0x24, 0x00, 0x20)) {
                let pointer := mload(0x40)
                returndatacopy(pointer, 0x00, returndatasize())
                revert(pointer, returndatasize())
            }
            if lt(returndatasize(), 0x20) {
                revert(0x00, 0x00)
            }
            held := mload(0x00)
        }
    }

    /// @dev Reverts with `data`: an error selector and its ABI-encoded arguments.
    function _revert(bytes memory data) private pure {
        // Safe: reads the `bytes` just built in memory (length word, then its contents) and
        // ends the call; nothing is written.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            revert(add(data, 0x20), mload(data))
        }
    }
}
