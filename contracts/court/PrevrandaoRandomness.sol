// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPrevrandaoRandomness} from "../../interfaces/IPrevrandaoRandomness.sol";
import {IRandomnessSource} from "../../interfaces/IRandomnessSource.sol";

/// @title PrevrandaoRandomness
/// @notice Randomness from block.prevrandao, fixed at a future block. See {IPrevrandaoRandomness}.
contract PrevrandaoRandomness is IPrevrandaoRandomness {
    uint256 private constant _MIN_LOOKAHEAD = 2; // blocks: prevrandao of block T is known after T - 1

    uint256 public immutable LOOKAHEAD; // blocks from request to the window
    uint256 public immutable WINDOW; // blocks in which a ticket may be fulfilled

    /// @dev One slot per ticket: the target block in the low 64 bits, the value (if fixed) in
    ///      the high 192 bits, so fixing a value rewrites a warm, non-zero slot.
    mapping(uint256 ticket => uint256) private _tickets;
    uint256 private _ticketCount;

    constructor(uint256 lookahead, uint256 window) {
        if (lookahead < _MIN_LOOKAHEAD || window == 0) revert RandomnessInvalidConfig(lookahead, window);
        LOOKAHEAD = lookahead;
        WINDOW = window;
    }

    /// @inheritdoc IRandomnessSource
    function request() external returns (uint256 ticket) {
        ticket = _ticketCount++;
        uint256 target = block.number + LOOKAHEAD;
        _tickets[ticket] = target;
        emit RandomnessRequested(ticket, msg.sender, target, target + WINDOW);
    }

    /// @inheritdoc IRandomnessSource
    function fulfil(uint256 ticket) external returns (uint256 value) {
        uint256 packed = _tickets[ticket];
        if (packed == 0) revert RandomnessUnknownTicket(ticket);
        value = packed >> 64;
        if (value != 0) return value;
        uint256 target = uint64(packed);
        if (block.number < target) revert RandomnessNotReady(ticket, target);
        if (block.number >= target + WINDOW) return 0;
        // 192 bits of the hash; never 0, so 0 keeps meaning "not fixed".
        value = uint256(keccak256(abi.encode(block.prevrandao, ticket))) >> 64;
        if (value == 0) value = 1;
        _tickets[ticket] = (value << 64) | target;
        emit RandomnessFixed(ticket, value);
    }

    /// @inheritdoc IRandomnessSource
    function valueOf(uint256 ticket) external view returns (uint256) {
        return _tickets[ticket] >> 64;
    }

    /// @inheritdoc IPrevrandaoRandomness
    function targetBlock(uint256 ticket) external view returns (uint256) {
        return uint64(_tickets[ticket]);
    }

    /// @inheritdoc IPrevrandaoRandomness
    function ticketCount() external view returns (uint256) {
        return _ticketCount;
    }
}
