"""JurorCourt governance: who may set the parameters, which parameters are valid (every field
and its boundaries), that a change applies to disputes created afterwards only, the
constructor's refusals, and the audit property that no privileged actor moves juror funds.

Parameters are built from `openotc.deployment.params.CourtParams` (the deployment defaults) with
`dataclasses.replace`, and passed as the contract's tuple.
"""

from dataclasses import replace
from types import SimpleNamespace

import pytest

from openotc import court as sdk
from openotc.court import Period
from openotc.deployment.params import DAY, TOKEN_UNIT
from openotc.units import HOUR, ZERO_ADDRESS
from tests.utils.reverts import constructor_revert

MIN_PERIOD = HOUR
MAX_PERIOD = 30 * DAY
MAX_COOLDOWN = 90 * DAY
PERIODS = ["evidence_period", "commit_period", "reveal_period", "appeal_period"]


# ---------------------------------------------------------------- fixtures and helpers


# What every test of this module starts from.
pytestmark = pytest.mark.usefixtures("jurors")


def as_tuple(struct):
    """A CourtParams struct (from a call or an event) as the contract's tuple."""
    return tuple(struct[i] for i in range(9))


def pass_period(court, chain, dispute_id, sender):
    info = court.dispute(dispute_id)
    if info.periodEnd > chain.pending_timestamp:
        chain.pending_timestamp = info.periodEnd
    return court.passPeriod(dispute_id, sender=sender)


# ---------------------------------------------------------------- who may set the parameters


@pytest.mark.parametrize("role", ["stranger", "guardian", "deployer", "treasury"])
def test_set_params__by_anyone_but_governance__reverts_only_governance(
    court, court_params, role, request, reverts
):
    caller = request.getfixturevalue(role)
    changed = replace(court_params, fee_per_juror=2 * court_params.fee_per_juror).as_tuple()

    with reverts(court.GovernedOnlyGovernance, caller=caller.address):
        court.setParams(changed, sender=caller)
    assert as_tuple(court.params()) == court_params.as_tuple()


def test_set_params__by_governance__emits_params_set_and_stores_them(
    court, court_params, governance, timelock
):
    assert court.governance() == timelock.address
    changed = replace(
        court_params,
        min_stake=2_000 * TOKEN_UNIT,
        fee_per_juror=3 * 10**15,
        alpha_bps=2_500,
        max_appeals=5,
        unstake_cooldown=14 * DAY,
        evidence_period=3 * DAY,
        commit_period=2 * DAY,
        reveal_period=3 * HOUR,
        appeal_period=4 * DAY,
    ).as_tuple()

    receipt = court.setParams(changed, sender=governance)

    events = receipt.decode_logs(court.ParamsSet)
    assert len(events) == 1
    assert as_tuple(events[0].params) == changed
    assert len(receipt.events) == 1
    assert as_tuple(court.params()) == changed
    assert court.arbitrationCost(b"") == 3 * 3 * 10**15


def test_deployment__stores_the_default_params(court, court_params):
    assert as_tuple(court.params()) == court_params.as_tuple()
    assert court.arbitrationCost(b"") == 3 * court_params.fee_per_juror


# ---------------------------------------------------------------- valid parameters

# `IJurorCourt.ParamField`: the field an invalid-parameter error names.
FIELD = {
    "min_stake": 0,
    "fee_per_juror": 1,
    "alpha_bps": 2,
    "max_appeals": 3,
    "unstake_cooldown": 4,
    "evidence_period": 5,
    "commit_period": 6,
    "reveal_period": 7,
    "appeal_period": 8,
    "lock_per_seat": 9,
}


def below(field, value, minimum):
    return ("CourtParamBelowMinimum", {"field": FIELD[field], "value": value, "minimum": minimum})


def above(field, value, maximum):
    return ("CourtParamAboveMaximum", {"field": FIELD[field], "value": value, "maximum": maximum})


# Each refused value next to the bound it breaks (the bound itself is in VALID).
INVALID = {
    "min_stake_0": ({"min_stake": 0}, below("min_stake", 0, 1)),
    "fee_0": ({"fee_per_juror": 0}, below("fee_per_juror", 0, 1)),
    "alpha_0": ({"alpha_bps": 0}, below("alpha_bps", 0, 1)),
    "alpha_10001": ({"alpha_bps": 10_001}, above("alpha_bps", 10_001, 10_000)),
    "max_appeals_6": ({"max_appeals": 6}, above("max_appeals", 6, 5)),
    "max_appeals_255": ({"max_appeals": 255}, above("max_appeals", 255, 5)),
    "cooldown_90_days_plus_1": (
        {"unstake_cooldown": MAX_COOLDOWN + 1},
        above("unstake_cooldown", MAX_COOLDOWN + 1, MAX_COOLDOWN),
    ),
    **{f"{p}_0": ({p: 0}, below(p, 0, MIN_PERIOD)) for p in PERIODS},
    **{
        f"{p}_1_hour_minus_1": ({p: MIN_PERIOD - 1}, below(p, MIN_PERIOD - 1, MIN_PERIOD))
        for p in PERIODS
    },
    **{
        f"{p}_30_days_plus_1": ({p: MAX_PERIOD + 1}, above(p, MAX_PERIOD + 1, MAX_PERIOD))
        for p in PERIODS
    },
    "lock_rounds_to_0_min_stake_1": (
        {"min_stake": 1, "alpha_bps": 9_999},
        below("lock_per_seat", 0, 1),
    ),
    "lock_rounds_to_0_alpha_1": (
        {"min_stake": 9_999, "alpha_bps": 1},
        below("lock_per_seat", 0, 1),
    ),
}

VALID = {
    "min_stake_1": {"min_stake": 1, "alpha_bps": 10_000},
    "alpha_10000": {"alpha_bps": 10_000},
    "alpha_1": {"alpha_bps": 1},
    "max_appeals_0": {"max_appeals": 0},
    "max_appeals_5": {"max_appeals": 5},
    "cooldown_0": {"unstake_cooldown": 0},
    "cooldown_90_days": {"unstake_cooldown": MAX_COOLDOWN},
    **{f"{p}_1_hour": {p: MIN_PERIOD} for p in PERIODS},
    **{f"{p}_1_hour_plus_1": {p: MIN_PERIOD + 1} for p in PERIODS},
    **{f"{p}_30_days": {p: MAX_PERIOD} for p in PERIODS},
    "lock_of_1_min_stake_1": {"min_stake": 1, "alpha_bps": 10_000},
    "lock_of_1_alpha_1": {"min_stake": 10_000, "alpha_bps": 1},
    "fee_1": {"fee_per_juror": 1},
    "uint96_max": {"min_stake": 2**96 - 1, "fee_per_juror": 2**96 - 1},
}


@pytest.mark.parametrize("change,expected", INVALID.values(), ids=INVALID.keys())
def test_set_params__field_out_of_bounds__reverts_naming_field_value_and_bound(
    court, court_params, governance, change, expected, reverts
):
    name, inputs = expected
    with reverts(getattr(court, name), **inputs):
        court.setParams(replace(court_params, **change).as_tuple(), sender=governance)
    assert as_tuple(court.params()) == court_params.as_tuple()


@pytest.mark.parametrize("change", VALID.values(), ids=VALID.keys())
def test_set_params__boundary_value__is_accepted(court, court_params, governance, change):
    params = replace(court_params, **change).as_tuple()

    receipt = court.setParams(params, sender=governance)

    assert [as_tuple(e.params) for e in receipt.decode_logs(court.ParamsSet)] == [params]
    assert as_tuple(court.params()) == params


# ---------------------------------------------------------------- new disputes only


def test_set_params__applies_to_new_disputes_only(
    court,
    court_params,
    governance,
    jurors,
    open_dispute,
    vote_round,
    draw,
    arbitration_fee,
    lock,
    reverts,
):
    old = court_params
    new = replace(
        old,
        fee_per_juror=2 * old.fee_per_juror,
        alpha_bps=5_000,
        evidence_period=5 * DAY,
        commit_period=3 * DAY,
        reveal_period=4 * DAY,
        appeal_period=6 * DAY,
        max_appeals=0,
    )
    before = open_dispute()
    start = court.dispute(before).periodStart

    court.setParams(new.as_tuple(), sender=governance)

    # The dispute created before keeps its parameters and durations.
    assert as_tuple(court.disputeParams(before)) == old.as_tuple()
    assert court.dispute(before).periodEnd == start + old.evidence_period
    # New disputes cost the new fee.
    assert court.arbitrationCost(b"") == 3 * new.fee_per_juror
    with reverts(court.CourtInsufficientFee, paid=arbitration_fee, cost=3 * new.fee_per_juror):
        open_dispute()
    after = open_dispute(value=3 * new.fee_per_juror)
    assert as_tuple(court.disputeParams(after)) == new.as_tuple()
    info = court.dispute(after)
    assert info.periodEnd == info.periodStart + new.evidence_period
    assert court.round(after, 0).fees == 3 * new.fee_per_juror
    assert court.round(before, 0).fees == arbitration_fee

    # Through its periods, the old dispute keeps the old durations, lock, appeal fee and
    # appeal limit (3 appeals, where new disputes get none).
    vote_round(before, lambda _juror: 1)
    info = court.dispute(before)
    assert info.period == Period.APPEAL
    assert info.periodEnd == info.periodStart + old.appeal_period
    assert court.appealCost(before, b"") == 7 * old.fee_per_juror
    assert court.appealPeriod(before) == (info.periodStart, info.periodStart + old.appeal_period)
    assert court.totals().locked == 3 * lock

    draw(after)
    new_lock = new.min_stake * new.alpha_bps // 10_000
    assert court.totals().locked == 3 * lock + 3 * new_lock
    locked = sum(court.juror(j).locked for j in jurors)
    assert locked == 3 * lock + 3 * new_lock


def test_set_params__min_stake__applies_to_stake_changes_from_now_on(
    court, court_params, governance, jurors, create_juror, reverts
):
    minimum = 12_000 * TOKEN_UNIT
    court.setParams(replace(court_params, min_stake=minimum).as_tuple(), sender=governance)
    newcomer = create_juror()

    with reverts(court.CourtStakeBelowMinimum, stake=minimum - 1, minimum=minimum):
        court.setStake(minimum - 1, sender=newcomer)
    # Jurors staked below the new minimum keep their stake and may leave.
    staked = court.juror(jurors[0]).stake
    assert staked < minimum
    with reverts(court.CourtStakeBelowMinimum, stake=staked + 1, minimum=minimum):
        court.setStake(staked + 1, sender=jurors[0])
    assert court.setStake(0, sender=jurors[0]).decode_logs(court.StakeSet)[0].stake == 0
    assert court.setStake(minimum, sender=newcomer).decode_logs(court.StakeSet)[0].stake == minimum


def test_set_params__cooldown__applies_to_decreases_from_now_on(
    court, court_params, governance, jurors, chain
):
    chain.pending_timestamp = chain.pending_timestamp + 10
    first = court.setStake(5 * court_params.min_stake, sender=jurors[0])
    first_at = first.decode_logs(court.StakeCooling)[0].availableAt
    court.setParams(replace(court_params, unstake_cooldown=0).as_tuple(), sender=governance)

    second = court.setStake(5 * court_params.min_stake, sender=jurors[1])

    assert court.juror(jurors[0]).coolingEndsAt == first_at
    assert first_at > chain.blocks.head.timestamp
    assert second.decode_logs(court.StakeCooling)[0].availableAt == chain.blocks.head.timestamp


# ---------------------------------------------------------------- constructor


@pytest.mark.parametrize("missing", ["token", "randomness", "treasury"])
def test_constructor__zero_address__reverts_zero_address(
    project, chain, deployer, timelock, token, randomness, treasury, court_params, missing
):
    args = {"token": token, "randomness": randomness, "treasury": treasury}
    args[missing] = ZERO_ADDRESS

    error = constructor_revert(
        chain,
        project.JurorCourt,
        timelock,
        args["token"],
        args["randomness"],
        args["treasury"],
        court_params.as_tuple(),
        sender=deployer,
    )

    assert error == ("CourtZeroAddress", {})


@pytest.mark.parametrize(
    "change,expected", [INVALID["fee_0"], INVALID["alpha_10001"]], ids=["fee", "alpha"]
)
def test_constructor__invalid_params__reverts_naming_the_field(
    project, chain, deployer, timelock, token, randomness, treasury, court_params, change, expected
):
    error = constructor_revert(
        chain,
        project.JurorCourt,
        timelock,
        token,
        randomness,
        treasury,
        replace(court_params, **change).as_tuple(),
        sender=deployer,
    )

    assert error == expected


@pytest.mark.parametrize("governor_address", ["zero", "stranger"])
def test_constructor__governance_without_code__reverts_invalid_governance(
    project, chain, deployer, stranger, token, randomness, treasury, court_params, governor_address
):
    governance = ZERO_ADDRESS if governor_address == "zero" else stranger.address

    error = constructor_revert(
        chain,
        project.JurorCourt,
        governance,
        token,
        randomness,
        treasury,
        court_params.as_tuple(),
        sender=deployer,
    )

    assert error == ("GovernedInvalidGovernance", {"governance": governance})


def test_constructor__valid__emits_params_set_and_wires_its_addresses(
    project, chain, deployer, timelock, token, randomness, treasury, court_params
):
    fresh = deployer.deploy(
        project.JurorCourt, timelock, token, randomness, treasury, court_params.as_tuple()
    )

    receipt = chain.get_receipt(fresh.txn_hash)
    events = receipt.decode_logs(fresh.ParamsSet)
    assert [as_tuple(e.params) for e in events] == [court_params.as_tuple()]
    assert fresh.token() == token.address
    assert fresh.randomness() == randomness.address
    assert fresh.treasury() == treasury.address
    assert fresh.governance() == timelock.address
    assert (fresh.disputeCount(), fresh.jurorCount(), fresh.totalWeight()) == (0, 0, 0)


# ---------------------------------------------------------------- no privileged path to juror funds


@pytest.fixture(scope="module")
def scene(court, randomness, chain, arbitrable, jurors, as_juror, stranger, arbitration_fee):
    """Built once per module; ape restores it before every test.

    - jurors[4] decreased its stake before any dispute: tokens cooling;
    - dispute `executed`: every drawn juror voted 1, ruled, seat 0 settled (its reward credited,
      not withdrawn), seats 1 and 2 not settled (their fees still held);
    - dispute `commit`: drawn, in Commit (its seats lock stake);
    - dispute `pending`: waiting for its draw, so the court is frozen; jurors[3] asked for a
      new stake during the freeze (StakeDelayed).
    """
    court.setStake(court.juror(jurors[4]).stake // 2, sender=jurors[4])

    def open_():
        receipt = arbitrable.createDispute(2, value=arbitration_fee, sender=stranger)
        return receipt.decode_logs(court.DisputeCreation)[0]._disputeID

    executed = open_()
    sdk.draw_when_ready(court, randomness, chain, executed, stranger)
    pass_period(court, chain, executed, stranger)
    drawn = list(dict.fromkeys(court.round(executed, 0).jurors))
    by_address = {j.address: j for j in jurors}
    for address in drawn:
        as_juror(by_address[address]).commit(executed, 1)
    pass_period(court, chain, executed, stranger)
    for address in drawn:
        as_juror(by_address[address]).reveal(executed)
    pass_period(court, chain, executed, stranger)
    chain.pending_timestamp = court.dispute(executed).periodEnd
    court.executeRuling(executed, sender=stranger)
    court.settle(executed, 0, [0], sender=stranger)

    commit = open_()
    sdk.draw_when_ready(court, randomness, chain, commit, stranger)
    pass_period(court, chain, commit, stranger)

    pending = open_()
    court.setStake(4 * court.params().minStake, sender=jurors[3])
    assert court.frozen()
    assert court.totals().residualTokens == court.totals().residualEth == 0
    return SimpleNamespace(executed=executed, commit=commit, pending=pending)


@pytest.fixture(params=["governance", "guardian", "deployer", "treasury"])
def actor(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def role(request):
    return request.node.callspec.params["actor"]


@pytest.fixture
def funds(court, token, jurors, chain):
    """`funds.check()` after every attempt: the court's token balance has not moved and is
    exactly what it owes (stakes, cooling, penalties, rewards, residual); its ETH is exactly
    what it owes; no juror's tokens (stake + cooling + rewards) or ETH rewards went down."""

    def owed_by_juror():
        owed = {}
        for juror in jurors:
            info = court.juror(juror)
            owed[juror.address] = (info.stake + info.cooling + info.rewardTokens, info.rewardEth)
        return owed

    start = SimpleNamespace(tokens=token.balanceOf(court), jurors=owed_by_juror())

    def check():
        t = court.totals()
        balance = token.balanceOf(court)
        assert balance == start.tokens
        assert balance == (
            t.staked + t.cooling + t.penaltiesHeld + t.rewardTokensOwed + t.residualTokens
        )
        assert chain.provider.get_balance(court.address) == (
            t.feesHeld + t.rewardEthOwed + t.residualEth
        )
        for address, (tokens, eth) in owed_by_juror().items():
            assert tokens >= start.jurors[address][0], address
            assert eth >= start.jurors[address][1], address

    check()
    return SimpleNamespace(check=check, start=start)


def test_privileged_actor__every_court_function__moves_no_juror_funds(
    court,
    randomness,
    token,
    chain,
    scene,
    actor,
    role,
    jurors,
    court_params,
    treasury,
    funds,
    reverts,
):
    """Each privileged actor calls every state-changing function of the court, in the frozen
    scene and after unfreezing it. Refusals are exact; what succeeds (the permissionless
    draw, applying a juror's own request, settling, its own dispute) credits jurors only."""
    actor_tokens = token.balanceOf(actor)
    ethers = {j.address: court.juror(j).rewardEth for j in jurors}
    executed, commit, pending = scene.executed, scene.commit, scene.pending
    params_of = {d: as_tuple(court.disputeParams(d)) for d in (executed, commit, pending)}
    cooling_ends = {j.address: court.juror(j).coolingEndsAt for j in jurors}

    # Governance's one power: parameters, for new disputes and stake changes only.
    extreme = replace(
        court_params,
        min_stake=2 * court_params.min_stake,
        fee_per_juror=10**18,
        alpha_bps=10_000,
        unstake_cooldown=MAX_COOLDOWN,
    ).as_tuple()
    if role == "governance":
        assert len(court.setParams(extreme, sender=actor).decode_logs(court.ParamsSet)) == 1
    else:
        with reverts(court.GovernedOnlyGovernance, caller=actor.address):
            court.setParams(extreme, sender=actor)
    for dispute_id, params in params_of.items():
        assert as_tuple(court.disputeParams(dispute_id)) == params
    for juror in jurors:
        assert court.juror(juror).coolingEndsAt == cooling_ends[juror.address]
    funds.check()

    # Frozen: stake changes are only recorded, settling waits.
    minimum = court.params().minStake
    receipt = court.setStake(minimum, sender=actor)
    assert [(e.juror, e.stake) for e in receipt.decode_logs(court.StakeDelayed)] == [
        (actor.address, minimum)
    ]
    funds.check()
    with reverts(court.CourtFrozen):
        court.applyDelayedStake(jurors[3], sender=actor)
    with reverts(court.CourtFrozen):
        court.settle(executed, 0, [1, 2], sender=actor)
    funds.check()

    # Nothing of its own to withdraw; the residual (none) only ever goes to the treasury.
    with reverts(court.CourtNothingToWithdraw, account=actor.address):
        court.withdrawStake(sender=actor)
    with reverts(court.CourtNothingToWithdraw, account=actor.address):
        court.withdrawRewards(sender=actor)
    with reverts(court.CourtNothingToWithdraw, account=treasury.address):
        court.sweepResidual(sender=actor)
    funds.check()

    # Voting and dispute steps that are not its own.
    with reverts(court.CourtNotSeatJuror, disputeId=commit, round=0, seat=0, caller=actor):
        court.commit(commit, [0], b"\x01" * 32, sender=actor)
    with reverts(court.CourtWrongPeriod, disputeId=commit, period=Period.COMMIT):
        court.reveal(commit, [0], 1, b"\x01" * 32, sender=actor)
    commit_ends = court.dispute(commit).periodEnd
    with reverts(court.CourtPeriodNotOver, disputeId=commit, endsAt=commit_ends):
        court.passPeriod(commit, sender=actor)
    with reverts(court.CourtWrongPeriod, disputeId=commit, period=Period.COMMIT):
        court.draw(commit, sender=actor)
    with reverts(court.CourtAlreadyRuled, disputeId=executed):
        court.executeRuling(executed, sender=actor)
    with reverts(court.CourtNotArbitrable, disputeId=executed, caller=actor.address):
        court.appeal(executed, b"", value=10**18, sender=actor)
    with reverts(court.CourtWrongPeriod, disputeId=executed, period=Period.EXECUTION):
        court.passPeriod(executed, sender=actor)
    funds.check()

    # The token: the court approves nobody.
    balance = token.balanceOf(court)
    with reverts(
        token.ERC20InsufficientAllowance, spender=actor.address, allowance=0, needed=balance
    ):
        token.transferFrom(court, actor, balance, sender=actor)
    funds.check()

    # The permissionless draw: seats lock jurors' stake, no token moves.
    receipt = sdk.draw_when_ready(court, randomness, chain, pending, actor)
    (drawn,) = receipt.decode_logs(court.JurorsDrawn)
    assert (drawn.disputeId, drawn.round, len(drawn.jurorIds)) == (pending, 0, 3)
    seated = [court.jurorAt(i) for i in drawn.jurorIds]
    assert seated == court.round(pending, 0).jurors
    assert set(seated) <= {j.address for j in jurors}
    assert receipt.decode_logs(token.Transfer) == []
    assert not court.frozen()
    funds.check()

    # Unfrozen: applying a juror's request changes that juror's own stake only.
    requested = court.juror(jurors[3]).delayedStake
    receipt = court.applyDelayedStake(jurors[3], sender=actor)
    assert [(e.juror, e.stake) for e in receipt.decode_logs(court.StakeSet)] == [
        (jurors[3].address, requested)
    ]
    assert receipt.decode_logs(token.Transfer) == []
    funds.check()
    # Its own request is applied from its own (empty) allowance.
    with reverts(
        token.ERC20InsufficientAllowance, spender=court.address, allowance=0, needed=minimum
    ):
        court.applyDelayedStake(actor, sender=actor)
    funds.check()

    # Settling credits the seats' jurors, never the caller.
    receipt = court.settle(executed, 0, [1, 2], sender=actor)
    settled = receipt.decode_logs(court.SeatSettled)
    seat_jurors = court.round(executed, 0).jurors
    assert [(e.seat, e.juror, e.coherent) for e in settled] == [
        (1, seat_jurors[1], True),
        (2, seat_jurors[2], True),
    ]
    assert receipt.decode_logs(token.Transfer) == []
    fee = court.round(executed, 0).fees // 3
    for juror in jurors:
        credited = court.juror(juror).rewardEth - ethers[juror.address]
        assert credited == fee * seat_jurors[1:].count(juror.address)
    with reverts(court.CourtNothingToWithdraw, account=actor.address):
        court.withdrawRewards(sender=actor)
    with reverts(court.CourtNothingToWithdraw, account=treasury.address):
        court.sweepResidual(sender=actor)
    funds.check()

    # Its own dispute: its own ETH in, nothing out.
    cost = court.arbitrationCost(b"")
    receipt = court.createDispute(2, b"", value=cost, sender=actor)
    created = receipt.decode_logs(court.DisputeCreation)[0]
    assert created._arbitrable == actor.address
    assert court.round(created._disputeID, 0).fees == cost
    funds.check()

    assert token.balanceOf(actor) == actor_tokens
    info = court.juror(actor)
    assert (info.exists, info.stake, info.cooling, info.rewardTokens, info.rewardEth) == (
        False,
        0,
        0,
        0,
        0,
    )


# ---------------------------------------------------------------- lockPerSeat


def test_lock_per_seat__default_params__is_alpha_of_min_stake(court, court_params):
    assert court.lockPerSeat() == court_params.min_stake * court_params.alpha_bps // 10_000


@pytest.mark.parametrize(
    "change,expected",
    [
        ({"alpha_bps": 10_000}, lambda p: p.min_stake),
        ({"alpha_bps": 1, "min_stake": 10_000}, lambda p: 1),
        ({"alpha_bps": 3_333, "min_stake": 1_000}, lambda p: 333),  # rounds down
    ],
    ids=["all_of_min_stake", "smallest_lock", "rounds_down"],
)
def test_lock_per_seat__after_set_params__follows_the_new_params(
    court, court_params, governance, change, expected
):
    params = replace(court_params, **change)

    court.setParams(params.as_tuple(), sender=governance)

    assert court.lockPerSeat() == expected(params)
