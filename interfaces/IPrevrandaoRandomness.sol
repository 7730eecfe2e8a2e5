// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IRandomnessSource} from "./IRandomnessSource.sol";

/// @title IPrevrandaoRandomness
/// @notice Randomness from the beacon chain's RANDAO, fixed at a future block.
///
/// A ticket requested in block R opens its window at block T = R + LOOKAHEAD and closes it at
/// T + WINDOW. The first {fulfil} in the window fixes the value as
/// keccak256(block.prevrandao, ticket) of the block that includes it. Anyone may call it: the
/// parties, the jurors, a keeper.
///
/// What this resists, and what it does not:
/// - A juror or party without block production power cannot predict the value when the
///   ticket is requested: block.prevrandao of block T is the RANDAO mix after block T - 1,
///   unknown in block R < T - 1 (LOOKAHEAD >= 2). Stakes in the court are frozen from the
///   request, so no stake can follow the value.
/// - The prevrandao of block T is known one block early, to everyone. A caller who dislikes it
///   can decline to fulfil in block T and wait for block T + 1, but it cannot stop anyone else
///   from fulfilling in block T: one honest caller in the first block of the window decides.
///   If nobody else fulfils, an attacker can choose among at most WINDOW values; if the window
///   passes, the ticket expires and the consumer requests a new one (LOOKAHEAD more blocks).
/// - A block proposer of a block in the window can censor fulfil calls in its own block, moving
///   the value to the next block's; a proposer of the block before the window can withhold its
///   block, forfeiting its reward, to change the mix (one bit of influence per withheld slot).
///   A validator controlling many consecutive slots has proportionally more choice. This is
///   the standard bound of RANDAO: cheap for nobody, but not free for large validators.
interface IPrevrandaoRandomness is IRandomnessSource {
    /// @notice LOOKAHEAD must be at least 2 and WINDOW at least 1.
    error RandomnessInvalidConfig(uint256 lookahead, uint256 window);

    /// @notice Blocks between a request and the opening of its window.
    /// @return The lookahead, in blocks.
    function LOOKAHEAD() external view returns (uint256);

    /// @notice Blocks in which a ticket can be fulfilled.
    /// @return The window, in blocks.
    function WINDOW() external view returns (uint256);

    /// @notice The block that opens the ticket's window (0 for an unknown ticket).
    /// @param ticket The ticket.
    /// @return The block number of the window's first block.
    function targetBlock(uint256 ticket) external view returns (uint256);

    /// @notice Tickets issued so far (the next ticket's number).
    /// @return The number of tickets.
    function ticketCount() external view returns (uint256);
}
