"""PrevrandaoRandomness (the court's randomness source): its configuration, tickets, and the
window [target, target + WINDOW) in which the first fulfil fixes a ticket's value as
keccak256(abi.encode(block.prevrandao, ticket)) >> 64 of the block that includes it.

Block arithmetic: a transaction lands in the block after the head, so `mine_to(chain, b)`
leaves the head at b - 1; a call (`fulfil.call`) runs on the head block.
"""

import pytest
from eth_abi import encode
from eth_utils import keccak

from tests.utils.reverts import constructor_revert

LOOKAHEAD = 4
WINDOW = 256


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture
def requested(randomness, stranger):
    """(ticket, target block) of a ticket requested by the stranger."""
    receipt = randomness.request(sender=stranger)
    event = receipt.decode_logs(randomness.RandomnessRequested)[0]
    return event.ticket, event.targetBlock


@pytest.fixture
def fulfil_in(randomness, chain, requested):
    """`fulfil_in(target_block_plus, sender)` -> (ticket, target block, receipt): `sender`
    fulfils the requested ticket in the block `target_block_plus` after its target."""

    def fulfil(target_block_plus, sender):
        ticket, target = requested
        mine_to(chain, target + target_block_plus)
        return ticket, target, randomness.fulfil(ticket, sender=sender)

    return fulfil


def mine_to(chain, block):
    """The next transaction lands in `block`."""
    missing = block - chain.blocks.head.number - 1
    assert missing >= 0, f"already past block {block}"
    if missing:
        chain.mine(missing)


def read_at(chain, block):
    """Calls from now on run in `block`."""
    missing = block - chain.blocks.head.number
    assert missing >= 0, f"already past block {block}"
    if missing:
        chain.mine(missing)


def expected_value(chain, block_number, ticket):
    """What fulfil fixes in `block_number`: keccak256(abi.encode(prevrandao, ticket)) >> 64
    (the block's mixHash is its prevrandao), never 0."""
    mix = chain.provider.web3.eth.get_block(block_number)["mixHash"]
    value = int.from_bytes(keccak(encode(["bytes32", "uint256"], [bytes(mix), ticket])), "big")
    return (value >> 64) or 1


# ---------------------------------------------------------------- configuration


def test_court_randomness__uses_the_deployment_block_counts(randomness, court_params):
    assert randomness.LOOKAHEAD() == court_params.randomness_lookahead == LOOKAHEAD
    assert randomness.WINDOW() == court_params.randomness_window == WINDOW


@pytest.mark.parametrize(
    ("lookahead", "window"),
    [(0, 1), (1, 256), (2, 0), (0, 0), (1, 0)],
    ids=["lookahead_0", "lookahead_1", "window_0", "both_0", "lookahead_1_window_0"],
)
def test_constructor__invalid_config__reverts_invalid_config(
    project, chain, deployer, lookahead, window
):
    error = constructor_revert(
        chain, project.PrevrandaoRandomness, lookahead, window, sender=deployer
    )

    assert error == ("RandomnessInvalidConfig", {"lookahead": lookahead, "window": window})


def test_constructor__smallest_valid_config__deploys(project, deployer):
    fresh = deployer.deploy(project.PrevrandaoRandomness, 2, 1)

    assert (fresh.LOOKAHEAD(), fresh.WINDOW()) == (2, 1)
    assert fresh.ticketCount() == 0


# ---------------------------------------------------------------- tickets


def test_request__emits_randomness_requested_with_target_and_expiry(randomness, stranger):
    first = randomness.ticketCount()

    receipt = randomness.request(sender=stranger)

    target = receipt.block_number + LOOKAHEAD
    assert receipt.events == [
        randomness.RandomnessRequested(first, stranger, target, target + WINDOW)
    ]
    assert randomness.ticketCount() == first + 1
    assert randomness.targetBlock(first) == target
    assert randomness.valueOf(first) == 0


def test_request__twice__issues_consecutive_tickets(randomness, stranger, maker):
    first = randomness.ticketCount()

    one = randomness.request(sender=stranger).decode_logs(randomness.RandomnessRequested)[0]
    two = randomness.request(sender=maker).decode_logs(randomness.RandomnessRequested)[0]

    assert (one.ticket, one.requester) == (first, stranger.address)
    assert (two.ticket, two.requester) == (first + 1, maker.address)
    assert two.targetBlock == one.targetBlock + 1
    assert randomness.ticketCount() == first + 2


def test_target_block__unknown_ticket__is_zero(randomness):
    assert randomness.targetBlock(randomness.ticketCount()) == 0
    assert randomness.valueOf(randomness.ticketCount()) == 0


# ---------------------------------------------------------------- fulfil


@pytest.mark.parametrize("offset", [0, 1, 2**64], ids=["next", "later", "huge"])
def test_fulfil__unknown_ticket__reverts_unknown_ticket(randomness, stranger, offset, reverts):
    unknown = randomness.ticketCount() + offset

    with reverts(randomness.RandomnessUnknownTicket, ticket=unknown):
        randomness.fulfil(unknown, sender=stranger)


def test_fulfil__in_the_request_block_plus_one__reverts_not_ready(
    randomness, requested, stranger, reverts
):
    ticket, target = requested

    with reverts(randomness.RandomnessNotReady, ticket=ticket, targetBlock=target):
        randomness.fulfil(ticket, sender=stranger)
    assert randomness.valueOf(ticket) == 0


def test_fulfil__one_block_before_the_target__reverts_not_ready(
    randomness, chain, requested, stranger, reverts
):
    ticket, target = requested
    mine_to(chain, target - 1)

    with reverts(randomness.RandomnessNotReady, ticket=ticket, targetBlock=target):
        randomness.fulfil(ticket, sender=stranger)
    assert chain.blocks.head.number == target - 1  # the refused fulfil was mined there
    assert randomness.valueOf(ticket) == 0


def test_fulfil__at_the_target__fixes_the_value_from_prevrandao(
    randomness, chain, maker, fulfil_in
):
    ticket, target, receipt = fulfil_in(target_block_plus=0, sender=maker)

    assert receipt.block_number == target
    value = expected_value(chain, target, ticket)
    assert value != 0
    assert receipt.events == [randomness.RandomnessFixed(ticket, value)]
    assert randomness.valueOf(ticket) == value
    assert value < 2**192
    assert randomness.targetBlock(ticket) == target


def test_fulfil__twice__returns_the_same_value_without_a_second_event(
    randomness, chain, requested, stranger, maker
):
    ticket, target = requested
    mine_to(chain, target)
    value = randomness.fulfil(ticket, sender=maker).events[0].value

    again = randomness.fulfil(ticket, sender=stranger)

    assert again.events == []
    assert randomness.fulfil.call(ticket) == value
    assert randomness.valueOf(ticket) == value


def test_fulfil__fixed_value__is_returned_long_after_the_window(
    randomness, chain, requested, stranger
):
    ticket, target = requested
    mine_to(chain, target + 1)
    value = randomness.fulfil(ticket, sender=stranger).events[0].value
    read_at(chain, target + WINDOW + 100)

    assert randomness.fulfil.call(ticket) == value
    assert randomness.fulfil(ticket, sender=stranger).events == []
    assert randomness.valueOf(ticket) == value


def test_fulfil__in_the_last_block_of_the_window__fixes_the_value(
    randomness, chain, stranger, fulfil_in
):
    ticket, target, receipt = fulfil_in(target_block_plus=WINDOW - 1, sender=stranger)

    assert receipt.block_number == target + WINDOW - 1
    value = expected_value(chain, receipt.block_number, ticket)
    assert receipt.events == [randomness.RandomnessFixed(ticket, value)]
    assert randomness.valueOf(ticket) == value != 0


def test_fulfil__at_target_plus_window__returns_zero_and_fixes_nothing(
    randomness, chain, requested, stranger
):
    ticket, target = requested
    read_at(chain, target + WINDOW)
    assert randomness.fulfil.call(ticket) == 0

    receipt = randomness.fulfil(ticket, sender=stranger)

    assert receipt.block_number == target + WINDOW + 1
    assert receipt.events == []
    assert randomness.valueOf(ticket) == 0
    assert randomness.fulfil.call(ticket) == 0


def test_fulfil__expired_ticket__returns_zero_in_its_transaction(randomness, stranger, fulfil_in):
    """The return value of the transaction itself (from its trace), mined exactly at
    target + WINDOW."""
    ticket, target, receipt = fulfil_in(target_block_plus=WINDOW, sender=stranger)

    assert receipt.block_number == target + WINDOW
    assert receipt.return_value == 0
    assert receipt.events == []
    assert randomness.valueOf(ticket) == 0


def test_fulfil__transaction_at_the_target__returns_the_fixed_value(
    randomness, stranger, fulfil_in
):
    ticket, target, receipt = fulfil_in(target_block_plus=0, sender=stranger)

    assert receipt.return_value == randomness.valueOf(ticket) != 0


def test_fulfil__two_tickets__each_gets_its_own_value(randomness, chain, stranger, maker):
    first = randomness.request(sender=stranger).decode_logs(randomness.RandomnessRequested)[0]
    second = randomness.request(sender=maker).decode_logs(randomness.RandomnessRequested)[0]
    mine_to(chain, second.targetBlock)

    one = randomness.fulfil(first.ticket, sender=stranger)
    two = randomness.fulfil(second.ticket, sender=maker)

    assert one.block_number == second.targetBlock
    assert two.block_number == second.targetBlock + 1
    assert one.events[0].value == expected_value(chain, one.block_number, first.ticket)
    assert two.events[0].value == expected_value(chain, two.block_number, second.ticket)
    assert randomness.valueOf(first.ticket) != randomness.valueOf(second.ticket)
