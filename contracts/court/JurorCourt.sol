// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {IArbitrable} from "@kleros/erc-792/contracts/IArbitrable.sol";
import {IArbitrator} from "@kleros/erc-792/contracts/IArbitrator.sol";
import {IJurorCourt} from "../../interfaces/IJurorCourt.sol";
import {IRandomnessSource} from "../../interfaces/IRandomnessSource.sol";
import {SortitionTree} from "../libraries/SortitionTree.sol";
import {StakingLedger} from "../libraries/StakingLedger.sol";
import {SeatBook} from "../libraries/SeatBook.sol";
import {VoteTally} from "../libraries/VoteTally.sol";
import {Transfers} from "../libraries/Transfers.sol";
import {Delegation} from "../libraries/Delegation.sol";
import {Governed} from "../governance/Governed.sol";
import {JurorCourtStorage} from "./JurorCourtStorage.sol";
import {JurorCourtExtension} from "./JurorCourtExtension.sol";

/// @title JurorCourt
/// @notice Staked jurors drawn by sortition, commit-reveal votes, appeals, rewards and
///         slashing, behind the ERC-792 arbitrator interface. See {IJurorCourt}.
/// @dev The dispute and period state machine and the paths that move stakes, votes and value.
///      The staking ledger, the seat book and the vote tally are libraries over this contract's
///      storage ({JurorCourtStorage}); the parameter rules and the structured views run in
///      {JurorCourtExtension}, created by the constructor and reached by DELEGATECALL, which
///      keeps this contract's code 4 KiB under the EIP-170 limit.
contract JurorCourt is IJurorCourt, JurorCourtStorage, Governed, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SortitionTree for SortitionTree.Tree;
    using StakingLedger for StakingLedger.Ledger;
    using StakingLedger for StakingLedger.Account;
    using SeatBook for SeatBook.Book;
    using VoteTally for VoteTally.Tally;

    uint256 public constant WEIGHT_UNIT = StakingLedger.WEIGHT_UNIT; // token wei per unit of drawing weight
    uint256 public constant FIRST_ROUND_SEATS = 3;
    uint256 public constant MAX_APPEALS = 5; // seats 3, 7, 15, 31, 63, 127
    uint256 public constant MAX_CHOICES = type(uint32).max;
    uint256 public constant MIN_PERIOD = 1 hours;
    uint256 public constant MAX_PERIOD = 30 days;
    uint256 public constant MAX_COOLDOWN = 90 days;

    IERC20 private immutable _token;
    IRandomnessSource private immutable _randomness;
    address private immutable _treasury;
    /// @dev Parameter rules and structured views, run on this contract's storage.
    address private immutable _extension;

    constructor(
        address governance_,
        IERC20 token_,
        IRandomnessSource randomness_,
        address treasury_,
        CourtParams memory params_
    ) Governed(governance_) {
        if (address(token_) == address(0) || address(randomness_) == address(0) || treasury_ == address(0)) {
            revert CourtZeroAddress();
        }
        _token = token_;
        _randomness = randomness_;
        _treasury = treasury_;
        address extension = address(new JurorCourtExtension(token_, randomness_));
        _extension = extension;
        Address.functionDelegateCall(extension, abi.encodeCall(JurorCourtExtension.setParams, (params_)));
    }

    // ------------------------------------------------------------------ arbitrator (ERC-792)

    /// @inheritdoc IArbitrator
    function createDispute(uint256 choices, bytes calldata) external payable returns (uint256 disputeId) {
        if (choices == 0 || choices > MAX_CHOICES) revert CourtInvalidChoices(choices);
        CourtParams memory params_ = _params;
        uint256 cost = uint256(params_.feePerJuror) * FIRST_ROUND_SEATS;
        if (msg.value < cost) revert CourtInsufficientFee(msg.value, cost);

        disputeId = _disputeCount++;
        Dispute storage d = _disputes[disputeId];
        d.arbitrable = IArbitrable(msg.sender);
        d.choices = uint32(choices); // checked against MAX_CHOICES (2^32 - 1) above
        d.periodStart = uint40(block.timestamp); // timestamps fit 40 bits for 34,000 years
        d.params = params_;
        _openRound(disputeId, 0, FIRST_ROUND_SEATS);
        emit DisputeCreation(disputeId, IArbitrable(msg.sender));
    }

    /// @inheritdoc IArbitrator
    function appeal(uint256, bytes calldata) external payable {
        _delegate();
    }

    /// @inheritdoc IArbitrator
    function arbitrationCost(bytes calldata) external view returns (uint256) {
        return uint256(_params.feePerJuror) * FIRST_ROUND_SEATS;
    }

    /// @inheritdoc IArbitrator
    /// @dev type(uint256).max when the dispute cannot be appealed now.
    function appealCost(uint256, bytes calldata) external view returns (uint256) {
        _delegateView();
    }

    /// @inheritdoc IArbitrator
    function appealPeriod(uint256) external view returns (uint256, uint256) {
        _delegateView();
    }

    /// @inheritdoc IArbitrator
    function disputeStatus(uint256) external view returns (DisputeStatus) {
        _delegateView();
    }

    /// @inheritdoc IArbitrator
    function currentRuling(uint256 disputeId) external view returns (uint256) {
        _dispute(disputeId);
        return _currentRuling(disputeId);
    }

    // ------------------------------------------------------------------ staking

    /// @inheritdoc IJurorCourt
    function setStake(uint256 stake) external nonReentrant {
        uint256 idPlusOne = _ledger.idPlusOne[msg.sender];
        uint256 current = idPlusOne == 0 ? 0 : _ledger.accounts[idPlusOne - 1].stake;
        if (stake == current) {
            // Asking for the stake in force withdraws a recorded request, if any.
            if (_ledger.delayedPlusOne[msg.sender] == 0) revert CourtStakeUnchanged(stake);
            delete _ledger.delayedPlusOne[msg.sender];
            emit StakeDelayed(msg.sender, stake);
            return;
        }
        _checkStake(stake);
        if (frozen()) {
            _ledger.delayedPlusOne[msg.sender] = stake + 1;
            emit StakeDelayed(msg.sender, stake);
            return;
        }
        _applyStake(msg.sender, stake, idPlusOne);
    }

    /// @inheritdoc IJurorCourt
    function applyDelayedStake(address juror_) external nonReentrant {
        if (frozen()) revert CourtFrozen();
        uint256 requested = _ledger.delayedPlusOne[juror_];
        if (requested == 0) revert CourtNoDelayedStake(juror_);
        _checkStake(requested - 1);
        _applyStake(juror_, requested - 1, _ledger.idPlusOne[juror_]);
    }

    /// @inheritdoc IJurorCourt
    function withdrawStake() external nonReentrant {
        _delegate();
    }

    // ------------------------------------------------------------------ drawing and voting

    /// @inheritdoc IJurorCourt
    function draw(uint256 disputeId) external {
        Dispute storage d = _dispute(disputeId);
        _requirePeriod(disputeId, d, Period.Evidence);
        uint256 roundIndex = d.lastRound;
        Round storage r = _rounds[disputeId][roundIndex];
        if (r.drawn) revert CourtAlreadyDrawn(disputeId, roundIndex);

        // A ticket requested before stakes last changed during pending draws (possible only
        // while the tree was empty) must not decide this draw: its value may be known.
        uint256 value = r.requestBlock <= _staleBefore ? 0 : _randomness.fulfil(r.ticket);
        if (value == 0) {
            _requestRandomness(disputeId, roundIndex, r);
            return;
        }
        if (_tree.total() == 0) revert CourtNoJurors();

        uint256 seats = r.seats;
        uint256 lock = _lockPerSeat(d.params);
        uint256 word = 0;
        uint256[] memory ids = new uint256[](seats);
        for (uint256 seat = 0; seat < seats; ++seat) {
            uint256 id = _tree.draw(uint256(keccak256(abi.encode(value, disputeId, roundIndex, seat))));
            // Over-locking is allowed: a juror drawn for more seats than its free stake covers
            // loses at most its remaining stake (see settle). The lock is at most minStake
            // (a uint96), and a juror holds at most 127 seats a round.
            _ledger.accounts[id].locked += uint96(lock);
            word = r.seatBook.place(word, seat, seats, id);
            ids[seat] = id;
        }
        r.drawn = true;
        // At most 127 locks of a uint96 each per round, all part of the staked token supply.
        _lockedTotal += uint128(lock * seats);
        _pendingDraws -= 1;
        emit JurorsDrawn(disputeId, roundIndex, ids);
    }

    /// @inheritdoc IJurorCourt
    function commit(uint256 disputeId, uint256[] calldata seats, bytes32 commitment) external {
        if (commitment == bytes32(0)) revert CourtZeroCommitment();
        (Round storage r, uint256 roundIndex) = _votingRound(disputeId, Period.Commit);
        uint256 id = _seatsOf(disputeId, roundIndex, r, seats);
        for (uint256 i = 0; i < seats.length; ++i) {
            Vote storage v = r.votes[seats[i]];
            if (v.commitment != bytes32(0)) revert CourtAlreadyCommitted(disputeId, roundIndex, seats[i]);
            v.commitment = commitment;
        }
        // Every seat is distinct and below r.seats (a uint32): the count cannot exceed it.
        r.committed += uint32(seats.length);
        emit VoteCommitted(disputeId, roundIndex, _ledger.addresses[id], seats, commitment);
    }

    /// @inheritdoc IJurorCourt
    function reveal(uint256 disputeId, uint256[] calldata seats, uint256 choice, bytes32 salt) external {
        uint256 choices = _disputes[disputeId].choices; // 0 for an unknown dispute, refused below
        (Round storage r, uint256 roundIndex) = _votingRound(disputeId, Period.Reveal);
        if (choice > choices) revert CourtInvalidChoice(choice, choices);
        _seatsOf(disputeId, roundIndex, r, seats);
        bytes32 expected = commitmentOf(choice, salt, msg.sender, disputeId, roundIndex);
        for (uint256 i = 0; i < seats.length; ++i) {
            Vote storage v = r.votes[seats[i]];
            if (v.commitment == bytes32(0)) revert CourtNotCommitted(disputeId, roundIndex, seats[i]);
            if (v.revealed) revert CourtAlreadyRevealed(disputeId, roundIndex, seats[i]);
            if (v.commitment != expected) revert CourtCommitmentMismatch(disputeId, roundIndex, seats[i]);
            v.choice = uint32(choice); // choice <= choices, a uint32
            v.revealed = true;
        }
        _countVotes(r, choice, seats.length);
        emit VoteRevealed(disputeId, roundIndex, msg.sender, seats, choice);
    }

    /// @inheritdoc IJurorCourt
    function passPeriod(uint256 disputeId) external {
        Dispute storage d = _dispute(disputeId);
        Period period = d.period;
        if (period == Period.Execution) revert CourtWrongPeriod(disputeId, period);
        Round storage r = _rounds[disputeId][d.lastRound];
        uint256 endsAt = uint256(d.periodStart) + _duration(d.params, period);
        bool timeUp = block.timestamp >= endsAt;
        if (period == Period.Evidence) {
            if (!r.drawn) revert CourtJurorsNotDrawn(disputeId);
        } else if (period == Period.Commit) {
            timeUp = timeUp || r.committed == r.seats;
        } else if (period == Period.Reveal) {
            timeUp = timeUp || r.revealed == r.seats;
        }
        if (!timeUp) revert CourtPeriodNotOver(disputeId, endsAt);
        _enterPeriod(disputeId, d, Period(uint8(period) + 1)); // period is before Execution
    }

    /// @inheritdoc IJurorCourt
    function executeRuling(uint256 disputeId) external nonReentrant {
        Dispute storage d = _dispute(disputeId);
        if (d.period == Period.Appeal) {
            uint256 endsAt = uint256(d.periodStart) + d.params.appealPeriod;
            if (block.timestamp < endsAt) revert CourtPeriodNotOver(disputeId, endsAt);
            _enterPeriod(disputeId, d, Period.Execution);
        }
        _requirePeriod(disputeId, d, Period.Execution);
        if (d.ruled) revert CourtAlreadyRuled(disputeId);
        d.ruled = true;
        uint256 ruling = _currentRuling(disputeId);
        IArbitrable arbitrable = d.arbitrable;
        emit RulingExecuted(disputeId, arbitrable, ruling);
        arbitrable.rule(disputeId, ruling);
    }

    // ------------------------------------------------------------------ rewards and penalties

    /// @inheritdoc IJurorCourt
    function settle(uint256 disputeId, uint256 roundIndex, uint256[] calldata seats) external nonReentrant {
        if (seats.length == 0) revert CourtNoSeats();
        if (frozen()) revert CourtFrozen();
        Dispute storage d = _dispute(disputeId);
        _requirePeriod(disputeId, d, Period.Execution);
        if (roundIndex > d.lastRound) revert CourtUnknownRound(disputeId, roundIndex);
        Round storage r = _rounds[disputeId][roundIndex];
        uint256 ruling = _currentRuling(disputeId);
        Settlement memory s = Settlement(
            disputeId,
            roundIndex,
            ruling,
            r.tally.votesFor(ruling),
            _lockPerSeat(d.params)
        );
        for (uint256 i = 0; i < seats.length; ++i) {
            _settleSeat(s, r, seats[i]);
        }
        if (r.settled == r.seats) _closeRound(r, s.coherentSeats);
        // Settling moves weights; with rounds waiting (possible here only while the tree was
        // empty) their tickets may be known, so they are renewed before drawing.
        if (_pendingDraws != 0) _staleBefore = uint64(block.number); // block numbers fit 64 bits
    }

    /// @inheritdoc IJurorCourt
    function withdrawRewards() external nonReentrant {
        StakingLedger.Claimable memory owed = _ledger.takeClaimable(msg.sender);
        if (owed.tokens == 0 && owed.eth == 0) revert CourtNothingToWithdraw(msg.sender);
        _holdings.rewardTokensOwed -= owed.tokens;
        _holdings.rewardEthOwed -= owed.eth;
        emit RewardsWithdrawn(msg.sender, owed.tokens, owed.eth);
        if (owed.tokens != 0) _token.safeTransfer(msg.sender, owed.tokens);
        if (owed.eth != 0) Transfers.sendEth(msg.sender, owed.eth, CourtTransferFailed.selector);
    }

    /// @inheritdoc IJurorCourt
    function sweepResidual() external nonReentrant {
        uint256 tokens = _holdings.residualTokens;
        uint256 eth = _holdings.residualEth;
        if (tokens == 0 && eth == 0) revert CourtNothingToWithdraw(_treasury);
        _holdings.residualTokens = 0;
        _holdings.residualEth = 0;
        emit ResidualSwept(_treasury, tokens, eth);
        if (tokens != 0) _token.safeTransfer(_treasury, tokens);
        if (eth != 0) Transfers.sendEth(_treasury, eth, CourtTransferFailed.selector);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc IJurorCourt
    function setParams(CourtParams calldata) external onlyGovernance {
        _delegate();
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IJurorCourt
    function token() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc IJurorCourt
    function randomness() external view returns (IRandomnessSource) {
        return _randomness;
    }

    /// @inheritdoc IJurorCourt
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IJurorCourt
    function params() external view returns (CourtParams memory) {
        _delegateView();
    }

    /// @inheritdoc IJurorCourt
    function disputeParams(uint256) external view returns (CourtParams memory) {
        _delegateView();
    }

    /// @inheritdoc IJurorCourt
    function lockPerSeat() external view returns (uint256) {
        return _lockPerSeat(_params);
    }

    /// @inheritdoc IJurorCourt
    function appealSeats(uint256) external view returns (uint256) {
        _delegateView();
    }

    /// @inheritdoc IJurorCourt
    function disputeCount() external view returns (uint256) {
        return _disputeCount;
    }

    /// @inheritdoc IJurorCourt
    function dispute(uint256) external view returns (DisputeInfo memory) {
        _delegateView();
    }

    /// @inheritdoc IJurorCourt
    function round(uint256, uint256) external view returns (RoundInfo memory) {
        _delegateView();
    }

    /// @inheritdoc IJurorCourt
    function vote(uint256, uint256, uint256) external view returns (VoteInfo memory) {
        _delegateView();
    }

    /// @inheritdoc IJurorCourt
    function juror(address) external view returns (JurorInfo memory) {
        _delegateView();
    }

    /// @inheritdoc IJurorCourt
    function jurorCount() external view returns (uint256) {
        return _ledger.addresses.length;
    }

    /// @inheritdoc IJurorCourt
    function jurorAt(uint256 jurorId) external view returns (address) {
        return _ledger.addresses[jurorId];
    }

    /// @inheritdoc IJurorCourt
    function totalWeight() external view returns (uint256) {
        return _tree.total();
    }

    /// @inheritdoc IJurorCourt
    function totals() external view returns (Totals memory) {
        _delegateView();
    }

    /// @inheritdoc IJurorCourt
    function pendingDraws() external view returns (uint256) {
        return _pendingDraws;
    }

    /// @inheritdoc IJurorCourt
    /// @dev An empty tree cannot be steered: stakes then apply at once, and every pending
    ///      round renews its ticket before drawing (see draw).
    function frozen() public view returns (bool) {
        return _pendingDraws != 0 && _tree.total() != 0;
    }

    /// @inheritdoc IJurorCourt
    function commitmentOf(
        uint256 choice,
        bytes32 salt,
        address account,
        uint256 disputeId,
        uint256 roundIndex
    ) public view returns (bytes32) {
        return keccak256(abi.encode(choice, salt, account, disputeId, roundIndex, block.chainid, address(this)));
    }

    // ------------------------------------------------------------------ internals

    function _randomnessSource() internal view override returns (IRandomnessSource) {
        return _randomness;
    }

    /// @dev Runs this call in the extension (see {Delegation-forward}); the call ends there.
    function _delegate() private {
        Delegation.forward(_extension);
    }

    /// @dev {_delegate} for a view (see {Delegation-forwardView}).
    function _delegateView() private view {
        Delegation.forwardView(_extension);
    }

    /// @dev The rules of the parameters in force now; a delayed request is checked again when
    ///      applied.
    function _checkStake(uint256 stake) private view {
        uint256 minimum = _params.minStake;
        if (stake != 0 && stake < minimum) revert CourtStakeBelowMinimum(stake, minimum);
        if (stake > type(uint96).max) revert CourtStakeTooLarge(stake);
    }

    /// @dev `stake` has passed {_checkStake}; `idPlusOne` is the account's id + 1 (0 if none).
    function _applyStake(address account, uint256 stake, uint256 idPlusOne) private {
        uint256 id;
        if (idPlusOne == 0) {
            if (stake == 0) revert CourtStakeUnchanged(0);
            id = _tree.push(0);
            _ledger.register(account, id);
        } else {
            id = idPlusOne - 1;
        }
        StakingLedger.Account storage a = _ledger.accounts[id];
        uint256 current = a.stake;
        if (stake == current) revert CourtStakeUnchanged(stake);
        if (stake < a.locked) revert CourtStakeBelowLocked(stake, a.locked);

        delete _ledger.delayedPlusOne[account];
        a.stake = uint96(stake); // checked against type(uint96).max by _checkStake
        uint256 weight = _syncWeight(id, a);
        // Stakes applied while rounds wait for jurors (only possible with an empty tree) make
        // every pending ticket stale.
        if (_pendingDraws != 0) _staleBefore = uint64(block.number); // block numbers fit 64 bits
        emit StakeSet(account, id, stake, weight);

        if (stake > current) {
            _holdings.staked += stake - current;
            _token.safeTransferFrom(account, address(this), stake - current);
        } else {
            uint256 decrease = current - stake;
            _holdings.staked -= decrease;
            _holdings.cooling += decrease;
            StakingLedger.Cooling memory cooling = _ledger.cool(
                account,
                decrease,
                block.timestamp + _params.unstakeCooldown
            );
            emit StakeCooling(account, cooling.amount, cooling.availableAt);
        }
    }

    /// @dev What every seat of a round settles against.
    struct Settlement {
        uint256 disputeId;
        uint256 round;
        uint256 ruling;
        uint256 coherentSeats;
        uint256 lock;
    }

    function _settleSeat(Settlement memory s, Round storage r, uint256 seat) private {
        if (seat >= r.seats) revert CourtInvalidSeat(s.disputeId, s.round, seat);
        Vote storage v = r.votes[seat];
        if (v.settled) revert CourtSeatAlreadySettled(s.disputeId, s.round, seat);
        v.settled = true;
        r.settled += 1;
        uint256 id = r.seatBook.jurorOf(seat);
        StakingLedger.Account storage a = _ledger.accounts[id];
        // The lock was added to this account's and to the total locked stake at the draw.
        a.locked -= uint96(s.lock);
        _lockedTotal -= uint128(s.lock);

        if (v.revealed && v.choice == s.ruling) {
            _reward(s, r, seat, id, a);
        } else {
            _penalize(s, r, seat, id, a, v.revealed);
        }
    }

    function _reward(
        Settlement memory s,
        Round storage r,
        uint256 seat,
        uint256 id,
        StakingLedger.Account storage a
    ) private {
        uint256 pending = r.seats - s.coherentSeats - r.incoherentSettled;
        if (pending != 0) revert CourtPenaltiesPending(s.disputeId, s.round, pending);
        a.coherent += 1;
        _syncWeight(id, a);
        uint256 tokens = r.penalties / s.coherentSeats;
        uint256 eth = r.fees / s.coherentSeats;
        address account = _ledger.addresses[id];
        _ledger.credit(account, tokens, eth);
        _holdings.penaltiesHeld -= tokens;
        _holdings.rewardTokensOwed += tokens;
        _holdings.feesHeld -= eth;
        _holdings.rewardEthOwed += eth;
        emit SeatSettled(s.disputeId, s.round, seat, account, true, tokens, eth, 0);
    }

    function _penalize(
        Settlement memory s,
        Round storage r,
        uint256 seat,
        uint256 id,
        StakingLedger.Account storage a,
        bool revealed
    ) private {
        r.incoherentSettled += 1;
        // Without a coherent seat there is nobody to pay: an honest split costs nothing, a
        // seat that never revealed still loses its lock.
        uint256 slashed = 0;
        if (s.coherentSeats != 0 || !revealed) {
            a.incoherent += 1;
            slashed = s.lock < a.stake ? s.lock : a.stake;
            a.stake -= uint96(slashed); // slashed <= a.stake
            _holdings.staked -= slashed;
            if (s.coherentSeats != 0) {
                // At most 127 slashes of at most a uint96 lock each, all part of the token
                // supply: the round's pool stays below 2^96 for any token supply below it.
                r.penalties += uint96(slashed);
                _holdings.penaltiesHeld += slashed;
            } else {
                _holdings.residualTokens += slashed;
            }
        }
        _syncWeight(id, a);
        emit SeatSettled(s.disputeId, s.round, seat, _ledger.addresses[id], false, 0, 0, slashed);
    }

    /// @dev The round's last seat is settled: what the equal shares left over goes to the
    ///      treasury (all of it when no seat was coherent).
    function _closeRound(Round storage r, uint256 coherentSeats) private {
        uint256 fees = r.fees;
        uint256 penalties = r.penalties;
        uint256 leftEth = coherentSeats == 0 ? fees : fees % coherentSeats;
        uint256 leftTokens = coherentSeats == 0 ? penalties : penalties % coherentSeats;
        _holdings.feesHeld -= leftEth;
        _holdings.residualEth += leftEth;
        _holdings.penaltiesHeld -= leftTokens;
        _holdings.residualTokens += leftTokens;
    }

    function _syncWeight(uint256 id, StakingLedger.Account storage a) private returns (uint256 weight) {
        weight = a.weightOf();
        _tree.set(id, SafeCast.toUint64(weight));
    }

    function _countVotes(Round storage r, uint256 choice, uint256 count) private {
        uint256 votes = r.tally.add(choice, count);
        // Each seat reveals once and seats are below r.seats (a uint32).
        r.revealed += uint32(count);
        uint256 winning = r.winning;
        if (choice == winning) {
            r.tied = false;
        } else {
            uint256 leading = r.tally.votesFor(winning);
            if (votes > leading) {
                r.winning = uint32(choice); // choice <= choices, a uint32
                r.tied = false;
            } else if (votes == leading) {
                r.tied = true;
            }
        }
    }

    function _votingRound(uint256 disputeId, Period period) private view returns (Round storage r, uint256 index) {
        Dispute storage d = _dispute(disputeId);
        _requirePeriod(disputeId, d, period);
        uint256 endsAt = uint256(d.periodStart) + _duration(d.params, period);
        if (block.timestamp >= endsAt) revert CourtPeriodOver(disputeId, endsAt);
        index = d.lastRound;
        r = _rounds[disputeId][index];
    }

    /// @dev Checks that the caller holds every seat in `seats`; returns its juror id.
    function _seatsOf(
        uint256 disputeId,
        uint256 roundIndex,
        Round storage r,
        uint256[] calldata seats
    ) private view returns (uint256 id) {
        if (seats.length == 0) revert CourtNoSeats();
        uint256 idPlusOne = _ledger.idPlusOne[msg.sender];
        uint256 drawn = r.seats; // commit and reveal periods come after the draw
        for (uint256 i = 0; i < seats.length; ++i) {
            uint256 seat = seats[i];
            if (seat >= drawn) revert CourtInvalidSeat(disputeId, roundIndex, seat);
            if (r.seatBook.jurorOf(seat) + 1 != idPlusOne) {
                revert CourtNotSeatJuror(disputeId, roundIndex, seat, msg.sender);
            }
        }
        id = idPlusOne - 1;
    }
}
