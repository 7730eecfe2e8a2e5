"""OTCEscrow offers: publishing, cancelling one offer or every offer below a nonce, and the
signature rules both publishOffer and openTrade enforce (EIP-712 bound to this chain and this
escrow, high-s refused, EIP-1271 contract wallets as makers)."""

from dataclasses import replace

import pytest
from eth_keys import keys
from eth_utils import to_checksum_address

from openotc import escrow as sdk
from openotc.units import UNLIMITED, USDC_UNIT, ZERO_ADDRESS

CANCELLED = 2**256 - 1  # `filled` of a cancelled offer
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
OTHER_CHAIN_ID = 1  # mainnet; the local chain is 31337
OTHER_ESCROW = to_checksum_address("0x" + "e5" * 20)  # an escrow deployed elsewhere
AMOUNT = 1_000 * USDC_UNIT


# ---------------------------------------------------------------- helpers


def offer_fields(offer: sdk.Offer) -> tuple:
    """The offer's fields with addresses checksummed and bytes as bytes, for comparisons."""
    return tuple(
        to_checksum_address(v) if isinstance(v, str) else bytes(v) if isinstance(v, bytes) else v
        for v in offer.as_tuple()
    )


def high_s(signature: bytes) -> bytes:
    """The other valid secp256k1 signature of the same digest: s -> n - s, v flipped."""
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    return r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])  # 27 <-> 28


def recover(digest: bytes, signature: bytes) -> str:
    r, s, v = signature[:32], signature[32:64], signature[64]
    vrs = (v - 27, int.from_bytes(r, "big"), int.from_bytes(s, "big"))
    public_key = keys.Signature(vrs=vrs).recover_public_key_from_msg_hash(digest)
    return public_key.to_checksum_address()


@pytest.fixture
def digest(escrow, chain):
    """`digest(offer)`: the SDK's EIP-712 hash of the offer for this escrow and chain."""
    return lambda offer: sdk.offer_hash(offer, escrow.address, chain.chain_id)


@pytest.fixture
def submit(escrow, taker, stranger):
    """`submit(entry, offer, signature)`: publishes the offer (as a relayer, the stranger) or
    takes AMOUNT of it (as the taker)."""

    def submit_(entry, offer, signature):
        if entry == "publishOffer":
            return escrow.publishOffer(offer.as_tuple(), signature, sender=stranger)
        return escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)

    return submit_


@pytest.fixture
def wallet(project, deployer, usdc_market, usdc, proxy, stranger, impersonate):
    """An EIP-1271 wallet owned by the stranger's key, holding USDC and approving the proxy."""
    contract = deployer.deploy(project.MockERC1271Wallet, stranger)
    usdc.mint(contract, 1_000_000 * USDC_UNIT, sender=stranger)
    usdc.approve(proxy, UNLIMITED, sender=impersonate(contract))
    return contract


ENTRIES = ["publishOffer", "openTrade"]


@pytest.fixture
def refused(escrow, submit, digest, reverts):
    """`refused(entry, offer, signature)`: submitting reverts EscrowInvalidSignature naming the
    offer's maker, and fills nothing of the offer."""

    def check(entry, offer, signature):
        with reverts(escrow.EscrowInvalidSignature, maker=offer.maker):
            submit(entry, offer, signature)
        assert escrow.filled(digest(offer)) == 0

    return check


# ---------------------------------------------------------------- publishOffer


def test_publish_offer__by_a_relayer__emits_offer_published_with_offer_and_signature(
    escrow, usdc_market, usdc, create_offer, digest, maker, stranger
):
    offer, signature = create_offer(usdc)

    tx = escrow.publishOffer(offer.as_tuple(), signature, sender=stranger)

    logs = tx.decode_logs(escrow.OfferPublished)
    assert [(bytes(e.offerHash), e.maker, bytes(e.signature)) for e in logs] == [
        (digest(offer), maker.address, signature)
    ]
    assert offer_fields(sdk.Offer(*logs[0].offer)) == offer_fields(offer)
    assert escrow.filled(digest(offer)) == 0  # publishing reserves nothing


def test_publish_offer__event_alone__is_enough_to_take_the_offer(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker, stranger
):
    offer, signature = create_offer(usdc)
    log = escrow.publishOffer(offer.as_tuple(), signature, sender=stranger).decode_logs(
        escrow.OfferPublished
    )[0]

    published = sdk.Offer(*log.offer)
    tx = escrow.openTrade(published.as_tuple(), bytes(log.signature), AMOUNT, sender=taker)

    trades = tx.decode_logs(escrow.TradeOpened)
    assert [(bytes(e.offerHash), e.taker) for e in trades] == [(digest(offer), taker.address)]
    assert escrow.filled(digest(offer)) == AMOUNT


# ---------------------------------------------------------------- signatures (both entries)


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize(
    "signed_with",
    [{"signer": "stranger"}, {"chain_id": OTHER_CHAIN_ID}, {"verifying": OTHER_ESCROW}],
    ids=["by_another_key", "for_another_chain", "for_another_escrow"],
)
def test_offer__signature_not_by_maker_for_this_chain_and_escrow__reverts_invalid_signature(
    usdc_market, usdc, create_offer, entry, signed_with, request, refused
):
    if "signer" in signed_with:
        signed_with = {"signer": request.getfixturevalue(signed_with["signer"])}
    offer, signature = create_offer(usdc, **signed_with)

    refused(entry, offer, signature)


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize(
    "tamper",
    [
        {"side": sdk.Side.BUY_CRYPTO},
        {"max_amount": 20_000 * USDC_UNIT},
        {"price": sdk.price("0.9")},
        {"payment_window": 3 * 3600},
        {"min_level": 1},
        {"nonce": 2},
    ],
    ids=lambda change: next(iter(change)),
)
def test_offer__field_changed_after_signing__reverts_invalid_signature(
    usdc_market, usdc, create_offer, entry, tamper, refused
):
    offer, signature = create_offer(usdc)
    tampered = replace(offer, **tamper)

    refused(entry, tampered, signature)


@pytest.mark.parametrize("entry", ENTRIES)
def test_offer__high_s_malleated_signature__reverts_invalid_signature(
    usdc_market, usdc, create_offer, digest, maker, entry, refused
):
    offer, signature = create_offer(usdc)
    malleated = high_s(signature)
    # Still a valid secp256k1 signature by the maker's key over the same digest ...
    assert recover(digest(offer), malleated) == maker.address

    # ... but only the low-s form is accepted (SWC-117).
    refused(entry, offer, malleated)


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize(
    "signature",
    [b"", b"\x00" * 64 + b"\x1b", b"\x01" * 32 + b"\x02" * 32 + b"\x1d", b"\x01" * 66],
    ids=["empty", "zero_r_s_recovers_nobody", "v_29", "too_long"],
)
def test_offer__malformed_signature__reverts_invalid_signature(
    usdc_market, usdc, create_offer, entry, signature, refused
):
    offer, _ = create_offer(usdc)

    refused(entry, offer, signature)


@pytest.mark.parametrize("entry", ENTRIES)
def test_offer__zero_address_maker_with_a_signature_recovering_nobody__reverts_invalid_signature(
    usdc_market, usdc, create_offer, maker, entry, refused
):
    """ecrecover returns the zero address for junk: it must never count as the zero maker's."""
    offer, _ = create_offer(usdc, maker=ZERO_ADDRESS, signer=maker)

    refused(entry, offer, b"\x00" * 64 + b"\x1b")


# ---------------------------------------------------------------- EIP-1271 makers


def test_publish_offer__eip1271_wallet_maker_signed_by_its_owner__emits_offer_published(
    escrow, usdc, create_offer, digest, wallet, stranger
):
    offer, signature = create_offer(usdc, maker=wallet.address, signer=stranger)

    tx = escrow.publishOffer(offer.as_tuple(), signature, sender=stranger)

    logs = tx.decode_logs(escrow.OfferPublished)
    assert [(bytes(e.offerHash), e.maker, bytes(e.signature)) for e in logs] == [
        (digest(offer), wallet.address, signature)
    ]


def test_open_trade__eip1271_wallet_maker_signed_by_its_owner__wallet_locks_amount_and_bond(
    escrow, usdc, create_offer, digest, wallet, stranger, taker
):
    offer, signature = create_offer(usdc, maker=wallet.address, signer=stranger)
    before = [usdc.balanceOf(a) for a in (wallet, taker, escrow)]

    tx = escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)

    total = AMOUNT + AMOUNT * 20 // 100
    assert [usdc.balanceOf(a) for a in (wallet, taker, escrow)] == [
        before[0] - total,
        before[1],
        before[2] + total,
    ]
    deadline = tx.timestamp + offer.payment_window
    record = sdk.Trade.opened(
        wallet.address,
        taker.address,
        usdc.address,
        AMOUNT,
        0,
        deadline,
        offer_hash=digest(offer),
        opened_at=tx.timestamp,
    )
    assert record.bond == total - AMOUNT
    trade_id = sdk.trade_id(digest(offer), 0)
    logs = tx.decode_logs(escrow.TradeOpened)
    assert [
        (bytes(e.tradeId), bytes(e.offerHash), e.taker, sdk.Trade.from_struct(e.trade).commitment())
        for e in logs
    ] == [(trade_id, digest(offer), taker.address, record.commitment())]
    assert escrow.tradeCommitment(trade_id) == record.commitment()


@pytest.mark.parametrize("entry", ENTRIES)
def test_offer__eip1271_wallet_answering_junk__reverts_invalid_signature(
    usdc, create_offer, wallet, stranger, entry, refused
):
    offer, signature = create_offer(usdc, maker=wallet.address, signer=stranger)
    wallet.setJunk(True, sender=stranger)
    assert wallet.junk()

    refused(entry, offer, signature)


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize(
    "contract", ["usdc", "wallet"], ids=["without_eip1271", "eip1271_wallet_of_another_key"]
)
def test_offer__contract_maker_signed_by_a_key_it_does_not_accept__reverts_invalid_signature(
    usdc_market, create_offer, usdc, maker, entry, contract, request, refused
):
    maker_contract = request.getfixturevalue(contract)
    offer, signature = create_offer(usdc, maker=maker_contract.address, signer=maker)

    refused(entry, offer, signature)


# ---------------------------------------------------------------- cancelOffer


def test_cancel_offer__by_maker__marks_it_cancelled_and_emits_offer_cancelled(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker, reverts
):
    offer, signature = create_offer(usdc)

    tx = escrow.cancelOffer(offer.as_tuple(), sender=maker)

    assert [(bytes(e.offerHash), e.maker) for e in tx.decode_logs(escrow.OfferCancelled)] == [
        (digest(offer), maker.address)
    ]
    assert escrow.filled(digest(offer)) == CANCELLED
    with reverts(escrow.EscrowOfferCancelled, offerHash=digest(offer)):
        escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)


def test_cancel_offer__after_a_partial_take__stops_new_takes_and_keeps_the_open_trade(
    escrow, usdc_market, usdc, create_offer, digest, book, open_trade, maker, taker, reverts
):
    offer, signature = create_offer(usdc)
    trade_id, _ = open_trade(offer, signature, AMOUNT)
    locked = usdc.balanceOf(escrow)

    tx = escrow.cancelOffer(offer.as_tuple(), sender=maker)

    assert [(bytes(e.offerHash), e.maker) for e in tx.decode_logs(escrow.OfferCancelled)] == [
        (digest(offer), maker.address)
    ]
    assert escrow.filled(digest(offer)) == CANCELLED
    assert escrow.tradeCommitment(trade_id) == book.record(trade_id).commitment()
    assert usdc.balanceOf(escrow) == locked
    with reverts(escrow.EscrowOfferCancelled, offerHash=digest(offer)):
        escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)


@pytest.mark.parametrize("role", ["taker", "stranger"])
def test_cancel_offer__by_anyone_but_the_maker__reverts_not_maker(
    escrow, usdc_market, usdc, create_offer, digest, role, request, reverts
):
    caller = request.getfixturevalue(role)
    offer, _ = create_offer(usdc)

    with reverts(escrow.EscrowNotMaker, caller=caller.address):
        escrow.cancelOffer(offer.as_tuple(), sender=caller)
    assert escrow.filled(digest(offer)) == 0


# ---------------------------------------------------------------- cancelOffersBelow


def test_cancel_offers_below__raises_the_callers_floor_only_and_emits_event(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker, stranger, reverts
):
    below, below_signature = create_offer(usdc, nonce=6)
    at, at_signature = create_offer(usdc, nonce=7)

    tx = escrow.cancelOffersBelow(7, sender=maker)

    logs = tx.decode_logs(escrow.OffersCancelledBelow)
    assert [(e.maker, e.nonce) for e in logs] == [(maker.address, 7)]
    assert escrow.minNonce(maker) == 7
    assert escrow.minNonce(stranger) == 0
    with reverts(escrow.EscrowOfferNonceCancelled, nonce=6, minNonce=7):
        escrow.openTrade(below.as_tuple(), below_signature, AMOUNT, sender=taker)
    escrow.openTrade(at.as_tuple(), at_signature, AMOUNT, sender=taker)
    assert (escrow.filled(digest(below)), escrow.filled(digest(at))) == (0, AMOUNT)


def test_cancel_offers_below__raised_again__moves_the_floor_up(escrow, maker):
    escrow.cancelOffersBelow(3, sender=maker)

    tx = escrow.cancelOffersBelow(2**256 - 1, sender=maker)

    logs = tx.decode_logs(escrow.OffersCancelledBelow)
    assert [(e.maker, e.nonce) for e in logs] == [(maker.address, 2**256 - 1)]
    assert escrow.minNonce(maker) == 2**256 - 1


@pytest.mark.parametrize("offset", [0, -1], ids=["equal", "lower"])
def test_cancel_offers_below__not_above_current_floor__reverts_nonce_not_increasing(
    escrow, maker, offset, reverts
):
    escrow.cancelOffersBelow(5, sender=maker)

    with reverts(escrow.EscrowNonceNotIncreasing, nonce=5 + offset, current=5):
        escrow.cancelOffersBelow(5 + offset, sender=maker)
    assert escrow.minNonce(maker) == 5


def test_cancel_offers_below__zero_at_start__reverts_nonce_not_increasing(escrow, maker, reverts):
    with reverts(escrow.EscrowNonceNotIncreasing, nonce=0, current=0):
        escrow.cancelOffersBelow(0, sender=maker)
    assert escrow.minNonce(maker) == 0
