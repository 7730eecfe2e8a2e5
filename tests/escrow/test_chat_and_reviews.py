"""OTCEscrow chat evidence and reputation: anchoring a transcript's Merkle root, proving single
messages against it with `verifyChatMessage` (transcripts built with the SDK's ChatTree), and
the once-per-party reviews of settled trades.

The maker sells (seller), the taker buys (buyer).
"""

import pytest
from eth_utils import keccak

from openotc.escrow import ChatMessage, ChatTree, Ruling, Status, chat_leaf, verify_chat_proof
from openotc.units import USDC_UNIT
from tests.utils.fixtures import values

AMOUNT = 1_000 * USDC_UNIT
PAYMENT_REFERENCE = keccak(text="SEPA transfer, reference OTC-9")
COMMENT = keccak(text="Fast payment, friendly buyer.")
ROOT = keccak(text="a transcript root")
OTHER_ROOT = keccak(text="another transcript root")
UNKNOWN_TRADE = keccak(text="no trade has this id")
LINES = [
    "Hi, I'd like to buy 1,000 USDC.",
    "Sure. IBAN DE89 3704 0044 0532 0130 00, reference OTC-9.",
    "Sent. Screenshot attached.",
    "Nothing on my side yet.",
    "My bank says it settles tonight.",
    "Still nothing this morning.",
    "Here is the bank's confirmation: ipfs://QmReceipt",
    "Received, releasing now.",
]


# ---------------------------------------------------------------- fixtures and helpers


trade_amount, payment_reference = values(trade_amount=AMOUNT, payment_reference=PAYMENT_REFERENCE)


@pytest.fixture
def disputed(paid, dispute_to_arbitrator, buyer, seller):
    """The id of a Paid trade the buyer disputed and the seller answered: at the arbitrator."""
    dispute_to_arbitrator(paid, buyer, seller)
    return paid


@pytest.fixture
def resolved(escrow, arbitrator, book, disputed, ruler):
    dispute_id = arbitrator.disputeCount() - 1  # the only dispute
    assert escrow.tradeOfDispute(dispute_id) == disputed
    book.apply(arbitrator.giveRuling(dispute_id, Ruling.BUYER_WINS, sender=ruler))
    return disputed


def transcript(buyer, seller, count, start=1_700_000_000):
    """`count` messages, the buyer and the seller speaking in turn, a minute apart."""
    return [
        ChatMessage(
            index=i,
            sender=(buyer if i % 2 == 0 else seller).address,
            sent_at=start + 60 * i,
            text=LINES[i % len(LINES)],
        )
        for i in range(count)
    ]


def rating(escrow, account):
    r = escrow.ratingOf(account)
    return (r.sum, r.count)


def assert_committed(escrow, book, trade_id):
    assert escrow.tradeCommitment(trade_id) == book.record(trade_id).commitment()


# ---------------------------------------------------------------- anchorChat


@pytest.mark.parametrize("role", ["buyer", "seller"])
def test_anchor_chat__by_a_party__emits_chat_anchored_and_stores_the_anchor(
    escrow, funded, act, role, request
):
    party = request.getfixturevalue(role)
    commitment = escrow.tradeCommitment(funded)

    tx = act("anchorChat", funded, ROOT, 3, sender=party)

    assert tx.events == [escrow.ChatAnchored(funded, party.address, ROOT, 3)]
    assert escrow.chatAnchor(funded, party) == (ROOT, 3)
    assert escrow.tradeCommitment(funded) == commitment  # anchoring changes no trade state


def test_anchor_chat__each_party_has_its_own_anchor(escrow, funded, act, buyer, seller):
    buyer_tx = act("anchorChat", funded, ROOT, 3, sender=buyer)
    seller_tx = act("anchorChat", funded, OTHER_ROOT, 5, sender=seller)

    assert buyer_tx.events == [escrow.ChatAnchored(funded, buyer.address, ROOT, 3)]
    assert seller_tx.events == [escrow.ChatAnchored(funded, seller.address, OTHER_ROOT, 5)]

    assert escrow.chatAnchor(funded, buyer) == (ROOT, 3)
    assert escrow.chatAnchor(funded, seller) == (OTHER_ROOT, 5)


@pytest.mark.parametrize("count", [3, 4], ids=["same_count", "more_messages"])
def test_anchor_chat__again_with_at_least_as_many_messages__replaces_the_anchor(
    escrow, funded, act, buyer, count
):
    act("anchorChat", funded, ROOT, 3, sender=buyer)

    tx = act("anchorChat", funded, OTHER_ROOT, count, sender=buyer)

    assert tx.events == [escrow.ChatAnchored(funded, buyer.address, OTHER_ROOT, count)]
    assert escrow.chatAnchor(funded, buyer) == (OTHER_ROOT, count)


def test_anchor_chat__again_with_fewer_messages__reverts_chat_count_decreased(
    escrow, funded, act, buyer, reverts
):
    act("anchorChat", funded, ROOT, 5, sender=buyer)

    with reverts(escrow.EscrowChatCountDecreased, messageCount=4, anchored=5):
        act("anchorChat", funded, OTHER_ROOT, 4, sender=buyer)
    assert escrow.chatAnchor(funded, buyer) == (ROOT, 5)


def test_anchor_chat__by_stranger__reverts_not_party(escrow, funded, act, stranger, reverts):
    with reverts(escrow.EscrowNotParty, caller=stranger.address):
        act("anchorChat", funded, ROOT, 1, sender=stranger)
    assert escrow.chatAnchor(funded, stranger) == (b"\x00" * 32, 0)


@pytest.mark.parametrize("state", ["paid", "disputed", "released", "cancelled"])
def test_anchor_chat__in_any_later_state__is_accepted(escrow, act, seller, state, request):
    trade_id = request.getfixturevalue(state)

    tx = act("anchorChat", trade_id, ROOT, 2, sender=seller)

    assert tx.events == [escrow.ChatAnchored(trade_id, seller.address, ROOT, 2)]


def test_anchor_chat__unknown_trade__reverts_unknown_trade(escrow, book, funded, buyer, reverts):
    with reverts(escrow.EscrowUnknownTrade, tradeId=UNKNOWN_TRADE):
        escrow.anchorChat(UNKNOWN_TRADE, book.record(funded).as_tuple(), ROOT, 1, sender=buyer)


def test_anchor_chat__forged_record_naming_a_stranger__reverts_trade_mismatch(
    escrow, book, funded, stranger, reverts
):
    forged = book.record(funded).evolve(buyer=stranger.address)
    with reverts(escrow.EscrowTradeMismatch, tradeId=funded):
        escrow.anchorChat(funded, forged.as_tuple(), ROOT, 1, sender=stranger)


# ---------------------------------------------------------------- verifyChatMessage


@pytest.fixture
def tree(funded, act, buyer, seller, count):
    """The ChatTree of a `count`-message transcript that the buyer anchored on the trade."""
    tree = ChatTree(funded, transcript(buyer, seller, count))
    act("anchorChat", funded, tree.root, count, sender=buyer)
    return tree


@pytest.mark.parametrize("count", [1, 2, 5, 8])
def test_verify_chat_message__every_message_of_an_anchored_transcript__is_proven(
    escrow, funded, buyer, count, tree
):
    for position, message in enumerate(tree.messages):
        leaf, proof = chat_leaf(funded, message), tree.proof(position)
        assert leaf == tree.leaf(position)
        assert verify_chat_proof(tree.root, leaf, proof)
        assert escrow.verifyChatMessage(funded, buyer, message.as_tuple(), proof), position


@pytest.mark.parametrize("count", [1, 2, 5, 8])
def test_verify_chat_message__tampered_message__is_not_proven(
    escrow, funded, buyer, seller, count, tree
):
    for position, message in enumerate(tree.messages):
        proof = tree.proof(position)
        for tampered in (
            ChatMessage(message.index, message.sender, message.sent_at, message.text + "!"),
            ChatMessage(message.index, message.sender, message.sent_at + 1, message.text),
            ChatMessage(message.index + 1, message.sender, message.sent_at, message.text),
            ChatMessage(
                message.index,
                (seller if message.sender == buyer.address else buyer).address,
                message.sent_at,
                message.text,
            ),
        ):
            leaf = chat_leaf(funded, tampered)
            assert not verify_chat_proof(tree.root, leaf, proof)
            assert not escrow.verifyChatMessage(funded, buyer, tampered.as_tuple(), proof), (
                position,
                tampered,
            )


@pytest.mark.parametrize("count", [1, 2, 5, 8])
def test_verify_chat_message__wrong_proof__is_not_proven(escrow, funded, buyer, count, tree):
    junk = keccak(text="not a sibling")

    for position in range(count):
        message, proof = tree.message(position), tree.proof(position)
        wrong_proofs = [[junk, *proof], [*proof, junk]]
        if proof:
            wrong_proofs += [proof[:-1], [junk, *proof[1:]]]
        if count > 1:  # another message's proof
            wrong_proofs.append(tree.proof((position + 1) % count))
        for wrong in wrong_proofs:
            if wrong == proof:
                continue
            assert not escrow.verifyChatMessage(funded, buyer, message, wrong), (position, wrong)


@pytest.mark.parametrize("count", [1, 5])
def test_verify_chat_message__against_the_other_party__is_not_proven(
    escrow, funded, act, buyer, seller, count, tree
):
    message, proof = tree.message(0), tree.proof(0)

    assert not escrow.verifyChatMessage(funded, seller, message, proof)  # seller anchored nothing

    other = ChatTree(funded, transcript(buyer, seller, count, start=1_800_000_000))
    act("anchorChat", funded, other.root, count, sender=seller)

    assert not escrow.verifyChatMessage(funded, seller, message, proof)
    assert escrow.verifyChatMessage(funded, seller, other.message(0), other.proof(0))
    assert escrow.verifyChatMessage(funded, buyer, message, proof)


def test_verify_chat_message__unanchored_trade__is_not_proven(
    escrow, offer, open_trade, funded, act, buyer, seller
):
    unanchored, _ = open_trade(*offer, 2 * AMOUNT)
    tree = ChatTree(funded, transcript(buyer, seller, 5))
    act("anchorChat", funded, tree.root, 5, sender=buyer)

    assert not escrow.verifyChatMessage(unanchored, buyer, tree.message(2), tree.proof(2))
    assert not escrow.verifyChatMessage(UNKNOWN_TRADE, buyer, tree.message(2), tree.proof(2))


def test_verify_chat_message__zero_message_without_anchor__is_not_proven(escrow, funded, buyer):
    """An unanchored root is zero: nothing is proven against it."""
    zero_message = (0, "0x" + "00" * 20, 0, b"\x00" * 32)
    assert not escrow.verifyChatMessage(funded, buyer, zero_message, [])


def test_verify_chat_message__message_with_a_shortened_proof__is_not_proven(
    escrow, funded, act, buyer, seller
):
    """The leaf is computed on chain from the message, so an inner node of the tree cannot
    be passed for a message: a real message with all but the last proof step fails."""
    tree = ChatTree(funded, transcript(buyer, seller, 4))
    act("anchorChat", funded, tree.root, 4, sender=buyer)

    for position in range(4):
        proof = tree.proof(position)
        assert not escrow.verifyChatMessage(funded, buyer, tree.message(position), proof[:-1])
        assert not escrow.verifyChatMessage(funded, buyer, tree.message(position), [])
        assert escrow.verifyChatMessage(funded, buyer, tree.message(position), proof)


def test_verify_chat_message__single_message_transcript__proves_with_empty_proof(
    escrow, funded, act, buyer, seller
):
    tree = ChatTree(funded, transcript(buyer, seller, 1))
    act("anchorChat", funded, tree.root, 1, sender=buyer)

    assert tree.root == tree.leaf(0)
    assert escrow.verifyChatMessage(funded, buyer, tree.message(0), [])


def test_verify_chat_message__same_words_in_another_trade__are_not_proven(
    escrow, offer, open_trade, funded, act, buyer, seller
):
    """The leaf binds the trade id: a message copied from another trade's chat fails."""
    other, _ = open_trade(*offer, 2 * AMOUNT)
    messages = transcript(buyer, seller, 4)
    here, there = ChatTree(funded, messages), ChatTree(other, messages)
    act("anchorChat", funded, here.root, 4, sender=buyer)
    act("anchorChat", other, there.root, 4, sender=buyer)

    for position in range(4):
        assert here.leaf(position) != there.leaf(position)
        message = here.message(position)  # the same words in both trades
        assert not escrow.verifyChatMessage(other, buyer, message, here.proof(position))
        assert escrow.verifyChatMessage(other, buyer, message, there.proof(position))


def test_verify_chat_message__after_reanchoring__old_transcript_is_not_proven(
    escrow, funded, act, buyer, seller
):
    first = ChatTree(funded, transcript(buyer, seller, 2))
    longer = ChatTree(funded, transcript(buyer, seller, 5, start=1_800_000_000))
    act("anchorChat", funded, first.root, 2, sender=buyer)
    act("anchorChat", funded, longer.root, 5, sender=buyer)

    assert not escrow.verifyChatMessage(funded, buyer, first.message(0), first.proof(0))
    assert escrow.verifyChatMessage(funded, buyer, longer.message(4), longer.proof(4))


# ---------------------------------------------------------------- reviews


@pytest.fixture
def review(escrow, act):
    """`review(trade_id, stars, by, of)`: `by` reviews `of`; asserts the ReviewLeft event."""

    def review_(trade_id, stars, by, of):
        tx = act("review", trade_id, stars, COMMENT, sender=by)
        assert tx.events == [escrow.ReviewLeft(trade_id, by.address, of.address, stars, COMMENT)]
        return tx

    return review_


@pytest.mark.parametrize(
    ("by", "of", "stars"), [("buyer", "seller", 5), ("seller", "buyer", 2)], ids=["buyer", "seller"]
)
def test_review__a_party_after_release__rates_the_other(
    escrow, book, released, review, by, of, stars, request
):
    reviewer, reviewed = request.getfixturevalue(by), request.getfixturevalue(of)

    review(released, stars, reviewer, reviewed)

    assert rating(escrow, reviewed) == (stars, 1)
    assert rating(escrow, reviewer) == (0, 0)
    assert getattr(book.record(released), f"{by}_reviewed")
    assert not getattr(book.record(released), f"{of}_reviewed")
    assert_committed(escrow, book, released)


def test_review__both_parties_after_a_ruling__rate_each_other(
    escrow, book, resolved, review, buyer, seller
):
    assert book.record(resolved).status == Status.RESOLVED

    review(resolved, 1, buyer, seller)
    review(resolved, 4, seller, buyer)

    assert rating(escrow, seller) == (1, 1)
    assert rating(escrow, buyer) == (4, 1)
    assert_committed(escrow, book, resolved)


def test_review__over_several_trades__ratings_sum_and_count(
    escrow, offer, open_trade, released, act, review, buyer, seller
):
    second, _ = open_trade(*offer, 2 * AMOUNT)
    act("release", second, sender=seller)

    review(released, 5, buyer, seller)
    review(second, 2, buyer, seller)

    assert rating(escrow, seller) == (7, 2)


@pytest.mark.parametrize("role", ["buyer", "seller"])
def test_review__second_time_by_the_same_party__reverts_already_reviewed(
    escrow, released, act, role, request, reverts
):
    party = request.getfixturevalue(role)
    act("review", released, 5, COMMENT, sender=party)

    with reverts(escrow.EscrowAlreadyReviewed, tradeId=released, reviewer=party.address):
        act("review", released, 1, COMMENT, sender=party)
    assert rating(escrow, party)[1] == 0  # the review went to the other party, once


def test_review__replaying_the_record_from_before_the_review__reverts_trade_mismatch(
    escrow, book, released, act, buyer, seller, reverts
):
    before_review = book.record(released)
    act("review", released, 5, COMMENT, sender=buyer)

    with reverts(escrow.EscrowTradeMismatch, tradeId=released):
        escrow.review(released, before_review.as_tuple(), 5, COMMENT, sender=buyer)
    assert rating(escrow, seller) == (5, 1)


@pytest.mark.parametrize("value", [0, 6])
def test_review__rating_outside_one_to_five__reverts_invalid_rating(
    escrow, released, act, buyer, value, reverts
):
    with reverts(escrow.EscrowInvalidRating, rating=value):
        act("review", released, value, COMMENT, sender=buyer)


@pytest.mark.parametrize(
    "state",
    [
        ("funded", Status.FUNDED),
        ("paid", Status.PAID),
        ("awaiting_fee", Status.AWAITING_FEE),
        ("disputed", Status.DISPUTED),
        ("cancelled", Status.CANCELLED),
    ],
    ids=["funded", "paid", "awaiting_fee", "disputed", "cancelled"],
)
def test_review__of_an_unsettled_or_cancelled_trade__reverts_not_settled(
    escrow, act, buyer, state, request, reverts
):
    fixture, status = state
    trade_id = request.getfixturevalue(fixture)
    with reverts(escrow.EscrowNotSettled, tradeId=trade_id, status=status):
        act("review", trade_id, 5, COMMENT, sender=buyer)


def test_review__by_stranger__reverts_not_party(escrow, released, act, stranger, reverts):
    with reverts(escrow.EscrowNotParty, caller=stranger.address):
        act("review", released, 5, COMMENT, sender=stranger)


def test_review__stats_of_the_trade_are_untouched(escrow, usdc, released, act, buyer, seller):
    before = escrow.statsOf(seller, usdc)

    tx = act("review", released, 5, COMMENT, sender=buyer)

    assert len(tx.decode_logs(escrow.ReviewLeft)) == 1
    assert escrow.statsOf(seller, usdc) == before
