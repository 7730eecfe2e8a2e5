// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAssetProxy} from "../../interfaces/IAssetProxy.sol";

/// @notice Test-only stand-in for a contract that settles through the asset proxy (an exchange
///         version, the escrow): it asks the proxy to move tokens and nothing else. On local
///         chains the demo authorizes it to show the governance flow before a real settlement
///         contract exists.
contract TestProxyCaller {
    IAssetProxy public immutable proxy;

    constructor(IAssetProxy proxy_) {
        proxy = proxy_;
    }

    function pull(address token, address from, address to, uint256 amount) external {
        proxy.transferFrom(token, from, to, amount);
    }
}
