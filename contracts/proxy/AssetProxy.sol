// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IAssetProxy} from "../../interfaces/IAssetProxy.sol";
import {Governed} from "../governance/Governed.sol";

/// @title AssetProxy
/// @notice Moves approved tokens on behalf of authorized OpenOTC contracts. See {IAssetProxy}.
contract AssetProxy is IAssetProxy, Governed {
    using SafeERC20 for IERC20;
    using EnumerableSet for EnumerableSet.AddressSet;

    EnumerableSet.AddressSet private _authorized;

    constructor(address governance_) Governed(governance_) {}

    /// @inheritdoc IAssetProxy
    function transferFrom(address token, address from, address to, uint256 amount) external {
        if (!_authorized.contains(msg.sender)) revert ProxyUnauthorized(msg.sender);
        IERC20(token).safeTransferFrom(from, to, amount);
    }

    /// @inheritdoc IAssetProxy
    function authorize(address target) external onlyGovernance {
        if (target.code.length == 0) revert ProxyNotAContract(target);
        if (!_authorized.add(target)) revert ProxyAlreadyAuthorized(target);
        emit Authorized(target);
    }

    /// @inheritdoc IAssetProxy
    function revoke(address target) external onlyGovernanceOrGuardian {
        if (!_authorized.remove(target)) revert ProxyNotAuthorized(target);
        emit Revoked(target, msg.sender);
    }

    /// @inheritdoc IAssetProxy
    function isAuthorized(address target) external view returns (bool) {
        return _authorized.contains(target);
    }

    /// @inheritdoc IAssetProxy
    function authorizedContracts() external view returns (address[] memory) {
        return _authorized.values();
    }
}
