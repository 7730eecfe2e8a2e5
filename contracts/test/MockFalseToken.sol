// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Test-only token whose `transferFrom` returns false instead of reverting (like some
///         early ERC-20s), and moves nothing.
contract MockFalseToken {
    // solhint-disable-next-line const-name-snakecase
    uint8 public constant decimals = 18; // the ERC-20 getter name

    function transferFrom(address, address, uint256) external pure returns (bool) {
        return false;
    }

    function transfer(address, uint256) external pure returns (bool) {
        return false;
    }
}
