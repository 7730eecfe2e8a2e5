// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title OTCTimelock
/// @notice The governance timelock: OpenZeppelin TimelockController, unchanged. Every
///         configuration of OpenOTC passes through it after a Governor vote and a delay.
/// @dev Roles after deployment (see scripts/deploy.py): PROPOSER_ROLE and CANCELLER_ROLE to
///      the Governor; CANCELLER_ROLE to the guardian; EXECUTOR_ROLE to everyone (address 0);
///      DEFAULT_ADMIN_ROLE to the timelock itself only (the deployer renounces it).
contract OTCTimelock is TimelockController {
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {}
}
