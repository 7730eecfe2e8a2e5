// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IGoverned
/// @notice Access rules shared by every OpenOTC contract that governance configures.
/// @dev Two kinds of caller exist:
///      - governance: the TimelockController, i.e. a proposal that passed a Governor vote and
///        waited out the timelock delay. Only governance grants, lists or configures anything.
///      - the guardian: any holder of the timelock's CANCELLER_ROLE (a multisig in production,
///        the Governor itself also holds it). The guardian may only take things away: cancel
///        queued proposals (on the timelock) and revoke authorizations (on these contracts).
///        It can never grant anything and never move funds.
///      Who the guardian is therefore lives in one place, the timelock, and changes only by vote.
interface IGoverned {
    /// @notice The caller is not the governance timelock.
    error GovernedOnlyGovernance(address caller);

    /// @notice The caller is neither the governance timelock nor a guardian.
    error GovernedOnlyGovernanceOrGuardian(address caller);

    /// @notice The governance address given at deployment is not a contract.
    error GovernedInvalidGovernance(address governance);

    /// @notice The governance timelock (TimelockController) of this contract. Immutable.
    /// @return The timelock's address.
    function governance() external view returns (address);

    /// @notice Whether `account` may act as guardian (holds the timelock's CANCELLER_ROLE).
    /// @param account The account.
    /// @return True if `account` is a guardian.
    function isGuardian(address account) external view returns (bool);
}
