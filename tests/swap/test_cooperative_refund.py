"""AtomicSwap.refundCooperatively and refundDigest: the recipient's EIP-712 signature of
Refund(bytes32 swapId) (domain "OpenOTC AtomicSwap", version "1", this chain, this contract)
returns a swap to its sender at any time, whoever submits it. Signatures by anyone else, for
another domain, another swap or in another form are refused with the exact error; a used
signature cannot settle the swap again; EIP-1271 wallet recipients sign through their owner."""

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak

from openotc import eip712
from openotc.swap import REFUND_TYPES
from openotc.units import ETHER

AMOUNT = 1_000 * 10**6  # of a 6-decimal token
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


# What every test of this module starts from.
pytestmark = pytest.mark.usefixtures("swap", "sender_funded", "recipient_wallet", "other_swap")


@pytest.fixture(scope="module")
def other_swap(project, deployer, swap):
    """A second AtomicSwap deployment: another verifying contract."""
    return deployer.deploy(project.AtomicSwap)


# ---------------------------------------------------------------- helpers


def sender_holdings(asset, usdc, sender) -> int:
    return sender.balance if asset == "ether" else usdc.balanceOf(sender)


def swap_holdings(asset, usdc, swap) -> int:
    return swap.balance if asset == "ether" else usdc.balanceOf(swap)


def lock_asset(locked, asset, usdc, label="secret", **overrides):
    token, amount = (None, ETHER) if asset == "ether" else (usdc, AMOUNT)
    return locked(label, token=token, amount=amount, **overrides)


def paid_event(asset, usdc, swap, to, amount):
    return [] if asset == "ether" else [usdc.Transfer(swap.address, to.address, amount)]


def malleated(signature: bytes) -> bytes:
    """The same ECDSA signature with s -> n - s (and v flipped): valid for ecrecover, refused
    by OpenZeppelin's ECDSA (upper-half s)."""
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    return r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])  # 27 <-> 28


# ---------------------------------------------------------------- refunds with the signature


@pytest.mark.parametrize("by_whom", ["stranger", "sender", "recipient"])
@pytest.mark.parametrize("asset", ["ether", "token"])
def test_refund_cooperatively__recipient_signed__sender_refunded_before_timelock_by_anyone(
    swap, chain, usdc, locked, sign_refund, sender, recipient, asset, by_whom, request
):
    _, terms = lock_asset(locked, asset, usdc)
    by = request.getfixturevalue(by_whom)
    signature = sign_refund(recipient, terms.id)
    sender_before = sender_holdings(asset, usdc, sender)
    chain.pending_timestamp = terms.timelock - 1

    tx = swap.refundCooperatively(terms, signature, sender=by)

    assert tx.timestamp == terms.timelock - 1
    assert tx.events == [
        swap.SwapRefunded(swapId=terms.id),
        *paid_event(asset, usdc, swap, sender, terms.amount),
    ]
    (log,) = tx.decode_logs(swap.SwapRefunded)
    assert log.event_arguments == {"swapId": terms.id}
    gas = tx.total_fees_paid if asset == "ether" and by == sender else 0
    assert sender_holdings(asset, usdc, sender) == sender_before + terms.amount - gas
    assert swap_holdings(asset, usdc, swap) == 0
    assert swap.isOpen(terms.id) is False


def test_refund_cooperatively__after_timelock__refunds_too(
    swap, chain, locked, sign_refund, sender, recipient, stranger
):
    _, terms = locked()
    sender_before = sender.balance
    chain.pending_timestamp = terms.timelock + 1

    tx = swap.refundCooperatively(terms, sign_refund(recipient, terms.id), sender=stranger)

    assert tx.events == [swap.SwapRefunded(terms.id)]
    assert sender.balance == sender_before + terms.amount


@pytest.mark.parametrize("ended_by", ["refund", "claim"], ids=["after_refund", "after_claim"])
def test_refund_cooperatively__swap_already_ended__reverts_not_found(
    swap, locked, sign_refund, recipient, stranger, ended_by, reverts
):
    preimage, terms = locked()
    signature = sign_refund(recipient, terms.id)
    if ended_by == "refund":  # the same signature replayed
        swap.refundCooperatively(terms, signature, sender=stranger)
    else:
        swap.claimFor(preimage, terms, sender=recipient)

    with reverts(swap.SwapNotFound, swapId=terms.id):
        swap.refundCooperatively(terms, signature, sender=stranger)

    assert swap.balance == 0


def test_refund_cooperatively__never_locked_terms__reverts_not_found(
    swap, make_terms, sign_refund, recipient, stranger, reverts
):
    _, terms = make_terms()

    with reverts(swap.SwapNotFound, swapId=terms.id):
        swap.refundCooperatively(terms, sign_refund(recipient, terms.id), sender=stranger)


def test_refund_cooperatively__identical_terms__can_never_be_locked_again(
    swap, locked, lock_terms, sign_refund, recipient, stranger, reverts
):
    """The signature covers the swap id, the hash of the terms: a swap released by signature
    is barred for ever, so the same signature can never refund a new lock of the same terms."""
    _, terms = locked()
    signature = sign_refund(recipient, terms.id)
    swap.refundCooperatively(terms, signature, sender=stranger)

    with reverts(swap.SwapAlreadyExists, swapId=terms.id):
        lock_terms(terms)
    with reverts(swap.SwapNotFound, swapId=terms.id):
        swap.refundCooperatively(terms, signature, sender=stranger)
    assert swap.isOpen(terms.id) is False


# ---------------------------------------------------------------- refused signatures


@pytest.mark.parametrize("signer", ["sender", "stranger"])
def test_refund_cooperatively__signed_by_someone_else__reverts_invalid_signature(
    swap, locked, sign_refund, recipient, stranger, signer, request, reverts
):
    _, terms = locked()
    signature = sign_refund(request.getfixturevalue(signer), terms.id)

    with reverts(swap.SwapInvalidRefundSignature, swapId=terms.id, recipient=recipient.address):
        swap.refundCooperatively(terms, signature, sender=stranger)

    assert swap.isOpen(terms.id) is True
    assert swap.balance == terms.amount


@pytest.mark.parametrize(
    "variant",
    [
        "other_chain_id",
        "other_contract",
        "other_name",
        "other_version",
        "other_swap_id",
        "struct_hash_without_domain",
        "eth_signed_message",
        "malleated_s",
        "empty",
        "truncated",
    ],
)
def test_refund_cooperatively__signature_not_for_this_refund__reverts_invalid_signature(
    swap, chain, locked, secret, sign_refund, recipient, stranger, variant, reverts
):
    _, terms = locked()
    key = recipient.private_key

    def signed(digest):
        return bytes(recipient.sign_raw_msghash(digest).encode_rsv())

    def digest_under(name="OpenOTC AtomicSwap", version="1"):
        return eip712.digest(
            eip712.typed_data(
                name, version, chain.chain_id, swap.address, REFUND_TYPES, {"swapId": terms.id}
            )
        )

    assert digest_under() == swap.refundDigest(terms.id)  # the honest digest, for contrast
    struct_hash = keccak(keccak(text="Refund(bytes32 swapId)") + terms.id)
    good = sign_refund(recipient, terms.id)
    signature = {
        "other_chain_id": lambda: sign_refund(recipient, terms.id, chain_id=chain.chain_id + 1),
        "other_contract": lambda: sign_refund(recipient, terms.id, contract=stranger.address),
        "other_name": lambda: signed(digest_under(name="OpenOTC Escrow")),
        "other_version": lambda: signed(digest_under(version="2")),
        "other_swap_id": lambda: sign_refund(recipient, terms._replace(amount=1).id),
        "struct_hash_without_domain": lambda: signed(struct_hash),
        "eth_signed_message": lambda: bytes(
            Account.sign_message(encode_defunct(primitive=digest_under()), key).signature
        ),
        "malleated_s": lambda: malleated(good),
        "empty": lambda: b"",
        "truncated": lambda: good[:64],
    }[variant]()
    assert signature != good

    with reverts(swap.SwapInvalidRefundSignature, swapId=terms.id, recipient=recipient.address):
        swap.refundCooperatively(terms, signature, sender=stranger)

    assert swap.isOpen(terms.id) is True
    assert swap.balance == terms.amount


def test_refund_cooperatively__signature_for_another_deployment__refused_here_accepted_there(
    swap, other_swap, make_terms, lock_terms, sign_refund, sender, recipient, stranger, reverts
):
    _, terms = make_terms()
    lock_terms(terms)
    other_swap.lock(terms.hashlock, recipient, terms.timelock, sender=sender, value=terms.amount)
    for_other = sign_refund(recipient, terms.id, contract=other_swap)
    assert other_swap.refundDigest(terms.id) != swap.refundDigest(terms.id)

    with reverts(swap.SwapInvalidRefundSignature, swapId=terms.id, recipient=recipient.address):
        swap.refundCooperatively(terms, for_other, sender=stranger)

    tx = other_swap.refundCooperatively(terms, for_other, sender=stranger)
    assert tx.events == [other_swap.SwapRefunded(terms.id)]
    assert swap.isOpen(terms.id) is True


@pytest.mark.parametrize("field", ["amount", "timelock", "sender"])
def test_refund_cooperatively__terms_altered__reverts_invalid_signature_for_altered_id(
    swap, locked, sign_refund, recipient, stranger, field, reverts
):
    """The recipient's signature of the real swap does not cover altered terms."""
    _, terms = locked()
    signature = sign_refund(recipient, terms.id)
    altered = {
        "amount": terms._replace(amount=terms.amount - 1),
        "timelock": terms._replace(timelock=terms.timelock + 1),
        "sender": terms._replace(sender=stranger.address),
    }[field]

    with reverts(swap.SwapInvalidRefundSignature, swapId=altered.id, recipient=recipient.address):
        swap.refundCooperatively(altered, signature, sender=stranger)

    assert swap.isOpen(terms.id) is True


def test_refund_cooperatively__caller_names_itself_recipient_and_signs__reverts_not_found(
    swap, locked, sign_refund, stranger, reverts
):
    """Whoever names itself the recipient can sign for those terms, but no such swap exists."""
    _, terms = locked()
    forged = terms._replace(recipient=stranger.address)

    with reverts(swap.SwapNotFound, swapId=forged.id):
        swap.refundCooperatively(forged, sign_refund(stranger, forged.id), sender=stranger)

    assert swap.isOpen(terms.id) is True


# ---------------------------------------------------------------- EIP-1271 wallet recipients


@pytest.mark.parametrize("asset", ["ether", "token"])
def test_refund_cooperatively__wallet_recipient_owner_signs__sender_refunded(
    swap, usdc, locked, recipient_wallet, sign_refund, sender, recipient, stranger, asset
):
    assert recipient_wallet.owner() == recipient.address
    _, terms = lock_asset(locked, asset, usdc, recipient=recipient_wallet)
    sender_before = sender_holdings(asset, usdc, sender)

    tx = swap.refundCooperatively(terms, sign_refund(recipient, terms.id), sender=stranger)

    assert tx.events == [
        swap.SwapRefunded(terms.id),
        *paid_event(asset, usdc, swap, sender, terms.amount),
    ]
    assert sender_holdings(asset, usdc, sender) == sender_before + terms.amount
    assert swap.isOpen(terms.id) is False


@pytest.mark.parametrize("case", ["junk_wallet", "not_the_owner"])
def test_refund_cooperatively__wallet_recipient_does_not_approve__reverts_invalid_signature(
    swap, locked, recipient_wallet, sign_refund, recipient, stranger, case, reverts
):
    _, terms = locked(recipient=recipient_wallet)
    if case == "junk_wallet":
        recipient_wallet.setJunk(True, sender=stranger)
        signature = sign_refund(recipient, terms.id)
    else:
        signature = sign_refund(stranger, terms.id)

    with reverts(
        swap.SwapInvalidRefundSignature, swapId=terms.id, recipient=recipient_wallet.address
    ):
        swap.refundCooperatively(terms, signature, sender=stranger)

    assert swap.isOpen(terms.id) is True


# ---------------------------------------------------------------- the digest


def test_refund_digest__equals_the_eip712_digest_computed_off_chain(
    swap, other_swap, chain, make_terms, refund_digest
):
    _, terms = make_terms()
    _, other = make_terms("other")

    assert swap.refundDigest(terms.id) == refund_digest(terms.id)
    assert swap.refundDigest(other.id) == refund_digest(other.id) != refund_digest(terms.id)
    assert other_swap.refundDigest(terms.id) == refund_digest(terms.id, contract=other_swap)
    domain_type = (
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    )
    domain_separator = keccak(
        keccak(text=domain_type)
        + keccak(text="OpenOTC AtomicSwap")
        + keccak(text="1")
        + chain.chain_id.to_bytes(32, "big")
        + bytes(12)
        + bytes.fromhex(swap.address[2:])
    )
    struct_hash = keccak(keccak(text="Refund(bytes32 swapId)") + terms.id)
    assert swap.refundDigest(terms.id) == keccak(b"\x19\x01" + domain_separator + struct_hash)
