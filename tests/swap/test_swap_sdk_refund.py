"""openotc.swap's cooperative refund: `refund_digest` is the contract's `refundDigest`,
`sign_refund` by the recipient (an ape account or an eth_account LocalAccount) recovers to the
recipient, and AtomicSwap.refundCooperatively accepts it; a signature for another chain is
refused with the exact error."""

import pytest
from eth_account import Account

from openotc import swap as swap_sdk


@pytest.fixture(scope="module", autouse=True)
def _module_state(swap, sender_funded, recipient, stranger, reverts):
    """The swap contract and a funded sender before any test; wider-scoped fixtures first."""
    return swap


def test_refund_digest__equals_the_contracts_refund_digest(swap, chain, make_terms):
    _, terms = make_terms()

    digest = swap_sdk.refund_digest(terms.id, swap.address, chain.chain_id)

    assert digest == swap.refundDigest(terms.id)
    assert swap_sdk.refund_digest(terms.id, swap.address, chain.chain_id + 1) != digest


def test_sign_refund__by_the_recipient__recovers_to_the_recipient(
    swap, chain, make_terms, recipient
):
    _, terms = make_terms()

    signature = swap_sdk.sign_refund(terms.id, swap.address, chain.chain_id, recipient)

    assert len(signature) == 65
    signer = swap_sdk.recover_refund_signer(terms.id, swap.address, chain.chain_id, signature)
    assert signer == recipient.address


def test_sign_refund__local_account__signs_the_same_bytes_as_the_ape_account(
    swap, chain, make_terms, recipient
):
    _, terms = make_terms()
    local = Account.from_key(recipient.private_key)

    by_local = swap_sdk.sign_refund(terms.id, swap.address, chain.chain_id, local)

    assert by_local == swap_sdk.sign_refund(terms.id, swap.address, chain.chain_id, recipient)


def test_sign_refund__submitted_by_anyone__contract_refunds_the_sender(
    swap, chain, locked, sender, recipient, stranger
):
    _, terms = locked()
    signature = swap_sdk.sign_refund(terms.id, swap.address, chain.chain_id, recipient)
    sender_before = sender.balance

    tx = swap.refundCooperatively(terms, signature, sender=stranger)

    assert tx.events == [swap.SwapRefunded(swapId=terms.id)]
    assert sender.balance == sender_before + terms.amount
    assert swap.isOpen(terms.id) is False


def test_sign_refund__for_another_chain__contract_refuses_it(
    swap, chain, locked, recipient, stranger, reverts
):
    _, terms = locked()
    signature = swap_sdk.sign_refund(terms.id, swap.address, chain.chain_id + 1, recipient)

    with reverts(swap.SwapInvalidRefundSignature, swapId=terms.id, recipient=recipient.address):
        swap.refundCooperatively(terms, signature, sender=stranger)

    assert swap.isOpen(terms.id) is True
