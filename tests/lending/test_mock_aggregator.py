"""MockAggregator: the Chainlink feed stand-in the lending tests and the demo drive.

Its answers must look like a real feed's (complete rounds numbered from 1, updated when set)
for the oracle's tests to mean anything, and its bad rounds must be exactly what was set."""

import pytest
from eth_abi import encode
from hexbytes import HexBytes


@pytest.fixture
def feed(create_feed):
    return create_feed(8, 2_000 * 10**8, "ETH / USD")


def test_constructor__first_round_complete_and_updated_now(feed, chain):
    now = chain.blocks.head.timestamp

    assert tuple(feed.latestRoundData()) == (1, 2_000 * 10**8, now, now, 1)
    assert (feed.decimals(), feed.description(), feed.version()) == (8, "ETH / USD", 4)


def test_set_answer__opens_the_next_complete_round_now(feed, stranger, chain):
    tx = feed.setAnswer(1_950 * 10**8, sender=stranger)

    now = chain.blocks[tx.block_number].timestamp
    assert tuple(feed.latestRoundData()) == (2, 1_950 * 10**8, now, now, 2)


def test_set_round__any_round_read_back_exactly(feed, stranger):
    feed.setRound(7, -5, 100, 200, 6, sender=stranger)
    assert tuple(feed.latestRoundData()) == (7, -5, 100, 200, 6)

    feed.setRound(9, 3, 300, 300, 9, sender=stranger)  # complete again: one slot
    assert tuple(feed.latestRoundData()) == (9, 3, 300, 300, 9)

    feed.setAnswer(4, sender=stranger)
    assert feed.latestRoundData().roundId == 10


def test_get_round_data__latest_round_only(feed, stranger, dry_run, error_data):
    feed.setRound(5, 42, 10, 20, 4, sender=stranger)

    assert tuple(feed.getRoundData(5)) == (5, 42, 10, 20, 4)
    assert dry_run(feed.getRoundData, 4, sender=stranger) == error_data(
        feed.MockAggregatorNoRound, roundId=4
    )


def test_set_reverting__latest_round_data_reverts_until_cleared(
    feed, stranger, dry_run, error_data
):
    feed.setReverting(True, sender=stranger)
    assert dry_run(feed.latestRoundData, sender=stranger) == error_data(
        feed.MockAggregatorReverting
    )

    feed.setReverting(False, sender=stranger)
    assert feed.latestRoundData().answer == 2_000 * 10**8


def test_set_malformed__answers_four_words_without_answered_in_round(feed, stranger, chain):
    feed.setRound(7, -5, 100, 200, 6, sender=stranger)
    feed.setMalformed(True, sender=stranger)

    raw = chain.provider.web3.eth.call(
        {"to": feed.address, "data": feed.latestRoundData.encode_input()}
    )

    assert raw == encode(["uint80", "int256", "uint256", "uint256"], [7, -5, 100, 200])


def test_set_burning__latest_round_data_hits_the_invalid_instruction(feed, stranger, chain):
    feed.setBurning(True, sender=stranger)
    request = {
        "to": feed.address,
        "data": HexBytes(feed.latestRoundData.encode_input()).hex(),
        "gas": hex(500_000),
    }

    response = chain.provider.web3.provider.make_request("eth_call", [request, "latest"])

    # The designated invalid instruction (0xFE) ends a call using all of its gas; the oracle's
    # tests show the gas it takes from a caller.
    assert "InvalidFEOpcode" in response["error"]["message"]
