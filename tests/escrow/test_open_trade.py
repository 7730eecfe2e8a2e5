"""OTCEscrow.openTrade: taking a signed offer locks the seller's amount + 20% bond in escrow.

Covers both sides of an offer, the trade record emitted and committed, partial takes, token
shapes (6/18 decimals, USDT-like, fee-on-transfer, unlisted, re-entrant) and every refusal of
openTrade with its exact custom error. Signature validity (EOA and EIP-1271 makers) is in
test_offers.py, for openTrade and publishOffer alike."""

import pytest
from eth_utils import keccak, to_checksum_address

from openotc import escrow as sdk
from openotc.identity import Attestation
from openotc.identity import sign as sign_attestation
from openotc.units import DAY, UNLIMITED, USDC_UNIT
from tests.escrow.trades import balances

AMOUNT = 1_000 * USDC_UNIT
REENTRANT_CALL = keccak(text="ReentrancyGuardReentrantCall()")[:4]


# ---------------------------------------------------------------- helpers


def bond_of(amount: int) -> int:
    """The seller bond, 20% of the amount, computed here rather than by the SDK under test."""
    return amount * 20 // 100


def checksummed(trade: sdk.Trade) -> sdk.Trade:
    """ape decodes struct addresses in lower case; compare records in checksum form."""
    return trade.evolve(
        seller=to_checksum_address(trade.seller),
        buyer=to_checksum_address(trade.buyer),
        token=to_checksum_address(trade.token),
    )


def funded_trade(
    seller, buyer, token, amount, opened_at, payment_window, fee_bps=0, *, offer_hash, policy_id=0
) -> sdk.Trade:
    """The record a fresh trade opened at `opened_at` must carry: status Funded, the payment
    deadline `payment_window` later, nothing paid or reviewed yet, the offer it came from and
    the dispute policy in force (policy 0, published at deployment)."""
    return sdk.Trade(
        seller=to_checksum_address(str(getattr(seller, "address", seller))),
        payment_deadline=opened_at + payment_window,
        fee_bps=fee_bps,
        status=sdk.Status.FUNDED,
        seller_reviewed=False,
        buyer=to_checksum_address(str(getattr(buyer, "address", buyer))),
        confirm_deadline=0,
        buyer_reviewed=False,
        token=to_checksum_address(str(token.address)),
        amount=amount,
        bond=bond_of(amount),
        offer_hash=bytes(offer_hash),
        policy_id=policy_id,
        opened_at=opened_at,
    )


def opened(receipt, escrow) -> list[tuple]:
    """Every TradeOpened of `receipt` as (tradeId, offerHash, taker, record)."""
    return [
        (
            bytes(log.tradeId),
            bytes(log.offerHash),
            to_checksum_address(log.taker),
            checksummed(sdk.Trade.from_struct(log.trade)),
        )
        for log in receipt.decode_logs(escrow.TradeOpened)
    ]


def assert_trade_opened(receipt, escrow, offer_digest, takes_before, taker, record) -> bytes:
    """`receipt` opened exactly `record` under the SDK's trade id (the offer's `takes_before`
    earlier takes), and the escrow committed it."""
    trade_id = sdk.trade_id(offer_digest, takes_before)
    assert opened(receipt, escrow) == [(trade_id, offer_digest, taker.address, record)]
    assert escrow.tradeCommitment(trade_id) == record.commitment()
    return trade_id


def pin_next_block(chain, offset=10) -> int:
    """Makes the next block's timestamp `offset` seconds after the head's and returns it."""
    timestamp = chain.blocks.head.timestamp + offset
    chain.pending_timestamp = timestamp
    return timestamp


@pytest.fixture
def dai_market(create_market, dai):
    return create_market(dai)


@pytest.fixture
def usdt_market(create_market, usdt):
    return create_market(usdt)


@pytest.fixture
def digest(escrow, chain):
    """`digest(offer)`: the SDK's EIP-712 hash of the offer for this escrow and chain."""
    return lambda offer: sdk.offer_hash(offer, escrow.address, chain.chain_id)


@pytest.fixture
def verify(identity, governance, issuer, stranger, chain):
    """`verify(account, level)`: an approved issuer attests `account` at `level` for a day."""
    identity.addIssuer(issuer, sender=governance)

    def verify_(account, level):
        attestation = Attestation(
            subject=account.address,
            issuer=issuer.address,
            level=level,
            did_hash=keccak(text=f"did:example:{account.address}"),
            expires_at=chain.pending_timestamp + DAY,
            nonce=identity.nonceOf(issuer, account),
        )
        signature = sign_attestation(attestation, identity.address, chain.chain_id, issuer)
        tx = identity.attest(attestation.as_tuple(), signature, sender=stranger)
        assert [(e.subject, e.level) for e in tx.decode_logs(identity.Attested)] == [
            (account.address, level)
        ]
        assert identity.levelOf(account) == level

    return verify_


@pytest.fixture
def set_limit(identity, governance):
    """`set_limit(token, level, amount, per_period=UNLIMITED)` through governance, asserting
    LimitSet: a per-trade limit of `amount`, and no rolling limit unless `per_period` says."""

    def set_(token, level, amount, per_period=UNLIMITED):
        tx = identity.setLimit(token, level, amount, per_period, sender=governance)
        logs = tx.decode_logs(identity.LimitSet)
        assert [(e.token, e.level, e.perTransaction, e.perPeriod) for e in logs] == [
            (token.address, level, amount, per_period)
        ]

    return set_


# ---------------------------------------------------------------- success: both sides


def test_open_trade__sell_crypto_offer__maker_locks_amount_and_bond_taker_buys(
    escrow, proxy, usdc_market, usdc, create_offer, digest, maker, taker, governance
):
    escrow.setFee(50, sender=governance)  # the record must snapshot the fee of the day
    offer, signature = create_offer(usdc, side=sdk.Side.SELL_CRYPTO)
    offer_digest = digest(offer)
    before = balances(usdc, maker, taker, escrow, proxy)

    tx = escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)

    total = AMOUNT + bond_of(AMOUNT)
    assert bond_of(AMOUNT) == 200 * USDC_UNIT
    assert balances(usdc, maker, taker, escrow, proxy) == [
        before[0] - total,
        before[1],
        before[2] + total,
        before[3],
    ]
    record = funded_trade(
        maker,
        taker,
        usdc,
        AMOUNT,
        tx.timestamp,
        offer.payment_window,
        50,
        offer_hash=digest(offer),
    )
    assert_trade_opened(tx, escrow, offer_digest, 0, taker, record)
    transfers = tx.decode_logs(usdc.Transfer)
    # In through the proxy, then the escrow sends itself the amount: the outbound probe that
    # refuses a token charging on transfer.
    assert [(t.event_arguments["from"], t.to, t.value) for t in transfers] == [
        (maker.address, escrow.address, total),
        (escrow.address, escrow.address, total),
    ]
    assert escrow.filled(offer_digest) == AMOUNT


def test_open_trade__buy_crypto_offer__taker_locks_amount_and_bond_maker_buys(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker
):
    offer, signature = create_offer(usdc, side=sdk.Side.BUY_CRYPTO)
    offer_digest = digest(offer)
    before = balances(usdc, maker, taker, escrow)

    tx = escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)

    total = AMOUNT + bond_of(AMOUNT)
    assert balances(usdc, maker, taker, escrow) == [
        before[0],
        before[1] - total,
        before[2] + total,
    ]
    record = funded_trade(
        taker,
        maker,
        usdc,
        AMOUNT,
        tx.timestamp,
        offer.payment_window,
        offer_hash=digest(offer),
    )
    assert_trade_opened(tx, escrow, offer_digest, 0, taker, record)
    assert escrow.filled(offer_digest) == AMOUNT


def test_open_trade__returns_the_trade_id_of_the_sdk(
    escrow, usdc_market, usdc, create_offer, digest, taker
):
    offer, signature = create_offer(usdc)

    returned = escrow.openTrade.call(offer.as_tuple(), signature, AMOUNT, sender=taker)

    assert bytes(returned) == sdk.trade_id(digest(offer), 0)


def test_open_trade__fee_changes_later__record_keeps_the_fee_at_opening(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker, governance
):
    escrow.setFee(50, sender=governance)
    offer, signature = create_offer(usdc)
    first = escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)
    first_record = funded_trade(
        maker,
        taker,
        usdc,
        AMOUNT,
        first.timestamp,
        offer.payment_window,
        50,
        offer_hash=digest(offer),
    )
    first_id = sdk.trade_id(digest(offer), 0)

    tx = escrow.setFee(100, sender=governance)
    assert [e.feeBps for e in tx.decode_logs(escrow.FeeSet)] == [100]
    second = escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)

    assert escrow.tradeCommitment(first_id) == first_record.commitment()
    second_record = funded_trade(
        maker,
        taker,
        usdc,
        AMOUNT,
        second.timestamp,
        offer.payment_window,
        100,
        offer_hash=digest(offer),
    )
    assert_trade_opened(second, escrow, digest(offer), 1, taker, second_record)


@pytest.mark.parametrize("token_name", ["usdc", "dai", "usdt"])
def test_open_trade__six_and_eighteen_decimals_and_usdt_like__locks_exact_amounts(
    escrow, create_offer, digest, maker, taker, token_name, request
):
    token = request.getfixturevalue(f"{token_name}_market")
    unit = 10 ** token.decimals()
    amount = 1_234 * unit + 7  # an odd unit count: the bond rounds down
    offer, signature = create_offer(token)
    before = balances(token, maker, taker, escrow)

    tx = escrow.openTrade(offer.as_tuple(), signature, amount, sender=taker)

    total = amount + bond_of(amount)
    assert balances(token, maker, taker, escrow) == [
        before[0] - total,
        before[1],
        before[2] + total,
    ]
    record = funded_trade(
        maker,
        taker,
        token,
        amount,
        tx.timestamp,
        offer.payment_window,
        offer_hash=digest(offer),
    )
    assert_trade_opened(tx, escrow, digest(offer), 0, taker, record)


# ---------------------------------------------------------------- partial takes


def test_open_trade__partial_takes__fill_the_offer_up_to_its_max_with_distinct_ids(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker, reverts
):
    offer, signature = create_offer(usdc)  # 100 to 10,000 USDC
    offer_digest = digest(offer)
    escrow_before = usdc.balanceOf(escrow)
    takes = [3_000 * USDC_UNIT, 2_500 * USDC_UNIT, 4_500 * USDC_UNIT]

    filled = 0
    ids = []
    for takes_before, amount in enumerate(takes):
        tx = escrow.openTrade(offer.as_tuple(), signature, amount, sender=taker)
        record = funded_trade(
            maker, taker, usdc, amount, tx.timestamp, offer.payment_window, offer_hash=offer_digest
        )
        ids.append(assert_trade_opened(tx, escrow, offer_digest, takes_before, taker, record))
        filled += amount
        assert escrow.filled(offer_digest) == filled

    assert filled == offer.max_amount
    assert len(set(ids)) == len(takes)
    total = sum(takes) + sum(bond_of(a) for a in takes)
    assert usdc.balanceOf(escrow) - escrow_before == total

    with reverts(
        escrow.EscrowOfferOverfilled,
        offerHash=offer_digest,
        requested=offer.min_amount,
        remaining=0,
    ):
        escrow.openTrade(offer.as_tuple(), signature, offer.min_amount, sender=taker)


def test_open_trade__take_beyond_the_remainder__reverts_overfilled(
    escrow, usdc_market, usdc, create_offer, digest, taker, reverts
):
    offer, signature = create_offer(usdc)
    offer_digest = digest(offer)
    escrow.openTrade(offer.as_tuple(), signature, 6_000 * USDC_UNIT, sender=taker)
    escrow_before = usdc.balanceOf(escrow)

    with reverts(
        escrow.EscrowOfferOverfilled,
        offerHash=offer_digest,
        requested=4_000 * USDC_UNIT + 1,
        remaining=4_000 * USDC_UNIT,
    ):
        escrow.openTrade(offer.as_tuple(), signature, 4_000 * USDC_UNIT + 1, sender=taker)

    assert escrow.filled(offer_digest) == 6_000 * USDC_UNIT
    assert usdc.balanceOf(escrow) == escrow_before
    # The exact remainder is still available.
    escrow.openTrade(offer.as_tuple(), signature, 4_000 * USDC_UNIT, sender=taker)
    assert escrow.filled(offer_digest) == offer.max_amount


# ---------------------------------------------------------------- tokens


def test_open_trade__fee_on_transfer_token__reverts_with_expected_and_received(
    escrow, create_market, fee_token, create_offer, digest, maker, taker, reverts
):
    create_market(fee_token)
    amount = 1_000 * 10**18
    total = amount + bond_of(amount)
    offer, signature = create_offer(fee_token)
    before = balances(fee_token, maker, escrow)

    with reverts(
        escrow.EscrowFeeOnTransferToken,
        token=fee_token.address,
        expected=total,
        received=total - total * 100 // 10_000,  # 1% burned on the way in
    ):
        escrow.openTrade(offer.as_tuple(), signature, amount, sender=taker)

    assert balances(fee_token, maker, escrow) == before
    assert escrow.filled(digest(offer)) == 0


def test_open_trade__unlisted_token__reverts_not_listed(
    escrow, create_market, create_token, create_offer, digest, maker, taker, reverts
):
    token = create_market(create_token("Unlisted Dollar", "UNL", 6), list_token=False)
    offer, signature = create_offer(token)
    before = balances(token, maker, escrow)

    with reverts(escrow.EscrowTokenNotListed, token=token.address):
        escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)

    assert balances(token, maker, escrow) == before
    assert escrow.filled(digest(offer)) == 0


def test_open_trade__seller_without_funds__reverts_with_the_tokens_insufficient_balance(
    escrow, proxy, usdc_market, usdc, create_offer, digest, stranger, reverts
):
    offer, signature = create_offer(usdc, side=sdk.Side.BUY_CRYPTO)  # the taker sells
    tx = usdc.approve(proxy, UNLIMITED, sender=stranger)
    assert [(e.owner, e.spender) for e in tx.decode_logs(usdc.Approval)] == [
        (stranger.address, proxy.address)
    ]

    with reverts(
        usdc.ERC20InsufficientBalance,
        sender=stranger.address,
        balance=0,
        needed=AMOUNT + bond_of(AMOUNT),
    ):
        escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=stranger)

    assert escrow.filled(digest(offer)) == 0


@pytest.mark.parametrize("reentry", ["openTrade", "cancel", "release", "collectFees"])
def test_open_trade__token_reenters_the_escrow_during_the_pull__inner_call_refused(
    escrow,
    create_market,
    reentrant_token,
    create_offer,
    digest,
    chain,
    maker,
    taker,
    stranger,
    reentry,
):
    token = create_market(reentrant_token)
    amount = 1_000 * 10**18
    offer, signature = create_offer(token, nonce=1)
    other, other_signature = create_offer(token, nonce=2)
    now = chain.blocks.head.timestamp + 100  # pinned below, once the token is armed
    # The record and id the outer openTrade commits before pulling the tokens.
    record = funded_trade(
        maker,
        taker,
        token,
        amount,
        now,
        offer.payment_window,
        offer_hash=digest(offer),
    )
    trade_id = sdk.trade_id(digest(offer), 0)
    payloads = {
        "openTrade": lambda: escrow.openTrade.encode_input(
            other.as_tuple(), other_signature, amount
        ),
        "cancel": lambda: escrow.cancel.encode_input(trade_id, record.as_tuple()),
        "release": lambda: escrow.release.encode_input(trade_id, record.as_tuple()),
        "collectFees": lambda: escrow.collectFees.encode_input(token),
    }
    token.arm(escrow, payloads[reentry](), sender=stranger)
    before = balances(token, maker, taker, escrow)
    chain.pending_timestamp = now

    tx = escrow.openTrade(offer.as_tuple(), signature, amount, sender=taker)

    assert tx.timestamp == now
    assert not token.armed()  # the re-entry was attempted ...
    assert token.lastCallSucceeded() is False  # ... and refused by the guard
    assert bytes(token.lastRevertData()) == REENTRANT_CALL
    total = amount + bond_of(amount)
    assert balances(token, maker, taker, escrow) == [
        before[0] - total,
        before[1],
        before[2] + total,
    ]
    assert_trade_opened(tx, escrow, digest(offer), 0, taker, record)
    assert escrow.filled(digest(other)) == 0


# ---------------------------------------------------------------- pause


def test_open_trade__paused_by_guardian__reverts_paused_until_governance_unpauses(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker, guardian, governance, reverts
):
    offer, signature = create_offer(usdc)
    tx = escrow.pause(sender=guardian)
    assert [e.by for e in tx.decode_logs(escrow.Paused)] == [guardian.address]
    assert escrow.paused()

    with reverts(escrow.EscrowPaused):
        escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)
    assert escrow.filled(digest(offer)) == 0

    tx = escrow.unpause(sender=governance)
    assert len(tx.decode_logs(escrow.Unpaused)) == 1
    tx = escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)
    record = funded_trade(
        maker,
        taker,
        usdc,
        AMOUNT,
        tx.timestamp,
        offer.payment_window,
        offer_hash=digest(offer),
    )
    assert_trade_opened(tx, escrow, digest(offer), 0, taker, record)


# ---------------------------------------------------------------- expiry, nonces, cancellation


@pytest.mark.parametrize("expiry_offset", [-1, 0], ids=["expired_before", "expires_at_block"])
def test_open_trade__expiry_at_or_before_block_timestamp__reverts_with_expiry(
    escrow, usdc_market, usdc, create_offer, digest, chain, taker, expiry_offset, reverts
):
    now = pin_next_block(chain)
    offer, signature = create_offer(usdc, expiry=now + expiry_offset)

    with reverts(escrow.EscrowOfferExpired, offerHash=digest(offer), expiry=now + expiry_offset):
        escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)

    assert chain.blocks.head.timestamp == now  # the refused transaction ran at `now`
    assert escrow.filled(digest(offer)) == 0


def test_open_trade__block_a_second_before_expiry__opens(
    escrow, usdc_market, usdc, create_offer, digest, chain, maker, taker
):
    now = pin_next_block(chain)
    offer, signature = create_offer(usdc, expiry=now + 1)

    tx = escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)

    assert tx.timestamp == now
    record = funded_trade(
        maker,
        taker,
        usdc,
        AMOUNT,
        now,
        offer.payment_window,
        offer_hash=digest(offer),
    )
    assert_trade_opened(tx, escrow, digest(offer), 0, taker, record)


def test_open_trade__nonce_below_makers_floor__reverts_nonce_cancelled(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker, reverts
):
    tx = escrow.cancelOffersBelow(5, sender=maker)
    assert [(e.maker, e.nonce) for e in tx.decode_logs(escrow.OffersCancelledBelow)] == [
        (maker.address, 5)
    ]
    offer, signature = create_offer(usdc, nonce=4)

    with reverts(escrow.EscrowOfferNonceCancelled, nonce=4, minNonce=5):
        escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)
    assert escrow.filled(digest(offer)) == 0


def test_open_trade__nonce_equal_to_makers_floor__opens(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker
):
    escrow.cancelOffersBelow(5, sender=maker)
    offer, signature = create_offer(usdc, nonce=5)

    tx = escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)

    record = funded_trade(
        maker,
        taker,
        usdc,
        AMOUNT,
        tx.timestamp,
        offer.payment_window,
        offer_hash=digest(offer),
    )
    assert_trade_opened(tx, escrow, digest(offer), 0, taker, record)


def test_open_trade__cancelled_offer__reverts_offer_cancelled(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker, reverts
):
    offer, signature = create_offer(usdc)
    tx = escrow.cancelOffer(offer.as_tuple(), sender=maker)
    assert [(e.offerHash, e.maker) for e in tx.decode_logs(escrow.OfferCancelled)] == [
        (digest(offer), maker.address)
    ]
    escrow_before = usdc.balanceOf(escrow)

    with reverts(escrow.EscrowOfferCancelled, offerHash=digest(offer)):
        escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)

    assert usdc.balanceOf(escrow) == escrow_before
    assert escrow.filled(digest(offer)) == UNLIMITED


# ---------------------------------------------------------------- amount and payment window


@pytest.mark.parametrize(
    ("bound", "offset"), [("min_amount", -1), ("max_amount", 1)], ids=["below_min", "above_max"]
)
def test_open_trade__amount_outside_the_offers_range__reverts_out_of_range(
    escrow, usdc_market, usdc, create_offer, digest, taker, bound, offset, reverts
):
    offer, signature = create_offer(usdc)
    amount = getattr(offer, bound) + offset

    with reverts(
        escrow.EscrowAmountOutOfRange,
        amount=amount,
        minAmount=offer.min_amount,
        maxAmount=offer.max_amount,
    ):
        escrow.openTrade(offer.as_tuple(), signature, amount, sender=taker)
    assert escrow.filled(digest(offer)) == 0


@pytest.mark.parametrize("bound", ["min_amount", "max_amount"])
def test_open_trade__amount_at_the_offers_bounds__opens(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker, bound
):
    offer, signature = create_offer(usdc)
    amount = getattr(offer, bound)

    tx = escrow.openTrade(offer.as_tuple(), signature, amount, sender=taker)

    record = funded_trade(
        maker,
        taker,
        usdc,
        amount,
        tx.timestamp,
        offer.payment_window,
        offer_hash=digest(offer),
    )
    assert_trade_opened(tx, escrow, digest(offer), 0, taker, record)
    assert escrow.filled(digest(offer)) == amount


def test_payment_window_bounds__are_fifteen_minutes_and_three_days(escrow):
    assert escrow.MIN_PAYMENT_WINDOW() == 15 * 60
    assert escrow.MAX_PAYMENT_WINDOW() == 3 * DAY


@pytest.mark.parametrize(
    ("bound", "offset"),
    [("MIN_PAYMENT_WINDOW", -1), ("MAX_PAYMENT_WINDOW", 1)],
    ids=["min_minus_one", "max_plus_one"],
)
def test_open_trade__payment_window_out_of_bounds__reverts_invalid_payment_window(
    escrow, usdc_market, usdc, create_offer, digest, taker, bound, offset, reverts
):
    window = getattr(escrow, bound)() + offset
    offer, signature = create_offer(usdc, payment_window=window)

    with reverts(escrow.EscrowInvalidPaymentWindow, paymentWindow=window):
        escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)
    assert escrow.filled(digest(offer)) == 0


@pytest.mark.parametrize("bound", ["MIN_PAYMENT_WINDOW", "MAX_PAYMENT_WINDOW"])
def test_open_trade__payment_window_at_its_bounds__sets_the_payment_deadline(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker, bound
):
    window = getattr(escrow, bound)()
    offer, signature = create_offer(usdc, payment_window=window)

    tx = escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)

    record = funded_trade(
        maker,
        taker,
        usdc,
        AMOUNT,
        tx.timestamp,
        window,
        offer_hash=digest(offer),
    )
    assert_trade_opened(tx, escrow, digest(offer), 0, taker, record)


# ---------------------------------------------------------------- parties


@pytest.mark.parametrize("side", [sdk.Side.SELL_CRYPTO, sdk.Side.BUY_CRYPTO])
def test_open_trade__maker_takes_own_offer__reverts_self_trade(
    escrow, usdc_market, usdc, create_offer, digest, maker, side, reverts
):
    offer, signature = create_offer(usdc, side=side)

    with reverts(escrow.EscrowSelfTrade, account=maker.address):
        escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=maker)
    assert escrow.filled(digest(offer)) == 0


@pytest.mark.parametrize("taker_level", [0, 1], ids=["unverified", "level_1"])
def test_open_trade__taker_below_offers_min_level__reverts_level_too_low(
    escrow, usdc_market, usdc, create_offer, digest, taker, verify, taker_level, reverts
):
    if taker_level:
        verify(taker, taker_level)
    offer, signature = create_offer(usdc, min_level=2)

    with reverts(escrow.EscrowLevelTooLow, account=taker.address, level=taker_level, required=2):
        escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)
    assert escrow.filled(digest(offer)) == 0


@pytest.mark.parametrize("taker_level", [2, 3])
def test_open_trade__taker_verified_at_or_above_min_level__opens(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker, verify, taker_level, reverts
):
    offer, signature = create_offer(usdc, min_level=2)
    with reverts(escrow.EscrowLevelTooLow, account=taker.address, level=0, required=2):
        escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)

    verify(taker, taker_level)
    tx = escrow.openTrade(offer.as_tuple(), signature, AMOUNT, sender=taker)

    record = funded_trade(
        maker,
        taker,
        usdc,
        AMOUNT,
        tx.timestamp,
        offer.payment_window,
        offer_hash=digest(offer),
    )
    assert_trade_opened(tx, escrow, digest(offer), 0, taker, record)


def test_open_trade__taker_over_its_levels_limit__reverts_limit_exceeded(
    escrow, usdc_market, usdc, create_offer, digest, taker, set_limit, reverts
):
    limit = 500 * USDC_UNIT
    set_limit(usdc, 0, limit)  # taker and maker are both unverified; the taker is checked first
    offer, signature = create_offer(usdc)

    with reverts(escrow.EscrowLimitExceeded, account=taker.address, amount=limit + 1, limit=limit):
        escrow.openTrade(offer.as_tuple(), signature, limit + 1, sender=taker)
    assert escrow.filled(digest(offer)) == 0


def test_open_trade__amount_equal_to_the_limit__opens(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker, set_limit
):
    limit = 500 * USDC_UNIT
    set_limit(usdc, 0, limit)
    offer, signature = create_offer(usdc)

    tx = escrow.openTrade(offer.as_tuple(), signature, limit, sender=taker)

    record = funded_trade(
        maker,
        taker,
        usdc,
        limit,
        tx.timestamp,
        offer.payment_window,
        offer_hash=digest(offer),
    )
    assert_trade_opened(tx, escrow, digest(offer), 0, taker, record)


@pytest.mark.parametrize("side", [sdk.Side.SELL_CRYPTO, sdk.Side.BUY_CRYPTO])
def test_open_trade__maker_over_its_levels_limit__reverts_limit_exceeded(
    escrow, usdc_market, usdc, create_offer, digest, maker, taker, verify, set_limit, side, reverts
):
    limit = 500 * USDC_UNIT
    set_limit(usdc, 0, limit)  # the unverified maker is capped ...
    verify(taker, 1)  # ... the level-1 taker is not
    offer, signature = create_offer(usdc, side=side)

    with reverts(escrow.EscrowLimitExceeded, account=maker.address, amount=limit + 1, limit=limit):
        escrow.openTrade(offer.as_tuple(), signature, limit + 1, sender=taker)
    assert escrow.filled(digest(offer)) == 0


# ---------------------------------------------------------------- zero takes


def test_open_trade__zero_amount_even_when_offer_allows_it__reverts_zero_amount(
    escrow, usdc_market, usdc, create_offer, taker, reverts
):
    # A zero take would lock nothing (no amount, no bond) yet count as a take of the offer and
    # open a trade record that nothing backs.
    offer, signature = create_offer(usdc, min_amount=0)

    with reverts(escrow.EscrowZeroAmount):
        escrow.openTrade(offer.as_tuple(), signature, 0, sender=taker)


def test_open_trade__consecutive_takes__never_share_a_trade_id(
    escrow, usdc_market, usdc, create_offer, open_trade, book, taker, stranger, create_market
):
    create_market(usdc, traders=[stranger], list_token=False)
    offer, signature = create_offer(usdc, min_amount=1)

    first_id, _ = open_trade(offer, signature, 1, sender=stranger)
    second_id, _ = open_trade(offer, signature, AMOUNT, sender=taker)

    assert first_id != second_id
    assert escrow.tradeCommitment(first_id) == book.record(first_id).commitment()
    assert escrow.tradeCommitment(second_id) == book.record(second_id).commitment()
