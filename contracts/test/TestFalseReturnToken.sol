// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only ERC-20 that, with `failing` set, answers `transfer` and `transferFrom` with
///         false instead of reverting and moves nothing (like some early tokens). Unlike
///         MockFalseToken it has balances, so callers that read `balanceOf` reach the transfer.
contract TestFalseReturnToken is ERC20 {
    bool public failing;

    constructor() ERC20("False Return Token", "FALSE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setFailing(bool failing_) external {
        failing = failing_;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (failing) return false;
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (failing) return false;
        return super.transferFrom(from, to, value);
    }
}
