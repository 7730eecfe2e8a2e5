"""TokenRegistry: the governed token list (ITokenRegistry).

Only the governance timelock lists, updates and delists; every entry's address and symbol are
unique, its decimals are read from the token, and symbol look-ups are exact (case-sensitive).
Every refusal is asserted with the shared `reverts` (exact error, every argument); reverting
views go through `view` (tests/registry/conftest.py) so that their custom errors are decoded
and asserted the same way as those of transactions.
"""

import pytest
from eth_utils import keccak

from openotc.units import ZERO_ADDRESS

NO_METADATA = b"\x00" * 32
USDC_METADATA = keccak(text="ipfs://usdc.json")
DAI_METADATA = keccak(text="ipfs://dai.json")
UINT256_MAX = 2**256 - 1
MAX_STRING_LENGTH = 64  # bytes, ITokenRegistry.MAX_STRING_LENGTH
TOO_LONG = "N" * (MAX_STRING_LENGTH + 1)
# (name, symbol, the string the registry refuses) that addToken and updateToken refuse alike.
INVALID_STRINGS = [
    pytest.param("", "USDC", "", id="empty-name"),
    pytest.param("USD Coin", "", "", id="empty-symbol"),
    pytest.param(
        "USD Coin",
        "X" * (MAX_STRING_LENGTH + 1),
        "X" * (MAX_STRING_LENGTH + 1),
        id="65-byte-symbol",
    ),
    pytest.param(TOO_LONG, "USDC", TOO_LONG, id="65-byte-name"),
]


def entry(token, name, symbol, decimals, metadata_hash=NO_METADATA):
    """A TokenInfo as the registry returns it (address, name, symbol, decimals, hash)."""
    return (token.address, name, symbol, decimals, metadata_hash)


@pytest.fixture
def add_token(registry, governance):
    """Lists a token through governance, checks its TokenAdded event, returns its entry."""

    def add(token, name, symbol, decimals, metadata_hash=NO_METADATA):
        tx = registry.addToken(token, name, symbol, decimals, metadata_hash, sender=governance)
        assert tx.events == [
            registry.TokenAdded(
                token=token.address,
                name=name,
                symbol=symbol,
                decimals=decimals,
                metadataHash=metadata_hash,
            )
        ]
        return entry(token, name, symbol, decimals, metadata_hash)

    return add


@pytest.fixture
def shapes(usdc, dai, usdt, fee_token):
    """The session's tokens by fixture name, for parametrized tests.

    They are requested here rather than through `request.getfixturevalue` so that ape deploys
    them before it snapshots the test (a deployment made inside the test would be rolled back
    with it while the session kept the dead contract).
    """
    return {"usdc": usdc, "dai": dai, "usdt": usdt, "fee_token": fee_token}


@pytest.fixture
def four_tokens(spare_tokens):
    """Four unlisted 18-decimal tokens, A to D."""
    return spare_tokens[:4]


@pytest.fixture
def list_four(four_tokens, add_token):
    """Lists A, B, C, D in that order; returns their entries."""
    return [add_token(t, f"Token {s}", s, 18) for t, s in zip(four_tokens, "ABCD", strict=True)]


def assert_listing(registry, entries):
    """The listing is exactly `entries`, in order, and each one resolves by address and symbol."""
    assert registry.tokenCount() == len(entries)
    assert registry.listTokens(0, UINT256_MAX) == entries
    for expected in entries:
        assert registry.isListed(expected[0])
        assert registry.getToken(expected[0]) == expected
        assert registry.getTokenBySymbol(expected[2]) == expected


# ---------------------------------------------------------------- deployment


def test_deployment__governance_is_the_timelock_and_list_is_empty(registry, timelock, guardian):
    assert registry.governance() == timelock.address
    assert registry.isGuardian(guardian)
    assert registry.MAX_STRING_LENGTH() == MAX_STRING_LENGTH
    assert registry.tokenCount() == 0
    assert registry.listTokens(0, UINT256_MAX) == []


# ---------------------------------------------------------------- addToken


def test_add_token__by_governance__stores_entry_and_emits_token_added(registry, governance, usdc):
    tx = registry.addToken(usdc, "USD Coin", "USDC", 6, USDC_METADATA, sender=governance)

    assert tx.events == [
        registry.TokenAdded(
            token=usdc.address,
            name="USD Coin",
            symbol="USDC",
            decimals=6,
            metadataHash=USDC_METADATA,
        )
    ]
    expected = entry(usdc, "USD Coin", "USDC", 6, USDC_METADATA)
    assert registry.isListed(usdc)
    assert registry.getToken(usdc) == expected
    assert registry.getTokenBySymbol("USDC") == expected
    assert registry.tokenCount() == 1
    assert registry.listTokens(0, 10) == [expected]


@pytest.mark.parametrize(
    ("token_fixture", "name", "symbol", "decimals"),
    [
        ("usdc", "USD Coin", "USDC", 6),
        ("dai", "Dai Stablecoin", "DAI", 18),
        ("usdt", "Tether USD", "USDT", 6),  # returns nothing from transfer/approve
        ("fee_token", "Fee Token", "FEE", 18),  # fee on transfer
    ],
)
def test_add_token__token_of_any_shape__stored_with_its_decimals(
    shapes, registry, add_token, token_fixture, name, symbol, decimals
):
    token = shapes[token_fixture]
    assert token.decimals() == decimals

    expected = add_token(token, name, symbol, decimals, DAI_METADATA)

    assert_listing(registry, [expected])


def test_add_token__several_tokens__listed_in_order_of_addition(
    registry, add_token, usdc, dai, usdt
):
    entries = [
        add_token(usdc, "USD Coin", "USDC", 6, USDC_METADATA),
        add_token(dai, "Dai Stablecoin", "DAI", 18, DAI_METADATA),
        add_token(usdt, "Tether USD", "USDT", 6),
    ]

    assert_listing(registry, entries)


def test_add_token__name_need_not_be_unique(registry, add_token, spare_tokens):
    first, second = spare_tokens[:2]

    entries = [add_token(first, "Same", "S1", 18), add_token(second, "Same", "S2", 18)]

    assert_listing(registry, entries)


def test_add_token__already_listed__reverts_even_under_another_symbol(
    registry, governance, add_token, usdc, reverts
):
    listed = add_token(usdc, "USD Coin", "USDC", 6)

    with reverts(registry.RegistryTokenAlreadyListed, token=usdc.address):
        registry.addToken(usdc, "USD Coin v2", "USDC2", 6, NO_METADATA, sender=governance)

    assert_listing(registry, [listed])


def test_add_token__symbol_taken__reverts_with_owner(
    registry, governance, add_token, usdc, spare_tokens, reverts
):
    listed = add_token(usdc, "USD Coin", "USDC", 6)
    impostor = spare_tokens[0]

    with reverts(registry.RegistrySymbolTaken, symbol="USDC", owner=usdc.address):
        registry.addToken(impostor, "Fake USD Coin", "USDC", 18, NO_METADATA, sender=governance)

    assert not registry.isListed(impostor)
    assert_listing(registry, [listed])


@pytest.mark.parametrize(
    ("token_fixture", "stated", "actual"),
    [("usdc", 18, 6), ("usdc", 0, 6), ("dai", 6, 18), ("usdt", 18, 6)],
)
def test_add_token__stated_decimals_differ__reverts_with_stated_and_actual(
    shapes, registry, governance, token_fixture, stated, actual, reverts
):
    token = shapes[token_fixture]

    with reverts(
        registry.RegistryDecimalsMismatch, token=token.address, stated=stated, actual=actual
    ):
        registry.addToken(token, "Token", "TKN", stated, NO_METADATA, sender=governance)

    assert not registry.isListed(token)
    assert registry.tokenCount() == 0


@pytest.mark.parametrize("who", ["stranger", "zero"])
def test_add_token__address_without_code__reverts_not_a_token(
    request, registry, governance, who, reverts
):
    address = ZERO_ADDRESS if who == "zero" else request.getfixturevalue(who).address

    with reverts(registry.RegistryNotAToken, token=address):
        registry.addToken(address, "Nothing", "NONE", 18, NO_METADATA, sender=governance)

    assert registry.tokenCount() == 0


def test_add_token__contract_without_decimals__reverts_not_a_token(
    registry, governance, proxy, reverts
):
    with reverts(registry.RegistryNotAToken, token=proxy.address):
        registry.addToken(proxy, "Proxy", "PRX", 18, NO_METADATA, sender=governance)

    assert not registry.isListed(proxy)


@pytest.mark.parametrize(
    ("name", "symbol", "invalid"),
    [
        *INVALID_STRINGS,
        pytest.param(TOO_LONG, "", TOO_LONG, id="name-checked-first"),
    ],
)
def test_add_token__invalid_name_or_symbol__reverts_invalid_string(
    registry, governance, usdc, name, symbol, invalid, reverts
):
    with reverts(registry.RegistryInvalidString, value=invalid):
        registry.addToken(usdc, name, symbol, 6, NO_METADATA, sender=governance)

    assert not registry.isListed(usdc)


def test_add_token__name_and_symbol_of_64_bytes__accepted(registry, add_token, usdc):
    name, symbol = "N" * MAX_STRING_LENGTH, "S" * MAX_STRING_LENGTH

    listed = add_token(usdc, name, symbol, 6)

    assert_listing(registry, [listed])


def test_add_token__length_counted_in_bytes_not_characters(
    registry, governance, add_token, usdc, reverts
):
    # "€" is 3 bytes in UTF-8: 22 of them are 22 characters but 66 bytes.
    too_long = "€" * 22
    with reverts(registry.RegistryInvalidString, value=too_long):
        registry.addToken(usdc, "Euro Coin", too_long, 6, NO_METADATA, sender=governance)

    exactly_64_bytes = "€" * 21 + "E"
    assert len(exactly_64_bytes.encode()) == MAX_STRING_LENGTH
    listed = add_token(usdc, "Euro Coin", exactly_64_bytes, 6)

    assert_listing(registry, [listed])


# ---------------------------------------------------------------- views of unlisted tokens


def test_is_listed__unlisted_token__false(registry, usdc, stranger):
    assert not registry.isListed(usdc)
    assert not registry.isListed(stranger)
    assert not registry.isListed(ZERO_ADDRESS)


@pytest.mark.parametrize("who", ["usdc", "stranger", "zero"])
def test_get_token__unlisted__reverts_token_not_listed(request, registry, who, view, reverts):
    address = ZERO_ADDRESS if who == "zero" else request.getfixturevalue(who).address

    with reverts(registry.RegistryTokenNotListed, token=address):
        view(registry.getToken, address)


@pytest.mark.parametrize("symbol", ["USDC", "", "X" * 100])
def test_get_token_by_symbol__no_token_has_it__reverts_symbol_not_listed(
    registry, symbol, view, reverts
):
    with reverts(registry.RegistrySymbolNotListed, symbol=symbol):
        view(registry.getTokenBySymbol, symbol)


def test_get_token_by_symbol__is_case_sensitive(
    registry, add_token, usdc, spare_tokens, view, reverts
):
    upper = add_token(usdc, "USD Coin", "USDC", 6)

    for variant in ["usdc", "Usdc", "USDc", " USDC", "USDC "]:
        with reverts(registry.RegistrySymbolNotListed, symbol=variant):
            view(registry.getTokenBySymbol, variant)

    # A symbol differing only in case is a different symbol, free to list.
    lower = add_token(spare_tokens[0], "usd coin", "usdc", 18)

    assert registry.getTokenBySymbol("USDC") == upper
    assert registry.getTokenBySymbol("usdc") == lower


# ---------------------------------------------------------------- updateToken


def test_update_token__new_name_symbol_and_metadata__stored_and_emits_token_updated(
    registry, governance, add_token, usdc, dai, view, reverts
):
    other = add_token(dai, "Dai Stablecoin", "DAI", 18)
    add_token(usdc, "USD Coin", "USDC", 6, USDC_METADATA)
    new_metadata = keccak(text="ipfs://usdc-v2.json")

    tx = registry.updateToken(usdc, "USD Coin (bridged)", "USDC.e", new_metadata, sender=governance)

    assert tx.events == [
        registry.TokenUpdated(
            token=usdc.address,
            name="USD Coin (bridged)",
            symbol="USDC.e",
            metadataHash=new_metadata,
        )
    ]
    updated = entry(usdc, "USD Coin (bridged)", "USDC.e", 6, new_metadata)
    assert_listing(registry, [other, updated])
    with reverts(registry.RegistrySymbolNotListed, symbol="USDC"):
        view(registry.getTokenBySymbol, "USDC")


def test_update_token__old_symbol_freed__another_token_can_take_it(
    registry, governance, add_token, usdc, spare_tokens
):
    add_token(usdc, "USD Coin", "USDC", 6)
    registry.updateToken(usdc, "USD Coin", "USDC.old", NO_METADATA, sender=governance)
    successor = spare_tokens[0]

    taken = add_token(successor, "USD Coin", "USDC", 18, USDC_METADATA)

    assert_listing(registry, [entry(usdc, "USD Coin", "USDC.old", 6), taken])


def test_update_token__same_symbol__keeps_it_and_changes_the_rest(
    registry, governance, add_token, usdc
):
    add_token(usdc, "USD Coin", "USDC", 6)

    tx = registry.updateToken(usdc, "Circle USD", "USDC", USDC_METADATA, sender=governance)

    assert tx.events == [
        registry.TokenUpdated(
            token=usdc.address, name="Circle USD", symbol="USDC", metadataHash=USDC_METADATA
        )
    ]
    assert_listing(registry, [entry(usdc, "Circle USD", "USDC", 6, USDC_METADATA)])


def test_update_token__nothing_changes__still_emits_and_keeps_entry(
    registry, governance, add_token, usdc
):
    listed = add_token(usdc, "USD Coin", "USDC", 6, USDC_METADATA)

    tx = registry.updateToken(usdc, "USD Coin", "USDC", USDC_METADATA, sender=governance)

    assert tx.events == [
        registry.TokenUpdated(
            token=usdc.address, name="USD Coin", symbol="USDC", metadataHash=USDC_METADATA
        )
    ]
    assert_listing(registry, [listed])


def test_update_token__change_of_case_only__moves_the_symbol(
    registry, governance, add_token, usdc, view, reverts
):
    add_token(usdc, "USD Coin", "USDC", 6)

    tx = registry.updateToken(usdc, "USD Coin", "usdc", NO_METADATA, sender=governance)

    assert tx.events == [
        registry.TokenUpdated(
            token=usdc.address, name="USD Coin", symbol="usdc", metadataHash=NO_METADATA
        )
    ]
    assert_listing(registry, [entry(usdc, "USD Coin", "usdc", 6)])
    with reverts(registry.RegistrySymbolNotListed, symbol="USDC"):
        view(registry.getTokenBySymbol, "USDC")


def test_update_token__another_tokens_symbol__reverts_with_owner(
    registry, governance, add_token, usdc, dai, reverts
):
    entries = [add_token(usdc, "USD Coin", "USDC", 6), add_token(dai, "Dai Stablecoin", "DAI", 18)]

    with reverts(registry.RegistrySymbolTaken, symbol="USDC", owner=usdc.address):
        registry.updateToken(dai, "Dai Stablecoin", "USDC", NO_METADATA, sender=governance)

    assert_listing(registry, entries)


def test_update_token__unlisted__reverts_token_not_listed(registry, governance, usdc, reverts):
    with reverts(registry.RegistryTokenNotListed, token=usdc.address):
        registry.updateToken(usdc, "USD Coin", "USDC", NO_METADATA, sender=governance)

    assert not registry.isListed(usdc)


@pytest.mark.parametrize(("name", "symbol", "invalid"), INVALID_STRINGS)
def test_update_token__invalid_name_or_symbol__reverts_invalid_string(
    registry, governance, add_token, usdc, name, symbol, invalid, reverts
):
    listed = add_token(usdc, "USD Coin", "USDC", 6)

    with reverts(registry.RegistryInvalidString, value=invalid):
        registry.updateToken(usdc, name, symbol, NO_METADATA, sender=governance)

    assert_listing(registry, [listed])


def test_update_token__name_and_symbol_of_64_bytes__accepted(registry, governance, add_token, usdc):
    add_token(usdc, "USD Coin", "USDC", 6)
    name, symbol = "N" * MAX_STRING_LENGTH, "S" * MAX_STRING_LENGTH

    tx = registry.updateToken(usdc, name, symbol, NO_METADATA, sender=governance)

    assert tx.events == [
        registry.TokenUpdated(
            token=usdc.address, name=name, symbol=symbol, metadataHash=NO_METADATA
        )
    ]
    assert_listing(registry, [entry(usdc, name, symbol, 6)])


def test_update_token__token_changed_its_decimals__reverts_with_listed_and_new(
    registry, governance, chain, add_token, usdc, dai, reverts
):
    listed = add_token(usdc, "USD Coin", "USDC", 6)
    # An upgradeable token's new implementation reports 18 decimals (dai's code says 18).
    chain.provider.set_code(usdc.address, dai.code)
    assert usdc.decimals() == 18

    with reverts(registry.RegistryDecimalsMismatch, token=usdc.address, stated=6, actual=18):
        registry.updateToken(usdc, "USD Coin", "USDC", NO_METADATA, sender=governance)

    assert_listing(registry, [listed])


def test_update_token__token_lost_its_code__reverts_not_a_token(
    registry, governance, chain, add_token, usdc, reverts
):
    add_token(usdc, "USD Coin", "USDC", 6)
    chain.provider.set_code(usdc.address, b"")

    with reverts(registry.RegistryNotAToken, token=usdc.address):
        registry.updateToken(usdc, "USD Coin", "USDC", NO_METADATA, sender=governance)


def test_remove_token__token_changed_decimals_or_lost_code__still_removable(
    registry, governance, chain, add_token, usdc, dai
):
    # A stale entry cannot be updated (above), but governance can always delist it.
    add_token(usdc, "USD Coin", "USDC", 6)
    add_token(dai, "Dai Stablecoin", "DAI", 18)
    chain.provider.set_code(usdc.address, dai.code)
    chain.provider.set_code(dai.address, b"")

    for token, symbol in [(usdc, "USDC"), (dai, "DAI")]:
        tx = registry.removeToken(token, sender=governance)
        assert tx.events == [registry.TokenRemoved(token=token.address, symbol=symbol)]

    assert_listing(registry, [])


# ---------------------------------------------------------------- removeToken


def test_remove_token__only_token__delists_and_emits_token_removed(
    registry, governance, add_token, usdc, view, reverts
):
    add_token(usdc, "USD Coin", "USDC", 6, USDC_METADATA)

    tx = registry.removeToken(usdc, sender=governance)

    assert tx.events == [registry.TokenRemoved(token=usdc.address, symbol="USDC")]
    assert_listing(registry, [])
    assert not registry.isListed(usdc)
    with reverts(registry.RegistryTokenNotListed, token=usdc.address):
        view(registry.getToken, usdc)
    with reverts(registry.RegistrySymbolNotListed, symbol="USDC"):
        view(registry.getTokenBySymbol, "USDC")


def test_remove_token__swap_and_pop__listing_stays_consistent(
    registry, governance, list_four, four_tokens, view, reverts
):
    a, b, c, d = list_four
    steps = [
        (four_tokens[1], [a, d, c]),  # a middle entry: the last one takes its place
        (four_tokens[3], [a, c]),  # the entry that was just moved
        (four_tokens[0], [c]),  # the first entry
        (four_tokens[2], []),  # the only entry left
    ]
    for token, remaining in steps:
        removed = registry.getToken(token)

        tx = registry.removeToken(token, sender=governance)

        assert tx.events == [registry.TokenRemoved(token=token.address, symbol=removed.symbol)]
        assert_listing(registry, remaining)
        assert not registry.isListed(token)
        with reverts(registry.RegistrySymbolNotListed, symbol=removed.symbol):
            view(registry.getTokenBySymbol, removed.symbol)


def test_remove_token__last_entry__others_keep_their_order(
    registry, governance, list_four, four_tokens
):
    tx = registry.removeToken(four_tokens[3], sender=governance)

    assert tx.events == [registry.TokenRemoved(token=four_tokens[3].address, symbol="D")]
    assert_listing(registry, list_four[:3])


def test_remove_token__symbol_freed__another_token_can_take_it(
    registry, governance, add_token, usdc, spare_tokens
):
    add_token(usdc, "USD Coin", "USDC", 6)
    registry.removeToken(usdc, sender=governance)
    successor = spare_tokens[0]

    taken = add_token(successor, "USD Coin", "USDC", 18, USDC_METADATA)

    assert_listing(registry, [taken])
    assert not registry.isListed(usdc)


def test_remove_token__then_add_again__listed_with_new_details(
    registry, governance, add_token, usdc, dai
):
    other = add_token(dai, "Dai Stablecoin", "DAI", 18)
    add_token(usdc, "USD Coin", "USDC", 6)
    registry.removeToken(usdc, sender=governance)

    again = add_token(usdc, "USD Coin v2", "USDC2", 6, USDC_METADATA)

    assert_listing(registry, [other, again])


def test_remove_token__then_update__reverts_token_not_listed(
    registry, governance, add_token, usdc, reverts
):
    add_token(usdc, "USD Coin", "USDC", 6)
    registry.removeToken(usdc, sender=governance)

    with reverts(registry.RegistryTokenNotListed, token=usdc.address):
        registry.updateToken(usdc, "USD Coin", "USDC", NO_METADATA, sender=governance)


def test_remove_token__unlisted__reverts_token_not_listed(
    registry, governance, add_token, usdc, dai, reverts
):
    listed = add_token(dai, "Dai Stablecoin", "DAI", 18)

    with reverts(registry.RegistryTokenNotListed, token=usdc.address):
        registry.removeToken(usdc, sender=governance)

    assert_listing(registry, [listed])


def test_remove_token__twice__second_reverts_token_not_listed(
    registry, governance, add_token, usdc, reverts
):
    add_token(usdc, "USD Coin", "USDC", 6)
    registry.removeToken(usdc, sender=governance)

    with reverts(registry.RegistryTokenNotListed, token=usdc.address):
        registry.removeToken(usdc, sender=governance)


# ---------------------------------------------------------------- listTokens


@pytest.mark.parametrize(
    ("offset", "limit", "positions"),
    [
        (0, 4, [0, 1, 2, 3]),  # the whole listing, exactly
        (0, 2, [0, 1]),  # first page
        (2, 2, [2, 3]),  # last page, exactly
        (3, 2, [3]),  # last page, short
        (1, 10, [1, 2, 3]),  # limit larger than what remains
        (1, UINT256_MAX, [1, 2, 3]),  # no overflow on offset + limit
        (3, 1, [3]),  # the last entry
        (4, 1, []),  # offset == count
        (5, 1, []),  # offset > count
        (UINT256_MAX, UINT256_MAX, []),
        (0, 0, []),  # limit 0
        (2, 0, []),
        (4, 0, []),
    ],
)
def test_list_tokens__offset_and_limit__give_the_matching_page(
    registry, list_four, offset, limit, positions
):
    assert registry.listTokens(offset, limit) == [list_four[i] for i in positions]


@pytest.mark.parametrize(("offset", "limit"), [(0, 0), (0, 10), (1, 10), (0, UINT256_MAX)])
def test_list_tokens__empty_registry__empty_page(registry, offset, limit):
    assert registry.listTokens(offset, limit) == []


def test_list_tokens__pages_cover_the_listing_once(registry, list_four):
    pages = [registry.listTokens(offset, 3) for offset in range(0, 6, 3)]

    assert pages == [list_four[:3], list_four[3:]]


# ---------------------------------------------------------------- access control


@pytest.fixture(params=["stranger", "guardian", "deployer"])
def outsider(request):
    """Accounts that are not governance: no role, the guardian, the deployer (who renounced)."""
    return request.getfixturevalue(request.param)


def test_add_token__not_governance__reverts_only_governance(registry, outsider, usdc, reverts):
    with reverts(registry.GovernedOnlyGovernance, caller=outsider.address):
        registry.addToken(usdc, "USD Coin", "USDC", 6, NO_METADATA, sender=outsider)

    assert not registry.isListed(usdc)


def test_update_token__not_governance__reverts_only_governance(
    registry, add_token, outsider, usdc, reverts
):
    listed = add_token(usdc, "USD Coin", "USDC", 6)

    with reverts(registry.GovernedOnlyGovernance, caller=outsider.address):
        registry.updateToken(usdc, "Hijacked", "HIJACK", USDC_METADATA, sender=outsider)

    assert_listing(registry, [listed])


def test_remove_token__not_governance__reverts_only_governance(
    registry, add_token, outsider, usdc, reverts
):
    listed = add_token(usdc, "USD Coin", "USDC", 6)

    with reverts(registry.GovernedOnlyGovernance, caller=outsider.address):
        registry.removeToken(usdc, sender=outsider)

    assert_listing(registry, [listed])


def test_access_control__checked_before_anything_else(registry, stranger, proxy, reverts):
    # Even a call that would fail every other check is refused for its caller first.
    with reverts(registry.GovernedOnlyGovernance, caller=stranger.address):
        registry.addToken(proxy, "", "", 99, NO_METADATA, sender=stranger)
    with reverts(registry.GovernedOnlyGovernance, caller=stranger.address):
        registry.removeToken(proxy, sender=stranger)
