// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IGoverned} from "./IGoverned.sol";

/// @title IOTCToken
/// @notice The OpenOTC protocol token: ERC-20 with EIP-2612 permit and ERC-20 votes
///         (OpenZeppelin ERC20Votes, timestamp clock), used for governance and juror stake.
/// @dev The whole initial supply is minted once, to the treasury, at deployment. Afterwards
///      only minters that governance grants may mint, and the token itself caps inflation:
///      over any rolling INFLATION_WINDOW, the amount minted may not exceed MAX_INFLATION_BPS
///      of the supply that existed apart from those mints. No role can lift the cap; it is the
///      hard bound on the lending backstop's dilution.
interface IOTCToken is IERC20, IGoverned {
    /// @notice `account` became a minter (by governance).
    event MinterGranted(address indexed account);

    /// @notice `account` is no longer a minter; `by` is governance or a guardian.
    event MinterRevoked(address indexed account, address indexed by);

    /// @notice `minter` minted `amount` new tokens to `to` under the inflation cap.
    event InflationMinted(address indexed minter, address indexed to, uint256 amount);

    /// @notice The caller has no minter role.
    error TokenNotMinter(address caller);

    /// @notice Minting `requested` would exceed the rolling inflation cap; `available` is left.
    error TokenInflationCapExceeded(uint256 requested, uint256 available);

    /// @notice `account` is already a minter (grant) or is not one (revoke).
    error TokenMinterUnchanged(address account);

    /// @notice Zero address given where an account is required.
    error TokenZeroAddress();

    /// @notice Largest share of supply mintable per window, in basis points (200 = 2%).
    /// @return The cap in basis points of the supply.
    function MAX_INFLATION_BPS() external view returns (uint256);

    /// @notice Length of the rolling inflation window, in seconds (365 days).
    /// @return The window in seconds.
    function INFLATION_WINDOW() external view returns (uint256);

    /// @notice Whether `account` may mint.
    /// @param account The account.
    /// @return True if `account` holds the minter role.
    function isMinter(address account) external view returns (bool);

    /// @notice Amount minted through {mint} in the window that ends now.
    /// @return The amount minted in the last {INFLATION_WINDOW} seconds.
    function mintedInWindow() external view returns (uint256);

    /// @notice Amount a minter could mint right now without exceeding the cap.
    /// @return The largest amount {mint} accepts now.
    function mintable() external view returns (uint256);

    /// @notice Grants the minter role to `account`. Governance only.
    /// @param account The new minter.
    function grantMinter(address account) external;

    /// @notice Revokes the minter role from `account`. Governance or a guardian.
    /// @param account The minter to remove.
    function revokeMinter(address account) external;

    /// @notice Mints `amount` to `to`. Minters only; reverts above the inflation cap.
    /// @param to The recipient of the new tokens.
    /// @param amount The amount to mint.
    function mint(address to, uint256 amount) external;
}
