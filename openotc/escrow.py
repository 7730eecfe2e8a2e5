"""Escrow SDK: offers (build, hash, sign, verify exactly as OTCEscrow does), trade records
(the struct every call about a trade passes), and chat transcripts as Merkle trees."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import IntEnum
from typing import TYPE_CHECKING, ClassVar

from eth_abi import encode
from eth_account import Account
from eth_utils import keccak, to_checksum_address

from openotc import eip712
from openotc.units import BPS, DAY, HOUR

if TYPE_CHECKING:
    from ape.api import ReceiptAPI
    from ape.contracts import ContractInstance

# Mirrors of OTCEscrow's constants and enums (checked against the contract by
# tests/e2e/test_constants.py).
DOMAIN_NAME = "OpenOTC Escrow"
DOMAIN_VERSION = "1"
PRICE_DECIMALS = 8  # OTCEscrow.PRICE_DECIMALS
BOND_BPS = 2_000  # OTCEscrow.BOND_BPS: 20% of the trade amount
FEE_WINDOW = 3 * DAY  # OTCEscrow.FEE_WINDOW: the other party's time to deposit its fee


class Side(IntEnum):
    """`IOTCEscrow.Side`."""

    SELL_CRYPTO = 0  # the maker sells tokens for fiat
    BUY_CRYPTO = 1  # the maker buys tokens with fiat


class Status(IntEnum):
    """`IOTCEscrow.Status` of a trade."""

    NONE = 0
    FUNDED = 1
    PAID = 2
    AWAITING_FEE = 3  # one party deposited the arbitration fee; the other's window is open
    DISPUTED = 4  # the dispute is at the arbitrator
    RELEASED = 5
    CANCELLED = 6
    RESOLVED = 7


class Ruling(IntEnum):
    """The rulings the escrow gives its arbitrator (`RULING_OPTIONS` of them besides 0)."""

    REFUSED = 0
    BUYER_WINS = 1
    SELLER_WINS = 2


OFFER_TYPE = (
    "Offer(address maker,uint8 side,address token,uint256 minAmount,uint256 maxAmount,"
    "bytes3 fiatCurrency,uint256 price,bytes32 paymentMethodsHash,uint32 paymentWindow,"
    "bytes32 termsHash,uint8 minLevel,uint64 expiry,uint256 nonce)"
)
OFFER_TYPES = eip712.struct_types(OFFER_TYPE)


@dataclass(frozen=True)
class Offer(eip712.Struct):
    """An escrow offer. Field order and names follow the contract's `Offer` struct."""

    TYPE: ClassVar[str] = OFFER_TYPE

    maker: str
    side: int
    token: str
    min_amount: int
    max_amount: int
    fiat_currency: bytes
    price: int
    payment_methods_hash: bytes
    payment_window: int
    terms_hash: bytes
    min_level: int
    expiry: int
    nonce: int


def fiat(code: str) -> bytes:
    """An ISO 4217 code as the contract's bytes3."""
    raw = code.upper().encode("ascii")
    if len(raw) != 3:
        raise ValueError(f"ISO 4217 codes have three letters, got {code!r}")
    return raw


def price(value: str | int | float) -> int:
    """Fiat per whole token as the contract's fixed point (PRICE_DECIMALS decimals)."""
    from decimal import Decimal

    return int(Decimal(str(value)) * 10**PRICE_DECIMALS)


def build_offer(
    maker: str,
    token: str,
    amounts: tuple[int, int],
    fiat_price: str,
    expiry: int,
    *,
    terms: str,
    payment_methods: str = "SEPA",
    currency: str = "USD",
    payment_window: int = HOUR,
    side: int = Side.SELL_CRYPTO,
    min_level: int = 0,
    nonce: int = 1,
) -> Offer:
    """An offer from readable values: `amounts` its (min, max) in token units, `fiat_price`
    the decimal price of a whole token in `currency` (an ISO 4217 code), the payment methods
    and the terms as the text whose hashes the offer carries."""
    return Offer(
        maker=str(maker),
        side=side,
        token=str(token),
        min_amount=amounts[0],
        max_amount=amounts[1],
        fiat_currency=fiat(currency),
        price=price(fiat_price),
        payment_methods_hash=keccak(text=payment_methods),
        payment_window=payment_window,
        terms_hash=keccak(text=terms),
        min_level=min_level,
        expiry=expiry,
        nonce=nonce,
    )


def typed_data(offer: Offer, escrow: str, chain_id: int) -> dict:
    return offer.typed_data(DOMAIN_NAME, DOMAIN_VERSION, chain_id, escrow)


def offer_hash(offer: Offer, escrow: str, chain_id: int) -> bytes:
    """The EIP-712 digest of the offer: what the maker signs and what `hashOffer` returns."""
    return eip712.digest(typed_data(offer, escrow, chain_id))


def sign_offer(offer: Offer, escrow: str, chain_id: int, signer) -> bytes:
    """65-byte (r, s, v) signature by `signer`, an ape account that signs raw digests."""
    return bytes(signer.sign_raw_msghash(offer_hash(offer, escrow, chain_id)).encode_rsv())


def recover_maker(offer: Offer, escrow: str, chain_id: int, signature: bytes) -> str:
    """The EOA that signed the offer (EIP-1271 makers are checked on chain only)."""
    return Account._recover_hash(offer_hash(offer, escrow, chain_id), signature=signature)


def verify_offer(offer: Offer, escrow: str, chain_id: int, signature: bytes) -> bool:
    try:
        signer = recover_maker(offer, escrow, chain_id, signature)
    except Exception:  # malformed signature
        return False
    return to_checksum_address(signer) == to_checksum_address(offer.maker)


# ---------------------------------------------------------------- trades

TRADE_FIELDS = (
    "seller",
    "paymentDeadline",
    "feeBps",
    "status",
    "sellerReviewed",
    "buyer",
    "confirmDeadline",
    "buyerReviewed",
    "token",
    "amount",
    "bond",
    "offerHash",
    "policyId",
    "openedAt",
)
TRADE_ABI = (
    "(address,uint64,uint16,uint8,bool,address,uint64,bool,address,uint128,uint128,bytes32,uint32,"
    "uint64)"
)


@dataclass(frozen=True)
class Trade:
    """A trade's record: the struct the escrow hashes and every trade call takes."""

    seller: str
    payment_deadline: int
    fee_bps: int
    status: int
    seller_reviewed: bool
    buyer: str
    confirm_deadline: int
    buyer_reviewed: bool
    token: str
    amount: int
    bond: int
    offer_hash: bytes
    policy_id: int
    opened_at: int

    @classmethod
    def opened(
        cls,
        seller: str,
        buyer: str,
        token: str,
        amount: int,
        fee_bps: int,
        payment_deadline: int,
        offer_hash: bytes,
        opened_at: int,
        policy_id: int = 0,
    ) -> Trade:
        """The record `openTrade` stores: Funded, the bond of `amount` escrowed with it, no
        review and no confirmation deadline yet; the fee and the dispute policy in force when
        it opened, the offer it came from and the opening block's timestamp."""
        return cls(
            seller=str(seller),
            payment_deadline=payment_deadline,
            fee_bps=fee_bps,
            status=Status.FUNDED,
            seller_reviewed=False,
            buyer=str(buyer),
            confirm_deadline=0,
            buyer_reviewed=False,
            token=str(token),
            amount=amount,
            bond=bond_for(amount),
            offer_hash=bytes(offer_hash),
            policy_id=policy_id,
            opened_at=opened_at,
        )

    @classmethod
    def from_struct(cls, struct) -> Trade:
        """From a decoded event argument (ape struct, dict or tuple)."""
        if isinstance(struct, dict):
            values = [struct[name] for name in TRADE_FIELDS]
        elif hasattr(struct, "seller"):
            values = [getattr(struct, name) for name in TRADE_FIELDS]
        else:
            values = list(struct)
        trade = cls(*values)
        # Decoded structs may carry lower-case addresses; events' own fields are checksummed.
        return trade.evolve(
            seller=to_checksum_address(trade.seller),
            buyer=to_checksum_address(trade.buyer),
            token=to_checksum_address(trade.token),
            offer_hash=bytes(trade.offer_hash),
        )

    def as_tuple(self) -> tuple:
        return tuple(getattr(self, f.name) for f in fields(self))

    def commitment(self) -> bytes:
        """keccak256(abi.encode(trade)): what `tradeCommitment(tradeId)` stores."""
        return keccak(encode([TRADE_ABI], [self.as_tuple()]))

    def evolve(self, **changes) -> Trade:
        return replace(self, **changes)


def trade_id(offer_digest: bytes, takes_before: int) -> bytes:
    """keccak256(abi.encode(offerHash, takes)), as `openTrade` derives it: `takes_before` is
    the number of trades opened from the offer before this one (`fillOf(offerHash).takes`)."""
    return keccak(encode(["bytes32", "uint64"], [offer_digest, takes_before]))


def bond_for(amount: int) -> int:
    return amount * BOND_BPS // BPS


class TradeBook:
    """Follows trades through the escrow's events so callers always pass the current record."""

    def __init__(self, escrow: ContractInstance):
        self.escrow = escrow
        self.records: dict[bytes, Trade] = {}

    def record(self, trade_id_: bytes) -> Trade:
        return self.records[bytes(trade_id_)]

    def apply(self, receipt: ReceiptAPI) -> None:
        """Updates the records from every escrow event in `receipt`."""
        esc = self.escrow
        for log in receipt.decode_logs(esc.TradeOpened):
            self.records[bytes(log.tradeId)] = Trade.from_struct(log.trade)
        for log in receipt.decode_logs(esc.TradePaid):
            key = bytes(log.tradeId)
            self.records[key] = self.records[key].evolve(
                status=Status.PAID, confirm_deadline=log.confirmDeadline
            )
        for log in receipt.decode_logs(esc.DisputeFeePaid):
            if log.deadline != 0:  # the other party's fee window opened
                key = bytes(log.tradeId)
                self.records[key] = self.records[key].evolve(status=Status.AWAITING_FEE)
        for event, status in (
            (esc.TradeReleased, Status.RELEASED),
            (esc.TradeCancelled, Status.CANCELLED),
            (esc.TradeDisputed, Status.DISPUTED),
            (esc.TradeResolved, Status.RESOLVED),
            (esc.TradeResolvedByDefault, Status.RESOLVED),
        ):
            for log in receipt.decode_logs(event):
                key = bytes(log.tradeId)
                self.records[key] = self.records[key].evolve(status=status)
        for log in receipt.decode_logs(esc.ReviewLeft):
            key = bytes(log.tradeId)
            current = self.records[key]
            reviewer = to_checksum_address(log.reviewer)
            flag = "buyer_reviewed" if reviewer == current.buyer else "seller_reviewed"
            self.records[key] = current.evolve(**{flag: True})


# ---------------------------------------------------------------- chat evidence


@dataclass(frozen=True)
class ChatMessage:
    index: int
    sender: str
    sent_at: int
    text: str

    def as_tuple(self) -> tuple:
        """The contract's `ChatMessage` struct: the text enters only as its hash."""
        return (self.index, self.sender, self.sent_at, keccak(text=self.text))


def chat_leaf(trade_id_: bytes, message: ChatMessage) -> bytes:
    """keccak256(keccak256(abi.encode(tradeId, index, sender, sentAt, keccak256(text))))."""
    inner = keccak(
        encode(
            ["bytes32", "uint256", "address", "uint64", "bytes32"],
            [
                trade_id_,
                message.index,
                message.sender,
                message.sent_at,
                keccak(text=message.text),
            ],
        )
    )
    return keccak(inner)


def _pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b) if a < b else keccak(b + a)


class ChatTree:
    """A Merkle tree over a chat transcript, hashed as OpenZeppelin MerkleProof verifies
    (sorted pairs; a node without a sibling moves up unchanged)."""

    def __init__(self, trade_id_: bytes, messages: list[ChatMessage]):
        if not messages:
            raise ValueError("a transcript needs at least one message")
        self.trade_id = trade_id_
        self.messages = list(messages)
        self.layers = [[chat_leaf(trade_id_, m) for m in self.messages]]
        while len(self.layers[-1]) > 1:
            below = self.layers[-1]
            above = [
                _pair(below[i], below[i + 1]) if i + 1 < len(below) else below[i]
                for i in range(0, len(below), 2)
            ]
            self.layers.append(above)

    @property
    def root(self) -> bytes:
        return self.layers[-1][0]

    def leaf(self, position: int) -> bytes:
        return self.layers[0][position]

    def message(self, position: int) -> tuple:
        """The message at `position` as `verifyChatMessage` takes it."""
        return self.messages[position].as_tuple()

    def proof(self, position: int) -> list[bytes]:
        proof = []
        for layer in self.layers[:-1]:
            sibling = position ^ 1
            if sibling < len(layer):
                proof.append(layer[sibling])
            position //= 2
        return proof


def verify_chat_proof(root: bytes, leaf: bytes, proof: list[bytes]) -> bool:
    node = leaf
    for sibling in proof:
        node = _pair(node, sibling)
    return node == root
