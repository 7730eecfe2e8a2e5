// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IRandomnessSource
/// @notice Random numbers requested before they exist: a consumer asks for a ticket, the value
///         behind the ticket is fixed later by the chain, and every reader then sees the same
///         value. The JurorCourt draws jurors from these values.
///
/// Life of a ticket: {request} -> (wait) -> {fulfil} fixes the value once, in a window of
/// blocks -> {valueOf} returns it for ever. A ticket whose window passed unfulfilled is
/// expired: {fulfil} returns 0 and the consumer requests a new ticket.
interface IRandomnessSource {
    /// @notice A ticket was issued; its value will be fixed in blocks [targetBlock, expiresAt).
    event RandomnessRequested(
        uint256 indexed ticket,
        address indexed requester,
        uint256 targetBlock,
        uint256 expiresAt
    );
    /// @notice The value of `ticket` was fixed.
    event RandomnessFixed(uint256 indexed ticket, uint256 value);

    /// @notice `ticket` was never issued.
    error RandomnessUnknownTicket(uint256 ticket);
    /// @notice The value of `ticket` cannot be fixed before `targetBlock`.
    error RandomnessNotReady(uint256 ticket, uint256 targetBlock);

    /// @notice Issues a ticket whose value does not exist yet.
    /// @return ticket The new ticket's number.
    function request() external returns (uint256 ticket);

    /// @notice Fixes the value of `ticket` if it is not fixed yet and its window is open, and
    ///         returns it. Returns 0 if the window passed unfulfilled (the ticket expired).
    ///         Reverts before the window opens.
    /// @param ticket The ticket.
    /// @return value The ticket's value, never 0 once fixed; 0 if the ticket expired.
    function fulfil(uint256 ticket) external returns (uint256 value);

    /// @notice The fixed value of `ticket`, or 0 while it is not fixed.
    /// @param ticket The ticket.
    /// @return The ticket's value, or 0.
    function valueOf(uint256 ticket) external view returns (uint256);
}
