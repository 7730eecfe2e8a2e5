"""SingleArbitrator: deployment, creating disputes (the exact fee, ERC-792 events), rulings
(only the ruler, once, within the choices), appeals (not supported), its cost and fees, and its
views on unknown disputes. Disputes come from a real OTCEscrow trade (the escrow suites' fixtures,
see conftest.py; both parties deposit the fee, see `create_dispute`) or straight from a stranger.

The maker sells (seller), the taker buys (buyer); the trade is opened with a protocol fee of
FEE_BPS.
"""

import pytest
from eth_utils import keccak

from openotc import escrow as sdk
from openotc.escrow import Ruling
from openotc.units import MAX_UINT256, USDC_UNIT
from tests.utils.fixtures import values

AMOUNT = 1_001 * USDC_UNIT + 1
BOND = sdk.bond_for(AMOUNT)
FEE_BPS = 50
PAYMENT_REFERENCE = keccak(text="SEPA transfer, reference OTC-7")
# IArbitrator.DisputeStatus
WAITING = 0


trade_amount, fee_bps, payment_reference = values(
    trade_amount=AMOUNT, fee_bps=FEE_BPS, payment_reference=PAYMENT_REFERENCE
)


@pytest.fixture
def create_dispute(escrow, act, buyer, seller, arbitration_cost):
    """`create_dispute(trade_id)` -> dispute id: the buyer of a Paid trade deposits the
    arbitration cost, the seller deposits it too within its fee window, and the escrow creates
    the dispute here."""

    def create(trade_id):
        act("dispute", trade_id, sender=buyer, value=arbitration_cost)
        receipt = act("dispute", trade_id, sender=seller, value=arbitration_cost)
        return receipt.decode_logs(escrow.TradeDisputed)[0].disputeId

    return create


@pytest.fixture
def disputed(paid, create_dispute):
    """(trade id, dispute id) of a Paid trade both parties paid the arbitration fee for: the
    dispute is at the arbitrator."""
    return paid, create_dispute(paid)


# ---------------------------------------------------------------- rulings


def test_give_ruling__second_ruling__reverts_already_ruled(arbitrator, disputed, ruler, reverts):
    _, dispute_id = disputed
    arbitrator.giveRuling(dispute_id, Ruling.SELLER_WINS, sender=ruler)

    with reverts(arbitrator.ArbitratorAlreadyRuled, disputeId=dispute_id):
        arbitrator.giveRuling(dispute_id, Ruling.BUYER_WINS, sender=ruler)
    assert arbitrator.currentRuling(dispute_id) == Ruling.SELLER_WINS


def test_give_ruling__ruling_three__reverts_invalid_ruling(
    escrow, arbitrator, usdc, disputed, ruler, reverts
):
    _, dispute_id = disputed
    with reverts(arbitrator.ArbitratorInvalidRuling, disputeId=dispute_id, ruling=3, choices=2):
        arbitrator.giveRuling(dispute_id, 3, sender=ruler)
    assert arbitrator.disputeStatus(dispute_id) == WAITING
    assert usdc.balanceOf(escrow) == AMOUNT + BOND


@pytest.mark.parametrize("role", ["stranger", "buyer", "seller", "governance"])
def test_give_ruling__by_anyone_but_the_ruler__reverts_not_ruler(
    arbitrator, disputed, role, request, reverts
):
    _, dispute_id = disputed
    caller = request.getfixturevalue(role)
    with reverts(arbitrator.ArbitratorNotRuler, caller=caller.address):
        arbitrator.giveRuling(dispute_id, Ruling.BUYER_WINS, sender=caller)
    assert arbitrator.disputeStatus(dispute_id) == WAITING


# ---------------------------------------------------------------- the arbitrator alone


def test_arbitrator__deployment__ruler_cost_and_no_disputes(
    escrow, arbitrator, ruler, arbitration_cost
):
    assert escrow.arbitrator() == arbitrator.address
    assert arbitrator.ruler() == ruler.address
    assert arbitrator.arbitrationCost(b"") == arbitration_cost
    assert arbitrator.disputeCount() == 0


@pytest.mark.parametrize("shortfall", [1, 10**16], ids=["one_wei", "everything"])
def test_create_dispute__below_cost__reverts_insufficient_fee(
    arbitrator, stranger, arbitration_cost, shortfall, reverts
):
    sent = arbitration_cost - shortfall
    with reverts(arbitrator.ArbitratorInsufficientFee, sent=sent, cost=arbitration_cost):
        arbitrator.createDispute(2, b"", sender=stranger, value=sent)
    assert arbitrator.disputeCount() == 0


def test_create_dispute__with_cost__emits_dispute_creation_and_waits(
    arbitrator, stranger, arbitration_cost
):
    tx = arbitrator.createDispute(2, b"", sender=stranger, value=arbitration_cost)

    assert tx.events == [arbitrator.DisputeCreation(0, stranger.address)]
    assert tx.return_value == 0
    assert arbitrator.disputeCount() == 1
    assert arbitrator.arbitrableOf(0) == stranger.address
    assert arbitrator.disputeStatus(0) == WAITING
    assert arbitrator.currentRuling(0) == 0
    assert arbitrator.balance == arbitration_cost


def test_appeal__reverts_appeal_not_supported(arbitrator, disputed, buyer, reverts):
    _, dispute_id = disputed
    with reverts(arbitrator.ArbitratorAppealNotSupported):
        arbitrator.appeal(dispute_id, b"", sender=buyer, value=10**18)


def test_appeal_through_the_escrow__cost_is_max_uint__reverts_wrong_arbitration_fee(
    escrow, disputed, act, seller, reverts
):
    trade_id, dispute_id = disputed

    with reverts(escrow.EscrowWrongArbitrationFee, sent=10**18, cost=MAX_UINT256):
        act("appeal", trade_id, dispute_id, sender=seller, value=10**18)


def test_appeal_cost__is_max_uint_and_period_is_empty(arbitrator, disputed):
    _, dispute_id = disputed
    assert arbitrator.appealCost(dispute_id, b"") == MAX_UINT256
    assert arbitrator.appealPeriod(dispute_id) == (0, 0)


def test_set_arbitration_cost__by_ruler__emits_cost_set(arbitrator, ruler):
    tx = arbitrator.setArbitrationCost(123, sender=ruler)

    assert tx.events == [arbitrator.ArbitrationCostSet(123)]
    assert arbitrator.arbitrationCost(b"") == 123


@pytest.mark.parametrize("role", ["stranger", "governance"])
def test_set_arbitration_cost__by_anyone_but_ruler__reverts_not_ruler(
    arbitrator, role, request, arbitration_cost, reverts
):
    caller = request.getfixturevalue(role)
    with reverts(arbitrator.ArbitratorNotRuler, caller=caller.address):
        arbitrator.setArbitrationCost(0, sender=caller)
    assert arbitrator.arbitrationCost(b"") == arbitration_cost


def test_withdraw_fees__by_ruler__moves_exactly_the_collected_fees(
    arbitrator,
    offer,
    open_trade,
    disputed,
    create_dispute,
    act,
    ruler,
    stranger,
    buyer,
    arbitration_cost,
):
    second, _ = open_trade(*offer, AMOUNT)
    act("markPaid", second, PAYMENT_REFERENCE, sender=buyer)
    create_dispute(second)
    collected = 2 * arbitration_cost
    assert arbitrator.balance == collected
    before = stranger.balance

    tx = arbitrator.withdrawFees(stranger, sender=ruler)

    assert tx.events == [arbitrator.FeesWithdrawn(stranger.address, collected)]
    assert stranger.balance - before == collected
    assert arbitrator.balance == 0


@pytest.mark.parametrize("role", ["stranger", "governance", "buyer"])
def test_withdraw_fees__by_anyone_but_ruler__reverts_not_ruler(
    arbitrator, disputed, role, request, arbitration_cost, reverts
):
    caller = request.getfixturevalue(role)
    with reverts(arbitrator.ArbitratorNotRuler, caller=caller.address):
        arbitrator.withdrawFees(caller, sender=caller)
    assert arbitrator.balance == arbitration_cost


def test_withdraw_fees__to_zero_address__reverts_zero_address(arbitrator, ruler, reverts):
    with reverts(arbitrator.ArbitratorZeroAddress):
        arbitrator.withdrawFees("0x" + "00" * 20, sender=ruler)


def test_withdraw_fees__to_a_contract_refusing_ether__reverts_transfer_failed(
    arbitrator, disputed, usdc, ruler, arbitration_cost, reverts
):
    with reverts(arbitrator.ArbitratorTransferFailed, to=usdc.address, amount=arbitration_cost):
        arbitrator.withdrawFees(usdc, sender=ruler)
    assert arbitrator.balance == arbitration_cost


@pytest.mark.parametrize("view", ["disputeStatus", "currentRuling", "arbitrableOf"])
def test_arbitrator_views__unknown_dispute__revert_unknown_dispute(
    arbitrator, disputed, stranger, view, reverts
):
    # Sent as a transaction: ape decodes a custom error of a reverted transaction exactly.
    with reverts(arbitrator.ArbitratorUnknownDispute, disputeId=1):
        getattr(arbitrator, view).transact(1, sender=stranger)


def test_give_ruling__unknown_dispute__reverts_unknown_dispute(arbitrator, ruler, reverts):
    with reverts(arbitrator.ArbitratorUnknownDispute, disputeId=0):
        arbitrator.giveRuling(0, Ruling.BUYER_WINS, sender=ruler)


def test_create_dispute__more_choices_than_fit_in_64_bits__reverts_safe_cast(
    arbitrator, stranger, arbitration_cost, reverts
):
    choices = 2**64 + 1
    with reverts(arbitrator.SafeCastOverflowedUintDowncast, bits=64, value=choices):
        arbitrator.createDispute(choices, b"", sender=stranger, value=arbitration_cost)
