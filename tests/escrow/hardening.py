"""Fixtures and helpers of the escrow's hardening suites (tests/escrow/test_hardening_*.py):
disputes with both arbitration fees, the fee window's deposits, credits and rolling volumes.

A module that uses a fixture of this file imports its function (`at_arbitrator_fixture`):
pytest finds fixtures among a module's names and registers it under its own name
(`at_arbitrator`)."""

import pytest

from openotc.escrow import Status
from openotc.units import DAY

FEE_WINDOW = 3 * DAY  # OTCEscrow.FEE_WINDOW (checked by test_hardening_fee_window)
VOLUME_PERIOD = 30 * DAY  # IdentityRegistry.VOLUME_PERIOD (checked by test_hardening_volume_limits)


def as_uint(trade_id: bytes) -> int:
    """A trade id as the ERC-1497 evidenceGroupID: uint256(tradeId)."""
    return int.from_bytes(trade_id, "big")


def fees_of(escrow, trade_id) -> tuple:
    """`disputeFees(tradeId)` as (buyer, seller, deadline, awaitingBuyer)."""
    fees = escrow.disputeFees(trade_id)
    return (fees.buyer, fees.seller, fees.deadline, fees.awaitingBuyer)


def volume_of(escrow, account, token) -> tuple:
    """`volumeOf(account, token)` as (updatedAt, used)."""
    volume = escrow.volumeOf(account, token)
    return (volume.updatedAt, volume.used)


def returned(receipt, escrow) -> list[tuple]:
    """(to, amount) of every FeeDepositReturned event of `receipt`, in order."""
    return [(log.to, log.amount) for log in receipt.decode_logs(escrow.FeeDepositReturned)]


def deferred(receipt, escrow) -> list[tuple]:
    """(to, token, amount) of every PaymentDeferred event of `receipt`, in order."""
    return [(log.to, log.token, log.amount) for log in receipt.decode_logs(escrow.PaymentDeferred)]


@pytest.fixture(name="at_arbitrator")
def at_arbitrator_fixture(escrow, book, paid, act, buyer, seller, arbitration_cost):
    """(trade id, dispute id) of a Paid trade the buyer disputed and the seller answered, both
    depositing the arbitration cost: the dispute is at the arbitrator."""
    act("dispute", paid, sender=buyer, value=arbitration_cost)
    receipt = act("dispute", paid, sender=seller, value=arbitration_cost)
    assert book.record(paid).status == Status.DISPUTED
    return paid, receipt.decode_logs(escrow.TradeDisputed)[0].disputeId
