"""PriceOracle: Chainlink prices with a fallback feed (IPriceOracle).

The oracle refuses an answer that is <= 0, stale (older than the heartbeat), from the future,
from an incomplete round, unreadable (the feed reverts, answers too little or burns its gas),
or that moved more than MAX_DEVIATION_BPS from the last good price unless the other feed
agrees within MAX_AGREEMENT_BPS. `fetchPrice` takes the primary, else the fallback, else
reports Failed with the last good price, recording the price and source only when they change
and announcing every change of source.

The feeds start apart (primary 2,000 USD, 8 decimals; fallback 1,990 USD, 18 decimals) so that
every result shows which feed it came from. Every `fetch` below also checks that `peekPrice`,
at the same time and on the same state, answers what the transaction returns.
"""

import pytest
from eth_abi import decode
from hexbytes import HexBytes

from openotc.units import DAY, HOUR, ZERO_ADDRESS
from tests.utils.fixtures import roles
from tests.utils.reverts import constructor_revert

PRIMARY, FALLBACK, FAILED = range(3)  # IPriceOracle.Source
PRICE_UNIT = 10**18  # the oracle's prices have 18 decimals
PRIMARY_DECIMALS, FALLBACK_DECIMALS = 8, 18
PRIMARY_HEARTBEAT, FALLBACK_HEARTBEAT = HOUR, DAY
START = 2_000 * PRICE_UNIT  # the primary's first answer, scaled
FALLBACK_START = 1_990 * PRICE_UNIT  # the fallback's first answer, scaled
MAX_DEVIATION_BPS, MAX_AGREEMENT_BPS, BPS = 5_000, 500, 10_000
MIN_HEARTBEAT, MAX_HEARTBEAT = 60, 2 * DAY
FEED_GAS = 100_000  # PriceOracle._FEED_GAS: the most a feed's answer may cost
UINT128_MAX = 2**128 - 1
# The ways a feed's answer is refused (see `refuse`).
REFUSALS = [
    "reverting",
    "malformed",
    "burning",
    "zero",
    "negative",
    "stale",
    "incomplete",
    "never-updated",
    "future",
]


def float_floor(price: int) -> int:
    """`price` as the oracle keeps a last good price: a 57-bit mantissa shifted left, the low
    bits dropped."""
    shift = max(price.bit_length() - 57, 0)
    return (price >> shift) << shift


def units(price: int, decimals: int) -> int:
    """An 18-decimal price in a feed's decimals."""
    return price // 10 ** (18 - decimals)


def feed_struct(feed, heartbeat, decimals=0):
    """An IPriceOracle.Feed as setFeeds takes it (the decimals given are ignored)."""
    return (str(getattr(feed, "address", feed)), heartbeat, decimals)


def refuse(feed, how, now, heartbeat, sender):
    """Puts `feed` in a state whose answer the oracle refuses at time `now`."""
    latest = feed.latestRoundData()
    next_round = latest.roundId + 1
    if how in ("reverting", "burning"):
        getattr(feed, "set" + how.capitalize())(True, sender=sender)
        return
    if how == "malformed":
        # A round numbered 0 would be valid with the missing fifth word read as 0: the oracle
        # must refuse the short answer itself, whatever its memory holds.
        feed.setRound(0, latest.answer, now, now, 0, sender=sender)
        feed.setMalformed(True, sender=sender)
        return
    answer, updated, answered_in = latest.answer, now, next_round
    if how == "zero":
        answer = 0
    elif how == "negative":
        answer = -1
    elif how == "stale":
        updated = now - heartbeat - 1
    elif how == "incomplete":
        answered_in = next_round - 1
    elif how == "never-updated":
        updated = 0
    elif how == "future":
        updated = now + 1
    feed.setRound(next_round, answer, updated, updated, answered_in, sender=sender)


def oracle_opcodes(chain, tx, *ops) -> dict[str, int]:
    """How many times the oracle itself (the transaction's first call frame, not the feeds it
    calls) executed each of `ops` in `tx`."""
    trace = chain.provider.make_request("debug_traceTransaction", [tx.txn_hash, {}])
    steps = [step["op"] for step in trace["structLogs"] if step["depth"] == 1]
    return {op: steps.count(op) for op in ops}


def storage_writes(chain, tx) -> int:
    """How many SSTOREs `tx` executed (the feeds are read with STATICCALL: all are the
    oracle's)."""
    return oracle_opcodes(chain, tx, "SSTORE")["SSTORE"]


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def primary(create_feed):
    return create_feed(PRIMARY_DECIMALS, units(START, PRIMARY_DECIMALS), "ETH / USD")


@pytest.fixture
def fallback_feed(create_feed):
    return create_feed(FALLBACK_DECIMALS, FALLBACK_START, "ETH / USD (second source)")


@pytest.fixture
def listed(oracle, weth, primary, fallback_feed, governance):
    """WETH priced by `primary` (1 h heartbeat) with `fallback_feed` (1 day) behind it."""
    oracle.setFeeds(
        weth,
        feed_struct(primary, PRIMARY_HEARTBEAT),
        feed_struct(fallback_feed, FALLBACK_HEARTBEAT),
        sender=governance,
    )


@pytest.fixture
def now(chain):
    """A time ten seconds after the head: the feeds' rounds are set before it, the fetch at it."""
    return chain.blocks.head.timestamp + 10


@pytest.fixture
def fetch(oracle, weth, stranger, chain):
    """`fetch(at=None, asset=weth)`: fetchPrice as a transaction mined at `at` (default: a
    second after the head). Checks first that peekPrice at that time, on that state, gives the
    same answer; returns the receipt and the (price, reliable) it returned."""

    def run(at=None, asset=weth):
        at = chain.blocks.head.timestamp + 1 if at is None else at
        chain.mine(timestamp=at)
        peeked = tuple(oracle.peekPrice(asset))
        chain.pending_timestamp = at
        tx = oracle.fetchPrice(asset, sender=stranger)
        assert tuple(tx.return_value) == peeked
        return tx, peeked

    return run


@pytest.fixture
def source_changed(oracle, weth):
    """`source_changed(previous, source, price)`: the PriceSourceChanged event for WETH."""

    def event(previous, source, price):
        return oracle.PriceSourceChanged(
            asset=weth.address, previous=previous, source=source, price=price
        )

    return event


# ---------------------------------------------------------------- deployment and constants


def test_deployment__governed_by_the_timelock_with_the_documented_bounds(
    oracle, timelock, guardian
):
    assert oracle.governance() == timelock.address
    assert oracle.isGuardian(guardian)
    assert oracle.MAX_DEVIATION_BPS() == MAX_DEVIATION_BPS
    assert oracle.MAX_AGREEMENT_BPS() == MAX_AGREEMENT_BPS
    assert oracle.MIN_HEARTBEAT() == MIN_HEARTBEAT
    assert oracle.MAX_HEARTBEAT() == MAX_HEARTBEAT


def test_deployment__governance_not_a_contract__refused(project, chain, deployer, stranger):
    error = constructor_revert(chain, project.PriceOracle, stranger, sender=deployer)

    assert error == ("GovernedInvalidGovernance", {"governance": stranger.address})


def test_unlisted_asset__fetch_price__refused_naming_the_asset(oracle, weth, stranger, reverts):
    with reverts(oracle.OracleAssetNotSupported, asset=weth.address):
        oracle.fetchPrice(weth, sender=stranger)


@pytest.mark.parametrize("view", ["peekPrice", "feedsOf", "lastGoodPrice"])
def test_unlisted_asset__every_view__refused_naming_the_asset(
    oracle, weth, stranger, dry_run, error_data, view
):
    assert dry_run(getattr(oracle, view), weth, sender=stranger) == error_data(
        oracle.OracleAssetNotSupported, asset=weth.address
    )


# ---------------------------------------------------------------- setFeeds


def test_set_feeds__by_governance__stores_feeds_with_their_decimals_and_the_primary_price(
    oracle, weth, primary, fallback_feed, governance
):
    tx = oracle.setFeeds(
        weth,
        feed_struct(primary, PRIMARY_HEARTBEAT, decimals=18),  # the stated decimals are ignored
        feed_struct(fallback_feed, FALLBACK_HEARTBEAT, decimals=0),
        sender=governance,
    )

    assert tx.events == [
        oracle.FeedsSet(
            asset=weth.address,
            primary=primary.address,
            primaryHeartbeat=PRIMARY_HEARTBEAT,
            fallbackFeed=fallback_feed.address,
            fallbackHeartbeat=FALLBACK_HEARTBEAT,
        )
    ]
    stored_primary, stored_fallback = oracle.feedsOf(weth)
    assert tuple(stored_primary) == (primary.address, PRIMARY_HEARTBEAT, PRIMARY_DECIMALS)
    assert tuple(stored_fallback) == (fallback_feed.address, FALLBACK_HEARTBEAT, FALLBACK_DECIMALS)
    assert tuple(oracle.lastGoodPrice(weth)) == (START, PRIMARY)


@roles("stranger", "guardian")
def test_set_feeds__anyone_but_governance__refused(
    oracle, weth, primary, fallback_feed, actor, reverts
):
    with reverts(oracle.GovernedOnlyGovernance, caller=actor.address):
        oracle.setFeeds(
            weth,
            feed_struct(primary, PRIMARY_HEARTBEAT),
            feed_struct(fallback_feed, FALLBACK_HEARTBEAT),
            sender=actor,
        )


@pytest.mark.parametrize("which", ["primary", "fallback"])
@pytest.mark.parametrize("account", ["zero-address", "stranger"])
def test_set_feeds__feed_not_a_contract__refused_naming_it(
    oracle, weth, primary, fallback_feed, governance, stranger, reverts, which, account
):
    not_a_contract = ZERO_ADDRESS if account == "zero-address" else stranger.address
    feeds = {"primary": primary, "fallback": fallback_feed, which: not_a_contract}
    with reverts(oracle.OracleInvalidFeed, feed=not_a_contract):
        oracle.setFeeds(
            weth,
            feed_struct(feeds["primary"], PRIMARY_HEARTBEAT),
            feed_struct(feeds["fallback"], FALLBACK_HEARTBEAT),
            sender=governance,
        )


@pytest.mark.parametrize("which", ["primary", "fallback"])
def test_set_feeds__contract_without_decimals__refused_naming_it(
    oracle, weth, primary, fallback_feed, registry, governance, reverts, which
):
    feeds = {"primary": primary, "fallback": fallback_feed, which: registry}
    with reverts(oracle.OracleInvalidFeed, feed=registry.address):
        oracle.setFeeds(
            weth,
            feed_struct(feeds["primary"], PRIMARY_HEARTBEAT),
            feed_struct(feeds["fallback"], FALLBACK_HEARTBEAT),
            sender=governance,
        )


def test_set_feeds__same_feed_twice__refused_naming_it(oracle, weth, primary, governance, reverts):
    with reverts(oracle.OracleInvalidFeed, feed=primary.address):
        oracle.setFeeds(
            weth,
            feed_struct(primary, PRIMARY_HEARTBEAT),
            feed_struct(primary, FALLBACK_HEARTBEAT),
            sender=governance,
        )


@pytest.mark.parametrize("which", ["primary", "fallback"])
def test_set_feeds__more_than_18_decimals__refused_naming_the_feed(
    oracle, weth, primary, fallback_feed, create_feed, governance, reverts, which
):
    wide = create_feed(19)
    feeds = {"primary": primary, "fallback": fallback_feed, which: wide}
    with reverts(oracle.OracleInvalidDecimals, feed=wide.address, decimals=19):
        oracle.setFeeds(
            weth,
            feed_struct(feeds["primary"], PRIMARY_HEARTBEAT),
            feed_struct(feeds["fallback"], FALLBACK_HEARTBEAT),
            sender=governance,
        )


@pytest.mark.parametrize("which", ["primary", "fallback"])
@pytest.mark.parametrize("heartbeat", [0, MIN_HEARTBEAT - 1, MAX_HEARTBEAT + 1, 2**32 - 1])
def test_set_feeds__heartbeat_out_of_bounds__refused_naming_the_bounds(
    oracle, weth, primary, fallback_feed, governance, reverts, which, heartbeat
):
    heartbeats = {"primary": PRIMARY_HEARTBEAT, "fallback": FALLBACK_HEARTBEAT, which: heartbeat}
    with reverts(
        oracle.OracleInvalidHeartbeat, heartbeat=heartbeat, min=MIN_HEARTBEAT, max=MAX_HEARTBEAT
    ):
        oracle.setFeeds(
            weth,
            feed_struct(primary, heartbeats["primary"]),
            feed_struct(fallback_feed, heartbeats["fallback"]),
            sender=governance,
        )


@pytest.mark.parametrize("heartbeat", [MIN_HEARTBEAT, MAX_HEARTBEAT])
def test_set_feeds__heartbeat_at_a_bound__accepted(
    oracle, weth, primary, fallback_feed, governance, heartbeat
):
    oracle.setFeeds(
        weth,
        feed_struct(primary, heartbeat),
        feed_struct(fallback_feed, heartbeat),
        sender=governance,
    )

    stored_primary, stored_fallback = oracle.feedsOf(weth)
    assert stored_primary[1] == stored_fallback[1] == heartbeat  # (aggregator, heartbeat, decimals)


@pytest.mark.parametrize("decimals", [0, 6, 8, 18])
def test_set_feeds__any_decimals_up_to_18__price_scaled_to_18(
    oracle, weth, create_feed, fallback_feed, governance, decimals
):
    feed = create_feed(decimals, 1_234 * 10**decimals + 5)  # 1,234 USD and 5 of the last digit

    oracle.setFeeds(
        weth,
        feed_struct(feed, PRIMARY_HEARTBEAT),
        feed_struct(fallback_feed, FALLBACK_HEARTBEAT),
        sender=governance,
    )

    exact = 1_234 * PRICE_UNIT + 5 * 10 ** (18 - decimals)
    assert tuple(oracle.peekPrice(weth)) == (exact, True)
    # Kept as a 57-bit binary float: the largest value of that form at most the exact price.
    kept, source = oracle.lastGoodPrice(weth)
    assert source == PRIMARY
    assert kept == float_floor(exact)
    assert exact - kept < exact / 2**56


@pytest.mark.parametrize("how", REFUSALS)
def test_set_feeds__primary_not_answering__refused_naming_it(
    oracle, weth, primary, fallback_feed, governance, deployer, chain, now, reverts, how
):
    refuse(primary, how, now, PRIMARY_HEARTBEAT, deployer)
    chain.pending_timestamp = now

    with reverts(oracle.OracleFeedNotAnswering, feed=primary.address):
        oracle.setFeeds(
            weth,
            feed_struct(primary, PRIMARY_HEARTBEAT),
            feed_struct(fallback_feed, FALLBACK_HEARTBEAT),
            sender=governance,
        )


def test_set_feeds__largest_price_that_fits_128_bits__accepted_and_one_unit_more_refused(
    oracle, weth, create_feed, fallback_feed, governance, deployer, reverts
):
    largest = UINT128_MAX // 10**10  # 8 decimals: the answer is scaled by 10**10
    feed = create_feed(8, largest)
    feeds = (feed_struct(feed, PRIMARY_HEARTBEAT), feed_struct(fallback_feed, FALLBACK_HEARTBEAT))
    oracle.setFeeds(weth, *feeds, sender=governance)
    assert oracle.peekPrice(weth).price == largest * 10**10
    assert oracle.lastGoodPrice(weth).price == float_floor(largest * 10**10)

    feed.setAnswer(largest + 1, sender=deployer)
    with reverts(oracle.OracleFeedNotAnswering, feed=feed.address):
        oracle.setFeeds(weth, *feeds, sender=governance)


@pytest.mark.parametrize("how", REFUSALS)
def test_set_feeds__fallback_not_answering__accepted(
    oracle, weth, primary, fallback_feed, governance, deployer, chain, now, how
):
    refuse(fallback_feed, how, now, FALLBACK_HEARTBEAT, deployer)
    chain.pending_timestamp = now

    oracle.setFeeds(
        weth,
        feed_struct(primary, PRIMARY_HEARTBEAT),
        feed_struct(fallback_feed, FALLBACK_HEARTBEAT),
        sender=governance,
    )

    assert tuple(oracle.lastGoodPrice(weth)) == (START, PRIMARY)


@pytest.mark.usefixtures("listed")
def test_set_feeds__again__replaces_feeds_and_last_good_price_without_a_source_event(
    oracle, weth, create_feed, governance
):
    new_primary = create_feed(18, 2_100 * PRICE_UNIT, "ETH / USD (new)")
    new_fallback = create_feed(8, units(2_090 * PRICE_UNIT, 8), "ETH / USD (new second)")

    tx = oracle.setFeeds(
        weth,
        feed_struct(new_primary, 2 * HOUR),
        feed_struct(new_fallback, 2 * DAY),
        sender=governance,
    )

    assert tx.events == [
        oracle.FeedsSet(
            asset=weth.address,
            primary=new_primary.address,
            primaryHeartbeat=2 * HOUR,
            fallbackFeed=new_fallback.address,
            fallbackHeartbeat=2 * DAY,
        )
    ]
    stored_primary, stored_fallback = oracle.feedsOf(weth)
    assert tuple(stored_primary) == (new_primary.address, 2 * HOUR, 18)
    assert tuple(stored_fallback) == (new_fallback.address, 2 * DAY, 8)
    assert tuple(oracle.lastGoodPrice(weth)) == (2_100 * PRICE_UNIT, PRIMARY)


@pytest.mark.usefixtures("listed")
def test_set_feeds__on_a_failed_asset__revives_it_on_the_new_primary_with_a_source_event(
    oracle, weth, primary, fallback_feed, create_feed, governance, deployer, fetch, source_changed
):
    # A crash that only the primary reports leaves the asset Failed (see the deviation tests).
    primary.setAnswer(units(START // 4, PRIMARY_DECIMALS), sender=deployer)
    fallback_feed.setReverting(True, sender=deployer)
    fetch()
    assert oracle.lastGoodPrice(weth).source == FAILED
    replacement = create_feed(18, START // 4, "ETH / USD (replacement)")

    tx = oracle.setFeeds(
        weth,
        feed_struct(primary, PRIMARY_HEARTBEAT),
        feed_struct(replacement, FALLBACK_HEARTBEAT),
        sender=governance,
    )

    assert tx.events == [
        oracle.FeedsSet(
            asset=weth.address,
            primary=primary.address,
            primaryHeartbeat=PRIMARY_HEARTBEAT,
            fallbackFeed=replacement.address,
            fallbackHeartbeat=FALLBACK_HEARTBEAT,
        ),
        source_changed(FAILED, PRIMARY, START // 4),
    ]
    assert tuple(oracle.lastGoodPrice(weth)) == (START // 4, PRIMARY)
    _, result = fetch()
    assert result == (START // 4, True)


# ---------------------------------------------------------------- fetchPrice, healthy primary


@pytest.mark.usefixtures("listed")
def test_fetch_price__healthy_unchanged_primary__returns_it_writing_nothing(
    oracle, weth, chain, fetch
):
    tx, result = fetch()

    assert result == (START, True)
    assert tx.events == []
    assert storage_writes(chain, tx) == 0
    assert tuple(oracle.lastGoodPrice(weth)) == (START, PRIMARY)


@pytest.mark.usefixtures("listed")
def test_fetch_price__primary_moved__records_the_new_price_in_one_write_without_event(
    oracle, weth, primary, deployer, chain, fetch
):
    moved = START + START // 10  # +10%
    primary.setAnswer(units(moved, PRIMARY_DECIMALS), sender=deployer)

    tx, result = fetch()

    assert result == (moved, True)
    assert tx.events == []
    assert storage_writes(chain, tx) == 1
    assert tuple(oracle.lastGoodPrice(weth)) == (moved, PRIMARY)


@pytest.mark.usefixtures("listed")
def test_fetch_price__steady_state__costs_one_storage_read_and_the_feed_call(chain, fetch):
    """A healthy, unchanged read (what the market's borrow pays per collateral): one storage
    read (the word holding the primary feed and the last good price), one call to the feed,
    no write; under 33,000 gas with the transaction's 21,000 and the mock feed's one storage
    read."""
    tx, _ = fetch()
    tx_again, _ = fetch()

    assert oracle_opcodes(chain, tx, "SLOAD", "STATICCALL", "SSTORE") == {
        "SLOAD": 1,
        "STATICCALL": 1,
        "SSTORE": 0,
    }
    assert tx.gas_used == tx_again.gas_used < 33_000


@pytest.mark.usefixtures("listed")
@pytest.mark.parametrize("age", [PRIMARY_HEARTBEAT - 1, PRIMARY_HEARTBEAT])
def test_fetch_price__primary_at_most_heartbeat_old__used(oracle, weth, primary, fetch, age):
    updated = primary.latestRoundData().updatedAt

    tx, result = fetch(at=updated + age)

    assert result == (START, True)
    assert tx.events == []


@pytest.mark.usefixtures("listed")
def test_fetch_price__primary_one_second_past_heartbeat__falls_back_with_event(
    oracle, weth, primary, fetch, source_changed
):
    updated = primary.latestRoundData().updatedAt

    tx, result = fetch(at=updated + PRIMARY_HEARTBEAT + 1)

    assert result == (FALLBACK_START, True)
    assert tx.events == [source_changed(PRIMARY, FALLBACK, FALLBACK_START)]
    assert tuple(oracle.lastGoodPrice(weth)) == (FALLBACK_START, FALLBACK)


@pytest.mark.usefixtures("listed")
@pytest.mark.parametrize("how", REFUSALS)
def test_fetch_price__primary_answer_refused__falls_back_with_event(
    oracle, weth, primary, deployer, now, fetch, source_changed, how
):
    refuse(primary, how, now, PRIMARY_HEARTBEAT, deployer)

    tx, result = fetch(at=now)

    assert result == (FALLBACK_START, True)
    assert tx.decode_logs(oracle.PriceSourceChanged) == [
        source_changed(PRIMARY, FALLBACK, FALLBACK_START)
    ]
    assert tuple(oracle.lastGoodPrice(weth)) == (FALLBACK_START, FALLBACK)


@pytest.mark.usefixtures("listed")
def test_fetch_price__primary_updated_this_second__used(oracle, primary, deployer, now, fetch):
    round_id = primary.latestRoundData().roundId + 1
    answer = units(START, PRIMARY_DECIMALS)
    primary.setRound(round_id, answer, now, now, round_id, sender=deployer)

    _, result = fetch(at=now)

    assert result == (START, True)


@pytest.mark.usefixtures("listed")
def test_fetch_price__primary_answered_in_a_later_round__used(
    oracle, primary, deployer, now, fetch
):
    """Only `answeredInRound < roundId` marks an incomplete round."""
    round_id = primary.latestRoundData().roundId + 1
    answer = units(START, PRIMARY_DECIMALS)
    primary.setRound(round_id, answer, now - 5, now, round_id + 1, sender=deployer)

    _, result = fetch(at=now)

    assert result == (START, True)


@pytest.mark.usefixtures("listed")
def test_fetch_price__burning_primary__costs_at_most_twice_its_gas_allowance(
    oracle, primary, deployer, fetch
):
    primary.setBurning(True, sender=deployer)

    tx, result = fetch()

    assert result == (FALLBACK_START, True)
    # Called twice (the steady check, then the slow way): twice the allowance, no more.
    assert 2 * FEED_GAS < tx.gas_used < 2 * FEED_GAS + 50_000


@pytest.mark.usefixtures("listed")
def test_fetch_price__caller_starving_the_primary_of_gas__never_gets_the_fallback_price(
    oracle, weth, stranger, chain
):
    """Whatever gas limit a caller picks, fetchPrice runs out of gas or reads the primary: a
    feed made to run out of gas leaves the caller too little to read the fallback (EIP-150)."""
    request = {
        "from": stranger.address,
        "to": oracle.address,
        "data": HexBytes(oracle.fetchPrice.encode_input(weth)).hex(),
    }

    def outcome(gas_limit):
        response = chain.provider.web3.provider.make_request(
            "eth_call", [{**request, "gas": hex(gas_limit)}, "latest"]
        )
        if "error" in response:
            return "out of gas"
        return decode(["uint256", "bool"], HexBytes(response["result"]))

    outcomes = {outcome(gas_limit) for gas_limit in range(22_000, 40_000, 10)}

    assert outcomes == {"out of gas", (START, True)}


# ---------------------------------------------------------------- deviation and agreement


@pytest.mark.usefixtures("listed")
@pytest.mark.parametrize("direction", [1, -1], ids=["up", "down"])
def test_fetch_price__primary_moved_exactly_the_deviation_bound__accepted(
    oracle, weth, primary, deployer, fetch, direction
):
    moved = START + direction * START * MAX_DEVIATION_BPS // BPS  # 3,000 or 1,000 USD
    primary.setAnswer(units(moved, PRIMARY_DECIMALS), sender=deployer)

    tx, result = fetch()

    assert result == (moved, True)
    assert tx.events == []
    assert tuple(oracle.lastGoodPrice(weth)) == (moved, PRIMARY)


@pytest.mark.usefixtures("listed")
@pytest.mark.parametrize("direction", [1, -1], ids=["up", "down"])
def test_fetch_price__primary_moved_one_unit_beyond_the_bound__falls_back(
    oracle, weth, primary, deployer, fetch, source_changed, direction
):
    bound = units(START + direction * START * MAX_DEVIATION_BPS // BPS, PRIMARY_DECIMALS)
    primary.setAnswer(bound + direction, sender=deployer)

    tx, result = fetch()

    assert result == (FALLBACK_START, True)
    assert tx.events == [source_changed(PRIMARY, FALLBACK, FALLBACK_START)]


@pytest.mark.usefixtures("listed")
@pytest.mark.parametrize("direction", [1, -1], ids=["fallback-above", "fallback-below"])
def test_fetch_price__jump_confirmed_by_fallback_exactly_at_the_agreement_bound__accepted(
    oracle, weth, primary, fallback_feed, deployer, fetch, direction
):
    jumped = 2 * START  # +100%, beyond the deviation bound
    primary.setAnswer(units(jumped, PRIMARY_DECIMALS), sender=deployer)
    fallback_feed.setAnswer(jumped + direction * jumped * MAX_AGREEMENT_BPS // BPS, sender=deployer)

    tx, result = fetch()

    assert result == (jumped, True)
    assert tx.events == []
    assert tuple(oracle.lastGoodPrice(weth)) == (jumped, PRIMARY)


@pytest.mark.usefixtures("listed")
@pytest.mark.parametrize("direction", [1, -1], ids=["fallback-above", "fallback-below"])
def test_fetch_price__jump_with_fallback_one_unit_beyond_agreement__fails_keeping_last_price(
    oracle, weth, primary, fallback_feed, deployer, fetch, source_changed, direction
):
    jumped = 2 * START
    primary.setAnswer(units(jumped, PRIMARY_DECIMALS), sender=deployer)
    fallback_feed.setAnswer(
        jumped + direction * (jumped * MAX_AGREEMENT_BPS // BPS + 1), sender=deployer
    )

    tx, result = fetch()

    assert result == (START, False)
    assert tx.events == [source_changed(PRIMARY, FAILED, START)]
    assert tuple(oracle.lastGoodPrice(weth)) == (START, FAILED)


@pytest.mark.usefixtures("listed")
def test_fetch_price__primary_jump_alone__fallback_within_bound_used_instead(
    oracle, weth, primary, fallback_feed, deployer, fetch, source_changed
):
    primary.setAnswer(units(START // 10, PRIMARY_DECIMALS), sender=deployer)  # -90%
    fallback_feed.setAnswer(1_950 * PRICE_UNIT, sender=deployer)

    tx, result = fetch()

    assert result == (1_950 * PRICE_UNIT, True)
    assert tx.events == [source_changed(PRIMARY, FALLBACK, 1_950 * PRICE_UNIT)]


@pytest.mark.usefixtures("listed")
@pytest.mark.parametrize("direction", [1, -1], ids=["up", "down"])
def test_fetch_price__fallback_moved_exactly_the_deviation_bound__accepted(
    oracle, weth, primary, fallback_feed, deployer, now, fetch, source_changed, direction
):
    moved = START + direction * START * MAX_DEVIATION_BPS // BPS
    refuse(primary, "stale", now, PRIMARY_HEARTBEAT, deployer)
    fallback_feed.setAnswer(moved, sender=deployer)

    tx, result = fetch(at=now)

    assert result == (moved, True)
    assert tx.events == [source_changed(PRIMARY, FALLBACK, moved)]


@pytest.mark.usefixtures("listed")
@pytest.mark.parametrize("direction", [1, -1], ids=["up", "down"])
def test_fetch_price__fallback_beyond_the_bound_with_primary_down__fails(
    oracle, weth, primary, fallback_feed, deployer, now, fetch, source_changed, direction
):
    moved = START + direction * (START * MAX_DEVIATION_BPS // BPS + 1)
    refuse(primary, "stale", now, PRIMARY_HEARTBEAT, deployer)
    fallback_feed.setAnswer(moved, sender=deployer)

    tx, result = fetch(at=now)

    assert result == (START, False)
    assert tx.events == [source_changed(PRIMARY, FAILED, START)]


@pytest.mark.usefixtures("listed")
def test_fetch_price__deviation_measured_from_the_last_good_price_not_the_first(
    oracle, weth, primary, deployer, fetch
):
    """Two moves of +50% each, read one after the other, are both accepted (+125% in all)."""
    for step in (3_000, 4_500):
        primary.setAnswer(units(step * PRICE_UNIT, PRIMARY_DECIMALS), sender=deployer)
        _, result = fetch()
        assert result == (step * PRICE_UNIT, True)


# ---------------------------------------------------------------- switching sources


@pytest.mark.usefixtures("listed")
def test_fetch_price__primary_to_fallback_to_failed_and_back__announces_every_switch(
    oracle, weth, primary, fallback_feed, deployer, fetch, source_changed
):
    primary.setReverting(True, sender=deployer)
    tx, result = fetch()
    assert (result, tx.events) == (
        (FALLBACK_START, True),
        [source_changed(PRIMARY, FALLBACK, FALLBACK_START)],
    )

    fallback_feed.setReverting(True, sender=deployer)
    tx, result = fetch()
    assert (result, tx.events) == (
        (FALLBACK_START, False),
        [source_changed(FALLBACK, FAILED, FALLBACK_START)],
    )
    assert tuple(oracle.lastGoodPrice(weth)) == (FALLBACK_START, FAILED)

    # Still failed: nothing changes, nothing is written or announced.
    tx, result = fetch()
    assert (result, tx.events) == ((FALLBACK_START, False), [])

    primary.setReverting(False, sender=deployer)
    primary.setAnswer(units(START, PRIMARY_DECIMALS), sender=deployer)
    tx, result = fetch()
    assert (result, tx.events) == ((START, True), [source_changed(FAILED, PRIMARY, START)])
    assert tuple(oracle.lastGoodPrice(weth)) == (START, PRIMARY)


@pytest.mark.usefixtures("listed")
def test_fetch_price__fallback_used_while_primary_down__back_to_primary_when_it_recovers(
    oracle, weth, primary, fallback_feed, deployer, fetch, source_changed
):
    primary.setReverting(True, sender=deployer)
    fetch()
    fallback_feed.setAnswer(1_980 * PRICE_UNIT, sender=deployer)

    tx, result = fetch()  # a new fallback price, same source: recorded without event
    assert (result, tx.events) == ((1_980 * PRICE_UNIT, True), [])
    assert tuple(oracle.lastGoodPrice(weth)) == (1_980 * PRICE_UNIT, FALLBACK)

    primary.setReverting(False, sender=deployer)
    tx, result = fetch()
    assert (result, tx.events) == ((START, True), [source_changed(FALLBACK, PRIMARY, START)])


@pytest.mark.usefixtures("listed")
def test_fetch_price__failed_then_only_fallback_recovers__switches_to_fallback(
    oracle, weth, primary, fallback_feed, deployer, fetch, source_changed
):
    primary.setReverting(True, sender=deployer)
    fallback_feed.setReverting(True, sender=deployer)
    tx, result = fetch()
    assert (result, tx.events) == ((START, False), [source_changed(PRIMARY, FAILED, START)])

    fallback_feed.setReverting(False, sender=deployer)
    tx, result = fetch()
    assert (result, tx.events) == (
        (FALLBACK_START, True),
        [source_changed(FAILED, FALLBACK, FALLBACK_START)],
    )


@pytest.mark.usefixtures("listed")
def test_fetch_price__both_stale__fails_and_recovers_on_a_fresh_primary(
    oracle, weth, primary, fallback_feed, deployer, fetch, source_changed
):
    updated = fallback_feed.latestRoundData().updatedAt

    tx, result = fetch(at=updated + FALLBACK_HEARTBEAT + 1)
    assert (result, tx.events) == ((START, False), [source_changed(PRIMARY, FAILED, START)])

    primary.setAnswer(units(START, PRIMARY_DECIMALS), sender=deployer)
    tx, result = fetch()
    assert (result, tx.events) == ((START, True), [source_changed(FAILED, PRIMARY, START)])


@pytest.mark.usefixtures("listed")
def test_fetch_price__prices_are_kept_per_asset(
    oracle, weth, dai, create_feed, governance, primary, deployer, fetch
):
    dai_primary = create_feed(8, 10**8, "DAI / USD")
    dai_fallback = create_feed(18, PRICE_UNIT, "DAI / USD (second source)")
    oracle.setFeeds(
        dai,
        feed_struct(dai_primary, DAY),
        feed_struct(dai_fallback, DAY),
        sender=governance,
    )
    primary.setReverting(True, sender=deployer)

    _, dai_result = fetch(asset=dai)
    _, weth_result = fetch()

    assert dai_result == (PRICE_UNIT, True)
    assert weth_result == (FALLBACK_START, True)
    assert tuple(oracle.lastGoodPrice(dai)) == (PRICE_UNIT, PRIMARY)
    assert tuple(oracle.lastGoodPrice(weth)) == (FALLBACK_START, FALLBACK)


# ---------------------------------------------------------------- peekPrice


@pytest.mark.usefixtures("listed")
def test_peek_price__records_nothing(oracle, weth, primary, deployer, chain):
    primary.setReverting(True, sender=deployer)
    chain.mine()

    assert tuple(oracle.peekPrice(weth)) == (FALLBACK_START, True)
    assert tuple(oracle.lastGoodPrice(weth)) == (START, PRIMARY)


@pytest.mark.usefixtures("listed")
@pytest.mark.parametrize("age", [PRIMARY_HEARTBEAT - 1, PRIMARY_HEARTBEAT, PRIMARY_HEARTBEAT + 1])
def test_peek_price__at_the_heartbeat_boundary__matches_fetch_price(
    oracle, weth, primary, chain, fetch, age
):
    updated = primary.latestRoundData().updatedAt
    expected = (START, True) if age <= PRIMARY_HEARTBEAT else (FALLBACK_START, True)

    chain.mine(timestamp=updated + age)
    assert tuple(oracle.peekPrice(weth)) == expected
    _, result = fetch(at=updated + age)  # checks peekPrice against the transaction too
    assert result == expected
