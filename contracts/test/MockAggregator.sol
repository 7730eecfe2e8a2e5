// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @notice Test-only stand-in for a Chainlink price feed (the outside world), driven by the
///         tests and the demo: {setAnswer} publishes a new, complete round now; {setRound}
///         writes any round, including incomplete, stale or future ones; {setReverting} makes
///         {latestRoundData} revert, {setMalformed} makes it answer only the first four of its
///         five words (a truncated answer, as a broken feed or another contract might give)
///         and {setBurning} makes it use all the gas it is given.
/// @dev The latest round is packed into one slot (answer, updatedAt, roundId, flags), so that a
///      steady-state read costs one storage read as a real feed's does. `startedAt` and
///      `answeredInRound` live in a second slot, read only when a round set by {setRound} gave
///      them values other than `updatedAt` and `roundId`.
contract MockAggregator is AggregatorV3Interface {
    /// @notice {latestRoundData} was called while the feed is set to revert.
    error MockAggregatorReverting();

    /// @notice {getRoundData} was asked for a round other than the latest one.
    error MockAggregatorNoRound(uint80 roundId);

    uint8 private constant _REVERTING = 1;
    uint8 private constant _MALFORMED = 2;
    uint8 private constant _BURNING = 4;
    uint8 private constant _SEPARATE = 8; // startedAt / answeredInRound are in `_separate`

    struct Latest {
        int128 answer;
        uint40 updatedAt;
        uint80 roundId;
        uint8 flags;
    }

    struct Separate {
        uint176 startedAt;
        uint80 answeredInRound;
    }

    uint8 private immutable _decimals;
    string private _description;
    Latest private _latest;
    Separate private _separate;

    constructor(uint8 decimals_, string memory description_, int256 initialAnswer) {
        _decimals = decimals_;
        _description = description_;
        setAnswer(initialAnswer);
    }

    // ---------------------------------------------------------------- driven by tests

    /// @notice Publishes `answer` as a new complete round: the next round id, updated (and
    ///         started) now, answered in itself. The reverting and malformed modes stay as set.
    function setAnswer(int256 answer) public {
        Latest memory latest = _latest;
        _latest = Latest(
            SafeCast.toInt128(answer),
            SafeCast.toUint40(block.timestamp),
            latest.roundId + 1,
            latest.flags & ~_SEPARATE
        );
    }

    /// @notice Writes the latest round exactly as given (any values, even inconsistent ones).
    function setRound(
        uint80 roundId,
        int256 answer,
        uint256 startedAt,
        uint256 updatedAt,
        uint80 answeredInRound
    ) external {
        uint8 flags = _latest.flags & ~_SEPARATE;
        if (startedAt != updatedAt || answeredInRound != roundId) {
            flags |= _SEPARATE;
            _separate = Separate(SafeCast.toUint176(startedAt), answeredInRound);
        }
        _latest = Latest(SafeCast.toInt128(answer), SafeCast.toUint40(updatedAt), roundId, flags);
    }

    /// @notice While `reverting`, {latestRoundData} reverts with {MockAggregatorReverting}.
    function setReverting(bool reverting) external {
        _setFlag(_REVERTING, reverting);
    }

    /// @notice While `malformed`, {latestRoundData} returns its first four words only (without
    ///         `answeredInRound`).
    function setMalformed(bool malformed) external {
        _setFlag(_MALFORMED, malformed);
    }

    /// @notice While `burning`, {latestRoundData} uses all the gas it is given.
    function setBurning(bool burning) external {
        _setFlag(_BURNING, burning);
    }

    // ---------------------------------------------------------------- AggregatorV3Interface

    function decimals() external view returns (uint8) {
        return _decimals;
    }

    function description() external view returns (string memory) {
        return _description;
    }

    function version() external pure returns (uint256) {
        return 4;
    }

    /// @notice The latest round when asked for its id; any other round does not exist here.
    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        if (roundId != _latest.roundId) revert MockAggregatorNoRound(roundId);
        return latestRoundData();
    }

    function latestRoundData()
        public
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        Latest memory latest = _latest;
        uint8 flags = latest.flags;
        if (flags & _REVERTING != 0) revert MockAggregatorReverting();
        if (flags & _BURNING != 0) {
            // Safe: the designated invalid instruction ends the call, using all of its gas.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                invalid()
            }
        }
        roundId = latest.roundId;
        answer = latest.answer;
        updatedAt = latest.updatedAt;
        if (flags & _SEPARATE != 0) {
            Separate memory separate = _separate;
            (startedAt, answeredInRound) = (separate.startedAt, separate.answeredInRound);
        } else {
            (startedAt, answeredInRound) = (updatedAt, roundId);
        }
        if (flags & _MALFORMED != 0) {
            // Safe: writes four words from the free memory pointer on without moving it
            // (temporary use) and ends the call with them.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                let words := mload(0x40)
                mstore(words, roundId)
                mstore(add(words, 0x20), answer)
                mstore(add(words, 0x40), startedAt)
                mstore(add(words, 0x60), updatedAt)
                return(words, 0x80)
            }
        }
    }

    // ---------------------------------------------------------------- internals

    function _setFlag(uint8 flag, bool on) private {
        uint8 flags = _latest.flags;
        _latest.flags = on ? flags | flag : flags & ~flag;
    }
}
