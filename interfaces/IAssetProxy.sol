// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IGoverned} from "./IGoverned.sol";

/// @title IAssetProxy
/// @notice The one address users approve for their tokens (0x whitepaper, section 4.1.1).
///         Users approve the proxy once; OpenOTC contracts that governance authorizes (exchange
///         versions, the escrow) then move tokens from a user through it, so a new contract
///         version never needs new approvals, and a retired one loses access at once.
/// @dev Authorizing takes a Governor vote and the timelock delay; revoking is instant, by the
///      timelock or a guardian. The proxy holds no funds itself. It moves tokens only on behalf
///      of an authorized contract, and that contract is responsible for moving only what its
///      user consented to. Transfers go through SafeERC20, so tokens that return nothing (USDT)
///      or false work or fail cleanly; the proxy does not check amounts received, so callers
///      that need exact amounts (the escrow refuses fee-on-transfer tokens) compare balances.
interface IAssetProxy is IGoverned {
    /// @notice `target` may now move tokens through the proxy.
    event Authorized(address indexed target);

    /// @notice `target` may no longer move tokens; `by` is governance or a guardian.
    event Revoked(address indexed target, address indexed by);

    /// @notice The caller is not an authorized contract.
    error ProxyUnauthorized(address caller);

    /// @notice `target` is already authorized.
    error ProxyAlreadyAuthorized(address target);

    /// @notice `target` is not authorized.
    error ProxyNotAuthorized(address target);

    /// @notice `target` has no code; only contracts can be authorized.
    error ProxyNotAContract(address target);

    /// @notice Moves `amount` of `token` from `from` to `to`. Authorized contracts only.
    ///         Reverts if the token reverts or returns false.
    /// @param token The token to move.
    /// @param from The owner of the tokens, who approved the proxy.
    /// @param to The recipient.
    /// @param amount The amount to move.
    function transferFrom(address token, address from, address to, uint256 amount) external;

    /// @notice Authorizes `target` to move tokens. Governance only.
    /// @param target The contract to authorize.
    function authorize(address target) external;

    /// @notice Revokes `target`'s authorization. Governance or a guardian, effective at once.
    /// @param target The contract whose authorization ends.
    function revoke(address target) external;

    /// @notice Whether `target` is authorized.
    /// @param target The contract.
    /// @return True if `target` may move tokens through the proxy.
    function isAuthorized(address target) external view returns (bool);

    /// @notice Every authorized contract (the set is small: one per live contract version).
    /// @return The authorized contracts, in no particular order.
    function authorizedContracts() external view returns (address[] memory);
}
