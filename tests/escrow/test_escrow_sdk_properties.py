"""The SDK hashes exactly as the escrow does: for any offer, `openotc.escrow.offer_hash` is the
escrow's `hashOffer` (the EIP-712 digest makers sign); for any trade record,
`Trade.commitment()` is the escrow's `hashTrade` (what `tradeCommitment` stores)."""

import string

from eth_utils import to_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st

from openotc import escrow as sdk


def uint(bits: int) -> st.SearchStrategy[int]:
    """Any uint<bits>, with the edges drawn often."""
    top = 2**bits - 1
    return st.one_of(st.sampled_from([0, 1, top - 1, top]), st.integers(0, top))


addresses = st.binary(min_size=20, max_size=20).map(to_checksum_address)
hashes = st.binary(min_size=32, max_size=32)
fiat_codes = st.one_of(
    st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=3).map(sdk.fiat),
    st.binary(min_size=3, max_size=3),  # the contract takes any bytes3
)

offers = st.builds(
    sdk.Offer,
    maker=addresses,
    side=st.sampled_from(list(sdk.Side)),
    token=addresses,
    min_amount=uint(256),
    max_amount=uint(256),
    fiat_currency=fiat_codes,
    price=uint(256),
    payment_methods_hash=hashes,
    payment_window=uint(32),
    terms_hash=hashes,
    min_level=st.integers(0, 3),
    expiry=uint(64),
    nonce=uint(256),
)

trades = st.builds(
    sdk.Trade,
    seller=addresses,
    payment_deadline=uint(64),
    fee_bps=uint(16),
    status=st.sampled_from(list(sdk.Status)),
    seller_reviewed=st.booleans(),
    buyer=addresses,
    confirm_deadline=uint(64),
    buyer_reviewed=st.booleans(),
    token=addresses,
    amount=uint(128),
    bond=uint(128),
    offer_hash=hashes,
    policy_id=uint(32),
    opened_at=uint(64),
)


@settings(max_examples=25)
@given(offer=offers)
def test_offer_hash__any_offer__sdk_digest_equals_escrow_hash_offer(escrow, chain, offer):
    assert sdk.offer_hash(offer, escrow.address, chain.chain_id) == escrow.hashOffer(
        offer.as_tuple()
    )


@settings(max_examples=25)
@given(trade=trades)
def test_trade_commitment__any_record__sdk_commitment_equals_escrow_hash_trade(escrow, trade):
    assert trade.commitment() == escrow.hashTrade(trade.as_tuple())
