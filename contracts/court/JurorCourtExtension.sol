// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IArbitrator} from "@kleros/erc-792/contracts/IArbitrator.sol";
import {IRandomnessSource} from "../../interfaces/IRandomnessSource.sol";
import {IJurorCourt} from "../../interfaces/IJurorCourt.sol";
import {SortitionTree} from "../libraries/SortitionTree.sol";
import {StakingLedger} from "../libraries/StakingLedger.sol";
import {SeatBook} from "../libraries/SeatBook.sol";
import {BPS} from "../libraries/Constants.sol";
import {JurorCourtStorage} from "./JurorCourtStorage.sol";

/// @title JurorCourtExtension
/// @notice The JurorCourt's parameter rules and its structured views. The court creates one
///         extension in its constructor and runs these functions by DELEGATECALL, on its own
///         storage, under the same selectors as in {IJurorCourt}; they are documented there.
/// @dev Called directly, the extension runs on its own empty storage: nothing of the court's
///      can be read or changed that way. Access control (governance for setParams) is the
///      court's, before it delegates.
contract JurorCourtExtension is JurorCourtStorage {
    using SafeERC20 for IERC20;
    using SortitionTree for SortitionTree.Tree;
    using StakingLedger for StakingLedger.Account;
    using SeatBook for SeatBook.Book;
    using StakingLedger for StakingLedger.Ledger;

    uint256 private constant _MAX_APPEALS = 5; // IJurorCourt.MAX_APPEALS
    uint256 private constant _MIN_PERIOD = 1 hours; // IJurorCourt.MIN_PERIOD
    uint256 private constant _MAX_PERIOD = 30 days; // IJurorCourt.MAX_PERIOD
    uint256 private constant _MAX_COOLDOWN = 90 days; // IJurorCourt.MAX_COOLDOWN

    IERC20 private immutable _token;
    IRandomnessSource private immutable _randomness;

    /// @param token_ The court's token.
    /// @param randomness_ The court's randomness source.
    constructor(IERC20 token_, IRandomnessSource randomness_) {
        _token = token_;
        _randomness = randomness_;
    }

    // ------------------------------------------------------------------ arbitrator and jurors

    /// @notice {IArbitrator-appeal}.
    function appeal(uint256 disputeId, bytes calldata) external payable {
        Dispute storage d = _dispute(disputeId);
        if (msg.sender != address(d.arbitrable)) revert IJurorCourt.CourtNotArbitrable(disputeId, msg.sender);
        _requirePeriod(disputeId, d, IJurorCourt.Period.Appeal);
        uint256 endsAt = uint256(d.periodStart) + d.params.appealPeriod;
        if (block.timestamp >= endsAt) revert IJurorCourt.CourtPeriodOver(disputeId, endsAt);
        uint256 lastRound = d.lastRound;
        if (lastRound >= d.params.maxAppeals) revert IJurorCourt.CourtNoMoreAppeals(disputeId);
        uint256 seats = _rounds[disputeId][lastRound].seats * 2 + 1;
        uint256 cost = uint256(d.params.feePerJuror) * seats;
        if (msg.value < cost) revert IJurorCourt.CourtInsufficientFee(msg.value, cost);

        d.lastRound = uint8(lastRound + 1); // lastRound < maxAppeals <= MAX_APPEALS (5)
        _enterPeriod(disputeId, d, IJurorCourt.Period.Evidence);
        emit IArbitrator.AppealDecision(disputeId, d.arbitrable);
        _openRound(disputeId, lastRound + 1, seats);
    }

    /// @notice {IJurorCourt-withdrawStake}, under the court's reentrancy guard.
    function withdrawStake() external {
        StakingLedger.Cooling memory cooling = _ledger.takeCooling(msg.sender);
        if (cooling.amount == 0) revert IJurorCourt.CourtNothingToWithdraw(msg.sender);
        if (block.timestamp < cooling.availableAt) revert IJurorCourt.CourtCoolingDown(cooling.availableAt);
        _holdings.cooling -= cooling.amount;
        emit IJurorCourt.StakeWithdrawn(msg.sender, cooling.amount);
        _token.safeTransfer(msg.sender, cooling.amount);
    }

    // ------------------------------------------------------------------ governance

    /// @notice {IJurorCourt-setParams}, after the court's access control.
    function setParams(IJurorCourt.CourtParams calldata p) external {
        _atLeast(IJurorCourt.ParamField.MinStake, p.minStake, 1);
        _atLeast(IJurorCourt.ParamField.FeePerJuror, p.feePerJuror, 1);
        _atLeast(IJurorCourt.ParamField.AlphaBps, p.alphaBps, 1);
        _atMost(IJurorCourt.ParamField.AlphaBps, p.alphaBps, BPS);
        _atMost(IJurorCourt.ParamField.MaxAppeals, p.maxAppeals, _MAX_APPEALS);
        _atMost(IJurorCourt.ParamField.UnstakeCooldown, p.unstakeCooldown, _MAX_COOLDOWN);
        _period(IJurorCourt.ParamField.EvidencePeriod, p.evidencePeriod);
        _period(IJurorCourt.ParamField.CommitPeriod, p.commitPeriod);
        _period(IJurorCourt.ParamField.RevealPeriod, p.revealPeriod);
        _period(IJurorCourt.ParamField.AppealPeriod, p.appealPeriod);
        _atLeast(IJurorCourt.ParamField.LockPerSeat, (uint256(p.minStake) * p.alphaBps) / BPS, 1);
        _params = p;
        emit IJurorCourt.ParamsSet(p);
    }

    // ------------------------------------------------------------------ views

    /// @notice {IArbitrator-appealCost}.
    function appealCost(uint256 disputeId, bytes calldata) external view returns (uint256) {
        Dispute storage d = _dispute(disputeId);
        uint256 lastRound = d.lastRound;
        if (
            d.period != IJurorCourt.Period.Appeal ||
            block.timestamp >= uint256(d.periodStart) + d.params.appealPeriod ||
            lastRound >= d.params.maxAppeals
        ) return type(uint256).max;
        return uint256(d.params.feePerJuror) * (_rounds[disputeId][lastRound].seats * 2 + 1);
    }

    /// @notice {IArbitrator-appealPeriod}.
    function appealPeriod(uint256 disputeId) external view returns (uint256 start, uint256 end) {
        Dispute storage d = _dispute(disputeId);
        if (d.period != IJurorCourt.Period.Appeal) return (0, 0);
        return (d.periodStart, uint256(d.periodStart) + d.params.appealPeriod);
    }

    /// @notice {IArbitrator-disputeStatus}.
    function disputeStatus(uint256 disputeId) external view returns (IArbitrator.DisputeStatus) {
        IJurorCourt.Period period = _dispute(disputeId).period;
        if (period == IJurorCourt.Period.Execution) return IArbitrator.DisputeStatus.Solved;
        if (period == IJurorCourt.Period.Appeal) return IArbitrator.DisputeStatus.Appealable;
        return IArbitrator.DisputeStatus.Waiting;
    }

    /// @notice {IJurorCourt-appealSeats}.
    function appealSeats(uint256 disputeId) external view returns (uint256) {
        return _rounds[disputeId][_dispute(disputeId).lastRound].seats * 2 + 1;
    }

    /// @notice {IJurorCourt-params}.
    function params() external view returns (IJurorCourt.CourtParams memory) {
        return _params;
    }

    /// @notice {IJurorCourt-disputeParams}.
    function disputeParams(uint256 disputeId) external view returns (IJurorCourt.CourtParams memory) {
        return _dispute(disputeId).params;
    }

    /// @notice {IJurorCourt-dispute}.
    function dispute(uint256 disputeId) external view returns (IJurorCourt.DisputeInfo memory info) {
        Dispute storage d = _dispute(disputeId);
        info.arbitrable = d.arbitrable;
        info.choices = d.choices;
        info.period = d.period;
        info.periodStart = d.periodStart;
        if (d.period != IJurorCourt.Period.Execution) {
            info.periodEnd = uint256(d.periodStart) + _duration(d.params, d.period);
        }
        info.rounds = uint256(d.lastRound) + 1;
        info.ruled = d.ruled;
        info.ruling = _currentRuling(disputeId);
    }

    /// @notice {IJurorCourt-round}.
    function round(uint256 disputeId, uint256 roundIndex) external view returns (IJurorCourt.RoundInfo memory info) {
        Round storage r = _round(disputeId, roundIndex);
        info.seats = r.seats;
        uint256 drawn = r.drawn ? r.seats : 0;
        info.jurors = new address[](drawn);
        for (uint256 seat = 0; seat < drawn; ++seat) {
            info.jurors[seat] = _ledger.addresses[r.seatBook.jurorOf(seat)];
        }
        info.ticket = r.ticket;
        info.committed = r.committed;
        info.revealed = r.revealed;
        info.ruling = _roundRuling(r);
        info.fees = r.fees;
        info.penalties = r.penalties;
        info.settled = r.settled;
    }

    /// @notice {IJurorCourt-vote}.
    function vote(
        uint256 disputeId,
        uint256 roundIndex,
        uint256 seat
    ) external view returns (IJurorCourt.VoteInfo memory) {
        Round storage r = _round(disputeId, roundIndex);
        if (!r.drawn || seat >= r.seats) revert IJurorCourt.CourtInvalidSeat(disputeId, roundIndex, seat);
        Vote storage v = r.votes[seat];
        return
            IJurorCourt.VoteInfo(
                _ledger.addresses[r.seatBook.jurorOf(seat)],
                v.commitment,
                v.choice,
                v.revealed,
                v.settled
            );
    }

    /// @notice {IJurorCourt-juror}.
    function juror(address account) external view returns (IJurorCourt.JurorInfo memory info) {
        uint256 idPlusOne = _ledger.idPlusOne[account];
        if (idPlusOne != 0) {
            StakingLedger.Account memory a = _ledger.accounts[idPlusOne - 1];
            info.id = idPlusOne - 1;
            info.exists = true;
            info.stake = a.stake;
            info.locked = a.locked;
            info.coherent = a.coherent;
            info.incoherent = a.incoherent;
            info.weight = _tree.weightOf(idPlusOne - 1);
        }
        uint256 delayed = _ledger.delayedPlusOne[account];
        info.hasDelayedStake = delayed != 0;
        if (delayed != 0) info.delayedStake = delayed - 1;
        StakingLedger.Cooling memory cooling = _ledger.cooling[account];
        info.cooling = cooling.amount;
        info.coolingEndsAt = cooling.availableAt;
        StakingLedger.Claimable memory owed = _ledger.claimable[account];
        info.rewardTokens = owed.tokens;
        info.rewardEth = owed.eth;
    }

    /// @notice {IJurorCourt-totals}.
    function totals() external view returns (IJurorCourt.Totals memory) {
        Holdings memory h = _holdings;
        return
            IJurorCourt.Totals({
                staked: h.staked,
                locked: _lockedTotal,
                cooling: h.cooling,
                penaltiesHeld: h.penaltiesHeld,
                rewardTokensOwed: h.rewardTokensOwed,
                residualTokens: h.residualTokens,
                feesHeld: h.feesHeld,
                rewardEthOwed: h.rewardEthOwed,
                residualEth: h.residualEth
            });
    }

    // ------------------------------------------------------------------ internals

    function _randomnessSource() internal view override returns (IRandomnessSource) {
        return _randomness;
    }

    function _round(uint256 disputeId, uint256 roundIndex) private view returns (Round storage) {
        if (roundIndex > _dispute(disputeId).lastRound) revert IJurorCourt.CourtUnknownRound(disputeId, roundIndex);
        return _rounds[disputeId][roundIndex];
    }

    function _atLeast(IJurorCourt.ParamField field, uint256 value, uint256 minimum) private pure {
        if (value < minimum) revert IJurorCourt.CourtParamBelowMinimum(field, value, minimum);
    }

    function _atMost(IJurorCourt.ParamField field, uint256 value, uint256 maximum) private pure {
        if (value > maximum) revert IJurorCourt.CourtParamAboveMaximum(field, value, maximum);
    }

    function _period(IJurorCourt.ParamField field, uint256 duration) private pure {
        _atLeast(field, duration, _MIN_PERIOD);
        _atMost(field, duration, _MAX_PERIOD);
    }
}
