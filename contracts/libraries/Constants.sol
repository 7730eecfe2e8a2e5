// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Constants
/// @notice Numbers that several OpenOTC contracts must agree on, declared once.

/// @dev Basis-point denominator: 10,000 bps = 100%.
uint256 constant BPS = 10_000;

/// @title Rulings
/// @notice ERC-792 ruling ids that the escrow and the arbitrators ruling on its disputes agree
///         on. The escrow exposes them as `RULING_*` views, so integrators read them on chain.
library Rulings {
    /// @dev The arbitrator refused to arbitrate (ERC-792 reserves 0 for it): the amount is split.
    uint256 internal constant REFUSED = 0;
    /// @dev The buyer wins: the amount, less the fee, and the seller's bond go to the buyer.
    uint256 internal constant BUYER_WINS = 1;
    /// @dev The seller wins: the amount and the bond go back to the seller.
    uint256 internal constant SELLER_WINS = 2;
    /// @dev Number of choices an escrow dispute offers the arbitrator (REFUSED not counted).
    uint256 internal constant OPTIONS = 2;
}
