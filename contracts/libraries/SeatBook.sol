// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SeatBook
/// @notice The juror id of every seat of a round, packed eight 32-bit ids to a storage word:
///         a round of 3 seats takes one word, the largest (127 seats) sixteen.
/// @dev Juror ids must fit in 32 bits (the court refuses a juror id of 2^32 or more when it
///      registers a juror).
library SeatBook {
    uint256 internal constant ID_BITS = 32;
    uint256 internal constant IDS_PER_WORD = 8;
    uint256 private constant _ID_MASK = type(uint32).max;

    struct Book {
        mapping(uint256 word => uint256) words; // eight ids a word, seat 8w + k in bits [32k, 32k + 32)
    }

    /// @notice Adds the id of `seat` to `word`, the word being filled for seats
    ///         8 * (seat / 8) .. seat; stores it once it is full or `seat` is the last of `seats`.
    /// @param book The round's seat book.
    /// @param word The word built so far (0 for the first seat of a word).
    /// @param seat The seat being filled, from 0 upward without gaps.
    /// @param seats The round's number of seats.
    /// @param id The juror id drawn for `seat`, below 2^32.
    /// @return next The word to pass with the next seat.
    function place(
        Book storage book,
        uint256 word,
        uint256 seat,
        uint256 seats,
        uint256 id
    ) internal returns (uint256 next) {
        next = word | (id << ((seat % IDS_PER_WORD) * ID_BITS));
        if (seat % IDS_PER_WORD == IDS_PER_WORD - 1 || seat == seats - 1) {
            book.words[seat / IDS_PER_WORD] = next;
            next = 0;
        }
    }

    /// @notice The juror id of `seat` (0 for a seat never placed).
    /// @param book The round's seat book.
    /// @param seat The seat.
    /// @return The juror id holding `seat`.
    function jurorOf(Book storage book, uint256 seat) internal view returns (uint256) {
        return (book.words[seat / IDS_PER_WORD] >> ((seat % IDS_PER_WORD) * ID_BITS)) & _ID_MASK;
    }
}
