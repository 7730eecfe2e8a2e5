// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IArbitrable} from "@kleros/erc-792/contracts/IArbitrable.sol";
import {IArbitrator} from "@kleros/erc-792/contracts/IArbitrator.sol";
import {IJurorCourt} from "../../interfaces/IJurorCourt.sol";
import {IRandomnessSource} from "../../interfaces/IRandomnessSource.sol";
import {SortitionTree} from "../libraries/SortitionTree.sol";
import {Governed} from "../governance/Governed.sol";

/// @title JurorCourt
/// @notice Staked jurors drawn by sortition, commit-reveal votes, appeals, rewards and
///         slashing, behind the ERC-792 arbitrator interface. See {IJurorCourt}.
contract JurorCourt is IJurorCourt, Governed, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SortitionTree for SortitionTree.Tree;

    uint256 public constant WEIGHT_UNIT = 1e9; // token wei per unit of drawing weight
    uint256 public constant FIRST_ROUND_SEATS = 3;
    uint256 public constant MAX_APPEALS = 5; // seats 3, 7, 15, 31, 63, 127
    uint256 public constant MAX_CHOICES = type(uint32).max;
    uint256 public constant MIN_PERIOD = 1 hours;
    uint256 public constant MAX_PERIOD = 30 days;
    uint256 public constant MAX_COOLDOWN = 90 days;

    uint256 private constant _BPS = 10_000;
    uint256 private constant _ID_BITS = 32; // juror ids in seat words
    uint256 private constant _IDS_PER_WORD = 8;

    struct Dispute {
        IArbitrable arbitrable;
        uint32 choices;
        Period period;
        uint40 periodStart;
        bool ruled;
        uint8 lastRound; // index of the current round
        CourtParams params; // in force when the dispute was created
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
        mapping(uint256 word => uint256) seatIds; // juror id by seat, eight 32-bit ids a word
        mapping(uint256 seat => Vote) votes;
        mapping(uint256 choice => uint256) tally; // revealed votes per choice
    }

    struct Vote {
        bytes32 commitment;
        uint32 choice;
        bool revealed;
        bool settled;
    }

    /// @dev One slot per juror: what a draw reads and writes.
    struct Account {
        uint96 stake; // includes locked
        uint96 locked;
        uint32 coherent;
        uint32 incoherent;
    }

    struct Cooling {
        uint128 amount;
        uint64 availableAt;
    }

    struct Claimable {
        uint128 tokens;
        uint128 eth;
    }

    IERC20 private immutable _token;
    IRandomnessSource private immutable _randomness;
    address private immutable _treasury;

    CourtParams private _params;
    SortitionTree.Tree private _tree;

    // Draw bookkeeping, one slot.
    uint32 private _pendingDraws; // rounds waiting for jurors
    uint64 private _staleBefore; // tickets requested at or before this block must be renewed
    uint128 private _lockedTotal; // sum of locked stake

    Totals private _totals;

    mapping(uint256 jurorId => Account) private _accounts;
    address[] private _jurorAddresses; // by juror id
    mapping(address juror => uint256) private _idPlusOne;
    mapping(address juror => uint256) private _delayedPlusOne; // requested stake + 1
    mapping(address juror => Cooling) private _cooling;
    mapping(address juror => Claimable) private _claimable;

    // Mappings rather than arrays: no length to read (and bounds-check) on every vote.
    mapping(uint256 disputeId => Dispute) private _disputes;
    mapping(uint256 disputeId => mapping(uint256 round => Round)) private _rounds;
    uint256 private _disputeCount;

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
        _setParams(params_);
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
        d.choices = uint32(choices);
        d.periodStart = uint40(block.timestamp);
        d.params = params_;
        emit DisputeCreation(disputeId, IArbitrable(msg.sender));
        _openRound(disputeId, 0, FIRST_ROUND_SEATS);
    }

    /// @inheritdoc IArbitrator
    function appeal(uint256 disputeId, bytes calldata) external payable {
        Dispute storage d = _dispute(disputeId);
        if (msg.sender != address(d.arbitrable)) revert CourtNotArbitrable(disputeId, msg.sender);
        _requirePeriod(disputeId, d, Period.Appeal);
        uint256 endsAt = uint256(d.periodStart) + d.params.appealPeriod;
        if (block.timestamp >= endsAt) revert CourtPeriodOver(disputeId, endsAt);
        uint256 lastRound = d.lastRound;
        if (lastRound >= d.params.maxAppeals) revert CourtNoMoreAppeals(disputeId);
        uint256 seats = _rounds[disputeId][lastRound].seats * 2 + 1;
        uint256 cost = uint256(d.params.feePerJuror) * seats;
        if (msg.value < cost) revert CourtInsufficientFee(msg.value, cost);

        d.lastRound = uint8(lastRound + 1);
        _enterPeriod(disputeId, d, Period.Evidence);
        emit AppealDecision(disputeId, d.arbitrable);
        _openRound(disputeId, lastRound + 1, seats);
    }

    /// @inheritdoc IArbitrator
    function arbitrationCost(bytes calldata) external view returns (uint256) {
        return uint256(_params.feePerJuror) * FIRST_ROUND_SEATS;
    }

    /// @inheritdoc IArbitrator
    /// @dev type(uint256).max when the dispute cannot be appealed now.
    function appealCost(uint256 disputeId, bytes calldata) external view returns (uint256) {
        Dispute storage d = _dispute(disputeId);
        uint256 lastRound = d.lastRound;
        if (
            d.period != Period.Appeal || block.timestamp >= uint256(d.periodStart) + d.params.appealPeriod
                || lastRound >= d.params.maxAppeals
        ) return type(uint256).max;
        return uint256(d.params.feePerJuror) * (_rounds[disputeId][lastRound].seats * 2 + 1);
    }

    /// @inheritdoc IArbitrator
    function appealPeriod(uint256 disputeId) external view returns (uint256 start, uint256 end) {
        Dispute storage d = _dispute(disputeId);
        if (d.period != Period.Appeal) return (0, 0);
        return (d.periodStart, uint256(d.periodStart) + d.params.appealPeriod);
    }

    /// @inheritdoc IArbitrator
    function disputeStatus(uint256 disputeId) external view returns (DisputeStatus) {
        Period period = _dispute(disputeId).period;
        if (period == Period.Execution) return DisputeStatus.Solved;
        if (period == Period.Appeal) return DisputeStatus.Appealable;
        return DisputeStatus.Waiting;
    }

    /// @inheritdoc IArbitrator
    function currentRuling(uint256 disputeId) external view returns (uint256) {
        _dispute(disputeId);
        return _currentRuling(disputeId);
    }

    // ------------------------------------------------------------------ staking

    /// @inheritdoc IJurorCourt
    function setStake(uint256 stake) external nonReentrant {
        uint256 idPlusOne = _idPlusOne[msg.sender];
        uint256 current = idPlusOne == 0 ? 0 : _accounts[idPlusOne - 1].stake;
        if (stake == current) {
            // Asking for the stake in force withdraws a recorded request, if any.
            if (_delayedPlusOne[msg.sender] == 0) revert CourtStakeUnchanged(stake);
            delete _delayedPlusOne[msg.sender];
            emit StakeDelayed(msg.sender, stake);
            return;
        }
        _checkStake(stake);
        if (frozen()) {
            _delayedPlusOne[msg.sender] = stake + 1;
            emit StakeDelayed(msg.sender, stake);
            return;
        }
        _applyStake(msg.sender, stake);
    }

    /// @inheritdoc IJurorCourt
    function applyDelayedStake(address juror_) external nonReentrant {
        if (frozen()) revert CourtFrozen();
        uint256 requested = _delayedPlusOne[juror_];
        if (requested == 0) revert CourtNoDelayedStake(juror_);
        _applyStake(juror_, requested - 1);
    }

    /// @inheritdoc IJurorCourt
    function withdrawStake() external nonReentrant {
        Cooling memory cooling = _cooling[msg.sender];
        if (cooling.amount == 0) revert CourtNothingToWithdraw(msg.sender);
        if (block.timestamp < cooling.availableAt) revert CourtCoolingDown(cooling.availableAt);
        delete _cooling[msg.sender];
        _totals.cooling -= cooling.amount;
        emit StakeWithdrawn(msg.sender, cooling.amount);
        _token.safeTransfer(msg.sender, cooling.amount);
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
            // loses at most its remaining stake (see settle).
            _accounts[id].locked += uint96(lock);
            word |= id << ((seat % _IDS_PER_WORD) * _ID_BITS);
            if (seat % _IDS_PER_WORD == _IDS_PER_WORD - 1 || seat == seats - 1) {
                r.seatIds[seat / _IDS_PER_WORD] = word;
                word = 0;
            }
            ids[seat] = id;
        }
        emit JurorsDrawn(disputeId, roundIndex, ids);
        r.drawn = true;
        _lockedTotal += uint128(lock * seats);
        _pendingDraws -= 1;
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
        r.committed += uint32(seats.length);
        emit VoteCommitted(disputeId, roundIndex, _jurorAddresses[id], seats, commitment);
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
            v.choice = uint32(choice);
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
        _enterPeriod(disputeId, d, Period(uint8(period) + 1));
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
        Settlement memory s = Settlement(disputeId, roundIndex, ruling, r.tally[ruling], _lockPerSeat(d.params));
        for (uint256 i = 0; i < seats.length; ++i) {
            _settleSeat(s, r, seats[i]);
        }
        if (r.settled == r.seats) _closeRound(r, s.coherentSeats);
        // Settling moves weights; with rounds waiting (possible here only while the tree was
        // empty) their tickets may be known, so they are renewed before drawing.
        if (_pendingDraws != 0) _staleBefore = uint64(block.number);
    }

    /// @inheritdoc IJurorCourt
    function withdrawRewards() external nonReentrant {
        Claimable memory owed = _claimable[msg.sender];
        if (owed.tokens == 0 && owed.eth == 0) revert CourtNothingToWithdraw(msg.sender);
        delete _claimable[msg.sender];
        _totals.rewardTokensOwed -= owed.tokens;
        _totals.rewardEthOwed -= owed.eth;
        emit RewardsWithdrawn(msg.sender, owed.tokens, owed.eth);
        if (owed.tokens != 0) _token.safeTransfer(msg.sender, owed.tokens);
        if (owed.eth != 0) _sendEth(msg.sender, owed.eth);
    }

    /// @inheritdoc IJurorCourt
    function sweepResidual() external nonReentrant {
        uint256 tokens = _totals.residualTokens;
        uint256 eth = _totals.residualEth;
        if (tokens == 0 && eth == 0) revert CourtNothingToWithdraw(_treasury);
        _totals.residualTokens = 0;
        _totals.residualEth = 0;
        emit ResidualSwept(_treasury, tokens, eth);
        if (tokens != 0) _token.safeTransfer(_treasury, tokens);
        if (eth != 0) _sendEth(_treasury, eth);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc IJurorCourt
    function setParams(CourtParams calldata params_) external onlyGovernance {
        _setParams(params_);
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
        return _params;
    }

    /// @inheritdoc IJurorCourt
    function disputeParams(uint256 disputeId) external view returns (CourtParams memory) {
        return _dispute(disputeId).params;
    }

    /// @inheritdoc IJurorCourt
    function disputeCount() external view returns (uint256) {
        return _disputeCount;
    }

    /// @inheritdoc IJurorCourt
    function dispute(uint256 disputeId) external view returns (DisputeInfo memory info) {
        Dispute storage d = _dispute(disputeId);
        info.arbitrable = d.arbitrable;
        info.choices = d.choices;
        info.period = d.period;
        info.periodStart = d.periodStart;
        if (d.period != Period.Execution) info.periodEnd = uint256(d.periodStart) + _duration(d.params, d.period);
        info.rounds = uint256(d.lastRound) + 1;
        info.ruled = d.ruled;
        info.ruling = _currentRuling(disputeId);
    }

    /// @inheritdoc IJurorCourt
    function round(uint256 disputeId, uint256 roundIndex) external view returns (RoundInfo memory info) {
        if (roundIndex > _dispute(disputeId).lastRound) revert CourtUnknownRound(disputeId, roundIndex);
        Round storage r = _rounds[disputeId][roundIndex];
        info.seats = r.seats;
        uint256 drawn = r.drawn ? r.seats : 0;
        info.jurors = new address[](drawn);
        for (uint256 seat = 0; seat < drawn; ++seat) {
            info.jurors[seat] = _jurorAddresses[_seatJuror(r, seat)];
        }
        info.ticket = r.ticket;
        info.committed = r.committed;
        info.revealed = r.revealed;
        info.ruling = _roundRuling(r);
        info.fees = r.fees;
        info.penalties = r.penalties;
        info.settled = r.settled;
    }

    /// @inheritdoc IJurorCourt
    function vote(uint256 disputeId, uint256 roundIndex, uint256 seat) external view returns (VoteInfo memory info) {
        if (roundIndex > _dispute(disputeId).lastRound) revert CourtUnknownRound(disputeId, roundIndex);
        Round storage r = _rounds[disputeId][roundIndex];
        if (!r.drawn || seat >= r.seats) revert CourtInvalidSeat(disputeId, roundIndex, seat);
        Vote storage v = r.votes[seat];
        return VoteInfo(_jurorAddresses[_seatJuror(r, seat)], v.commitment, v.choice, v.revealed, v.settled);
    }

    /// @inheritdoc IJurorCourt
    function juror(address account) external view returns (JurorInfo memory info) {
        uint256 idPlusOne = _idPlusOne[account];
        if (idPlusOne != 0) {
            Account memory a = _accounts[idPlusOne - 1];
            info.id = idPlusOne - 1;
            info.exists = true;
            info.stake = a.stake;
            info.locked = a.locked;
            info.coherent = a.coherent;
            info.incoherent = a.incoherent;
            info.weight = _tree.weightOf(idPlusOne - 1);
        }
        uint256 delayed = _delayedPlusOne[account];
        info.hasDelayedStake = delayed != 0;
        if (delayed != 0) info.delayedStake = delayed - 1;
        Cooling memory cooling = _cooling[account];
        info.cooling = cooling.amount;
        info.coolingEndsAt = cooling.availableAt;
        Claimable memory owed = _claimable[account];
        info.rewardTokens = owed.tokens;
        info.rewardEth = owed.eth;
    }

    /// @inheritdoc IJurorCourt
    function jurorCount() external view returns (uint256) {
        return _jurorAddresses.length;
    }

    /// @inheritdoc IJurorCourt
    function jurorAt(uint256 jurorId) external view returns (address) {
        return _jurorAddresses[jurorId];
    }

    /// @inheritdoc IJurorCourt
    function totalWeight() external view returns (uint256) {
        return _tree.total();
    }

    /// @inheritdoc IJurorCourt
    function totals() external view returns (Totals memory totals_) {
        totals_ = _totals;
        totals_.locked = _lockedTotal;
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
    function commitmentOf(uint256 choice, bytes32 salt, address account, uint256 disputeId, uint256 roundIndex)
        public
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(choice, salt, account, disputeId, roundIndex, block.chainid, address(this)));
    }

    // ------------------------------------------------------------------ internals

    function _openRound(uint256 disputeId, uint256 roundIndex, uint256 seats) private {
        Round storage r = _rounds[disputeId][roundIndex];
        r.seats = uint32(seats);
        r.fees = SafeCast.toUint128(msg.value);
        _totals.feesHeld += msg.value;
        _pendingDraws += 1;
        _requestRandomness(disputeId, roundIndex, r);
    }

    function _requestRandomness(uint256 disputeId, uint256 roundIndex, Round storage r) private {
        uint256 ticket = _randomness.request();
        r.ticket = SafeCast.toUint64(ticket);
        r.requestBlock = uint40(block.number);
        emit DrawRequested(disputeId, roundIndex, ticket);
    }

    /// @dev The rules of the parameters in force now; a delayed request is checked again when
    ///      applied.
    function _checkStake(uint256 stake) private view {
        uint256 minimum = _params.minStake;
        if (stake != 0 && stake < minimum) revert CourtStakeBelowMinimum(stake, minimum);
        if (stake > type(uint96).max) revert CourtStakeTooLarge(stake);
    }

    function _applyStake(address account, uint256 stake) private {
        _checkStake(stake);
        uint256 idPlusOne = _idPlusOne[account];
        uint256 id;
        if (idPlusOne == 0) {
            if (stake == 0) revert CourtStakeUnchanged(0);
            id = _tree.push(0);
            _jurorAddresses.push(account);
            _idPlusOne[account] = uint256(SafeCast.toUint32(id)) + 1; // seats hold 32-bit ids
        } else {
            id = idPlusOne - 1;
        }
        Account storage a = _accounts[id];
        uint256 current = a.stake;
        if (stake == current) revert CourtStakeUnchanged(stake);
        if (stake < a.locked) revert CourtStakeBelowLocked(stake, a.locked);

        delete _delayedPlusOne[account];
        a.stake = uint96(stake);
        uint256 weight = _syncWeight(id, a);
        // Stakes applied while rounds wait for jurors (only possible with an empty tree) make
        // every pending ticket stale.
        if (_pendingDraws != 0) _staleBefore = uint64(block.number);
        emit StakeSet(account, id, stake, weight);

        if (stake > current) {
            _totals.staked += stake - current;
            _token.safeTransferFrom(account, address(this), stake - current);
        } else {
            uint256 decrease = current - stake;
            _totals.staked -= decrease;
            _totals.cooling += decrease;
            Cooling storage cooling = _cooling[account];
            cooling.amount += uint128(decrease);
            // One release time for everything cooling: the latest, so no earlier decrease ever
            // becomes available sooner than its own cooldown allowed.
            uint256 availableAt = block.timestamp + _params.unstakeCooldown;
            if (availableAt > cooling.availableAt) cooling.availableAt = uint64(availableAt);
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
        uint256 id = _seatJuror(r, seat);
        Account storage a = _accounts[id];
        a.locked -= uint96(s.lock);
        _lockedTotal -= uint128(s.lock);

        if (v.revealed && v.choice == s.ruling) {
            _reward(s, r, seat, id, a);
        } else {
            _penalize(s, r, seat, id, a, v.revealed);
        }
    }

    function _reward(Settlement memory s, Round storage r, uint256 seat, uint256 id, Account storage a) private {
        uint256 pending = r.seats - s.coherentSeats - r.incoherentSettled;
        if (pending != 0) revert CourtPenaltiesPending(s.disputeId, s.round, pending);
        a.coherent += 1;
        _syncWeight(id, a);
        uint256 tokens = r.penalties / s.coherentSeats;
        uint256 eth = r.fees / s.coherentSeats;
        address account = _jurorAddresses[id];
        Claimable storage owed = _claimable[account];
        owed.tokens += uint128(tokens);
        owed.eth += uint128(eth);
        _totals.penaltiesHeld -= tokens;
        _totals.rewardTokensOwed += tokens;
        _totals.feesHeld -= eth;
        _totals.rewardEthOwed += eth;
        emit SeatSettled(s.disputeId, s.round, seat, account, true, tokens, eth, 0);
    }

    function _penalize(
        Settlement memory s,
        Round storage r,
        uint256 seat,
        uint256 id,
        Account storage a,
        bool revealed
    ) private {
        r.incoherentSettled += 1;
        // Without a coherent seat there is nobody to pay: an honest split costs nothing, a
        // seat that never revealed still loses its lock.
        uint256 slashed = 0;
        if (s.coherentSeats != 0 || !revealed) {
            a.incoherent += 1;
            slashed = s.lock < a.stake ? s.lock : a.stake;
            a.stake -= uint96(slashed);
            _totals.staked -= slashed;
            if (s.coherentSeats != 0) {
                r.penalties += uint96(slashed);
                _totals.penaltiesHeld += slashed;
            } else {
                _totals.residualTokens += slashed;
            }
        }
        _syncWeight(id, a);
        emit SeatSettled(s.disputeId, s.round, seat, _jurorAddresses[id], false, 0, 0, slashed);
    }

    /// @dev The round's last seat is settled: what the equal shares left over goes to the
    ///      treasury (all of it when no seat was coherent).
    function _closeRound(Round storage r, uint256 coherentSeats) private {
        uint256 fees = r.fees;
        uint256 penalties = r.penalties;
        uint256 leftEth = coherentSeats == 0 ? fees : fees % coherentSeats;
        uint256 leftTokens = coherentSeats == 0 ? penalties : penalties % coherentSeats;
        _totals.feesHeld -= leftEth;
        _totals.residualEth += leftEth;
        _totals.penaltiesHeld -= leftTokens;
        _totals.residualTokens += leftTokens;
    }

    function _syncWeight(uint256 id, Account storage a) private returns (uint256 weight) {
        uint256 coherent = a.coherent;
        weight = uint256(a.stake) * (coherent + 1) / (coherent + a.incoherent + 1) / WEIGHT_UNIT;
        _tree.set(id, SafeCast.toUint64(weight));
    }

    function _countVotes(Round storage r, uint256 choice, uint256 count) private {
        uint256 votes = r.tally[choice] + count;
        r.tally[choice] = votes;
        r.revealed += uint32(count);
        uint256 winning = r.winning;
        if (choice == winning) {
            r.tied = false;
        } else {
            uint256 leading = r.tally[winning];
            if (votes > leading) {
                r.winning = uint32(choice);
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
    function _seatsOf(uint256 disputeId, uint256 roundIndex, Round storage r, uint256[] calldata seats)
        private
        view
        returns (uint256 id)
    {
        if (seats.length == 0) revert CourtNoSeats();
        uint256 idPlusOne = _idPlusOne[msg.sender];
        uint256 drawn = r.seats; // commit and reveal periods come after the draw
        for (uint256 i = 0; i < seats.length; ++i) {
            uint256 seat = seats[i];
            if (seat >= drawn) revert CourtInvalidSeat(disputeId, roundIndex, seat);
            if (_seatJuror(r, seat) + 1 != idPlusOne) revert CourtNotSeatJuror(disputeId, roundIndex, seat, msg.sender);
        }
        id = idPlusOne - 1;
    }

    function _currentRuling(uint256 disputeId) private view returns (uint256) {
        return _roundRuling(_rounds[disputeId][_disputes[disputeId].lastRound]);
    }

    function _seatJuror(Round storage r, uint256 seat) private view returns (uint256) {
        return (r.seatIds[seat / _IDS_PER_WORD] >> ((seat % _IDS_PER_WORD) * _ID_BITS)) & type(uint32).max;
    }

    function _roundRuling(Round storage r) private view returns (uint256) {
        return (r.revealed == 0 || r.tied) ? 0 : r.winning;
    }

    function _enterPeriod(uint256 disputeId, Dispute storage d, Period period) private {
        d.period = period;
        d.periodStart = uint40(block.timestamp);
        emit NewPeriod(disputeId, period);
        if (period == Period.Appeal) emit AppealPossible(disputeId, d.arbitrable);
    }

    function _requirePeriod(uint256 disputeId, Dispute storage d, Period period) private view {
        if (d.period != period) revert CourtWrongPeriod(disputeId, d.period);
    }

    function _dispute(uint256 disputeId) private view returns (Dispute storage) {
        Dispute storage d = _disputes[disputeId];
        if (address(d.arbitrable) == address(0)) revert CourtUnknownDispute(disputeId);
        return d;
    }

    function _setParams(CourtParams memory p) private {
        if (
            p.minStake == 0 || p.feePerJuror == 0 || p.alphaBps == 0 || p.alphaBps > _BPS
                || p.maxAppeals > MAX_APPEALS || p.unstakeCooldown > MAX_COOLDOWN || !_validPeriod(p.evidencePeriod)
                || !_validPeriod(p.commitPeriod) || !_validPeriod(p.revealPeriod) || !_validPeriod(p.appealPeriod)
                || uint256(p.minStake) * p.alphaBps / _BPS == 0
        ) revert CourtInvalidParams();
        _params = p;
        emit ParamsSet(p);
    }

    function _sendEth(address to, uint256 amount) private {
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert CourtTransferFailed(to, amount);
    }

    function _validPeriod(uint256 duration) private pure returns (bool) {
        return duration >= MIN_PERIOD && duration <= MAX_PERIOD;
    }

    function _lockPerSeat(CourtParams storage p) private view returns (uint256) {
        return uint256(p.minStake) * p.alphaBps / _BPS;
    }

    function _duration(CourtParams storage p, Period period) private view returns (uint256) {
        if (period == Period.Evidence) return p.evidencePeriod;
        if (period == Period.Commit) return p.commitPeriod;
        if (period == Period.Reveal) return p.revealPeriod;
        if (period == Period.Appeal) return p.appealPeriod;
        return 0;
    }
}
