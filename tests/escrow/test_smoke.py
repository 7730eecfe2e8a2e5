from eth_utils import keccak


def test_happy_path(escrow, usdc_market, create_offer, open_trade, act, maker, taker, usdc):
    offer, sig = create_offer(usdc)
    trade_id, _ = open_trade(offer, sig, 1_000 * 10**6)
    act("markPaid", trade_id, keccak(text="ref"), sender=taker)
    before = usdc.balanceOf(taker)
    act("release", trade_id, sender=maker)
    assert usdc.balanceOf(taker) - before == 1_000 * 10**6
