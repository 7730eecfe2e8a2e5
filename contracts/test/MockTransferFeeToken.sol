// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only token that charges a fee on `transfer` but not on `transferFrom`: every
///         `transfer` burns FEE_BPS of the amount, so the recipient receives less than was
///         sent, while pulls with an allowance deliver in full.
contract MockTransferFeeToken is ERC20 {
    uint256 public constant FEE_BPS = 125; // 1.25% of every `transfer` is burned

    constructor() ERC20("Transfer Fee Token", "TFEE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        uint256 fee = (value * FEE_BPS) / 10_000;
        _burn(msg.sender, fee);
        _transfer(msg.sender, to, value - fee);
        return true;
    }
}
