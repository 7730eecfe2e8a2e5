"""TokenRegistry under random governance sequences (hypothesis RuleBasedStateMachine).

Governance adds, updates and removes tokens from a pool of six (6- and 18-decimal, USDT-like,
fee-on-transfer) under a handful of symbols - two of them differing only in case - so that
symbol clashes, relistings and swap-and-pop removals happen often. A Python model predicts every
outcome, the exact custom error of every refused transaction included, and after each step the
invariants compare the chain with the model:

- tokenCount equals the model's size;
- listTokens(0, max) returns exactly the model's entries, in the model's (swap-and-pop) order,
  and pages of two put together give the same listing;
- every listed token resolves by its symbol, and by its address, to its own entry;
- no two listed tokens share a symbol;
- unlisted tokens are not found, and no symbol outside the listing resolves.

Ape isolates each pytest test with one chain snapshot, but hypothesis runs many examples in a
single test: the machine snapshots the chain when it starts and restores it in `teardown`.

Every change the model predicts is a real transaction (the harness's `_send`), its event checked
exactly; every refusal it predicts is checked with the harness's `_dry_run` (an eth_call from
governance: the exact revert data, nothing mined), as the project's stateful suites do - the
unit tests in test_token_registry.py send the same refusals as transactions. The invariants
make some twenty reads after every step, so they go through `RawReads`: eth_calls encoded and
decoded with eth_abi and sent as one JSON-RPC batch per invariant, about a tenth of the cost
through ape.
"""

from functools import lru_cache
from typing import NamedTuple

from eth_abi import decode, encode
from eth_abi.grammar import TupleType, parse
from eth_utils import keccak, to_checksum_address
from hypothesis import strategies as st
from hypothesis.stateful import (
    initialize,
    invariant,
    precondition,
    rule,
)

from tests.utils.stateful import ChainMachine

UINT256_MAX = 2**256 - 1
POOL_SIZE = 6
SYMBOLS = ["USD", "usd", "ETH", "BTC"]  # "USD" and "usd" are different symbols
NAMES = ["Alpha", "Beta Token"]
METADATA = [b"\x00" * 32, keccak(text="ipfs://metadata.json")]
PAGE_SIZE = 2  # for the pagination invariant: pages of two over a pool of six

pool_index = st.integers(min_value=0, max_value=POOL_SIZE - 1)
names = st.sampled_from(NAMES)
symbols = st.sampled_from(SYMBOLS)
metadata_hashes = st.sampled_from(METADATA)
# How far the stated decimals are off the token's: mostly not at all.
decimals_errors = st.sampled_from([0, 0, 0, 0, 1, 12])


# ---------------------------------------------------------------- raw reads


class Revert(NamedTuple):
    """A view's revert: the custom error's name and its arguments."""

    error: str
    inputs: dict


def _checksummed(abi_type, value):
    """`value` as eth_abi decoded it, with every address checksummed (as ape returns them)."""
    if abi_type.is_array:
        return [_checksummed(abi_type.item_type, item) for item in value]
    if isinstance(abi_type, TupleType):
        return tuple(_checksummed(t, v) for t, v in zip(abi_type.components, value, strict=True))
    if abi_type.base == "address":
        return to_checksum_address(value)
    return value


def _decode(abis, data):
    """Decodes `data` as the values of `abis` (a method's outputs or an error's inputs)."""
    types = [abi.canonical_type for abi in abis]
    values = decode(types, data)
    return [_checksummed(_parsed(t), v) for t, v in zip(types, values, strict=True)]


_parsed = lru_cache(maxsize=None)(parse)  # ABI type string -> eth_abi's parsed type


def _selector(abi):
    return keccak(text=abi.selector)[:4]


class RawReads:
    """A contract's views through raw eth_calls, batched.

    `reads.call_many([("getToken", token), ("tokenCount",)])` sends one JSON-RPC batch and
    returns, per call, its decoded result (a single value unwrapped, addresses checksummed) or
    a `Revert` with the decoded custom error; `reads.call(name, *args)` is a batch of one.
    """

    def __init__(self, contract, rpc):
        self.address = contract.address
        self.rpc = rpc  # the machine's JSON-RPC connection
        self.methods = {abi.name: abi for abi in contract.contract_type.view_methods}
        self.errors = {_selector(abi): abi for abi in contract.contract_type.errors}
        # The invariants make the same calls after every step and most answers repeat: each
        # call is encoded, and each answer decoded, once (the callers compare, never mutate).
        self.calldata: dict[tuple, str] = {}  # (method, arguments) -> calldata
        self.outcomes: dict[tuple, object] = {}  # (method, answer) -> decoded outcome

    def call(self, name, *args):
        return self.call_many([(name, *args)])[0]

    def call_many(self, calls):
        if not calls:
            return []
        abis = [self.methods[name] for name, *_ in calls]
        batch = [
            {
                "jsonrpc": "2.0",
                "id": i,
                "method": "eth_call",
                "params": [{"to": self.address, "data": self._encoded(call, abi)}, "latest"],
            }
            for i, (abi, call) in enumerate(zip(abis, calls, strict=True))
        ]
        answers = self.rpc.post(batch)
        assert isinstance(answers, list), f"batch refused: {answers}"
        responses = sorted(answers, key=lambda answer: answer["id"])  # answered in any order
        return [self._decoded(abi, r) for abi, r in zip(abis, responses, strict=True)]

    def _encoded(self, call: tuple, abi) -> str:
        try:
            data = self.calldata.get(call)
        except TypeError:  # an argument that cannot be a key (a list)
            return self._calldata(abi, call[1:])
        if data is None:
            data = self.calldata[call] = self._calldata(abi, call[1:])
        return data

    def _decoded(self, abi, response: dict):
        answer = response.get("result")
        key = (abi.name, answer if answer is not None else response["error"].get("data"))
        if key not in self.outcomes:
            self.outcomes[key] = self._outcome(abi, response)
        return self.outcomes[key]

    @staticmethod
    def _calldata(abi, args):
        encoded = _selector(abi) + encode([i.canonical_type for i in abi.inputs], args)
        return "0x" + encoded.hex()

    def _outcome(self, abi, response):
        if "error" not in response:
            values = _decode(abi.outputs, bytes.fromhex(response["result"][2:]))
            return values[0] if len(values) == 1 else tuple(values)
        data = bytes.fromhex(response["error"]["data"][2:])
        error = self.errors[data[:4]]
        inputs = _decode(error.inputs, data[4:])
        return Revert(error.name, {i.name: v for i, v in zip(error.inputs, inputs, strict=True)})


# ---------------------------------------------------------------- the machine


class TokenRegistryMachine(ChainMachine):
    # Handed over by the pytest test below (fixtures cannot be injected into the machine).
    registry = None
    governance = None
    chain = None
    tokens = ()  # the pool: (token contract, its decimals)
    error_data = None  # staticmethod(fixture)

    def __init__(self):
        super().__init__()
        self.reads = RawReads(self.registry, self.rpc)
        # The model: address -> entry as the registry returns it, and the listing order.
        self.entries = {}
        self.order = []

    # ------------------------------------------------------------ model helpers

    def holder_of(self, symbol):
        """The address of the listed token whose symbol is `symbol`, or None."""
        return next((a for a, e in self.entries.items() if e[2] == symbol), None)

    def listed(self):
        return [(t, d) for t, d in self.tokens if t.address in self.entries]

    def unlisted(self):
        return [(t, d) for t, d in self.tokens if t.address not in self.entries]

    def assert_refused(self, method, *args, error, **inputs):
        """Governance's transaction would revert with exactly `error(**inputs)` - checked with
        eth_call on the pending block, nothing mined (the unit tests send the same refusals as
        transactions)."""
        reverted_with = self._dry_run(method, *args, sender=self.governance)
        assert reverted_with == self.error_data(
            error, **inputs
        ), f"expected {error.abi.signature} {inputs}, got {reverted_with!r}"

    # ------------------------------------------------------------ rules

    @initialize(
        order=st.permutations(range(POOL_SIZE)),
        listed_symbols=st.permutations(SYMBOLS),
        count=st.integers(min_value=0, max_value=len(SYMBOLS)),
    )
    def list_some_tokens(self, order, listed_symbols, count):
        """Starts most examples from a populated listing, so short runs reach removals of
        middle entries, symbol clashes and relistings."""
        for index, symbol in zip(order[:count], listed_symbols[:count], strict=True):
            self.add_token(index, "Initial", symbol, METADATA[1], decimals_error=0)

    @rule(
        index=pool_index,
        name=names,
        symbol=symbols,
        hash_=metadata_hashes,
        decimals_error=decimals_errors,
    )
    def add_token(self, index, name, symbol, hash_, decimals_error):
        token, decimals = self.tokens[index]
        stated = decimals + decimals_error
        add = (self.registry.addToken, token, name, symbol, stated, hash_)
        # Predicted in the contract's order of checks: listing, decimals, symbol.
        if token.address in self.entries:
            self.assert_refused(
                *add, error=self.registry.RegistryTokenAlreadyListed, token=token.address
            )
            return
        if decimals_error:
            self.assert_refused(
                *add,
                error=self.registry.RegistryDecimalsMismatch,
                token=token.address,
                stated=stated,
                actual=decimals,
            )
            return
        if (holder := self.holder_of(symbol)) is not None:
            self.assert_refused(
                *add, error=self.registry.RegistrySymbolTaken, symbol=symbol, owner=holder
            )
            return

        tx = self._send(
            self.registry.addToken, token, name, symbol, decimals, hash_, sender=self.governance
        )

        assert tx.events == [
            self.registry.TokenAdded(
                token=token.address, name=name, symbol=symbol, decimals=decimals, metadataHash=hash_
            )
        ]
        self.entries[token.address] = (token.address, name, symbol, decimals, hash_)
        self.order.append(token.address)

    @precondition(lambda self: self.entries)
    @rule(data=st.data(), name=names, symbol=symbols, hash_=metadata_hashes)
    def update_listed_token(self, data, name, symbol, hash_):
        token, decimals = data.draw(st.sampled_from(self.listed()), label="token")
        holder = self.holder_of(symbol)
        if holder not in (None, token.address):
            self.assert_refused(
                self.registry.updateToken,
                token,
                name,
                symbol,
                hash_,
                error=self.registry.RegistrySymbolTaken,
                symbol=symbol,
                owner=holder,
            )
            return

        update = self.registry.updateToken
        tx = self._send(update, token, name, symbol, hash_, sender=self.governance)

        assert tx.events == [
            self.registry.TokenUpdated(
                token=token.address, name=name, symbol=symbol, metadataHash=hash_
            )
        ]
        self.entries[token.address] = (token.address, name, symbol, decimals, hash_)

    @precondition(lambda self: self.entries)
    @rule(data=st.data())
    def remove_listed_token(self, data):
        token, _ = data.draw(st.sampled_from(self.listed()), label="token")

        tx = self._send(self.registry.removeToken, token, sender=self.governance)

        removed = self.entries.pop(token.address)
        assert tx.events == [self.registry.TokenRemoved(token=token.address, symbol=removed[2])]
        # Swap and pop: the last entry takes the removed one's place.
        index = self.order.index(token.address)
        self.order[index] = self.order[-1]
        self.order.pop()

    @precondition(lambda self: len(self.entries) < POOL_SIZE)
    @rule(data=st.data(), symbol=symbols)
    def update_and_remove_unlisted_token(self, data, symbol):
        token, _ = data.draw(st.sampled_from(self.unlisted()), label="token")
        not_listed = {"error": self.registry.RegistryTokenNotListed, "token": token.address}
        self.assert_refused(self.registry.removeToken, token, **not_listed)
        self.assert_refused(
            self.registry.updateToken, token, "Name", symbol, METADATA[0], **not_listed
        )

    # ------------------------------------------------------------ invariants

    @invariant()
    def token_count_equals_model_size(self):
        assert self.reads.call("tokenCount") == len(self.entries)

    @invariant()
    def listing_is_exactly_the_model(self):
        whole, *pages = self.reads.call_many(
            [("listTokens", 0, UINT256_MAX)]
            + [("listTokens", offset, PAGE_SIZE) for offset in range(0, POOL_SIZE + 1, PAGE_SIZE)]
        )
        assert {entry[0] for entry in whole} == set(self.entries)
        assert whole == [self.entries[address] for address in self.order]
        assert [entry for page in pages for entry in page] == whole

    @invariant()
    def no_two_listed_tokens_share_a_symbol(self):
        listed_symbols = [entry[2] for entry in self.reads.call("listTokens", 0, UINT256_MAX)]
        assert len(set(listed_symbols)) == len(listed_symbols)

    @invariant()
    def every_listed_token_resolves_to_itself(self):
        calls, expected = [], []
        for address, entry in self.entries.items():
            calls += [("isListed", address), ("getToken", address), ("getTokenBySymbol", entry[2])]
            expected += [True, entry, entry]
        assert self.reads.call_many(calls) == expected

    @invariant()
    def unlisted_tokens_are_not_found(self):
        calls, expected = [], []
        for token, _ in self.unlisted():
            calls += [("isListed", token.address), ("getToken", token.address)]
            expected += [False, Revert("RegistryTokenNotListed", {"token": token.address})]
        assert self.reads.call_many(calls) == expected

    @invariant()
    def symbols_outside_the_listing_are_not_found(self):
        free = [symbol for symbol in SYMBOLS if self.holder_of(symbol) is None]
        assert self.reads.call_many([("getTokenBySymbol", symbol) for symbol in free]) == [
            Revert("RegistrySymbolNotListed", {"symbol": symbol}) for symbol in free
        ]


def test_token_registry__random_governance_sequences__keep_the_listing_consistent(
    registry, governance, chain, usdc, dai, usdt, fee_token, spare_tokens, error_data
):
    pool = [usdc, dai, usdt, fee_token, *spare_tokens[:2]]
    assert len(pool) == POOL_SIZE
    TokenRegistryMachine.registry = registry
    TokenRegistryMachine.governance = governance
    TokenRegistryMachine.chain = chain
    TokenRegistryMachine.tokens = [(token, token.decimals()) for token in pool]
    TokenRegistryMachine.error_data = staticmethod(error_data)

    TokenRegistryMachine.run()
