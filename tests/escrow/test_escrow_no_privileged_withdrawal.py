"""Audit property: no privileged actor can move escrowed funds.

The scene: four trades of one market, opened with a protocol fee - one Funded, one Paid, one
Disputed, one Released (so fees have accrued). Every actor holding a role somewhere (the
governance timelock, the guardian, the deployer, the treasury, the arbitrator's ruler and the
Governor contract itself) then tries every escrow function it can call on the open trades,
with the real records and with records forged to name itself, calls `rule` directly, pulls
through the asset proxy and straight from the token, and uses its own governance powers.
After every attempt the escrow still holds at least the open amounts and bonds. The control
experiments at the end show what does move escrowed funds: the parties' own calls and the
arbitrator's ruling, always to the parties.
"""

from types import SimpleNamespace

import pytest
from eth_utils import keccak

from openotc import escrow as sdk
from openotc.escrow import Ruling, Status
from openotc.units import USDC_UNIT

FEE_BPS = 50
AMOUNTS = {"funded": 1_000 * USDC_UNIT, "paid": 2_000 * USDC_UNIT, "disputed": 3_000 * USDC_UNIT}
RELEASED_AMOUNT = 500 * USDC_UNIT
ACCRUED_FEE = RELEASED_AMOUNT * FEE_BPS // sdk.BPS
OWED = sum(amount + sdk.bond_for(amount) for amount in AMOUNTS.values())
OPEN = {"funded": Status.FUNDED, "paid": Status.PAID, "disputed": Status.DISPUTED}
PAYMENT_REFERENCE = keccak(text="SEPA transfer")
URI = "ipfs://QmPrivileged"

PRIVILEGED = ["governance", "guardian", "deployer", "treasury", "ruler", "governor"]
# What each actor's own powers allow on the escrow (everything else is refused).
MAY_SET_FEE = {"governance"}
MAY_PAUSE = {"governance", "guardian", "governor"}  # the Governor holds CANCELLER_ROLE
MAY_UNPAUSE = {"governance"}


# ---------------------------------------------------------------- the scene


@pytest.fixture(scope="module")
def scene(
    escrow,
    arbitrator,
    usdc_market,
    create_offer,
    governance,
    maker,
    taker,
    arbitration_cost,
    proxy,
    governor,
    caller,
    dry_run,
    error_data,
    stranger,
):
    """Built once per module; ape restores it before every test. (It asks for every session
    fixture the tests use, so that none is created after this snapshot.)"""
    book = sdk.TradeBook(escrow)
    escrow.setFee(FEE_BPS, sender=governance)
    offer, signature = create_offer(usdc_market)

    def open_(amount):
        receipt = escrow.openTrade(offer.as_tuple(), signature, amount, sender=taker)
        book.apply(receipt)
        return bytes(receipt.decode_logs(escrow.TradeOpened)[0].tradeId)

    def act(method, trade_id, *args, sender, value=0):
        kwargs = {"sender": sender, "value": value} if value else {"sender": sender}
        book.apply(
            getattr(escrow, method)(trade_id, book.record(trade_id).as_tuple(), *args, **kwargs)
        )

    ids = {state: open_(amount) for state, amount in AMOUNTS.items()}
    released = open_(RELEASED_AMOUNT)
    for state in ("paid", "disputed"):
        act("markPaid", ids[state], PAYMENT_REFERENCE, sender=taker)
    # Both parties deposit the arbitration fee: the dispute is at the arbitrator.
    act("dispute", ids["disputed"], sender=taker, value=arbitration_cost)
    act("dispute", ids["disputed"], sender=maker, value=arbitration_cost)
    act("release", released, sender=maker)
    dispute_id = arbitrator.disputeCount() - 1
    assert escrow.tradeOfDispute(dispute_id) == ids["disputed"]
    assert usdc_market.balanceOf(escrow) == OWED + ACCRUED_FEE
    return SimpleNamespace(book=book, ids=ids, released=released, dispute_id=dispute_id)


@pytest.fixture(params=PRIVILEGED)
def actor(request, governor, impersonate):
    """Each privileged actor in turn, as a sender."""
    if request.param == "governor":
        return impersonate(governor)
    return request.getfixturevalue(request.param)


@pytest.fixture
def role(request):
    return request.node.callspec.params["actor"]


@pytest.fixture
def assert_funds_intact(escrow, usdc, scene):
    """After each attempt: the escrow still holds every open amount and bond, and every open
    trade's commitment is what it was."""
    commitments = {state: escrow.tradeCommitment(tid) for state, tid in scene.ids.items()}

    def check():
        assert usdc.balanceOf(escrow) >= OWED
        assert usdc.balanceOf(escrow) == OWED + escrow.accruedFees(usdc)
        for state, trade_id in scene.ids.items():
            assert escrow.tradeCommitment(trade_id) == commitments[state]
            assert scene.book.record(trade_id).status == OPEN[state]

    check()
    return check


def record(scene, state):
    return scene.book.record(scene.ids[state]).as_tuple()


@pytest.fixture
def after_every_deadline(chain, scene):
    """Time moves past every payment and confirmation deadline, so no window is what refuses."""
    latest = max(
        max(r.payment_deadline, r.confirm_deadline)
        for r in (scene.book.record(t) for t in scene.ids.values())
    )
    chain.mine(timestamp=latest + 1)


# ---------------------------------------------------------------- settlement calls


def test_privileged_actor__fund_moving_calls_on_every_open_trade__are_refused(
    escrow, scene, actor, after_every_deadline, assert_funds_intact, reverts
):
    """release, releaseAfterTimeout and cancel, sent as transactions, after every deadline (so
    no window is what refuses), on the Funded, Paid and Disputed trades."""
    for state, trade_id in scene.ids.items():
        trade = record(scene, state)
        with reverts(escrow.EscrowNotSeller, caller=actor.address):
            escrow.release(trade_id, trade, sender=actor)
        assert_funds_intact()
        with reverts(escrow.EscrowNotBuyer, caller=actor.address):
            escrow.releaseAfterTimeout(trade_id, trade, sender=actor)
        assert_funds_intact()
        with reverts(escrow.EscrowNotParty, caller=actor.address):
            escrow.cancel(trade_id, trade, sender=actor)
        assert_funds_intact()


def test_privileged_actor__other_trade_calls_on_every_open_trade__are_refused(
    escrow, scene, actor, after_every_deadline, dry_run, error_data, assert_funds_intact
):
    """markPaid, dispute, evidence, chat and reviews move no escrowed funds; checked with
    `eth_call` (the exact revert data, nothing mined) on every open trade to keep the matrix
    cheap. `dispute` is refused for not being a party before its fee is even looked at."""
    for state, trade_id in scene.ids.items():
        trade = record(scene, state)
        not_party = (escrow.EscrowNotParty, {"caller": actor})
        attempts = [
            (escrow.markPaid, (PAYMENT_REFERENCE,), (escrow.EscrowNotBuyer, {"caller": actor})),
            (escrow.dispute, (), not_party),
            (escrow.submitEvidence, (URI,), not_party),
            (escrow.anchorChat, (keccak(text="root"), 1), not_party),
            (
                escrow.review,
                (5, keccak(text="comment")),
                (escrow.EscrowNotSettled, {"tradeId": trade_id, "status": OPEN[state]}),
            ),
        ]
        for method, args, (error, inputs) in attempts:
            revert_data = dry_run(method, trade_id, trade, *args, sender=actor)
            assert revert_data == error_data(error, **inputs), (state, method)
    assert_funds_intact()


def test_privileged_actor__records_forged_to_name_itself__revert_trade_mismatch(
    escrow, scene, actor, after_every_deadline, assert_funds_intact, reverts
):
    funded, paid = scene.ids["funded"], scene.ids["paid"]
    attempts = [
        (escrow.cancel, funded, {"seller": actor.address}),
        (escrow.release, paid, {"seller": actor.address}),
        (escrow.releaseAfterTimeout, paid, {"buyer": actor.address}),
        (escrow.release, paid, {"seller": actor.address, "buyer": actor.address}),
    ]
    for method, trade_id, forgery in attempts:
        forged = scene.book.record(trade_id).evolve(**forgery).as_tuple()
        with reverts(escrow.EscrowTradeMismatch, tradeId=trade_id):
            method(trade_id, forged, sender=actor)
        assert_funds_intact()


# ---------------------------------------------------------------- rulings


def test_privileged_actor__rule_called_directly__reverts_not_arbitrator(
    escrow, scene, actor, assert_funds_intact, reverts
):
    with reverts(escrow.EscrowNotArbitrator, caller=actor.address):
        escrow.rule(scene.dispute_id, Ruling.SELLER_WINS, sender=actor)
    assert_funds_intact()


@pytest.mark.parametrize("actor", [r for r in PRIVILEGED if r != "ruler"], indirect=True)
def test_privileged_actor__give_ruling_by_anyone_but_the_ruler__reverts_not_ruler(
    arbitrator, scene, actor, assert_funds_intact, reverts
):
    with reverts(arbitrator.ArbitratorNotRuler, caller=actor.address):
        arbitrator.giveRuling(scene.dispute_id, Ruling.BUYER_WINS, sender=actor)
    assert_funds_intact()


# ---------------------------------------------------------------- tokens, the proxy, governance


def test_privileged_actor__pulls_through_the_proxy_or_the_token__are_refused(
    escrow, proxy, usdc, actor, maker, assert_funds_intact, reverts
):
    with reverts(proxy.ProxyUnauthorized, caller=actor.address):
        proxy.transferFrom(usdc, escrow, actor, OWED, sender=actor)
    assert_funds_intact()
    # The sellers approved the proxy without limit; still nothing for a privileged caller.
    with reverts(proxy.ProxyUnauthorized, caller=actor.address):
        proxy.transferFrom(usdc, maker, actor, 1, sender=actor)
    assert_funds_intact()
    # The escrow approves nobody.
    assert usdc.allowance(escrow, actor) == 0
    with reverts(usdc.ERC20InsufficientAllowance, spender=actor.address, allowance=0, needed=OWED):
        usdc.transferFrom(escrow, actor, OWED, sender=actor)
    assert_funds_intact()


def test_privileged_actor__own_governance_powers__never_touch_open_trades(
    escrow, actor, role, assert_funds_intact, reverts
):
    if role in MAY_SET_FEE:
        assert escrow.setFee(100, sender=actor).events == [escrow.FeeSet(100)]
    else:
        with reverts(escrow.GovernedOnlyGovernance, caller=actor.address):
            escrow.setFee(100, sender=actor)
    assert_funds_intact()

    if role in MAY_PAUSE:
        assert escrow.pause(sender=actor).events == [escrow.Paused(actor.address)]
    else:
        with reverts(escrow.GovernedOnlyGovernanceOrGuardian, caller=actor.address):
            escrow.pause(sender=actor)
    assert_funds_intact()

    if role in MAY_UNPAUSE:
        assert escrow.unpause(sender=actor).events == [escrow.Unpaused()]
    else:
        with reverts(escrow.GovernedOnlyGovernance, caller=actor.address):
            escrow.unpause(sender=actor)
    assert_funds_intact()


def test_privileged_actor__collect_fees__sends_only_the_fees_and_only_to_the_treasury(
    escrow, usdc, treasury, actor, assert_funds_intact, reverts
):
    before = {
        "treasury": usdc.balanceOf(treasury),
        "actor": usdc.balanceOf(actor),
    }

    tx = escrow.collectFees(usdc, sender=actor)

    assert tx.events == [
        escrow.FeesCollected(usdc.address, treasury.address, ACCRUED_FEE),
        usdc.Transfer(escrow.address, treasury.address, ACCRUED_FEE),
    ]
    assert usdc.balanceOf(treasury) - before["treasury"] == ACCRUED_FEE
    if actor.address != treasury.address:
        assert usdc.balanceOf(actor) == before["actor"]
    assert usdc.balanceOf(escrow) == OWED
    assert_funds_intact()
    with reverts(escrow.EscrowNothingToCollect, token=usdc.address):
        escrow.collectFees(usdc, sender=actor)
    assert_funds_intact()


def test_governance__authorizing_its_own_contract_on_the_proxy__cannot_pull_from_the_escrow(
    escrow, proxy, usdc, caller, governance, stranger, assert_funds_intact, reverts
):
    """Governance's widest power - authorize a contract of its choice on the asset proxy, after
    a vote - reaches only what users approved to the proxy. The escrow approves nothing."""
    assert proxy.authorize(caller, sender=governance).events == [proxy.Authorized(caller.address)]

    with reverts(usdc.ERC20InsufficientAllowance, spender=proxy.address, allowance=0, needed=OWED):
        caller.pull(usdc, escrow, stranger, OWED, sender=stranger)
    assert_funds_intact()


# ---------------------------------------------------------------- control experiments


def test_guardian_revoking_the_escrow_on_the_proxy__does_not_trap_open_trades(
    escrow, arbitrator, proxy, usdc, scene, guardian, ruler, maker, taker
):
    """Revocation and pause stop new trades; every open trade still settles to its parties."""
    assert proxy.revoke(escrow, sender=guardian).events == [
        proxy.Revoked(escrow.address, guardian.address)
    ]
    assert escrow.pause(sender=guardian).events == [escrow.Paused(guardian.address)]
    ids, book = scene.ids, scene.book
    before = {who: usdc.balanceOf(who) for who in (maker, taker)}

    cancel_tx = escrow.cancel(ids["funded"], record(scene, "funded"), sender=taker)
    release_tx = escrow.release(ids["paid"], record(scene, "paid"), sender=maker)
    ruling_tx = arbitrator.giveRuling(scene.dispute_id, Ruling.BUYER_WINS, sender=ruler)
    for tx in (cancel_tx, release_tx, ruling_tx):
        book.apply(tx)

    assert [e.tradeId for e in cancel_tx.decode_logs(escrow.TradeCancelled)] == [ids["funded"]]
    assert [e.tradeId for e in release_tx.decode_logs(escrow.TradeReleased)] == [ids["paid"]]
    assert [e.tradeId for e in ruling_tx.decode_logs(escrow.TradeResolved)] == [ids["disputed"]]

    fee = {s: AMOUNTS[s] * FEE_BPS // sdk.BPS for s in ("paid", "disputed")}
    bond = {s: sdk.bond_for(AMOUNTS[s]) for s in AMOUNTS}
    to_maker = AMOUNTS["funded"] + bond["funded"] + bond["paid"]
    to_taker = AMOUNTS["paid"] - fee["paid"] + AMOUNTS["disputed"] - fee["disputed"]
    to_taker += bond["disputed"]  # the ruling gives the buyer the seller's bond
    fees = ACCRUED_FEE + fee["paid"] + fee["disputed"]
    assert usdc.balanceOf(maker) - before[maker] == to_maker
    assert usdc.balanceOf(taker) - before[taker] == to_taker
    assert usdc.balanceOf(escrow) == escrow.accruedFees(usdc) == fees
    for trade_id in ids.values():
        assert escrow.tradeCommitment(trade_id) == book.record(trade_id).commitment()


@pytest.mark.parametrize("ruling", [Ruling.REFUSED, Ruling.BUYER_WINS, Ruling.SELLER_WINS])
def test_ruler_ruling__pays_only_the_parties_and_only_the_disputed_trade(
    escrow,
    arbitrator,
    usdc,
    scene,
    ruler,
    maker,
    taker,
    governance,
    guardian,
    treasury,
    deployer,
    ruling,
):
    watched = [maker, taker, ruler, governance, guardian, treasury, deployer, arbitrator]
    before = {w.address: usdc.balanceOf(w) for w in watched}

    tx = arbitrator.giveRuling(scene.dispute_id, ruling, sender=ruler)

    resolved = tx.decode_logs(escrow.TradeResolved)[0]
    moved = {w.address: usdc.balanceOf(w) - before[w.address] for w in watched}
    assert moved[taker.address] == resolved.toBuyer
    assert moved[maker.address] == resolved.toSeller
    assert all(v == 0 for a, v in moved.items() if a not in (maker.address, taker.address))
    amount = AMOUNTS["disputed"]
    fee = amount * FEE_BPS // sdk.BPS if ruling == Ruling.BUYER_WINS else 0
    assert resolved.toBuyer + resolved.toSeller + fee == amount + sdk.bond_for(amount)
    others = OWED - amount - sdk.bond_for(amount)
    assert usdc.balanceOf(escrow) == others + ACCRUED_FEE + fee
