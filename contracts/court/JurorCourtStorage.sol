// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IArbitrable} from "@kleros/erc-792/contracts/IArbitrable.sol";
import {IArbitrator} from "@kleros/erc-792/contracts/IArbitrator.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IJurorCourt} from "../../interfaces/IJurorCourt.sol";
import {IRandomnessSource} from "../../interfaces/IRandomnessSource.sol";
import {SortitionTree} from "../libraries/SortitionTree.sol";
import {StakingLedger} from "../libraries/StakingLedger.sol";
import {SeatBook} from "../libraries/SeatBook.sol";
import {VoteTally} from "../libraries/VoteTally.sol";
import {BPS} from "../libraries/Constants.sol";

/// @title JurorCourtStorage
/// @notice The JurorCourt's state, in one place: the court and its extension (which runs on the
///         court's storage by DELEGATECALL) both inherit it first, so both see one layout.
abstract contract JurorCourtStorage {
    struct Dispute {
        IArbitrable arbitrable;
        uint32 choices;
        IJurorCourt.Period period;
        uint40 periodStart;
        bool ruled;
        uint8 lastRound; // index of the current round
        IJurorCourt.CourtParams params; // in force when the dispute was created
    }

    struct Round {
        // One slot: what draw, commit and reveal touch.
        uint32 seats;
        uint32 committed;
        uint32 revealed;
        uint32 winning; // choice with the most revealed votes so far
        bool tied; // another choice has as many votes as `winning`
        uint64 ticket; // randomness ticket
        uint40 requestBlock; // block of the ticket's request
        bool drawn; // every seat is filled
        // Settlement.
        uint128 fees; // ETH paid for the round
        uint96 penalties; // tokens slashed from incoherent seats
        uint32 settled; // seats settled
        uint32 incoherentSettled;
        SeatBook.Book seatBook; // juror id by seat
        mapping(uint256 seat => Vote) votes;
        VoteTally.Tally tally; // revealed votes per choice
    }

    struct Vote {
        bytes32 commitment;
        uint32 choice;
        bool revealed;
        bool settled;
    }

    /// @dev `IJurorCourt.Totals` without `locked`, which is kept with the draw bookkeeping.
    struct Holdings {
        uint256 staked;
        uint256 cooling;
        uint256 penaltiesHeld;
        uint256 rewardTokensOwed;
        uint256 residualTokens;
        uint256 feesHeld;
        uint256 rewardEthOwed;
        uint256 residualEth;
    }

    IJurorCourt.CourtParams internal _params;
    SortitionTree.Tree internal _tree;

    // Draw bookkeeping, one slot.
    uint32 internal _pendingDraws; // rounds waiting for jurors
    uint64 internal _staleBefore; // tickets requested at or before this block must be renewed
    uint128 internal _lockedTotal; // sum of locked stake

    Holdings internal _holdings;
    StakingLedger.Ledger internal _ledger;

    // Mappings rather than arrays: no length to read (and bounds-check) on every vote.
    mapping(uint256 disputeId => Dispute) internal _disputes;
    mapping(uint256 disputeId => mapping(uint256 round => Round)) internal _rounds;
    uint256 internal _disputeCount;

    /// @dev The randomness source fixed at deployment (an immutable of the running contract).
    function _randomnessSource() internal view virtual returns (IRandomnessSource);

    function _openRound(uint256 disputeId, uint256 roundIndex, uint256 seats) internal {
        Round storage r = _rounds[disputeId][roundIndex];
        r.seats = uint32(seats); // at most 127: 3 seats, doubled plus one at most MAX_APPEALS times
        r.fees = SafeCast.toUint128(msg.value);
        _holdings.feesHeld += msg.value;
        _pendingDraws += 1;
        _requestRandomness(disputeId, roundIndex, r);
    }

    function _requestRandomness(uint256 disputeId, uint256 roundIndex, Round storage r) internal {
        uint256 ticket = _randomnessSource().request();
        r.ticket = SafeCast.toUint64(ticket);
        r.requestBlock = uint40(block.number); // block numbers fit 40 bits for 34 million years
        emit IJurorCourt.DrawRequested(disputeId, roundIndex, ticket);
    }

    function _enterPeriod(uint256 disputeId, Dispute storage d, IJurorCourt.Period period) internal {
        d.period = period;
        d.periodStart = uint40(block.timestamp); // timestamps fit 40 bits for 34,000 years
        emit IJurorCourt.NewPeriod(disputeId, period);
        if (period == IJurorCourt.Period.Appeal) emit IArbitrator.AppealPossible(disputeId, d.arbitrable);
    }

    function _requirePeriod(uint256 disputeId, Dispute storage d, IJurorCourt.Period period) internal view {
        if (d.period != period) revert IJurorCourt.CourtWrongPeriod(disputeId, d.period);
    }

    function _dispute(uint256 disputeId) internal view returns (Dispute storage d) {
        d = _disputes[disputeId];
        if (address(d.arbitrable) == address(0)) revert IJurorCourt.CourtUnknownDispute(disputeId);
    }

    function _roundRuling(Round storage r) internal view returns (uint256) {
        return VoteTally.ruling(r.revealed, r.winning, r.tied);
    }

    function _currentRuling(uint256 disputeId) internal view returns (uint256) {
        return _roundRuling(_rounds[disputeId][_disputes[disputeId].lastRound]);
    }

    function _lockPerSeat(IJurorCourt.CourtParams storage p) internal view returns (uint256) {
        return (uint256(p.minStake) * p.alphaBps) / BPS;
    }

    function _duration(IJurorCourt.CourtParams storage p, IJurorCourt.Period period) internal view returns (uint256) {
        if (period == IJurorCourt.Period.Evidence) return p.evidencePeriod;
        if (period == IJurorCourt.Period.Commit) return p.commitPeriod;
        if (period == IJurorCourt.Period.Reveal) return p.revealPeriod;
        if (period == IJurorCourt.Period.Appeal) return p.appealPeriod;
        return 0;
    }
}
