"""Fixtures of the AtomicSwap suites: a fresh AtomicSwap, a sender (the maker)
funded in USDC and
USDT with an unlimited approval, a recipient (the taker), and helpers to build swap terms, lock
them and sign cooperative refunds.

Module-scoped, like the other suites' fixtures: what they do is rolled back when the module
ends. Terms are `Terms` tuples in the order of IAtomicSwap.Swap, so they can be passed to the
contract as they are and altered with `_replace`. The swap id is computed here in Python, and
the EIP-712 refund digest and signature with the SDK (`openotc.swap`), independently of the
contract, from IAtomicSwap's specification."""

import hashlib
from typing import NamedTuple

import pytest
from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from openotc import swap as swap_sdk
from openotc.units import DAY, UNLIMITED, ZERO_ADDRESS

MAX_TIMELOCK = 30 * DAY
FUNDS = 1_000_000 * 10**6  # of each 6-decimal token, for the sender


class Terms(NamedTuple):
    """IAtomicSwap.Swap, field for field."""

    hashlock: bytes
    token: str
    amount: int
    sender: str
    recipient: str
    timelock: int

    @property
    def id(self) -> bytes:
        """keccak256(abi.encode(swap)), as the specification defines it."""
        return keccak(
            encode(["bytes32", "address", "uint256", "address", "address", "uint256"], self)
        )


def _address(value) -> str:
    return to_checksum_address(str(getattr(value, "address", value)))


@pytest.fixture(scope="module")
def swap(project, deployer):
    return deployer.deploy(project.AtomicSwap)


@pytest.fixture(scope="module")
def sender(maker):
    """Locks the funds in these suites."""
    return maker


@pytest.fixture(scope="module")
def recipient(taker):
    return taker


@pytest.fixture(scope="module")
def sender_funded(swap, sender, usdc, usdt):
    """The sender holds FUNDS of USDC and USDT and approved the swap contract without limit."""
    for token in (usdc, usdt):
        token.mint(sender, FUNDS, sender=sender)
        token.approve(swap, UNLIMITED, sender=sender)
    return sender


@pytest.fixture(scope="module")
def secret():
    """`secret(label)` -> (preimage, hashlock): a 32-byte preimage and its sha256."""

    def make(label="secret"):
        preimage = keccak(text=f"preimage:{label}")
        return preimage, hashlib.sha256(preimage).digest()

    return make


@pytest.fixture(scope="module")
def make_terms(chain, sender, recipient, secret):
    """`make_terms(label, token=ETH, amount=1 ether, sender=, recipient=, timelock=)` ->
    (preimage, Terms); the timelock defaults to a day after the next block."""

    def make(
        label="secret", token=None, amount=10**18, sender=sender, recipient=recipient, timelock=None
    ):
        preimage, hashlock = secret(label)
        terms = Terms(
            hashlock=hashlock,
            token=ZERO_ADDRESS if token is None else _address(token),
            amount=amount,
            sender=_address(sender),
            recipient=_address(recipient),
            timelock=chain.pending_timestamp + DAY if timelock is None else timelock,
        )
        return preimage, terms

    return make


@pytest.fixture(scope="module")
def lock_terms(swap, accounts):
    """`lock_terms(terms, sender=None)` -> receipt: locks exactly `terms` (ETH with `lock`, a
    token with `lockToken`), sent by its sender's account unless `sender` is given."""

    def lock(terms, sender=None):
        account = sender or accounts[terms.sender]
        if terms.token == ZERO_ADDRESS:
            return swap.lock(
                terms.hashlock, terms.recipient, terms.timelock, sender=account, value=terms.amount
            )
        return swap.lockToken(
            terms.hashlock,
            terms.token,
            terms.amount,
            terms.recipient,
            terms.timelock,
            sender=account,
        )

    return lock


@pytest.fixture(scope="module")
def locked(make_terms, lock_terms):
    """`locked(label, **terms)` -> (preimage, Terms): a swap locked by its sender."""

    def lock(label="secret", **overrides):
        preimage, terms = make_terms(label, **overrides)
        lock_terms(terms)
        return preimage, terms

    return lock


@pytest.fixture(scope="module")
def refund_digest(swap, chain):
    """`refund_digest(swap_id, chain_id=this chain, contract=the swap)`: the EIP-712 digest of
    Refund(bytes32 swapId) under the domain IAtomicSwap specifies (`openotc.swap.refund_digest`)."""

    def digest(swap_id, chain_id=None, contract=None):
        return swap_sdk.refund_digest(
            bytes(swap_id),
            _address(contract or swap),
            chain.chain_id if chain_id is None else chain_id,
        )

    return digest


@pytest.fixture(scope="module")
def sign_refund(swap, chain):
    """`sign_refund(signer, swap_id, chain_id=None, contract=None)` -> 65-byte (r, s, v)
    signature of the refund digest by an ape test account (`openotc.swap.sign_refund`)."""

    def sign(signer, swap_id, chain_id=None, contract=None):
        return swap_sdk.sign_refund(
            bytes(swap_id),
            _address(contract or swap),
            chain.chain_id if chain_id is None else chain_id,
            signer,
        )

    return sign


@pytest.fixture(scope="module")
def reentrant_recipient(project, deployer):
    """A contract account that re-enters when paid ether, or rejects it (TestReentrantRecipient)."""
    return deployer.deploy(project.TestReentrantRecipient)


@pytest.fixture(scope="module")
def recipient_wallet(project, deployer, recipient):
    """An EIP-1271 wallet owned by the recipient's key."""
    return deployer.deploy(project.MockERC1271Wallet, recipient)
