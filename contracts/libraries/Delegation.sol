// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Delegation
/// @notice Forwards a call to a contract's extension: the extension's code runs by DELEGATECALL
///         on the caller's storage, under the selector the caller received. The OpenOTC
///         contracts that outgrow the code size limit (the JurorCourt, the OTCEscrow) create
///         their extension in their constructor and fix it for ever.
library Delegation {
    /// @notice Runs this call's calldata in `extension` and ends the call with its return data
    ///         (or its revert). Nothing after it runs.
    /// @param extension The extension.
    function forward(address extension) internal {
        // Not memory-safe, and needs not be: the call ends here, with `return` or `revert`.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), extension, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) {
                revert(0, returndatasize())
            }
            return(0, returndatasize())
        }
    }

    /// @notice {forward} for a view: the extension's functions reached this way only read
    ///         storage, so the call keeps the view's promise.
    /// @param extension The extension.
    function forwardView(address extension) internal view {
        function(address) internal run = forward;
        function(address) internal view runAsView;
        // Only retypes the function pointer (a jump target on the stack).
        // solhint-disable-next-line no-inline-assembly
        assembly {
            runAsView := run
        }
        runAsView(extension);
    }
}
