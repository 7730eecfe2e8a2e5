// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Test-only contract account for the AtomicSwap suites: a swap recipient (or, through
///         `execute`, a sender) that, once armed, re-enters `target` with `payload` when it
///         receives ether (e.g. the swap's claim or refund of the swap paying it), records how
///         the re-entry went and accepts the payment. With `rejecting` set it refuses ether.
contract TestReentrantRecipient {
    error Rejected();
    error CallFailed(bytes data);

    address public target;
    bytes public payload;
    bool public armed;
    bool public rejecting;
    bool public lastCallSucceeded;
    bytes public lastRevertData;
    uint256 public receipts; // ether payments accepted

    function arm(address target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
        armed = true;
    }

    function setRejecting(bool rejecting_) external {
        rejecting = rejecting_;
    }

    /// @notice Calls `target_` with `data` and `msg.value` as this contract (to lock a swap as
    ///         its sender); a revert comes back wrapped in CallFailed.
    function execute(address target_, bytes calldata data) external payable returns (bytes memory) {
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory result) = target_.call{value: msg.value}(data);
        if (!ok) revert CallFailed(result);
        return result;
    }

    // The attack needs logic on receipt: that is what this contract is for.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        if (rejecting) revert Rejected();
        ++receipts;
        if (armed) {
            armed = false; // one attempt per arming
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory data) = target.call(payload); // the attack: a re-entry
            lastCallSucceeded = ok;
            lastRevertData = data;
        }
    }
}
