"""JurorCourt staking: setStake (join, increase, decrease, leave), the unstake cooldown and
withdrawStake (one release time for everything cooling, only ever pushed later), every
refusal of a stake change, the freeze while a round waits for its jurors (StakeDelayed, a
request withdrawn by asking for the stake in force, applyDelayedStake checking the request
again against the parameters then in force), the empty-tree exception to the freeze (the
pending ticket goes stale and is renewed), and the reputation-weighted drawing weight.

No module-wide staked jurors here: every test starts from a court where nobody has staked
(the shared `jurors` fixture is module-scoped and would stay staked for the rest of the
module), and stakes what it needs itself.
"""

from dataclasses import replace

import pytest

from openotc import court as sdk
from openotc.court import Period
from openotc.units import DAY, TOKEN_UNIT

WEIGHT_UNIT = 10**9
UINT96_MAX = 2**96 - 1


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def min_stake(court_params):
    return court_params.min_stake


@pytest.fixture
def cooldown(court_params):
    return court_params.unstake_cooldown


def stake_of(court, account):
    return court.juror(account).stake


def weight_for(stake, coherent=0, incoherent=0):
    """The drawing weight the spec gives (IJurorCourt: Drawing weight)."""
    return stake * (coherent + 1) // (coherent + incoherent + 1) // WEIGHT_UNIT


def only(receipt, event):
    logs = receipt.decode_logs(event)
    assert len(logs) == 1, logs
    return logs[0]


def pin(chain, timestamp):
    chain.pending_timestamp = timestamp
    return timestamp


# ---------------------------------------------------------------- joining and increasing


def test_set_stake__first_time__assigns_id_emits_stake_set_and_pulls_tokens(
    court, token, create_juror, min_stake
):
    juror = create_juror()
    balance = token.balanceOf(juror)
    stake = 3 * min_stake + 7

    receipt = court.setStake(stake, sender=juror)

    event = only(receipt, court.StakeSet)
    assert event.event_arguments == {
        "juror": juror.address,
        "jurorId": 0,
        "stake": stake,
        "weight": stake // WEIGHT_UNIT,
    }
    assert receipt.decode_logs(court.StakeCooling) == []
    info = court.juror(juror)
    assert info.exists
    assert info.id == 0
    assert info.stake == stake
    assert info.locked == 0
    assert info.weight == stake // WEIGHT_UNIT
    assert (info.coherent, info.incoherent) == (0, 0)
    assert court.jurorCount() == 1
    assert court.jurorAt(0) == juror.address
    assert court.totalWeight() == stake // WEIGHT_UNIT
    assert court.totals().staked == stake
    assert token.balanceOf(juror) == balance - stake
    assert token.balanceOf(court) == stake


def test_set_stake__second_juror__gets_the_next_id(court, create_juror, min_stake):
    first = create_juror(stake=min_stake)
    second = create_juror()

    receipt = court.setStake(2 * min_stake, sender=second)

    assert only(receipt, court.StakeSet).jurorId == 1
    assert court.juror(first).id == 0
    assert court.juror(second).id == 1
    assert court.jurorAt(1) == second.address
    assert court.totalWeight() == 3 * min_stake // WEIGHT_UNIT
    assert court.totals().staked == 3 * min_stake


def test_set_stake__exactly_the_minimum__is_accepted(court, create_juror, min_stake):
    juror = create_juror()

    receipt = court.setStake(min_stake, sender=juror)

    assert only(receipt, court.StakeSet).stake == min_stake
    assert stake_of(court, juror) == min_stake


def test_set_stake__increase__pulls_only_the_difference(court, token, create_juror, min_stake):
    juror = create_juror(stake=min_stake)
    balance = token.balanceOf(juror)

    receipt = court.setStake(5 * min_stake, sender=juror)

    assert only(receipt, court.StakeSet).event_arguments == {
        "juror": juror.address,
        "jurorId": 0,
        "stake": 5 * min_stake,
        "weight": 5 * min_stake // WEIGHT_UNIT,
    }
    assert receipt.decode_logs(court.StakeCooling) == []
    assert token.balanceOf(juror) == balance - 4 * min_stake
    assert token.balanceOf(court) == 5 * min_stake
    assert court.totals().staked == 5 * min_stake
    assert court.totals().cooling == 0
    assert court.totalWeight() == 5 * min_stake // WEIGHT_UNIT


# ---------------------------------------------------------------- decreasing and withdrawing


def test_set_stake__decrease__moves_the_difference_to_cooling(
    court, token, chain, create_juror, min_stake, cooldown
):
    juror = create_juror(stake=5 * min_stake)
    balance = token.balanceOf(juror)
    now = pin(chain, chain.pending_timestamp + 100)

    receipt = court.setStake(2 * min_stake, sender=juror)

    assert only(receipt, court.StakeSet).event_arguments == {
        "juror": juror.address,
        "jurorId": 0,
        "stake": 2 * min_stake,
        "weight": 2 * min_stake // WEIGHT_UNIT,
    }
    assert only(receipt, court.StakeCooling).event_arguments == {
        "juror": juror.address,
        "amount": 3 * min_stake,
        "availableAt": now + cooldown,
    }
    info = court.juror(juror)
    assert info.stake == 2 * min_stake
    assert info.cooling == 3 * min_stake
    assert info.coolingEndsAt == now + cooldown
    totals = court.totals()
    assert totals.staked == 2 * min_stake
    assert totals.cooling == 3 * min_stake
    # Nothing is paid out yet.
    assert token.balanceOf(juror) == balance
    assert token.balanceOf(court) == 5 * min_stake
    assert court.totalWeight() == 2 * min_stake // WEIGHT_UNIT


def test_set_stake__second_decrease__adds_to_cooling_and_restarts_the_cooldown(
    court, chain, create_juror, min_stake, cooldown
):
    juror = create_juror(stake=5 * min_stake)
    court.setStake(4 * min_stake, sender=juror)
    later = pin(chain, chain.pending_timestamp + DAY)

    receipt = court.setStake(2 * min_stake, sender=juror)

    assert only(receipt, court.StakeCooling).event_arguments == {
        "juror": juror.address,
        "amount": 3 * min_stake,
        "availableAt": later + cooldown,
    }
    info = court.juror(juror)
    assert (info.cooling, info.coolingEndsAt) == (3 * min_stake, later + cooldown)
    assert court.totals().cooling == 3 * min_stake


def test_set_stake__later_decrease__pushes_the_release_of_everything_cooling_later(
    court, token, chain, create_juror, min_stake, cooldown, reverts
):
    """The first decrease alone would be available at `first + cooldown`; a second decrease a
    day later holds all of it until `second + cooldown`."""
    juror = create_juror(stake=5 * min_stake)
    balance = token.balanceOf(juror)
    first = pin(chain, chain.pending_timestamp + 10)
    court.setStake(4 * min_stake, sender=juror)
    second = pin(chain, first + DAY)

    receipt = court.setStake(2 * min_stake, sender=juror)

    assert only(receipt, court.StakeCooling).event_arguments == {
        "juror": juror.address,
        "amount": 3 * min_stake,
        "availableAt": second + cooldown,
    }
    pin(chain, first + cooldown)
    with reverts(court.CourtCoolingDown, availableAt=second + cooldown):
        court.withdrawStake(sender=juror)
    pin(chain, second + cooldown - 1)
    with reverts(court.CourtCoolingDown, availableAt=second + cooldown):
        court.withdrawStake(sender=juror)
    pin(chain, second + cooldown)
    withdrawn = court.withdrawStake(sender=juror)
    assert only(withdrawn, court.StakeWithdrawn).event_arguments == {
        "juror": juror.address,
        "amount": 3 * min_stake,
    }
    assert token.balanceOf(juror) == balance + 3 * min_stake


def test_set_stake__decrease_after_the_cooldown_was_set_to_zero__keeps_the_earlier_release(
    court, token, chain, create_juror, governance, court_params, min_stake, cooldown, reverts
):
    """Lowering the cooldown releases no earlier decrease sooner: a decrease of 1 wei more under
    a zero cooldown leaves everything cooling at the first decrease's release time."""
    juror = create_juror(stake=5 * min_stake)
    first = pin(chain, chain.pending_timestamp + 10)
    court.setStake(3 * min_stake, sender=juror)
    court.setParams(replace(court_params, unstake_cooldown=0).as_tuple(), sender=governance)
    assert court.params().unstakeCooldown == 0
    later = pin(chain, first + DAY)

    receipt = court.setStake(3 * min_stake - 1, sender=juror)

    assert only(receipt, court.StakeSet).stake == 3 * min_stake - 1
    assert only(receipt, court.StakeCooling).event_arguments == {
        "juror": juror.address,
        "amount": 2 * min_stake + 1,
        "availableAt": first + cooldown,
    }
    info = court.juror(juror)
    assert (info.cooling, info.coolingEndsAt) == (2 * min_stake + 1, first + cooldown)
    pin(chain, later + 1)
    with reverts(court.CourtCoolingDown, availableAt=first + cooldown):
        court.withdrawStake(sender=juror)
    pin(chain, first + cooldown - 1)
    with reverts(court.CourtCoolingDown, availableAt=first + cooldown):
        court.withdrawStake(sender=juror)
    assert court.juror(juror).cooling == 2 * min_stake + 1

    pin(chain, first + cooldown)
    withdrawn = court.withdrawStake(sender=juror)
    assert only(withdrawn, court.StakeWithdrawn).amount == 2 * min_stake + 1
    assert court.totals().cooling == 0


def test_set_stake__decrease_under_a_shorter_cooldown_ending_later__pushes_the_release_to_it(
    court, chain, create_juror, governance, court_params, min_stake, cooldown
):
    """The release time is max(existing, now + the cooldown in force): a shorter cooldown
    that still ends after the existing release time moves it to its own end."""
    juror = create_juror(stake=5 * min_stake)
    first = pin(chain, chain.pending_timestamp + 10)
    court.setStake(4 * min_stake, sender=juror)
    court.setParams(replace(court_params, unstake_cooldown=DAY).as_tuple(), sender=governance)
    later = pin(chain, first + cooldown - 1)
    assert later + DAY > first + cooldown

    receipt = court.setStake(3 * min_stake, sender=juror)

    assert only(receipt, court.StakeCooling).event_arguments == {
        "juror": juror.address,
        "amount": 2 * min_stake,
        "availableAt": later + DAY,
    }
    assert court.juror(juror).coolingEndsAt == later + DAY


def test_set_stake__to_zero__leaves_with_weight_zero_and_keeps_the_id(
    court, chain, create_juror, min_stake, cooldown
):
    juror = create_juror(stake=3 * min_stake)
    now = pin(chain, chain.pending_timestamp + 10)

    receipt = court.setStake(0, sender=juror)

    assert only(receipt, court.StakeSet).event_arguments == {
        "juror": juror.address,
        "jurorId": 0,
        "stake": 0,
        "weight": 0,
    }
    assert only(receipt, court.StakeCooling).event_arguments == {
        "juror": juror.address,
        "amount": 3 * min_stake,
        "availableAt": now + cooldown,
    }
    info = court.juror(juror)
    assert info.exists and info.id == 0
    assert (info.stake, info.weight) == (0, 0)
    assert court.totalWeight() == 0
    assert court.totals().staked == 0
    assert court.totals().cooling == 3 * min_stake
    assert court.jurorCount() == 1


def test_set_stake__rejoin_after_leaving__keeps_the_same_id(court, create_juror, min_stake):
    other = create_juror(stake=min_stake)
    juror = create_juror(stake=min_stake)
    court.setStake(0, sender=juror)

    receipt = court.setStake(2 * min_stake, sender=juror)

    assert only(receipt, court.StakeSet).jurorId == 1
    assert court.jurorCount() == 2
    assert court.juror(other).id == 0


@pytest.mark.parametrize("offset", [0, 1], ids=["at_available_at", "after_available_at"])
def test_withdraw_stake__at_or_after_cooldown__pays_the_cooling_amount(
    court, token, chain, create_juror, min_stake, cooldown, offset
):
    juror = create_juror(stake=5 * min_stake)
    now = pin(chain, chain.pending_timestamp + 10)
    court.setStake(min_stake, sender=juror)
    balance = token.balanceOf(juror)
    pin(chain, now + cooldown + offset)

    receipt = court.withdrawStake(sender=juror)

    assert only(receipt, court.StakeWithdrawn).event_arguments == {
        "juror": juror.address,
        "amount": 4 * min_stake,
    }
    assert only(receipt, token.Transfer).event_arguments == {
        "from": court.address,
        "to": juror.address,
        "value": 4 * min_stake,
    }
    assert token.balanceOf(juror) == balance + 4 * min_stake
    assert token.balanceOf(court) == min_stake
    info = court.juror(juror)
    assert (info.cooling, info.coolingEndsAt) == (0, 0)
    assert info.stake == min_stake
    assert court.totals().cooling == 0
    assert court.totals().staked == min_stake


def test_withdraw_stake__one_second_before_cooldown__reverts_cooling_down(
    court, token, chain, create_juror, min_stake, cooldown, reverts
):
    juror = create_juror(stake=5 * min_stake)
    now = pin(chain, chain.pending_timestamp + 10)
    court.setStake(min_stake, sender=juror)
    balance = token.balanceOf(juror)
    pin(chain, now + cooldown - 1)

    with reverts(court.CourtCoolingDown, availableAt=now + cooldown):
        court.withdrawStake(sender=juror)

    assert token.balanceOf(juror) == balance
    assert court.juror(juror).cooling == 4 * min_stake


def test_withdraw_stake__after_leaving__pays_the_whole_stake(
    court, token, chain, create_juror, min_stake, cooldown
):
    juror = create_juror(stake=2 * min_stake)
    balance = token.balanceOf(juror)
    now = pin(chain, chain.pending_timestamp + 10)
    court.setStake(0, sender=juror)
    pin(chain, now + cooldown)

    receipt = court.withdrawStake(sender=juror)

    assert only(receipt, court.StakeWithdrawn).amount == 2 * min_stake
    assert token.balanceOf(juror) == balance + 2 * min_stake
    assert token.balanceOf(court) == 0
    assert court.totals().staked == court.totals().cooling == 0


def test_withdraw_stake__twice__reverts_nothing_to_withdraw(
    court, chain, create_juror, min_stake, cooldown, reverts
):
    juror = create_juror(stake=2 * min_stake)
    now = pin(chain, chain.pending_timestamp + 10)
    court.setStake(min_stake, sender=juror)
    pin(chain, now + cooldown)
    court.withdrawStake(sender=juror)

    with reverts(court.CourtNothingToWithdraw, account=juror.address):
        court.withdrawStake(sender=juror)


def test_withdraw_stake__only_increased__reverts_nothing_to_withdraw(
    court, create_juror, min_stake, reverts
):
    juror = create_juror(stake=min_stake)
    court.setStake(2 * min_stake, sender=juror)

    with reverts(court.CourtNothingToWithdraw, account=juror.address):
        court.withdrawStake(sender=juror)


def test_withdraw_stake__never_staked__reverts_nothing_to_withdraw(court, stranger, reverts):
    with reverts(court.CourtNothingToWithdraw, account=stranger.address):
        court.withdrawStake(sender=stranger)


# ---------------------------------------------------------------- refused stake changes


@pytest.mark.parametrize("below", [1, "min_minus_one"])
def test_set_stake__below_minimum__reverts(court, create_juror, min_stake, below, reverts):
    juror = create_juror()
    stake = min_stake - 1 if below == "min_minus_one" else below

    with reverts(court.CourtStakeBelowMinimum, stake=stake, minimum=min_stake):
        court.setStake(stake, sender=juror)
    assert not court.juror(juror).exists
    assert court.jurorCount() == 0


def test_set_stake__decrease_below_minimum__reverts(court, create_juror, min_stake, reverts):
    juror = create_juror(stake=2 * min_stake)

    with reverts(court.CourtStakeBelowMinimum, stake=min_stake - 1, minimum=min_stake):
        court.setStake(min_stake - 1, sender=juror)
    assert stake_of(court, juror) == 2 * min_stake


def test_set_stake__unchanged__reverts(court, create_juror, min_stake, reverts):
    juror = create_juror(stake=2 * min_stake)

    with reverts(court.CourtStakeUnchanged, stake=2 * min_stake):
        court.setStake(2 * min_stake, sender=juror)


def test_set_stake__first_stake_of_zero__reverts_unchanged_zero(court, create_juror, reverts):
    juror = create_juror()

    with reverts(court.CourtStakeUnchanged, stake=0):
        court.setStake(0, sender=juror)
    assert not court.juror(juror).exists
    assert court.jurorCount() == 0


def test_set_stake__zero_after_leaving__reverts_unchanged_zero(
    court, create_juror, min_stake, reverts
):
    juror = create_juror(stake=min_stake)
    court.setStake(0, sender=juror)

    with reverts(court.CourtStakeUnchanged, stake=0):
        court.setStake(0, sender=juror)


@pytest.mark.parametrize("stake", [UINT96_MAX + 1, 2**256 - 1], ids=["2^96", "uint256_max"])
def test_set_stake__above_uint96__reverts_too_large(court, create_juror, stake, reverts):
    juror = create_juror()

    with reverts(court.CourtStakeTooLarge, stake=stake):
        court.setStake(stake, sender=juror)


def test_set_stake__more_than_the_balance__reverts_in_the_token(
    court, token, create_juror, min_stake, reverts
):
    juror = create_juror(funds=min_stake - 1)

    with reverts(
        token.ERC20InsufficientBalance,
        sender=juror.address,
        balance=min_stake - 1,
        needed=min_stake,
    ):
        court.setStake(min_stake, sender=juror)
    assert court.jurorCount() == 0


# ---------------------------------------------------------------- the freeze


def test_open_dispute__with_staked_jurors__freezes_the_court(
    court, create_juror, open_dispute, min_stake
):
    create_juror(stake=min_stake)
    assert not court.frozen()

    open_dispute()

    assert court.pendingDraws() == 1
    assert court.frozen()


def test_set_stake__while_frozen__records_stake_delayed_and_changes_nothing(
    court, token, create_juror, open_dispute, min_stake
):
    juror = create_juror(stake=min_stake)
    newcomer = create_juror()
    open_dispute()
    court_balance = token.balanceOf(court)
    weight = court.totalWeight()

    increase = court.setStake(3 * min_stake, sender=juror)
    joining = court.setStake(2 * min_stake, sender=newcomer)

    for receipt, who, stake in (
        (increase, juror, 3 * min_stake),
        (joining, newcomer, 2 * min_stake),
    ):
        assert only(receipt, court.StakeDelayed).event_arguments == {
            "juror": who.address,
            "stake": stake,
        }
        assert receipt.decode_logs(court.StakeSet) == []
        assert receipt.decode_logs(token.Transfer) == []
    info = court.juror(juror)
    assert (info.stake, info.weight) == (min_stake, min_stake // WEIGHT_UNIT)
    assert (info.hasDelayedStake, info.delayedStake) == (True, 3 * min_stake)
    fresh = court.juror(newcomer)
    assert not fresh.exists
    assert (fresh.hasDelayedStake, fresh.delayedStake) == (True, 2 * min_stake)
    assert court.jurorCount() == 1
    assert court.totalWeight() == weight
    assert token.balanceOf(court) == court_balance
    assert court.totals().staked == min_stake


def test_set_stake__while_frozen_twice__keeps_the_last_request(
    court, create_juror, open_dispute, min_stake
):
    juror = create_juror(stake=2 * min_stake)
    open_dispute()
    court.setStake(5 * min_stake, sender=juror)

    receipt = court.setStake(0, sender=juror)

    assert only(receipt, court.StakeDelayed).stake == 0
    info = court.juror(juror)
    assert (info.hasDelayedStake, info.delayedStake) == (True, 0)
    assert info.stake == 2 * min_stake


def test_set_stake__while_frozen_to_the_stake_in_force__withdraws_the_delayed_request(
    court, token, create_juror, open_dispute, draw, stranger, min_stake, reverts
):
    juror = create_juror(stake=2 * min_stake)
    dispute_id = open_dispute()
    court.setStake(5 * min_stake, sender=juror)
    assert court.juror(juror).hasDelayedStake

    receipt = court.setStake(2 * min_stake, sender=juror)

    assert only(receipt, court.StakeDelayed).event_arguments == {
        "juror": juror.address,
        "stake": 2 * min_stake,
    }
    assert receipt.decode_logs(court.StakeSet) == []
    assert receipt.decode_logs(token.Transfer) == []
    info = court.juror(juror)
    assert (info.hasDelayedStake, info.delayedStake) == (False, 0)
    assert info.stake == 2 * min_stake
    assert court.frozen()
    draw(dispute_id)
    with reverts(court.CourtNoDelayedStake, juror=juror.address):
        court.applyDelayedStake(juror, sender=stranger)
    assert court.juror(juror).stake == 2 * min_stake


def test_set_stake__while_frozen_newcomer_asks_for_zero__withdraws_its_request_to_join(
    court, token, create_juror, open_dispute, draw, stranger, min_stake, reverts
):
    create_juror(stake=min_stake)
    newcomer = create_juror()
    dispute_id = open_dispute()
    court.setStake(3 * min_stake, sender=newcomer)

    receipt = court.setStake(0, sender=newcomer)

    assert only(receipt, court.StakeDelayed).event_arguments == {
        "juror": newcomer.address,
        "stake": 0,
    }
    info = court.juror(newcomer)
    assert not info.exists
    assert (info.hasDelayedStake, info.delayedStake) == (False, 0)
    draw(dispute_id)
    with reverts(court.CourtNoDelayedStake, juror=newcomer.address):
        court.applyDelayedStake(newcomer, sender=stranger)
    assert court.jurorCount() == 1
    assert token.balanceOf(court) == min_stake


def test_set_stake__while_frozen_to_the_stake_in_force_without_a_request__reverts_unchanged(
    court, create_juror, open_dispute, min_stake, reverts
):
    juror = create_juror(stake=2 * min_stake)
    open_dispute()
    assert court.frozen()

    with reverts(court.CourtStakeUnchanged, stake=2 * min_stake):
        court.setStake(2 * min_stake, sender=juror)
    info = court.juror(juror)
    assert (info.hasDelayedStake, info.delayedStake) == (False, 0)


def test_set_stake__while_frozen_newcomer_asks_for_zero_without_a_request__reverts_unchanged(
    court, create_juror, open_dispute, min_stake, reverts
):
    create_juror(stake=min_stake)
    newcomer = create_juror()
    open_dispute()
    assert court.frozen()

    with reverts(court.CourtStakeUnchanged, stake=0):
        court.setStake(0, sender=newcomer)
    assert not court.juror(newcomer).hasDelayedStake


def test_set_stake__while_frozen_below_minimum__still_reverts(
    court, create_juror, open_dispute, min_stake, reverts
):
    juror = create_juror(stake=min_stake)
    open_dispute()

    with reverts(court.CourtStakeBelowMinimum, stake=1, minimum=min_stake):
        court.setStake(1, sender=juror)
    assert not court.juror(juror).hasDelayedStake


def test_set_stake__while_frozen_too_large__still_reverts(
    court, create_juror, open_dispute, min_stake, reverts
):
    juror = create_juror(stake=min_stake)
    open_dispute()

    with reverts(court.CourtStakeTooLarge, stake=UINT96_MAX + 1):
        court.setStake(UINT96_MAX + 1, sender=juror)
    assert not court.juror(juror).hasDelayedStake


def test_apply_delayed_stake__while_frozen__reverts_frozen(
    court, create_juror, open_dispute, stranger, min_stake, reverts
):
    juror = create_juror(stake=min_stake)
    open_dispute()
    court.setStake(2 * min_stake, sender=juror)

    with reverts(court.CourtFrozen):
        court.applyDelayedStake(juror, sender=stranger)
    with reverts(court.CourtFrozen):
        court.applyDelayedStake(juror, sender=juror)
    assert court.juror(juror).hasDelayedStake


def test_apply_delayed_stake__after_the_draw__anyone_applies_it(
    court, token, create_juror, open_dispute, draw, stranger, min_stake
):
    juror = create_juror(stake=min_stake)
    balance = token.balanceOf(juror)
    dispute_id = open_dispute()
    court.setStake(4 * min_stake, sender=juror)
    draw(dispute_id)
    assert not court.frozen()

    receipt = court.applyDelayedStake(juror, sender=stranger)

    assert only(receipt, court.StakeSet).event_arguments == {
        "juror": juror.address,
        "jurorId": 0,
        "stake": 4 * min_stake,
        "weight": 4 * min_stake // WEIGHT_UNIT,
    }
    assert only(receipt, token.Transfer).event_arguments == {
        "from": juror.address,
        "to": court.address,
        "value": 3 * min_stake,
    }
    info = court.juror(juror)
    assert info.stake == 4 * min_stake
    assert (info.hasDelayedStake, info.delayedStake) == (False, 0)
    assert token.balanceOf(juror) == balance - 3 * min_stake
    assert court.totals().staked == 4 * min_stake


def test_apply_delayed_stake__newcomer_after_the_draw__joins_with_the_next_id(
    court, create_juror, open_dispute, draw, stranger, min_stake
):
    create_juror(stake=min_stake)
    newcomer = create_juror()
    dispute_id = open_dispute()
    court.setStake(2 * min_stake, sender=newcomer)
    draw(dispute_id)

    receipt = court.applyDelayedStake(newcomer, sender=stranger)

    assert only(receipt, court.StakeSet).event_arguments == {
        "juror": newcomer.address,
        "jurorId": 1,
        "stake": 2 * min_stake,
        "weight": 2 * min_stake // WEIGHT_UNIT,
    }
    assert court.jurorCount() == 2
    # The newcomer was not in the tree when the round was drawn.
    assert newcomer.address not in court.round(dispute_id, 0).jurors


def test_apply_delayed_stake__decrease_after_the_draw__starts_the_cooldown_then(
    court, chain, create_juror, open_dispute, draw, stranger, min_stake, cooldown
):
    juror = create_juror(stake=5 * min_stake)
    dispute_id = open_dispute()
    court.setStake(2 * min_stake, sender=juror)
    draw(dispute_id)
    now = pin(chain, chain.pending_timestamp + 50)

    receipt = court.applyDelayedStake(juror, sender=stranger)

    assert only(receipt, court.StakeCooling).event_arguments == {
        "juror": juror.address,
        "amount": 3 * min_stake,
        "availableAt": now + cooldown,
    }
    assert court.juror(juror).stake == 2 * min_stake


def test_apply_delayed_stake__minimum_raised_meanwhile__reverts_below_minimum(
    court,
    token,
    create_juror,
    open_dispute,
    draw,
    governance,
    court_params,
    stranger,
    min_stake,
    reverts,
):
    """A request valid when recorded is checked again when applied: governance raised the
    minimum above it during the freeze."""
    juror = create_juror(stake=min_stake)
    dispute_id = open_dispute()
    court.setStake(2 * min_stake, sender=juror)
    raised = 3 * min_stake
    court.setParams(replace(court_params, min_stake=raised).as_tuple(), sender=governance)
    draw(dispute_id)
    assert not court.frozen()
    balance = token.balanceOf(juror)

    with reverts(court.CourtStakeBelowMinimum, stake=2 * min_stake, minimum=raised):
        court.applyDelayedStake(juror, sender=stranger)

    info = court.juror(juror)
    assert info.stake == min_stake
    assert (info.hasDelayedStake, info.delayedStake) == (True, 2 * min_stake)
    assert token.balanceOf(juror) == balance
    assert court.totals().staked == min_stake


def test_apply_delayed_stake__still_valid_under_the_raised_minimum__is_applied(
    court, token, create_juror, open_dispute, draw, governance, court_params, stranger, min_stake
):
    juror = create_juror(stake=min_stake)
    dispute_id = open_dispute()
    court.setStake(4 * min_stake, sender=juror)
    court.setParams(replace(court_params, min_stake=3 * min_stake).as_tuple(), sender=governance)
    draw(dispute_id)

    receipt = court.applyDelayedStake(juror, sender=stranger)

    assert only(receipt, court.StakeSet).event_arguments == {
        "juror": juror.address,
        "jurorId": 0,
        "stake": 4 * min_stake,
        "weight": 4 * min_stake // WEIGHT_UNIT,
    }
    assert only(receipt, token.Transfer).value == 3 * min_stake
    info = court.juror(juror)
    assert (info.stake, info.hasDelayedStake) == (4 * min_stake, False)


def test_apply_delayed_stake__nothing_delayed__reverts_no_delayed_stake(
    court, create_juror, stranger, min_stake, reverts
):
    juror = create_juror(stake=min_stake)

    with reverts(court.CourtNoDelayedStake, juror=juror.address):
        court.applyDelayedStake(juror, sender=stranger)


def test_apply_delayed_stake__twice__reverts_no_delayed_stake(
    court, create_juror, open_dispute, draw, stranger, min_stake, reverts
):
    juror = create_juror(stake=min_stake)
    dispute_id = open_dispute()
    court.setStake(2 * min_stake, sender=juror)
    draw(dispute_id)
    court.applyDelayedStake(juror, sender=stranger)

    with reverts(court.CourtNoDelayedStake, juror=juror.address):
        court.applyDelayedStake(juror, sender=stranger)


def test_set_stake__after_the_draw__applies_at_once_and_clears_the_delayed_request(
    court, create_juror, open_dispute, draw, stranger, min_stake, reverts
):
    juror = create_juror(stake=min_stake)
    dispute_id = open_dispute()
    court.setStake(4 * min_stake, sender=juror)
    draw(dispute_id)

    receipt = court.setStake(2 * min_stake, sender=juror)

    assert only(receipt, court.StakeSet).stake == 2 * min_stake
    assert not court.juror(juror).hasDelayedStake
    with reverts(court.CourtNoDelayedStake, juror=juror.address):
        court.applyDelayedStake(juror, sender=stranger)


def test_apply_delayed_stake__leaving_while_drawn__reverts_below_locked(
    court, create_juror, open_dispute, draw, stranger, min_stake, lock, reverts
):
    """The only juror holds all three seats of the round it was drawn for; its request to
    leave, recorded during the freeze, cannot be applied while the seats lock its stake."""
    juror = create_juror(stake=min_stake)
    dispute_id = open_dispute()
    court.setStake(0, sender=juror)
    draw(dispute_id)
    assert court.juror(juror).locked == 3 * lock

    with reverts(court.CourtStakeBelowLocked, stake=0, locked=3 * lock):
        court.applyDelayedStake(juror, sender=stranger)
    assert court.juror(juror).hasDelayedStake


def test_set_stake__zero_after_being_drawn__reverts_below_locked(
    court, create_juror, open_dispute, draw, min_stake, lock, reverts
):
    juror = create_juror(stake=2 * min_stake)
    dispute_id = open_dispute()
    draw(dispute_id)
    assert court.round(dispute_id, 0).jurors == [juror.address] * 3

    with reverts(court.CourtStakeBelowLocked, stake=0, locked=3 * lock):
        court.setStake(0, sender=juror)
    assert court.juror(juror).stake == 2 * min_stake


def test_set_stake__decrease_while_drawn_above_locked__is_accepted(
    court, create_juror, open_dispute, draw, min_stake, lock
):
    juror = create_juror(stake=3 * min_stake)
    dispute_id = open_dispute()
    draw(dispute_id)

    receipt = court.setStake(min_stake, sender=juror)

    assert only(receipt, court.StakeSet).stake == min_stake
    info = court.juror(juror)
    assert (info.stake, info.locked) == (min_stake, 3 * lock)


def test_set_stake__below_locked_with_a_large_lock__reverts_below_locked(
    court, create_juror, open_dispute, draw, governance, court_params, min_stake, reverts
):
    """With alphaBps = 10_000 a seat locks the whole minimum stake: three seats lock 3x the
    minimum, so a stake of 2x the minimum is valid but below the lock."""
    court.setParams(replace(court_params, alpha_bps=10_000).as_tuple(), sender=governance)
    juror = create_juror(stake=4 * min_stake)
    dispute_id = open_dispute(value=court.arbitrationCost(b""))
    draw(dispute_id)
    assert court.juror(juror).locked == 3 * min_stake

    with reverts(court.CourtStakeBelowLocked, stake=2 * min_stake, locked=3 * min_stake):
        court.setStake(2 * min_stake, sender=juror)

    receipt = court.setStake(3 * min_stake, sender=juror)
    assert only(receipt, court.StakeSet).stake == 3 * min_stake


def test_withdraw_stake__while_frozen__still_pays_out(
    court, token, chain, create_juror, open_dispute, min_stake, cooldown
):
    """The freeze holds stake changes, not tokens already on their way out."""
    juror = create_juror(stake=3 * min_stake)
    now = pin(chain, chain.pending_timestamp + 10)
    court.setStake(min_stake, sender=juror)
    open_dispute()
    assert court.frozen()
    pin(chain, now + cooldown)

    receipt = court.withdrawStake(sender=juror)

    assert only(receipt, court.StakeWithdrawn).amount == 2 * min_stake
    assert token.balanceOf(court) == min_stake


# ---------------------------------------------------------------- the empty tree


def test_empty_tree__with_a_dispute_waiting__is_not_frozen_and_stakes_apply_at_once(
    court, token, create_juror, open_dispute, min_stake
):
    open_dispute()
    assert court.pendingDraws() == 1
    assert court.totalWeight() == 0
    assert not court.frozen()
    juror = create_juror()

    receipt = court.setStake(min_stake, sender=juror)

    assert only(receipt, court.StakeSet).event_arguments == {
        "juror": juror.address,
        "jurorId": 0,
        "stake": min_stake,
        "weight": min_stake // WEIGHT_UNIT,
    }
    assert receipt.decode_logs(court.StakeDelayed) == []
    assert token.balanceOf(court) == min_stake
    # The tree is no longer empty: from now on the court is frozen.
    assert court.frozen()


def test_empty_tree__stake_during_pending_draw__first_draw_renews_the_stale_ticket(
    court, randomness, chain, create_juror, open_dispute, draw, stranger, min_stake
):
    dispute_id = open_dispute()
    stale = court.round(dispute_id, 0).ticket
    create_juror(stake=min_stake)
    # Even once the stale ticket's window is open, its value must not decide the draw.
    chain.mine(randomness.targetBlock(stale) - chain.blocks.head.number)

    receipt = court.draw(dispute_id, sender=stranger)

    fresh = stale + 1
    assert only(receipt, court.DrawRequested).event_arguments == {
        "disputeId": dispute_id,
        "round": 0,
        "ticket": fresh,
    }
    assert receipt.decode_logs(court.JurorsDrawn) == []
    assert receipt.decode_logs(randomness.RandomnessFixed) == []
    assert randomness.valueOf(stale) == 0
    assert court.round(dispute_id, 0).ticket == fresh
    assert court.round(dispute_id, 0).jurors == []
    assert randomness.targetBlock(fresh) == receipt.block_number + randomness.LOOKAHEAD()
    assert court.pendingDraws() == 1
    assert court.frozen()


def test_empty_tree__after_renewal__the_next_draw_fills_the_seats(
    court, create_juror, open_dispute, draw, stranger, min_stake
):
    dispute_id = open_dispute()
    juror = create_juror(stake=min_stake)
    court.draw(dispute_id, sender=stranger)  # renews the stale ticket

    receipt = draw(dispute_id)

    assert only(receipt, court.JurorsDrawn).event_arguments == {
        "disputeId": dispute_id,
        "round": 0,
        "jurorIds": [0, 0, 0],
    }
    assert court.jurorAt(0) == juror.address
    assert court.round(dispute_id, 0).jurors == [juror.address] * 3
    assert court.pendingDraws() == 0
    assert not court.frozen()


# ---------------------------------------------------------------- reputation


def commit_split(court, juror, dispute_id, chain, votes):
    """Commits, for the only juror holding every seat, `votes` {choice: seats}; returns the
    salts by choice."""
    salts = {}
    for choice, seats in votes.items():
        salt = bytes([choice]) * 32
        salts[choice] = salt
        digest = sdk.commitment(
            choice, salt, juror.address, dispute_id, 0, chain.chain_id, court.address
        )
        court.commit(dispute_id, seats, digest, sender=juror)
    return salts


def run_dispute(court, juror, chain, open_dispute, draw, pass_period, votes):
    """One dispute decided by the only staked juror with `votes` {choice: seats}, revealed in
    full and executed; returns its id, in Execution."""
    dispute_id = open_dispute()
    draw(dispute_id)
    pass_period(dispute_id)  # -> Commit
    salts = commit_split(court, juror, dispute_id, chain, votes)
    pass_period(dispute_id)  # -> Reveal (every seat committed)
    for choice, seats in votes.items():
        court.reveal(dispute_id, seats, choice, salts[choice], sender=juror)
    pass_period(dispute_id)  # -> Appeal (every seat revealed)
    chain.pending_timestamp = court.dispute(dispute_id).periodEnd
    court.executeRuling(dispute_id, sender=juror)
    assert court.dispute(dispute_id).period == Period.EXECUTION
    return dispute_id


def test_weight__after_settled_seats__follows_the_reputation_formula(
    court, chain, create_juror, open_dispute, draw, pass_period, stranger, min_stake, lock
):
    """The only juror votes 1 on seats 0 and 1 and 2 on seat 2: ruling 1, so it ends with
    two coherent seats and one incoherent one (slashed by one lock)."""
    stake = 5 * min_stake
    juror = create_juror(stake=stake)
    dispute_id = run_dispute(
        court, juror, chain, open_dispute, draw, pass_period, {1: [0, 1], 2: [2]}
    )
    assert court.dispute(dispute_id).ruling == 1

    incoherent_receipt, coherent_receipt = sdk.settle_dispute(court, dispute_id, stranger)

    assert [
        (e.seat, e.coherent, e.slashed) for e in incoherent_receipt.decode_logs(court.SeatSettled)
    ] == [(2, False, lock)]
    assert [(e.seat, e.coherent) for e in coherent_receipt.decode_logs(court.SeatSettled)] == [
        (0, True),
        (1, True),
    ]
    info = court.juror(juror)
    assert (info.coherent, info.incoherent) == (2, 1)
    assert info.stake == stake - lock
    assert info.locked == 0
    expected = weight_for(stake - lock, 2, 1)
    assert expected == (stake - lock) * 3 // 4 // WEIGHT_UNIT
    assert info.weight == expected
    assert court.totalWeight() == expected
    stake_sets = coherent_receipt.decode_logs(court.StakeSet)
    assert stake_sets == []  # settling changes weight without a stake change

    # A new stake keeps the reputation: the weight is the new stake at the same ratio.
    receipt = court.setStake(8 * min_stake, sender=juror)
    assert only(receipt, court.StakeSet).weight == weight_for(8 * min_stake, 2, 1)
    assert court.juror(juror).weight == weight_for(8 * min_stake, 2, 1)


def test_weight__incoherent_seat_then_coherent_ones__is_lowered_then_won_back(
    court, chain, create_juror, open_dispute, draw, pass_period, stranger, min_stake, lock
):
    """First dispute: the juror votes 1 on seats 0 and 1 and 2 on seat 2 (ruling 1). Once the
    incoherent seat alone is settled its weight is halved; settling the coherent seats wins
    part of it back; a second, all-coherent dispute brings it closer to full, never above."""
    stake = 5 * min_stake
    juror = create_juror(stake=stake)
    dispute_id = run_dispute(
        court, juror, chain, open_dispute, draw, pass_period, {1: [0, 1], 2: [2]}
    )

    court.settle(dispute_id, 0, [2], sender=stranger)
    info = court.juror(juror)
    assert (info.coherent, info.incoherent) == (0, 1)
    assert info.weight == weight_for(stake - lock, 0, 1) == (stake - lock) // 2 // WEIGHT_UNIT

    court.settle(dispute_id, 0, [0, 1], sender=stranger)
    info = court.juror(juror)
    assert (info.coherent, info.incoherent) == (2, 1)
    assert info.weight == weight_for(stake - lock, 2, 1)

    second = run_dispute(court, juror, chain, open_dispute, draw, pass_period, {1: [0, 1, 2]})
    sdk.settle_dispute(court, second, stranger)
    info = court.juror(juror)
    assert (info.coherent, info.incoherent) == (5, 1)
    assert info.stake == stake - lock
    assert info.weight == weight_for(stake - lock, 5, 1) == (stake - lock) * 6 // 7 // WEIGHT_UNIT
    assert info.weight < (stake - lock) // WEIGHT_UNIT


def test_weight__coherent_seats_only__stays_at_full_stake(
    court, chain, create_juror, open_dispute, draw, pass_period, stranger, min_stake
):
    stake = 3 * min_stake + 123 * TOKEN_UNIT
    juror = create_juror(stake=stake)
    dispute_id = run_dispute(court, juror, chain, open_dispute, draw, pass_period, {2: [0, 1, 2]})

    sdk.settle_dispute(court, dispute_id, stranger)

    info = court.juror(juror)
    assert (info.coherent, info.incoherent) == (3, 0)
    assert info.stake == stake
    assert info.weight == stake // WEIGHT_UNIT == weight_for(stake, 3, 0)


def test_weight__every_juror_after_a_voted_round__follows_the_formula(
    court, chain, create_juror, open_dispute, vote_round, stranger, min_stake, lock
):
    """Four jurors with uneven stakes; the juror of seat 0 never commits, everyone else votes
    1. After execution and settlement each juror's weight is the formula of its own counts."""
    stakes = [min_stake, 2 * min_stake + 1, 4 * min_stake + 3, 7 * min_stake + 5]
    accounts = [create_juror(stake=stake) for stake in stakes]
    dispute_id = open_dispute()
    absent = []

    def choose(address):
        if not absent:
            absent.append(address)  # the first drawn juror (seat 0)
            return None
        return 1

    drawn = vote_round(dispute_id, choose)
    assert absent == [drawn[0]]
    chain.pending_timestamp = court.dispute(dispute_id).periodEnd
    court.executeRuling(dispute_id, sender=stranger)

    sdk.settle_dispute(court, dispute_id, stranger)

    for account, stake in zip(accounts, stakes, strict=True):
        seats = drawn.count(account.address)
        info = court.juror(account)
        if account.address == drawn[0]:
            assert (info.coherent, info.incoherent) == (0, seats)
            assert info.stake == max(stake - seats * lock, 0)
        else:
            assert (info.coherent, info.incoherent) == (seats, 0)
            assert info.stake == stake
        assert info.locked == 0
        assert info.weight == weight_for(info.stake, info.coherent, info.incoherent)
    assert court.totalWeight() == sum(court.juror(a).weight for a in accounts)


def test_set_stake__current_stake_below_a_raised_minimum__withdraws_the_stale_request(
    court, governance, court_params, create_juror, open_dispute, draw, reverts
):
    """A request left unapplicable by a raised minimum can still be withdrawn by asking for
    the stake in force, so nobody can apply it later if the minimum falls again."""
    minimum = court_params.min_stake
    juror = create_juror(stake=2 * minimum)
    dispute_id = open_dispute()
    court.setStake(3 * minimum, sender=juror)  # frozen: recorded
    raised = court_params.as_tuple()[:0] + (4 * minimum,) + court_params.as_tuple()[1:]
    court.setParams(raised, sender=governance)
    draw(dispute_id)
    with reverts(court.CourtStakeBelowMinimum, stake=3 * minimum, minimum=4 * minimum):
        court.applyDelayedStake(juror, sender=juror)

    receipt = court.setStake(2 * minimum, sender=juror)

    assert [(e.juror, e.stake) for e in receipt.decode_logs(court.StakeDelayed)] == [
        (juror.address, 2 * minimum)
    ]
    assert not court.juror(juror).hasDelayedStake
    assert court.juror(juror).stake == 2 * minimum
    with reverts(court.CourtNoDelayedStake, juror=juror.address):
        court.applyDelayedStake(juror, sender=juror)


def test_empty_tree__settling_gives_weight_back_while_a_round_waits__its_ticket_is_renewed(
    court,
    governance,
    court_params,
    chain,
    create_juror,
    open_dispute,
    draw,
    pass_period,
    stranger,
):
    """A juror whose weight rounds to zero after a slash (the tree is then empty, so the court
    does not freeze) regains weight by settling coherent seats while another round waits: that
    round's ticket could be known, so the draw renews it instead of using it."""
    tiny = (10**9,) + court_params.as_tuple()[1:]  # lock 1e8 wei; weight unit 1e9
    court.setParams(tiny, sender=governance)
    juror = create_juror(stake=17 * 10**8)  # weight 1
    first = run_dispute(court, juror, chain, open_dispute, draw, pass_period, {2: [0], 1: [1, 2]})
    court.settle(first, 0, [0], sender=stranger)  # slashed to 1.6e9, one incoherent: weight 0
    assert court.totalWeight() == 0
    waiting = open_dispute()
    stale = court.round(waiting, 0).ticket
    assert not court.frozen()

    court.settle(first, 0, [1, 2], sender=stranger)  # two coherent seats: weight 1 again
    assert court.totalWeight() == 1
    chain.mine(randomness_target(court, waiting) - chain.blocks.head.number)
    receipt = court.draw(waiting, sender=stranger)

    assert only(receipt, court.DrawRequested).event_arguments == {
        "disputeId": waiting,
        "round": 0,
        "ticket": stale + 1,
    }
    assert receipt.decode_logs(court.JurorsDrawn) == []


def randomness_target(court, dispute_id):
    from ape import project

    source = project.PrevrandaoRandomness.at(court.randomness())
    return source.targetBlock(court.round(dispute_id, 0).ticket)
