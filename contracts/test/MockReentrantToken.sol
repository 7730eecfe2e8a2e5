// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only malicious ERC-20: once armed, every transfer first calls `target` with
///         `payload` (e.g. the escrow's release or cancel for the same trade), then performs
///         the transfer. `lastCallSucceeded` and `lastRevertData` record how the re-entry went,
///         so tests can assert the re-entrant call was refused.
contract MockReentrantToken is ERC20 {
    address public target;
    bytes public payload;
    bool public armed;
    bool public lastCallSucceeded;
    bytes public lastRevertData;

    constructor() ERC20("Reentrant Token", "REENT") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
        armed = true;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (armed && from != address(0) && to != address(0)) {
            armed = false; // one attempt per arming
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory data) = target.call(payload); // the attack: an arbitrary re-entry
            lastCallSucceeded = ok;
            lastRevertData = data;
        }
        super._update(from, to, value);
    }
}
