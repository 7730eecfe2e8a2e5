"""Tokens that deliver another amount than they are asked to are refused before anything is
locked, whichever way they charge: MockTransferFeeToken charges only on `transfer` (a pull
with an allowance delivers in full, and a payout would come short), MockFeeToken on every
movement. The escrow's opening pull (and the AtomicSwap's lock) moves the pulled amount to
itself once and refuses the token if its balance changes: EscrowFeeOnTransferToken(token,
expected, received), where `received` is what a recipient of `expected` would have seen."""

import pytest

from openotc import escrow as sdk
from openotc.units import DAY, UNLIMITED
from tests.escrow.hardening import volume_of
from tests.escrow.trades import balances

UNIT = 10**18  # both tokens have 18 decimals
AMOUNT = 1_000 * UNIT
TOTAL = AMOUNT + sdk.bond_for(AMOUNT)  # what the seller locks


def transfer_fee_received(total):
    """MockTransferFeeToken: the pull delivers in full; the self-transfer burns 1.25%."""
    return total - total * 125 // 10_000


def fee_received(total):
    """MockFeeToken: the pull itself burns 1%, so the growth of the balance is short."""
    return total - total * 100 // 10_000


@pytest.fixture
def transfer_fee_token(project, deployer):
    return deployer.deploy(project.MockTransferFeeToken)


@pytest.mark.parametrize(
    "token_name, received",
    [("transfer_fee_token", transfer_fee_received), ("fee_token", fee_received)],
    ids=["fee_on_transfer_only", "fee_both_ways"],
)
def test_open_trade__token_that_delivers_less__reverts_fee_on_transfer__nothing_locked(
    escrow, create_market, create_offer, maker, taker, token_name, received, request, reverts
):
    token = create_market(request.getfixturevalue(token_name))
    offer, signature = create_offer(token)
    offer_hash = bytes(escrow.hashOffer(offer.as_tuple()))
    before = balances(token, maker, taker, escrow)

    with reverts(
        escrow.EscrowFeeOnTransferToken,
        token=token.address,
        expected=TOTAL,
        received=received(TOTAL),
    ):
        escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)

    assert balances(token, maker, taker, escrow) == before
    fill = escrow.fillOf(offer_hash)
    assert (fill.filled, fill.takes) == (0, 0)  # no TradeOpened: no trade id was used
    assert escrow.tradeCommitment(sdk.trade_id(offer_hash, 0)) == b"\x00" * 32
    assert volume_of(escrow, maker, token) == (0, 0)


def test_swap_lock__token_that_charges_only_on_transfer__reverts_swap_fee_on_transfer(
    project, deployer, chain, transfer_fee_token, maker, taker, reverts
):
    swap = deployer.deploy(project.AtomicSwap)
    token = transfer_fee_token
    token.mint(maker, AMOUNT, sender=maker)
    token.approve(swap, UNLIMITED, sender=maker)

    with reverts(
        swap.SwapFeeOnTransferToken,
        token=token.address,
        expected=AMOUNT,
        received=transfer_fee_received(AMOUNT),
    ):
        swap.lockToken(
            b"\x11" * 32, token, AMOUNT, taker, chain.pending_timestamp + DAY, sender=maker
        )
    assert balances(token, maker, swap) == [AMOUNT, 0]
