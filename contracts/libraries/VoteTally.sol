// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title VoteTally
/// @notice Revealed votes per choice and the choice leading them, kept up to date vote by vote
///         so that a round's ruling is read in one storage word.
/// @dev The leader and the tie flag live with the caller (packed with its other per-round
///      counters); this library keeps the per-choice counts and says how each reveal moves
///      the lead.
library VoteTally {
    struct Tally {
        mapping(uint256 choice => uint256) votes; // revealed votes per choice
    }

    /// @notice How a reveal moves the lead.
    enum Move {
        Keep, // the leader and the tie flag stay
        Lead, // the choice voted for now leads alone
        Tie, // the choice voted for now has as many votes as the leader
        Untie // the leader got the votes: it leads alone
    }

    /// @notice Counts `count` votes for `choice` and says how the lead moves.
    /// @param tally The round's tally.
    /// @param choice The choice voted for.
    /// @param count Votes (seats) revealed for it.
    /// @param winning The choice leading before these votes.
    /// @return move Lead: `choice` leads alone; Tie: another choice has as many votes as the
    ///         leader; Untie: the leader leads alone; Keep: leader and tie flag unchanged.
    function add(Tally storage tally, uint256 choice, uint256 count, uint256 winning) internal returns (Move move) {
        uint256 votes = tally.votes[choice] + count;
        tally.votes[choice] = votes;
        if (choice == winning) return Move.Untie;
        uint256 leading = tally.votes[winning];
        if (votes > leading) return Move.Lead;
        if (votes == leading) return Move.Tie;
        return Move.Keep;
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
