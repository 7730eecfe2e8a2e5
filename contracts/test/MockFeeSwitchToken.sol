// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only 6-decimal stablecoin with a transfer fee that starts at zero and can be
///         switched on later, as USDT's contract allows its owner to do: while the fee is on,
///         every transfer (and transferFrom) burns `feeBps` of the amount, so the recipient
///         receives less than was sent. Lets a test set up a market while the token behaves,
///         then face the fee.
contract MockFeeSwitchToken is ERC20 {
    /// @notice Share of every transfer burned, in bps (0: no fee).
    uint256 public feeBps;

    constructor() ERC20("Fee Switch USD", "FSUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setFeeBps(uint256 bps) external {
        feeBps = bps;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0) || feeBps == 0) {
            super._update(from, to, value);
            return;
        }
        uint256 fee = (value * feeBps) / 10_000;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
