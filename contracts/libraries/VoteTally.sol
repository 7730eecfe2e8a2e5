// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title VoteTally
/// @notice Revealed votes per choice and the choice leading them, kept up to date vote by vote
///         so that a round's ruling is read in one storage word.
/// @dev The leader and the tie flag live with the caller (packed with its other per-round
///      counters, where the court updates them from the counts kept here: the ruling is the
///      leader unless tied, see {ruling}).
library VoteTally {
    struct Tally {
        mapping(uint256 choice => uint256) votes; // revealed votes per choice
    }

    /// @notice Counts `count` votes for `choice`.
    /// @param tally The round's tally.
    /// @param choice The choice voted for.
    /// @param count Votes (seats) revealed for it.
    /// @return votes The choice's revealed votes, these included.
    function add(Tally storage tally, uint256 choice, uint256 count) internal returns (uint256 votes) {
        votes = tally.votes[choice] + count;
        tally.votes[choice] = votes;
    }

    /// @notice Revealed votes for `choice`.
    /// @param tally The round's tally.
    /// @param choice The choice.
    /// @return The number of seats that revealed `choice`.
    function votesFor(Tally storage tally, uint256 choice) internal view returns (uint256) {
        return tally.votes[choice];
    }

    /// @notice The ruling a tally gives: the leading choice, or 0 (refuse to arbitrate) on a
    ///         tie or without any revealed vote.
    /// @param revealed Votes revealed in the round.
    /// @param winning The leading choice.
    /// @param tied Whether another choice has as many votes as `winning`.
    /// @return The ruling.
    function ruling(uint256 revealed, uint256 winning, bool tied) internal pure returns (uint256) {
        return (revealed == 0 || tied) ? 0 : winning;
    }
}
