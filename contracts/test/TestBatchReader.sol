// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Test-only: many view calls and ether balances read in one `eth_call`, on one state.
/// The stateful test harness runs it as code it puts at an unused address for that call only
/// (an `eth_call` state override); it is never deployed.
contract TestBatchReader {
    /// @notice Each call's success and return data (revert data when it failed), and the
    /// ether balance of each account.
    function read(
        address[] calldata targets,
        bytes[] calldata data,
        address[] calldata accounts
    ) external view returns (bool[] memory ok, bytes[] memory results, uint256[] memory balances) {
        ok = new bool[](targets.length);
        results = new bytes[](targets.length);
        for (uint256 i = 0; i < targets.length; ++i) {
            (ok[i], results[i]) = targets[i].staticcall(data[i]);
        }
        balances = new uint256[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            balances[i] = accounts[i].balance;
        }
    }
}
