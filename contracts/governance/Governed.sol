// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IGoverned} from "../../interfaces/IGoverned.sol";

/// @title Governed
/// @notice Base for contracts configured by the governance timelock, with a guardian that may
///         only revoke. See {IGoverned} for the rules.
abstract contract Governed is IGoverned {
    /// @dev TimelockController's CANCELLER_ROLE: keccak256("CANCELLER_ROLE").
    bytes32 private constant _CANCELLER_ROLE = keccak256("CANCELLER_ROLE");

    address private immutable _governance;

    modifier onlyGovernance() {
        if (msg.sender != _governance) revert GovernedOnlyGovernance(msg.sender);
        _;
    }

    modifier onlyGovernanceOrGuardian() {
        if (msg.sender != _governance && !isGuardian(msg.sender)) {
            revert GovernedOnlyGovernanceOrGuardian(msg.sender);
        }
        _;
    }

    constructor(address governance_) {
        if (governance_.code.length == 0) revert GovernedInvalidGovernance(governance_);
        _governance = governance_;
    }

    /// @inheritdoc IGoverned
    function governance() public view returns (address) {
        return _governance;
    }

    /// @inheritdoc IGoverned
    function isGuardian(address account) public view returns (bool) {
        return IAccessControl(_governance).hasRole(_CANCELLER_ROLE, account);
    }
}
