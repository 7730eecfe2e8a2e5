"""The escrow end to end, configured only through real governance: the deployment module's
authorization proposal is voted, queued and executed; USDC is listed and identity limits set
by proposal; an issuer attests both traders; a seller who is paid and does not release loses
the bond through a real SingleArbitrator ruling, once both parties deposited its fee; trades
split under the per-trade limit stop at the rolling 30-day limit governance set."""

import pytest
from eth_utils import keccak

from openotc import escrow as sdk
from openotc import identity as identity_sdk
from openotc.deployment.deploy import Deployer, deploy_escrow, escrow_authorization
from openotc.deployment.params import EscrowParams
from openotc.units import DAY
from openotc.units import USDC_UNIT as USDC


@pytest.fixture
def council(accounts):
    return accounts[7]


@pytest.fixture
def layer(project, chain, deployer, foundation, params, council):
    return deploy_escrow(
        Deployer(project, chain, deployer, log=lambda _: None),
        foundation,
        params.treasury,
        EscrowParams(ruler=council.address),
    )


def test_escrow_authorization__executed_by_governance__lets_escrow_use_proxy(
    foundation, layer, proposals, treasury
):
    proposal = escrow_authorization(foundation, layer.escrow)

    receipt = proposals.run(proposal, treasury, [treasury])

    assert receipt.decode_logs(foundation.proxy.Authorized)[0].target == layer.escrow.address
    assert foundation.proxy.isAuthorized(layer.escrow)
    assert escrow_authorization(foundation, layer.escrow) is None


def test_escrow_authorization__executed_by_governance__sets_the_fee_of_escrow_params(
    foundation, layer, proposals, treasury
):
    fee_bps = EscrowParams().fee_bps
    proposal = escrow_authorization(foundation, layer.escrow)

    receipt = proposals.run(proposal, treasury, [treasury])

    assert [log.feeBps for log in receipt.decode_logs(layer.escrow.FeeSet)] == [fee_bps]
    assert layer.escrow.feeBps() == fee_bps


def test_escrow_authorization__authorized_escrow_with_another_fee__proposes_only_the_fee(
    foundation, layer, proposals, treasury
):
    proposals.run(escrow_authorization(foundation, layer.escrow), treasury, [treasury])
    params = EscrowParams(fee_bps=40)

    proposal = escrow_authorization(foundation, layer.escrow, params)
    receipt = proposals.run(proposal, treasury, [treasury])

    assert proposal.targets == [layer.escrow.address]
    assert [log.feeBps for log in receipt.decode_logs(layer.escrow.FeeSet)] == [40]
    assert not receipt.decode_logs(foundation.proxy.Authorized)
    assert escrow_authorization(foundation, layer.escrow, params) is None


def test_deploy_escrow__wires_foundation_arbitrator_and_treasury(
    foundation, layer, params, council
):
    assert layer.escrow.governance() == foundation.timelock.address
    assert layer.escrow.arbitrator() == layer.arbitrator.address
    assert layer.escrow.treasury() == params.treasury
    assert layer.arbitrator.ruler() == council.address
    assert layer.arbitrator.arbitrationCost(b"") == EscrowParams(council.address).arbitration_cost


@pytest.fixture
def governed_market(
    chain, foundation, layer, proposals, treasury, issuer, maker, taker, create_token
):
    """`governed_market(per_transaction, per_period)` -> (token, offer, signature): through one
    executed proposal, the escrow authorized with a 0.25% fee, a token of this test's own
    listed (session tokens may already be listed by other suites), the issuer approved and
    level 1 given those limits; both traders attested at level 1, and a signed SellCrypto
    offer of the maker (5,000 tokens at most, level 1 required)."""

    def create(per_transaction, per_period):
        usdc = create_token("Euro Coin", "EURC", 6)
        escrow, identity = layer.escrow, foundation.identity
        proposal = escrow_authorization(foundation, escrow)
        proposal.call(foundation.registry, "addToken", usdc, "Euro Coin", "EURC", 6, b"\x00" * 32)
        proposal.call(identity, "addIssuer", issuer)
        proposal.call(identity, "setLimit", usdc, 1, per_transaction, per_period)
        proposal.call(escrow, "setFee", 25)
        proposals.run(proposal, treasury, [treasury])
        for trader in (maker, taker):
            attestation = identity_sdk.Attestation(
                trader.address,
                issuer.address,
                1,
                keccak(text="did"),
                chain.pending_timestamp + DAY,
                0,
            )
            signature = identity_sdk.sign(attestation, identity.address, chain.chain_id, issuer)
            identity.attest(attestation.as_tuple(), signature, sender=trader)
        usdc.mint(maker, 5_000 * USDC, sender=maker)
        usdc.approve(foundation.proxy, 2**256 - 1, sender=maker)
        offer = sdk.Offer(
            maker.address,
            sdk.Side.SELL_CRYPTO,
            usdc.address,
            100 * USDC,
            5_000 * USDC,
            sdk.fiat("EUR"),
            sdk.price("0.92"),
            keccak(text="SEPA"),
            3600,
            keccak(text="terms"),
            1,
            chain.pending_timestamp + DAY,
            1,
        )
        return usdc, offer, sdk.sign_offer(offer, escrow.address, chain.chain_id, maker)

    return create


def test_trade__seller_refuses_after_payment__buyer_wins_dispute_and_bond(
    foundation, layer, maker, taker, council, governed_market
):
    usdc, offer, signature = governed_market(10_000 * USDC, 50_000 * USDC)
    escrow = layer.escrow
    book = sdk.TradeBook(escrow)

    book.apply(escrow.openTrade(offer.as_tuple(), signature, 2_000 * USDC, sender=taker))
    (trade_id,) = book.records
    book.apply(
        escrow.markPaid(trade_id, book.record(trade_id).as_tuple(), b"\x01" * 32, sender=taker)
    )
    # The buyer deposits the arbitration fee, the seller answers within the fee window: only
    # then does the arbitrator hold a dispute.
    cost = layer.arbitrator.arbitrationCost(b"")
    receipt = escrow.dispute(trade_id, book.record(trade_id).as_tuple(), sender=taker, value=cost)
    book.apply(receipt)
    assert book.record(trade_id).status == sdk.Status.AWAITING_FEE
    assert not receipt.decode_logs(escrow.TradeDisputed)
    receipt = escrow.dispute(trade_id, book.record(trade_id).as_tuple(), sender=maker, value=cost)
    book.apply(receipt)
    assert book.record(trade_id).status == sdk.Status.DISPUTED
    dispute_id = receipt.decode_logs(escrow.TradeDisputed)[0].disputeId
    taker_eth = taker.balance
    ruling = layer.arbitrator.giveRuling(dispute_id, sdk.Ruling.BUYER_WINS, sender=council)

    # The winner's deposit comes back; the loser's paid the arbitrator.
    returned = ruling.decode_logs(escrow.FeeDepositReturned)
    assert [(bytes(e.tradeId), e.to, e.amount) for e in returned] == [
        (trade_id, taker.address, cost)
    ]
    assert taker.balance == taker_eth + cost
    assert escrow.balance == 0

    fee = 2_000 * USDC * 25 // 10_000
    assert usdc.balanceOf(taker) == 2_000 * USDC - fee + 400 * USDC
    assert usdc.balanceOf(maker) == 5_000 * USDC - 2_400 * USDC
    assert usdc.balanceOf(escrow) == fee == escrow.accruedFees(usdc)
    resolved = ruling.decode_logs(escrow.TradeResolved)[0]
    assert (resolved.ruling, resolved.toBuyer, resolved.toSeller) == (1, 2_400 * USDC - fee, 0)
    assert escrow.statsOf(maker, usdc).disputesLost == 1
    assert escrow.statsOf(taker, usdc).disputesWon == 1
    record = book.record(trade_id).evolve(status=sdk.Status.RESOLVED)
    assert escrow.tradeCommitment(trade_id) == record.commitment()


def test_trades__split_under_the_per_trade_limit__refused_past_the_rolling_limit_governance_set(
    chain, foundation, layer, maker, taker, governed_market, reverts
):
    """Level 1 may trade 500 per trade and 1,000 per 30 days: two trades of 500 pass, a third
    is refused with the headroom the drained volume leaves, and a cancelled trade gives its
    amount back to both parties' volume."""
    limit = 1_000 * USDC
    usdc, offer, signature = governed_market(500 * USDC, limit)
    escrow = layer.escrow
    book = sdk.TradeBook(escrow)
    for _ in range(2):
        book.apply(escrow.openTrade(offer.as_tuple(), signature, 500 * USDC, sender=taker))

    volume = escrow.volumeOf(taker, usdc)
    at = volume.updatedAt + 3_600
    drain = limit * 3_600 // identity_sdk.VOLUME_PERIOD
    headroom = limit - max(volume.used - drain, 0)
    assert 0 < headroom < 500 * USDC
    chain.mine(timestamp=at - 1)
    chain.pending_timestamp = at
    with reverts(
        escrow.EscrowVolumeLimitExceeded,
        account=taker.address,
        amount=500 * USDC,
        limit=limit,
        headroom=headroom,
    ):
        escrow.openTrade(offer.as_tuple(), signature, 500 * USDC, sender=taker)

    # The buyer cancels one trade: what is left of its amount leaves both parties' volume.
    first = next(iter(book.records))
    book.apply(escrow.cancel(first, book.record(first).as_tuple(), sender=taker))
    for trader in (taker, maker):
        assert escrow.volumeHeadroom(trader, usdc) >= 500 * USDC
    receipt = escrow.openTrade(offer.as_tuple(), signature, 500 * USDC, sender=taker)
    assert len(receipt.decode_logs(escrow.TradeOpened)) == 1
