"""OTCGovernor + OTCTimelock: governance by real proposals.

A proposal is created, voted on after the voting delay, queued in the timelock once it has
succeeded, and executed after the timelock delay. The guardian may cancel what is queued and
nothing else; the governor's own settings change only by proposal.
"""

import pytest
from ape.exceptions import VirtualMachineError

from openotc.deployment.deploy import (
    CANCELLER_ROLE,
    DEFAULT_ADMIN_ROLE,
    EXECUTOR_ROLE,
    PROPOSER_ROLE,
)
from openotc.deployment.params import DAY, TOKEN_UNIT
from openotc.governance import AGAINST, FOR, Proposal, delegate_votes
from openotc.units import ZERO_ADDRESS

NO_PREDECESSOR = b"\x00" * 32

# IGovernor.ProposalState
PENDING, ACTIVE, CANCELED, DEFEATED, SUCCEEDED, QUEUED, EXPIRED, EXECUTED = range(8)
# TimelockController.OperationState
UNSET, WAITING, READY, DONE = range(4)

QUORUM = 4_000_000 * TOKEN_UNIT  # 4% of the initial 100M supply
THRESHOLD = 100_000 * TOKEN_UNIT


def bitmap(*states: int) -> bytes:
    """The bytes32 set of states that OpenZeppelin's errors report as `expectedStates`."""
    return sum(1 << state for state in states).to_bytes(32, "big")


@pytest.fixture
def wrong_state(governor, reverts):
    """`with wrong_state(pid, current, *expected):` the governor refuses: the proposal is in
    `current`, and the call needs one of `expected` (none: no state would do)."""

    def expect(pid, current, *expected):
        return reverts(
            governor.GovernorUnexpectedProposalState,
            proposalId=pid,
            current=current,
            expectedStates=bitmap(*expected),
        )

    return expect


def timelock_salt(governor, proposal: Proposal) -> bytes:
    """GovernorTimelockControl's salt: the governor's address XOR the description hash."""
    prefix = bytes.fromhex(governor.address[2:]) + b"\x00" * 12
    return bytes(a ^ b for a, b in zip(prefix, proposal.description_hash, strict=True))


def operation_id(timelock, governor, proposal: Proposal) -> bytes:
    """The timelock operation a queued proposal becomes."""
    salt = timelock_salt(governor, proposal)
    return bytes(timelock.hashOperationBatch(*proposal.args(), NO_PREDECESSOR, salt))


def send_at(chain, timestamp: int) -> None:
    """The next transaction is mined at exactly `timestamp`."""
    chain.pending_timestamp = timestamp


@pytest.fixture
def grant_maker(token, maker):
    return Proposal("Make the maker a minter").call(token, "grantMinter", maker)


@pytest.fixture
def give_votes(token, chain, treasury):
    """Moves `amount` from the treasury to `holder`, who self-delegates; the votes count from
    the next second on."""

    def give(holder, amount):
        token.transfer(holder, amount, sender=treasury)
        delegate_votes(token, holder, sender=holder)
        chain.mine(timestamp=chain.blocks.head.timestamp + 1)

    return give


@pytest.fixture
def queued(proposals, governor, grant_maker, treasury):
    """The grant-maker proposal, passed and queued; returns its id."""
    pid = proposals.propose_and_pass(grant_maker, treasury, [treasury])
    proposals.queue(grant_maker, treasury)
    assert governor.state(pid) == QUEUED
    return pid


# ---------------------------------------------------------------- the whole lifecycle


def test_proposal__propose_vote_queue_execute__grants_a_minter_through_the_timelock(
    governor, timelock, token, chain, proposals, grant_maker, treasury, maker, stranger, params
):
    supply = token.totalSupply()
    calldata = grant_maker.calldatas[0]
    proposed_at = chain.pending_timestamp + 10
    send_at(chain, proposed_at)

    tx = governor.propose(*grant_maker.args(), grant_maker.description, sender=treasury)

    pid = proposals.proposal_id(grant_maker)
    vote_start = proposed_at + params.voting_delay
    vote_end = vote_start + params.voting_period
    assert tx.events == [
        governor.ProposalCreated(
            proposalId=pid,
            proposer=treasury.address,
            targets=[token.address],
            values=[0],
            signatures=[""],
            calldatas=[calldata],
            voteStart=vote_start,
            voteEnd=vote_end,
            description=grant_maker.description,
        )
    ]
    assert governor.state(pid) == PENDING

    proposals.advance_to(vote_start + 1)
    assert governor.state(pid) == ACTIVE
    tx = governor.castVote(pid, FOR, sender=treasury)
    assert tx.events == [
        governor.VoteCast(
            voter=treasury.address, proposalId=pid, support=FOR, weight=supply, reason=""
        )
    ]
    assert governor.proposalVotes(pid) == (0, supply, 0)

    proposals.advance_to(vote_end + 1)
    assert governor.state(pid) == SUCCEEDED

    operation = operation_id(timelock, governor, grant_maker)
    tx = proposals.queue(grant_maker, stranger)
    eta = tx.timestamp + params.timelock_delay
    assert tx.events == [
        timelock.CallScheduled(
            id=operation,
            index=0,
            target=token.address,
            value=0,
            data=calldata,
            predecessor=NO_PREDECESSOR,
            delay=params.timelock_delay,
        ),
        timelock.CallSalt(id=operation, salt=timelock_salt(governor, grant_maker)),
        governor.ProposalQueued(proposalId=pid, etaSeconds=eta),
    ]
    assert governor.state(pid) == QUEUED
    assert governor.proposalEta(pid) == eta
    assert timelock.getOperationState(operation) == WAITING

    send_at(chain, eta)
    tx = proposals.execute(grant_maker, stranger)

    assert tx.events == [
        token.MinterGranted(account=maker.address),
        timelock.CallExecuted(id=operation, index=0, target=token.address, value=0, data=calldata),
        governor.ProposalExecuted(proposalId=pid),
    ]
    assert governor.state(pid) == EXECUTED
    assert timelock.getOperationState(operation) == DONE
    assert token.isMinter(maker)


def test_proposal__granted_minter__can_then_mint_within_the_cap(
    proposals, token, grant_maker, treasury, maker, taker
):
    proposals.run(grant_maker, treasury, [treasury])
    cap = token.mintable()

    tx = token.mint(taker, cap, sender=maker)

    assert tx.events == [
        token.Transfer(ZERO_ADDRESS, taker.address, cap),
        token.InflationMinted(minter=maker.address, to=taker.address, amount=cap),
    ]


# ---------------------------------------------------------------- proposing


def test_propose__one_vote_below_threshold__reverts_insufficient_votes(
    governor, grant_maker, give_votes, maker, reverts
):
    give_votes(maker, THRESHOLD - 1)

    with reverts(
        governor.GovernorInsufficientProposerVotes,
        proposer=maker.address,
        votes=THRESHOLD - 1,
        threshold=THRESHOLD,
    ):
        governor.propose(*grant_maker.args(), grant_maker.description, sender=maker)


def test_propose__exactly_threshold__creates_the_proposal(
    governor, proposals, grant_maker, give_votes, maker
):
    give_votes(maker, THRESHOLD)

    tx = governor.propose(*grant_maker.args(), grant_maker.description, sender=maker)

    pid = proposals.proposal_id(grant_maker)
    assert tx.events == [governor.ProposalCreated(proposalId=pid, proposer=maker.address)]
    assert governor.state(pid) == PENDING


def test_propose__same_proposal_twice__reverts_unexpected_state(
    wrong_state, governor, proposals, grant_maker, treasury, reverts
):
    pid = proposals.propose(grant_maker, treasury)

    with wrong_state(pid, PENDING):
        governor.propose(*grant_maker.args(), grant_maker.description, sender=treasury)


# ---------------------------------------------------------------- voting


def test_proposal_state__around_vote_start_and_end__follows_the_clock(
    governor, chain, proposals, grant_maker, treasury
):
    pid = proposals.propose(grant_maker, treasury)
    snapshot, deadline = governor.proposalSnapshot(pid), governor.proposalDeadline(pid)

    expected = [
        (snapshot - 1, PENDING),
        (snapshot, PENDING),
        (snapshot + 1, ACTIVE),
        (deadline - 1, ACTIVE),
        (deadline, ACTIVE),
        (deadline + 1, DEFEATED),  # nobody voted: no quorum
    ]
    for timestamp, state in expected:
        chain.mine(timestamp=timestamp)
        assert governor.state(pid) == state, f"at {timestamp - snapshot}s after the snapshot"


def test_vote__at_the_snapshot_second__reverts_as_still_pending(
    wrong_state, governor, chain, proposals, grant_maker, treasury, reverts
):
    pid = proposals.propose(grant_maker, treasury)
    send_at(chain, governor.proposalSnapshot(pid))

    with wrong_state(pid, PENDING, ACTIVE):
        governor.castVote(pid, FOR, sender=treasury)


def test_vote__at_the_deadline_counts_and_one_second_later_reverts(
    wrong_state, governor, chain, proposals, grant_maker, give_votes, treasury, maker, reverts
):
    give_votes(maker, 1_000 * TOKEN_UNIT)
    pid = proposals.propose(grant_maker, treasury)
    deadline = governor.proposalDeadline(pid)
    send_at(chain, deadline)

    tx = governor.castVote(pid, FOR, sender=treasury)

    assert tx.events == [governor.VoteCast(voter=treasury.address, proposalId=pid, support=FOR)]
    send_at(chain, deadline + 1)
    with wrong_state(pid, SUCCEEDED, ACTIVE):
        governor.castVote(pid, FOR, sender=maker)


def test_vote__twice__reverts_already_cast_vote(
    governor, proposals, grant_maker, treasury, reverts
):
    pid = proposals.propose(grant_maker, treasury)
    proposals.advance_to(governor.proposalSnapshot(pid) + 1)
    governor.castVote(pid, FOR, sender=treasury)

    with reverts(governor.GovernorAlreadyCastVote, voter=treasury.address):
        governor.castVote(pid, AGAINST, sender=treasury)


def test_vote__tokens_acquired_after_the_snapshot__carry_no_weight(
    governor, token, proposals, grant_maker, treasury, maker
):
    supply = token.totalSupply()
    pid = proposals.propose(grant_maker, treasury)
    proposals.advance_to(governor.proposalSnapshot(pid) + 1)
    # A would-be attacker borrows 10M tokens once the snapshot is taken.
    token.transfer(maker, 10_000_000 * TOKEN_UNIT, sender=treasury)
    delegate_votes(token, maker, sender=maker)

    tx = governor.castVote(pid, AGAINST, sender=maker)

    assert tx.events == [
        governor.VoteCast(voter=maker.address, proposalId=pid, support=AGAINST, weight=0)
    ]
    tx = governor.castVote(pid, FOR, sender=treasury)
    assert tx.events == [
        governor.VoteCast(voter=treasury.address, proposalId=pid, support=FOR, weight=supply)
    ]


# ---------------------------------------------------------------- defeated proposals


@pytest.mark.parametrize(
    "votes, outcome", [(QUORUM - 1, DEFEATED), (QUORUM, SUCCEEDED)], ids=["quorum-1", "quorum"]
)
def test_proposal__for_votes_around_quorum__decide_the_outcome(
    governor, proposals, grant_maker, give_votes, maker, votes, outcome
):
    give_votes(maker, votes)

    pid = proposals.propose_and_pass(grant_maker, maker, [maker])

    assert governor.quorum(governor.proposalSnapshot(pid)) == QUORUM
    assert governor.state(pid) == outcome


def test_queue__proposal_short_of_quorum__reverts_unexpected_state(
    wrong_state, governor, proposals, grant_maker, give_votes, maker, reverts
):
    give_votes(maker, QUORUM - 1)
    pid = proposals.propose_and_pass(grant_maker, maker, [maker])

    with wrong_state(pid, DEFEATED, SUCCEEDED):
        proposals.queue(grant_maker, maker)


def test_queue__proposal_voted_down__reverts_unexpected_state(
    wrong_state, governor, proposals, grant_maker, give_votes, treasury, maker, reverts
):
    give_votes(maker, QUORUM)
    pid = proposals.propose(grant_maker, maker)
    proposals.advance_to(governor.proposalSnapshot(pid) + 1)
    proposals.vote(pid, [maker], FOR)
    proposals.vote(pid, [treasury], AGAINST)
    proposals.advance_to(governor.proposalDeadline(pid) + 1)
    assert governor.state(pid) == DEFEATED

    with wrong_state(pid, DEFEATED, SUCCEEDED):
        proposals.queue(grant_maker, maker)


# ---------------------------------------------------------------- execution and the delay


def test_execute__succeeded_but_not_queued__reverts_unexpected_state(
    wrong_state, governor, proposals, grant_maker, treasury, reverts
):
    pid = proposals.propose_and_pass(grant_maker, treasury, [treasury])

    with wrong_state(pid, SUCCEEDED, QUEUED):
        proposals.execute(grant_maker, treasury)


def test_execute__one_second_before_the_timelock_delay__reverts_in_the_timelock(
    governor, timelock, token, chain, proposals, queued, grant_maker, treasury, maker, reverts
):
    # The governor lets a Queued proposal through; the timelock refuses the early operation.
    send_at(chain, governor.proposalEta(queued) - 1)

    with reverts(
        timelock.TimelockUnexpectedOperationState,
        operationId=operation_id(timelock, governor, grant_maker),
        expectedStates=bitmap(READY),
    ):
        proposals.execute(grant_maker, treasury)
    assert governor.state(queued) == QUEUED
    assert not token.isMinter(maker)


def test_execute__exactly_at_eta__executes(
    governor, token, chain, proposals, queued, grant_maker, treasury, maker
):
    send_at(chain, governor.proposalEta(queued))

    tx = proposals.execute(grant_maker, treasury)

    assert tx.events.filter(governor.ProposalExecuted) == [
        governor.ProposalExecuted(proposalId=queued)
    ]
    assert token.isMinter(maker)


def test_timelock_execute__ready_operation_by_anyone__counts_as_executed_proposal(
    governor, timelock, token, chain, queued, grant_maker, stranger, maker
):
    # EXECUTOR_ROLE is open: once ready, the operation may be run on the timelock directly.
    send_at(chain, governor.proposalEta(queued))
    salt = timelock_salt(governor, grant_maker)

    tx = timelock.executeBatch(*grant_maker.args(), NO_PREDECESSOR, salt, sender=stranger)

    assert tx.events == [
        token.MinterGranted(account=maker.address),
        timelock.CallExecuted(id=operation_id(timelock, governor, grant_maker), index=0),
    ]
    assert governor.state(queued) == EXECUTED


# ---------------------------------------------------------------- the guardian cancels


def test_guardian_cancel__queued_proposal__is_canceled_and_cannot_execute(
    wrong_state,
    governor,
    timelock,
    token,
    chain,
    proposals,
    queued,
    grant_maker,
    guardian,
    treasury,
    maker,
    reverts,
):
    operation = operation_id(timelock, governor, grant_maker)

    tx = timelock.cancel(operation, sender=guardian)

    assert tx.events == [timelock.Cancelled(id=operation)]
    assert governor.state(queued) == CANCELED
    assert timelock.getOperationState(operation) == UNSET
    send_at(chain, governor.proposalEta(queued))
    with wrong_state(queued, CANCELED, QUEUED):
        proposals.execute(grant_maker, treasury)
    with wrong_state(queued, CANCELED, SUCCEEDED):
        proposals.queue(grant_maker, treasury)
    assert not token.isMinter(maker)


def test_guardian_cancel__operation_not_pending__reverts_unexpected_state(
    timelock, guardian, reverts
):
    unknown = b"\x01" * 32

    with reverts(
        timelock.TimelockUnexpectedOperationState,
        operationId=unknown,
        expectedStates=bitmap(WAITING, READY),
    ):
        timelock.cancel(unknown, sender=guardian)


@pytest.mark.parametrize("caller_name", ["stranger", "treasury", "deployer"])
def test_timelock_cancel__by_non_canceller__reverts_unauthorized_account(
    request, governor, timelock, queued, grant_maker, caller_name, reverts
):
    caller = request.getfixturevalue(caller_name)

    with reverts(
        timelock.AccessControlUnauthorizedAccount,
        account=caller.address,
        neededRole=CANCELLER_ROLE,
    ):
        timelock.cancel(operation_id(timelock, governor, grant_maker), sender=caller)
    assert governor.state(queued) == QUEUED


# ---------------------------------------------------------------- what the guardian cannot do


def test_guardian__cannot_schedule_on_the_timelock(
    timelock, token, guardian, maker, params, reverts
):
    calldata = token.grantMinter.encode_input(maker)

    with reverts(
        timelock.AccessControlUnauthorizedAccount,
        account=guardian.address,
        neededRole=PROPOSER_ROLE,
    ):
        timelock.schedule(
            token,
            0,
            calldata,
            NO_PREDECESSOR,
            NO_PREDECESSOR,
            params.timelock_delay,
            sender=guardian,
        )
    with reverts(
        timelock.AccessControlUnauthorizedAccount,
        account=guardian.address,
        neededRole=PROPOSER_ROLE,
    ):
        timelock.scheduleBatch(
            [token],
            [0],
            [calldata],
            NO_PREDECESSOR,
            NO_PREDECESSOR,
            params.timelock_delay,
            sender=guardian,
        )


def test_guardian__cannot_execute_an_unscheduled_call(timelock, token, guardian, maker, reverts):
    calldata = token.grantMinter.encode_input(maker)
    operation = bytes(timelock.hashOperation(token, 0, calldata, NO_PREDECESSOR, NO_PREDECESSOR))

    with reverts(
        timelock.TimelockUnexpectedOperationState,
        operationId=operation,
        expectedStates=bitmap(READY),
    ):
        timelock.execute(token, 0, calldata, NO_PREDECESSOR, NO_PREDECESSOR, sender=guardian)
    assert not token.isMinter(maker)


@pytest.mark.parametrize(
    "role",
    [DEFAULT_ADMIN_ROLE, PROPOSER_ROLE, EXECUTOR_ROLE, CANCELLER_ROLE],
    ids=["DEFAULT_ADMIN", "PROPOSER", "EXECUTOR", "CANCELLER"],
)
def test_guardian__cannot_grant_timelock_roles(timelock, guardian, stranger, role, reverts):
    with reverts(
        timelock.AccessControlUnauthorizedAccount,
        account=guardian.address,
        neededRole=DEFAULT_ADMIN_ROLE,
    ):
        timelock.grantRole(role, stranger, sender=guardian)


def test_guardian__cannot_revoke_the_governors_roles(timelock, governor, guardian, reverts):
    with reverts(
        timelock.AccessControlUnauthorizedAccount,
        account=guardian.address,
        neededRole=DEFAULT_ADMIN_ROLE,
    ):
        timelock.revokeRole(PROPOSER_ROLE, governor, sender=guardian)


def test_guardian__cannot_change_the_timelock_delay(timelock, guardian, reverts):
    with reverts(timelock.TimelockUnauthorizedCaller, caller=guardian.address):
        timelock.updateDelay(0, sender=guardian)


def test_guardian__cannot_call_the_tokens_governance_functions(token, guardian, maker, reverts):
    # grantMinter is the token's only onlyGovernance function.
    with reverts(token.GovernedOnlyGovernance, caller=guardian.address):
        token.grantMinter(maker, sender=guardian)


# ---------------------------------------------------------------- governor settings


GOVERNOR_SETTINGS = {
    "setVotingDelay": lambda c: (1,),
    "setVotingPeriod": lambda c: (1,),
    "setProposalThreshold": lambda c: (0,),
    "updateQuorumNumerator": lambda c: (1,),
    "updateTimelock": lambda c: (c["stranger"],),
    "relay": lambda c: (c["token"], 0, c["token"].grantMinter.encode_input(c["stranger"])),
}


@pytest.mark.parametrize("caller_name", ["guardian", "treasury", "stranger"])
@pytest.mark.parametrize("method", list(GOVERNOR_SETTINGS))
def test_governor_settings__by_anyone_but_governance__revert_with_only_executor(
    request, governor, token, stranger, method, caller_name, reverts
):
    caller = request.getfixturevalue(caller_name)
    args = GOVERNOR_SETTINGS[method]({"stranger": stranger, "token": token})

    with reverts(governor.GovernorOnlyExecutor, account=caller.address):
        getattr(governor, method)(*args, sender=caller)


def test_governor_settings__timelock_call_outside_a_proposal__is_refused(
    governor, governance, params
):
    # Only calls the governor itself queued while executing a proposal pass: the timelock
    # acting on its own (e.g. an operation scheduled around the governor) pops an empty queue.
    with pytest.raises(VirtualMachineError, match="Panic error 0x31"):
        governor.setVotingDelay(1, sender=governance)
    assert governor.votingDelay() == params.voting_delay


def test_governor_settings__changed_by_proposal__emit_their_events(
    governor, timelock, proposals, treasury, params
):
    proposal = (
        Proposal("Slower governance")
        .call(governor, "setVotingDelay", 2 * DAY)
        .call(governor, "setVotingPeriod", 7 * DAY)
        .call(governor, "setProposalThreshold", 2 * THRESHOLD)
        .call(governor, "updateQuorumNumerator", 5)
    )

    tx = proposals.run(proposal, treasury, [treasury])

    assert tx.events.filter(governor.VotingDelaySet) == [
        governor.VotingDelaySet(oldVotingDelay=params.voting_delay, newVotingDelay=2 * DAY)
    ]
    assert tx.events.filter(governor.VotingPeriodSet) == [
        governor.VotingPeriodSet(oldVotingPeriod=params.voting_period, newVotingPeriod=7 * DAY)
    ]
    assert tx.events.filter(governor.ProposalThresholdSet) == [
        governor.ProposalThresholdSet(
            oldProposalThreshold=THRESHOLD, newProposalThreshold=2 * THRESHOLD
        )
    ]
    assert tx.events.filter(governor.QuorumNumeratorUpdated) == [
        governor.QuorumNumeratorUpdated(oldQuorumNumerator=4, newQuorumNumerator=5)
    ]
    assert len(tx.events.filter(timelock.CallExecuted)) == 4
    assert governor.votingDelay() == 2 * DAY
    assert governor.votingPeriod() == 7 * DAY
    assert governor.proposalThreshold() == 2 * THRESHOLD
    assert governor.quorumNumerator() == 5


# ---------------------------------------------------------------- cancelling by the proposer


def test_governor_cancel__by_proposer_while_pending__cancels(
    governor, proposals, grant_maker, treasury
):
    pid = proposals.propose(grant_maker, treasury)

    tx = governor.cancel(*grant_maker.args(), grant_maker.description_hash, sender=treasury)

    assert tx.events == [governor.ProposalCanceled(proposalId=pid)]
    assert governor.state(pid) == CANCELED


def test_governor_cancel__by_someone_else__reverts_unable_to_cancel(
    governor, proposals, grant_maker, treasury, guardian, reverts
):
    pid = proposals.propose(grant_maker, treasury)

    with reverts(governor.GovernorUnableToCancel, proposalId=pid, account=guardian.address):
        governor.cancel(*grant_maker.args(), grant_maker.description_hash, sender=guardian)


def test_governor_cancel__by_proposer_once_voting_started__reverts_unable_to_cancel(
    governor, proposals, grant_maker, treasury, reverts
):
    pid = proposals.propose(grant_maker, treasury)
    proposals.advance_to(governor.proposalSnapshot(pid) + 1)

    with reverts(governor.GovernorUnableToCancel, proposalId=pid, account=treasury.address):
        governor.cancel(*grant_maker.args(), grant_maker.description_hash, sender=treasury)


# ---------------------------------------------------------------- replacing the guardian


def test_guardian_rotation__by_proposal__moves_the_cancel_and_revoke_powers(
    timelock, token, governor, proposals, treasury, guardian, stranger, reverts
):
    rotation = (
        Proposal("Replace the guardian")
        .call(timelock, "revokeRole", CANCELLER_ROLE, guardian)
        .call(timelock, "grantRole", CANCELLER_ROLE, stranger)
    )

    tx = proposals.run(rotation, treasury, [treasury])

    assert tx.events.filter(timelock.RoleRevoked) == [
        timelock.RoleRevoked(role=CANCELLER_ROLE, account=guardian.address, sender=timelock.address)
    ]
    assert tx.events.filter(timelock.RoleGranted) == [
        timelock.RoleGranted(role=CANCELLER_ROLE, account=stranger.address, sender=timelock.address)
    ]
    assert not token.isGuardian(guardian)
    assert token.isGuardian(stranger)
    with reverts(
        timelock.AccessControlUnauthorizedAccount,
        account=guardian.address,
        neededRole=CANCELLER_ROLE,
    ):
        timelock.cancel(b"\x01" * 32, sender=guardian)
