// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArbitrable} from "@kleros/erc-792/contracts/IArbitrable.sol";
import {IArbitrator} from "@kleros/erc-792/contracts/IArbitrator.sol";
import {IGoverned} from "./IGoverned.sol";
import {IRandomnessSource} from "./IRandomnessSource.sol";

/// @title IJurorCourt
/// @notice An ERC-792 arbitrator decided by jurors who stake the protocol token, are drawn at
///         random weighted by stake and reputation, vote by commit-reveal, and are rewarded or
///         slashed by whether they voted with the final ruling. Any ERC-792 arbitrable contract
///         can use it; the OTC escrow is the first.
///
/// Staking. {setStake} sets a juror's stake: 0 (leave) or at least `minStake`, never below the
/// juror's locked stake. An increase pulls tokens; a decrease moves them to a cooldown, after
/// which {withdrawStake} pays them out (all cooling tokens share one release time, pushed back
/// by each decrease to at least now + the cooldown in force, never brought forward). Each juror
/// gets a permanent id (its leaf in the sortition tree) on its first stake.
///
/// Freeze. From the moment a round asks for randomness until its jurors are drawn, the court
/// is frozen: stake changes are recorded (StakeDelayed; asking for the stake in force withdraws
/// a recorded request, frozen or not) and applied afterwards with {applyDelayedStake}, which
/// checks them again against the parameters then in force; seats cannot be settled (settling
/// moves stake and reputation). Nothing that decides who is drawn can change after the random value can be
/// known. While no juror has any weight the court does not freeze (nothing can be steered);
/// a round whose ticket predates such a stake change (or a settlement) renews its ticket
/// before drawing.
///
/// Drawing weight. weight = stake * (coherent + 1) / (coherent + incoherent + 1) / WEIGHT_UNIT,
/// where coherent and incoherent count the juror's settled seats. A newcomer draws at full
/// stake; every vote against the final ruling (or unrevealed) lowers its chance of being
/// drawn, and coherent votes win it back, never above full stake. Reason: slashing prices a
/// single bad vote; reputation keeps a juror who keeps voting against the consensus (lazy,
/// careless or bribed) away from future cases without a governance blacklist. Reputation is
/// per address: a juror can start afresh from a new address only by leaving (through the
/// cooldown) and staking again.
///
/// A dispute, round by round. Round 0 has 3 seats; an appeal opens a round with 2n + 1.
/// 1. Evidence: randomness is requested when the round opens; once fixed, anyone calls {draw}
///    to fill every seat (a juror can hold several). Each seat locks `minStake * alphaBps /
///    10_000` of its juror's stake (the same amount per seat, so a juror's risk grows with its
///    stake exactly as its chance of being drawn does).
/// 2. Commit: each drawn juror commits keccak256(abi.encode(choice, salt, juror, disputeId,
///    round, chainid, court)) for its seats ({commitmentOf}).
/// 3. Reveal: jurors reveal choice and salt. The round's ruling is the choice with the most
///    revealed votes; a tie or no revealed vote gives ruling 0 (refuse to arbitrate).
/// 4. Appeal: the arbitrable may {appeal} by paying {appealCost}; a new round starts at 1.
/// 5. Execution: {executeRuling} calls `rule` on the arbitrable with the last round's ruling.
/// Every period has a duration set by governance; a dispute keeps the durations (and fees,
/// locks and appeal limit) in force when it was created. {passPeriod} moves on once a period's
/// time is up (or, for commit and reveal, once every seat has acted).
///
/// Rewards and penalties (per round, once the dispute is in Execution; pull-based):
/// - A seat is coherent if its juror revealed the final ruling. Seats are settled with
///   {settle} by anyone, incoherent seats first.
/// - An incoherent seat (another choice, or not revealed) loses its lock (capped by the
///   juror's remaining stake) to the round's penalty pool. A coherent seat gets its lock back
///   plus an equal share of the round's ETH fees and of the penalty pool, credited to the
///   juror and paid by {withdrawRewards}.
/// - If no seat of a round is coherent, revealed seats get their locks back untouched,
///   unrevealed seats are slashed, and the round's fees and penalties go to the treasury.
/// - Shares round down; what rounding leaves goes to the treasury ({sweepResidual}) when the
///   round's last seat is settled, so every claim can always be paid.
///
/// Nothing privileged moves stakes, locks, fees or rewards: governance only sets parameters
/// for new disputes, and the residual goes to the treasury fixed at deployment.
interface IJurorCourt is IArbitrator, IGoverned {
    enum Period {
        Evidence, // draw, evidence
        Commit,
        Reveal,
        Appeal,
        Execution
    }

    /// @notice A field of {CourtParams} (or, for LockPerSeat, the lock they give), named by the
    ///         errors that refuse a value.
    enum ParamField {
        MinStake,
        FeePerJuror,
        AlphaBps,
        MaxAppeals,
        UnstakeCooldown,
        EvidencePeriod,
        CommitPeriod,
        RevealPeriod,
        AppealPeriod,
        LockPerSeat // minStake * alphaBps / 10_000
    }

    /// @notice Everything governance tunes. Amounts in token wei (stake) or wei (fees); times
    ///         in seconds.
    struct CourtParams {
        uint96 minStake; // smallest non-zero stake
        uint96 feePerJuror; // ETH per seat: arbitration cost = 3 * fee, appeal = seats * fee
        uint16 alphaBps; // stake locked per seat, in basis points of minStake
        uint8 maxAppeals; // appeals a dispute may have
        uint32 unstakeCooldown; // delay before a stake decrease can be withdrawn
        uint32 evidencePeriod;
        uint32 commitPeriod;
        uint32 revealPeriod;
        uint32 appealPeriod;
    }

    struct DisputeInfo {
        IArbitrable arbitrable;
        uint256 choices;
        Period period;
        uint256 periodStart;
        uint256 periodEnd; // periodStart + the period's duration (0 in Execution)
        uint256 rounds;
        bool ruled; // executeRuling has run
        uint256 ruling; // the current (in Execution: final) ruling
    }

    struct RoundInfo {
        uint256 seats;
        address[] jurors; // by seat; empty until drawn
        uint256 ticket; // randomness ticket
        uint256 committed;
        uint256 revealed;
        uint256 ruling;
        uint256 fees; // ETH paid for this round
        uint256 penalties; // tokens slashed so far from incoherent seats
        uint256 settled; // seats settled
    }

    struct VoteInfo {
        address juror;
        bytes32 commitment;
        uint256 choice;
        bool revealed;
        bool settled;
    }

    struct JurorInfo {
        uint256 id; // leaf in the sortition tree (meaningful once `exists`)
        bool exists;
        uint256 stake; // includes `locked`
        uint256 locked;
        uint256 coherent;
        uint256 incoherent;
        uint256 weight; // current drawing weight
        bool hasDelayedStake;
        uint256 delayedStake;
        uint256 cooling; // tokens waiting for the cooldown
        uint256 coolingEndsAt;
        uint256 rewardTokens; // credited, not yet withdrawn
        uint256 rewardEth;
    }

    /// @notice Where every token and every wei held by the court belongs.
    ///         token balance = staked + cooling + penaltiesHeld + rewardTokensOwed + residualTokens;
    ///         ETH balance = feesHeld + rewardEthOwed + residualEth.
    struct Totals {
        uint256 staked; // sum of stakes (locked stake included)
        uint256 locked; // sum of locked stake (part of `staked`)
        uint256 cooling;
        uint256 penaltiesHeld; // slashed, waiting for coherent seats to settle
        uint256 rewardTokensOwed;
        uint256 residualTokens;
        uint256 feesHeld; // paid for rounds whose seats are not all settled
        uint256 rewardEthOwed;
        uint256 residualEth;
    }

    event ParamsSet(CourtParams params);
    event StakeSet(address indexed juror, uint256 indexed jurorId, uint256 stake, uint256 weight);
    event StakeDelayed(address indexed juror, uint256 stake);
    event StakeCooling(address indexed juror, uint256 amount, uint256 availableAt);
    event StakeWithdrawn(address indexed juror, uint256 amount);
    event DrawRequested(uint256 indexed disputeId, uint256 indexed round, uint256 ticket);
    /// @notice The round's seats were filled: `jurorIds[seat]` holds each seat ({jurorAt} and
    ///         StakeSet give a juror's id; {round} lists the addresses).
    event JurorsDrawn(uint256 indexed disputeId, uint256 indexed round, uint256[] jurorIds);
    event NewPeriod(uint256 indexed disputeId, Period period);
    event VoteCommitted(
        uint256 indexed disputeId,
        uint256 indexed round,
        address indexed juror,
        uint256[] seats,
        bytes32 commitment
    );
    event VoteRevealed(
        uint256 indexed disputeId,
        uint256 indexed round,
        address indexed juror,
        uint256[] seats,
        uint256 choice
    );
    event RulingExecuted(uint256 indexed disputeId, IArbitrable indexed arbitrable, uint256 ruling);
    event SeatSettled(
        uint256 indexed disputeId,
        uint256 indexed round,
        uint256 seat,
        address indexed juror,
        bool coherent,
        uint256 rewardTokens,
        uint256 rewardEth,
        uint256 slashed
    );
    event RewardsWithdrawn(address indexed juror, uint256 tokens, uint256 eth);
    event ResidualSwept(address indexed treasury, uint256 tokens, uint256 eth);

    error CourtZeroAddress();
    /// @notice `field` is `value`, below its smallest accepted value `minimum`.
    error CourtParamBelowMinimum(ParamField field, uint256 value, uint256 minimum);
    /// @notice `field` is `value`, above its largest accepted value `maximum`.
    error CourtParamAboveMaximum(ParamField field, uint256 value, uint256 maximum);
    error CourtUnknownDispute(uint256 disputeId);
    error CourtUnknownRound(uint256 disputeId, uint256 round);
    error CourtInvalidChoices(uint256 choices);
    error CourtInsufficientFee(uint256 paid, uint256 cost);
    error CourtNotArbitrable(uint256 disputeId, address caller);
    error CourtWrongPeriod(uint256 disputeId, Period period);
    error CourtPeriodNotOver(uint256 disputeId, uint256 endsAt);
    error CourtPeriodOver(uint256 disputeId, uint256 endedAt);
    error CourtJurorsNotDrawn(uint256 disputeId);
    error CourtAlreadyDrawn(uint256 disputeId, uint256 round);
    error CourtNoJurors();
    error CourtNoMoreAppeals(uint256 disputeId);
    error CourtAlreadyRuled(uint256 disputeId);
    error CourtStakeBelowMinimum(uint256 stake, uint256 minimum);
    error CourtStakeBelowLocked(uint256 stake, uint256 locked);
    error CourtStakeUnchanged(uint256 stake);
    error CourtStakeTooLarge(uint256 stake);
    error CourtFrozen();
    error CourtNoDelayedStake(address juror);
    error CourtNothingToWithdraw(address account);
    error CourtCoolingDown(uint256 availableAt);
    error CourtNoSeats();
    error CourtInvalidSeat(uint256 disputeId, uint256 round, uint256 seat);
    error CourtNotSeatJuror(uint256 disputeId, uint256 round, uint256 seat, address caller);
    error CourtZeroCommitment();
    error CourtAlreadyCommitted(uint256 disputeId, uint256 round, uint256 seat);
    error CourtNotCommitted(uint256 disputeId, uint256 round, uint256 seat);
    error CourtAlreadyRevealed(uint256 disputeId, uint256 round, uint256 seat);
    error CourtCommitmentMismatch(uint256 disputeId, uint256 round, uint256 seat);
    error CourtInvalidChoice(uint256 choice, uint256 choices);
    error CourtSeatAlreadySettled(uint256 disputeId, uint256 round, uint256 seat);
    error CourtPenaltiesPending(uint256 disputeId, uint256 round, uint256 unsettledIncoherent);
    error CourtTransferFailed(address to, uint256 amount);

    // ------------------------------------------------------------------ jurors

    /// @notice Sets the caller's stake to `stake` (0 to leave). Applied now, or recorded and
    ///         applied after the pending draws if the court is frozen.
    /// @param stake The stake wanted, in token wei: 0, or at least `minStake`.
    function setStake(uint256 stake) external;

    /// @notice Applies a stake change recorded while the court was frozen. Anyone may call.
    /// @param juror The juror whose recorded stake change is applied.
    function applyDelayedStake(address juror) external;

    /// @notice Pays the caller's stake decreases whose cooldown has passed.
    function withdrawStake() external;

    /// @notice Fills every seat of the dispute's current round from the round's random value.
    ///         Anyone may call. If the value's window passed unfulfilled, requests a new one
    ///         instead (DrawRequested).
    /// @param disputeId The dispute, in its Evidence period.
    function draw(uint256 disputeId) external;

    /// @notice Commits the caller's vote for `seats` of the current round.
    /// @param disputeId The dispute, in its Commit period.
    /// @param seats Seats of the current round, all held by the caller.
    /// @param commitment {commitmentOf} the caller's choice and salt; not zero.
    function commit(uint256 disputeId, uint256[] calldata seats, bytes32 commitment) external;

    /// @notice Reveals the caller's vote for `seats` of the current round.
    /// @param disputeId The dispute, in its Reveal period.
    /// @param seats Seats of the current round, all held by the caller and committed.
    /// @param choice The choice committed to (0 refuses to arbitrate).
    /// @param salt The salt committed with it.
    function reveal(uint256 disputeId, uint256[] calldata seats, uint256 choice, bytes32 salt) external;

    /// @notice Moves the dispute to its next period when the current one is over.
    /// @param disputeId The dispute, before its Execution period.
    function passPeriod(uint256 disputeId) external;

    /// @notice Final ruling to the arbitrable (moving from Appeal to Execution if the appeal
    ///         period is over). Anyone may call, once.
    /// @param disputeId The dispute.
    function executeRuling(uint256 disputeId) external;

    /// @notice Settles `seats` of `round` of a dispute in Execution: slashes incoherent seats,
    ///         credits coherent ones. Anyone may call; incoherent seats must be settled first.
    /// @param disputeId The dispute, in its Execution period.
    /// @param round The round whose seats are settled.
    /// @param seats Seats of that round not settled yet.
    function settle(uint256 disputeId, uint256 round, uint256[] calldata seats) external;

    /// @notice Pays the caller's credited rewards (tokens and ETH).
    function withdrawRewards() external;

    /// @notice Sends the residual (rounding dust, fees and penalties of rounds without a
    ///         coherent seat) to the treasury. Anyone may call.
    function sweepResidual() external;

    // ------------------------------------------------------------------ governance

    /// @notice Sets the parameters for disputes created from now on (and the minimum stake
    ///         and cooldown for stake changes from now on). A field out of its bounds reverts
    ///         with CourtParamBelowMinimum or CourtParamAboveMaximum naming it.
    /// @param params The new parameters.
    function setParams(CourtParams calldata params) external;

    // ------------------------------------------------------------------ views

    /// @notice Token wei per unit of drawing weight.
    /// @return The unit, 1e9.
    function WEIGHT_UNIT() external view returns (uint256);

    /// @notice Seats of a dispute's first round.
    /// @return The number of seats, 3.
    function FIRST_ROUND_SEATS() external view returns (uint256);

    /// @notice The largest `maxAppeals` governance may set.
    /// @return The bound, 5 (rounds of 3, 7, 15, 31, 63 and 127 seats).
    function MAX_APPEALS() external view returns (uint256);

    /// @notice The protocol token jurors stake.
    /// @return The token's address.
    function token() external view returns (address);

    /// @notice Where the court's random values come from.
    /// @return The randomness source.
    function randomness() external view returns (IRandomnessSource);

    /// @notice Where the residual goes ({sweepResidual}), fixed at deployment.
    /// @return The treasury's address.
    function treasury() external view returns (address);

    /// @notice The parameters for disputes created now.
    /// @return The parameters in force.
    function params() external view returns (CourtParams memory);

    /// @notice The parameters a dispute keeps: those in force when it was created.
    /// @param disputeId The dispute.
    /// @return The dispute's parameters.
    function disputeParams(uint256 disputeId) external view returns (CourtParams memory);

    /// @notice Stake locked per seat under the parameters in force now.
    /// @return minStake * alphaBps / 10_000, in token wei.
    function lockPerSeat() external view returns (uint256);

    /// @notice Seats of the round an appeal would open now: 2n + 1 for a last round of n.
    /// @param disputeId The dispute.
    /// @return The seats of the next round.
    function appealSeats(uint256 disputeId) external view returns (uint256);

    /// @notice Disputes created so far (the next dispute's id).
    /// @return The number of disputes.
    function disputeCount() external view returns (uint256);

    /// @notice A dispute's state.
    /// @param disputeId The dispute.
    /// @return Its arbitrable, choices, period and its times, rounds and ruling.
    function dispute(uint256 disputeId) external view returns (DisputeInfo memory);

    /// @notice A round's state.
    /// @param disputeId The dispute.
    /// @param round The round, at most the dispute's last.
    /// @return Its seats, jurors by seat (once drawn), ticket, vote counts, ruling and settlement.
    function round(uint256 disputeId, uint256 round) external view returns (RoundInfo memory);

    /// @notice A seat's vote.
    /// @param disputeId The dispute.
    /// @param round The round, drawn.
    /// @param seat The seat, below the round's seats.
    /// @return Its juror, commitment, revealed choice and whether it is settled.
    function vote(uint256 disputeId, uint256 round, uint256 seat) external view returns (VoteInfo memory);

    /// @notice A juror's stake, reputation, weight, pending stake change, cooling tokens and
    ///         credited rewards.
    /// @param account The juror (an address that never staked reads as all zeros).
    /// @return The juror's state.
    function juror(address account) external view returns (JurorInfo memory);

    /// @notice Jurors registered so far (the next juror's id).
    /// @return The number of jurors.
    function jurorCount() external view returns (uint256);

    /// @notice The address of a juror id.
    /// @param jurorId The id, below {jurorCount}.
    /// @return The juror's address.
    function jurorAt(uint256 jurorId) external view returns (address);

    /// @notice The sum of every juror's drawing weight.
    /// @return The total weight.
    function totalWeight() external view returns (uint256);

    /// @notice Where every token and every wei held by the court belongs.
    /// @return The court's totals.
    function totals() external view returns (Totals memory);

    /// @notice Rounds waiting for their jurors; the court is frozen while this is not zero.
    /// @return The number of rounds waiting.
    function pendingDraws() external view returns (uint256);

    /// @notice Whether stake changes are recorded instead of applied and settling is refused:
    ///         a round waits for its jurors and some juror has weight.
    /// @return True while frozen.
    function frozen() external view returns (bool);

    /// @notice The commitment a juror submits for `choice` with `salt`, bound to the juror, the
    ///         dispute, the round, this chain and this court.
    /// @param choice The choice.
    /// @param salt A secret random value.
    /// @param juror The juror committing.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @return keccak256(abi.encode(choice, salt, juror, disputeId, round, chainid, court)).
    function commitmentOf(
        uint256 choice,
        bytes32 salt,
        address juror,
        uint256 disputeId,
        uint256 round
    ) external view returns (bytes32);
}
