"""No one can burn an offer for everyone: a cancelled trade gives its amount back to the offer
it came from (OfferRefilled) and to both parties' rolling volume, so a take-and-cancel loop
leaves the offer whole for the next honest taker; and no taker holds more of an offer, unpaid
or not, than its maxAmount (EscrowOfferOverfilled with the exact remainder).

The default offer is a SellCrypto offer by the maker of 100 to 10,000 USDC; the taker plays
the attacker, `stranger` the honest taker."""

import pytest

from openotc import escrow as sdk
from openotc.escrow import Status
from openotc.units import USDC_UNIT
from tests.escrow.hardening import volume_of
from tests.escrow.trades import assert_committed, pin

MAX = 10_000 * USDC_UNIT  # the default offer's maxAmount
MIN = 100 * USDC_UNIT  # its minAmount
ROUNDS = 3


@pytest.fixture
def digest(escrow):
    return lambda offer: bytes(escrow.hashOffer(offer.as_tuple()))


def test_griefing_loop__take_all_and_cancel__offer_refilled_each_time(
    escrow, book, offer, digest, open_trade, act, buyer, stranger
):
    offer_hash = digest(offer[0])
    trade_ids = []
    for takes in range(ROUNDS):
        # The attacker takes the whole maximum ...
        trade_id, _ = open_trade(*offer, MAX, sender=buyer)
        assert trade_id == sdk.trade_id(offer_hash, takes)
        assert escrow.filled(offer_hash) == MAX
        # ... and cancels in the next transaction: the offer gets it all back.
        tx = act("cancel", trade_id, sender=buyer)

        assert tx.decode_logs(escrow.OfferRefilled)[0].amount == MAX
        assert tx.events[:2] == [
            escrow.TradeCancelled(trade_id, buyer.address),
            escrow.OfferRefilled(offer_hash, trade_id, MAX),
        ]
        fill = escrow.fillOf(offer_hash)
        assert (fill.filled, fill.takes, fill.cancelled) == (0, takes + 1, False)
        assert escrow.filled(offer_hash) == 0
        assert_committed(escrow, book, trade_id, Status.CANCELLED)
        trade_ids.append(trade_id)

    assert len(set(trade_ids)) == ROUNDS
    # The honest taker still gets the whole offer, under the next trade id.
    trade_id, _ = open_trade(*offer, MAX, sender=stranger)
    assert trade_id == sdk.trade_id(offer_hash, ROUNDS)
    assert escrow.filled(offer_hash) == MAX
    assert book.record(trade_id).buyer == stranger.address


@pytest.mark.parametrize("offset", [-1, 0, 1], ids=["before", "at", "after"])
def test_seller_cancels_after_the_payment_window__refills_the_offer(
    chain, escrow, book, offer, digest, open_trade, act, buyer, seller, stranger, offset, reverts
):
    offer_hash = digest(offer[0])
    trade_id, _ = open_trade(*offer, MAX, sender=buyer)
    deadline = book.record(trade_id).payment_deadline
    pin(chain, deadline + offset)

    if offset < 0:
        with reverts(escrow.EscrowPaymentWindowOpen, tradeId=trade_id, closesAt=deadline):
            act("cancel", trade_id, sender=seller)
        assert escrow.filled(offer_hash) == MAX
        return

    tx = act("cancel", trade_id, sender=seller)

    assert tx.events[:2] == [
        escrow.TradeCancelled(trade_id, seller.address),
        escrow.OfferRefilled(offer_hash, trade_id, MAX),
    ]
    assert escrow.filled(offer_hash) == 0
    open_trade(*offer, MAX, sender=stranger)
    assert escrow.filled(offer_hash) == MAX


def test_take_more_than_remains_while_another_holds_the_rest_unpaid__reverts_overfilled(
    escrow, offer, digest, open_trade, buyer, stranger, reverts
):
    offer_hash = digest(offer[0])
    held = 6_000 * USDC_UNIT
    open_trade(*offer, held, sender=buyer)  # unpaid
    remaining = MAX - held

    with reverts(
        escrow.EscrowOfferOverfilled,
        offerHash=offer_hash,
        requested=remaining + 1,
        remaining=remaining,
    ):
        escrow.openTrade(offer[0].as_tuple(), offer[1], remaining + 1, sender=stranger)

    open_trade(*offer, remaining, sender=stranger)
    assert escrow.filled(offer_hash) == MAX
    # Nothing is left, for anyone: the holder of the unpaid 6,000 cannot take more either.
    for taker in (buyer, stranger):
        with reverts(
            escrow.EscrowOfferOverfilled, offerHash=offer_hash, requested=MIN, remaining=0
        ):
            escrow.openTrade(offer[0].as_tuple(), offer[1], MIN, sender=taker)


@pytest.fixture
def limited(usdc_market, identity, governance):
    """Level 0 may trade at most the offer's maximum per trade and per period."""
    identity.setLimit(usdc_market, 0, MAX, MAX, sender=governance)
    return usdc_market


def test_take_and_cancel__gives_the_makers_volume_back__no_denial_of_the_makers_limit(
    escrow, limited, offer, digest, open_trade, act, maker, buyer, stranger, reverts
):
    usdc = limited
    for _ in range(ROUNDS):
        trade_id, _ = open_trade(*offer, MAX, sender=buyer)
        assert volume_of(escrow, maker, usdc)[1] == MAX
        assert escrow.volumeHeadroom(maker, usdc) == 0

        act("cancel", trade_id, sender=buyer)

        # The stored figure keeps what drained since the opening, which the drain removes
        # again: both parties have their whole limit back.
        assert escrow.volumeHeadroom(maker, usdc) == MAX
        assert escrow.volumeHeadroom(buyer, usdc) == MAX

    # The honest taker trades the maker's whole period limit.
    open_trade(*offer, MAX, sender=stranger)
    assert volume_of(escrow, maker, usdc)[1] == MAX
    assert escrow.filled(digest(offer[0])) == MAX
