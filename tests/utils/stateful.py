"""`ChainMachine`: the base of every stateful property suite that drives real transactions.

Hypothesis runs many examples inside one pytest test, and ape snapshots the chain around tests,
not examples: the machine snapshots the chain when an example starts and restores it in
`teardown`, so every example starts from the state the test function set up.

Time is exact: `now` is the timestamp of the next transaction. `_pin` sets the pending block's
timestamp to it, so a dry run (`eth_call` on the pending block) sees what the next transaction
will see; `_send` asserts the transaction ran at `now` and moves `head`.

Speed: everything the machine does between a snapshot and its restore goes straight to the
node over JSON-RPC (`JsonRpc`, one keep-alive connection), not through ape, which spends ten
calls per transaction on fees, nonces, the chain id, automine, a receipt and a trace. `_send`
is one `eth_sendTransactionSync` from the sender (the test accounts and impersonated accounts
are unlocked in the node, which signs and numbers the transaction itself, so nothing ape or
the node caches about nonces goes stale; an account ape generated beyond the node's own is
impersonated for the example), with a fixed gas limit (the block's, as ape gives on
a local network) and a fixed fee, and it returns the receipt: `Mined`, whose logs are decoded
only when a rule asks (`events`, `decode_logs`), exactly as ape decodes them. Snapshots and
restores stay with ape's chain manager (once per example), so ape's own isolation between
tests is untouched. Reads repeated on an unchanged chain are answered from the last answer
(see `JsonRpc`); the invariants' batched reads are one `eth_call` of `TestBatchReader` (see
`_batch`); calldata is encoded by eth_abi from the method's ABI (`encode_call`). Code under
test that sends through ape's contract objects (the SDK) gets `sender(account)` as its sender
(ape builds the call, the machine sends it), or `raw(contract)` as the contract (its views
and those transactions go through the machine, ape is left out).

Hypothesis cannot pass fixtures to a machine: the test function sets the class attributes
(`chain`, `error_data`, the contracts) before it runs the machine, or calls `bind`.
"""

from __future__ import annotations

import http.client
import inspect
import json
import socket
import time
from collections import Counter
from functools import cache, cached_property, lru_cache, partial
from urllib.parse import urlsplit

from ape.api.address import BaseAddress
from ape.contracts.base import ContractCall, ContractCallHandler, ContractTransactionHandler
from ape.types import ContractLogContainer
from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address, to_hex
from hexbytes import HexBytes
from hypothesis import event, settings
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

# Every transaction's fee per gas (wei), as priority fee and fee cap: with the local chain's
# base fee at 0 it is the price paid, so gas costs ether and the suites' ether books must
# account for it.
GAS_PRICE = 10**9

# Where `_batch` puts `TestBatchReader`'s code for its reads (no contract lives there).
READER = to_checksum_address(keccak(text="openotc.tests.batch-reader")[:20])
_READER_KEY = object()  # the reader's answer in a batch


@cache
def _selector_and_types(signature: str) -> tuple[bytes, list[str]]:
    name_types = signature.removesuffix(")").split("(", 1)[1]
    return keccak(text=signature)[:4], [t for t in name_types.split(",") if t]


def call_data(signature: str, *args) -> bytes:
    """The calldata of a call by its signature: `call_data("balanceOf(address)", holder)` is
    the selector and the ABI-encoded arguments (the batched reads skip ape's encoding; the
    invariants build the same calls after every step, so each is encoded once)."""
    try:
        return _call_data(signature, args)
    except TypeError:  # an argument that cannot be a key (a list)
        return _call_data.__wrapped__(signature, args)


@lru_cache(maxsize=65_536)
def _call_data(signature: str, args: tuple) -> bytes:
    selector, types = _selector_and_types(signature)
    return selector + encode(types, list(args)) if types else selector


# Calldata of the harness's calls, encoded by eth_abi from the method's ABI (selector and
# canonical types computed once per ABI); ape's `encode_input` converts every argument through
# its conversion manager, which costs more than the node spends answering the call.
_LAYOUTS: dict[int, tuple] = {}  # id(method ABI) -> (the ABI, selector, canonical types)


def _plain(value):
    """An argument as eth_abi takes it: anything with an address (an account, a contract) as its
    address; sequences element by element; anything else as it is."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if not isinstance(value, str | bytes | int) and hasattr(value, "address"):
        return str(value.address)
    return value


def encode_call(method, args) -> bytes:
    """Selector and ABI-encoded arguments of `method(*args)`, as ape's `encode_input` gives them
    (an overloaded method, or an argument eth_abi refuses as it is, goes through ape)."""
    if len(method.abis) == 1:
        abi = method.abis[0]
        layout = _LAYOUTS.get(id(abi))
        if layout is None:
            types = [i.canonical_type for i in abi.inputs]
            layout = _LAYOUTS[id(abi)] = (abi, keccak(text=abi.selector)[:4], types)
        _, selector, types = layout
        if len(args) == len(types):
            try:
                return selector + encode(types, _plain(args)) if types else selector
            except Exception:  # e.g. a value ape converts (a string amount, a struct as a dict)
                pass
    return bytes(method.encode_input(*args))


_DECODED: dict[tuple[str, bytes], object] = {}  # (ABI type, return data) -> decoded value


def decoded(abi_type: str, data: bytes):
    """`eth_abi.decode([abi_type], data)[0]`, decoded once per distinct answer: invariants read
    the same records after every step, and most steps change few of them."""
    key = (abi_type, data)
    value = _DECODED.get(key)
    if value is None:
        if len(_DECODED) > 100_000:
            _DECODED.clear()
        value = _DECODED[key] = decode([abi_type], data)[0]
    return value


def error_names(*contracts) -> dict[bytes, str]:
    """Selector -> name of every custom error the contracts declare."""
    return {
        keccak(text=abi.selector)[:4]: abi.name
        for contract in contracts
        for abi in contract.contract_type.errors
    }


def _address(account) -> str:
    return str(getattr(account, "address", account))


def _int(value) -> int:
    return value if isinstance(value, int) else int(value, 16)


class Members:
    """A contract's members (errors, events, methods) looked up once each: ape's contract
    instance builds them anew at every attribute access. For the model's thousands of lookups
    (`self.errors.EscrowWrongStatus`); transactions still go through the contract itself."""

    def __init__(self, contract):
        self._contract = contract

    def __getattr__(self, name: str):
        member = getattr(self._contract, name)
        setattr(self, name, member)  # later lookups find it without `__getattr__`
        return member


def _word(value: int) -> bytes:
    return value.to_bytes(32, "big")


def _encode_reader_call(views: tuple, accounts: tuple) -> bytes:
    """Calldata of `TestBatchReader.read(targets, data, accounts)` for `views`, (address, hex
    calldata) pairs, and `accounts`: the ABI encoding, written out (eth_abi's encoder takes
    milliseconds for a hundred calls)."""
    targets = _word(len(views)) + b"".join(bytes(12) + bytes.fromhex(to[2:]) for to, _ in views)
    offsets, bodies, position = [], [], 32 * len(views)
    for _, data in views:
        raw = bytes.fromhex(data[2:])
        body = _word(len(raw)) + raw + bytes(-len(raw) % 32)
        offsets.append(_word(position))
        bodies.append(body)
        position += len(body)
    datas = _word(len(views)) + b"".join(offsets) + b"".join(bodies)
    holders = _word(len(accounts)) + b"".join(bytes(12) + bytes.fromhex(a[2:]) for a in accounts)
    head = _word(96) + _word(96 + len(targets)) + _word(96 + len(targets) + len(datas))
    selector, _ = _selector_and_types("read(address[],bytes[],address[])")
    return selector + head + targets + datas + holders


def _decode_reader_answer(raw: bytes) -> tuple[list[bool], list[bytes], list[int]]:
    """`TestBatchReader.read`'s (bool[], bytes[], uint256[]), decoded by hand (see above)."""

    def word(at: int) -> int:
        return int.from_bytes(raw[at : at + 32], "big")

    ok_at, results_at, balances_at = word(0), word(32), word(64)
    ok = [word(ok_at + 32 * (i + 1)) != 0 for i in range(word(ok_at))]
    base, results = results_at + 32, []
    for i in range(word(results_at)):
        at = base + word(base + 32 * i)
        results.append(raw[at + 32 : at + 32 + word(at)])
    balances = [word(balances_at + 32 * (i + 1)) for i in range(word(balances_at))]
    return ok, results, balances


class RpcError(Exception):
    """A JSON-RPC call the node answered with an error."""

    def __init__(self, method: str, error: dict):
        super().__init__(f"{method}: {error}")
        self.error = error


class JsonRpc:
    """A keep-alive HTTP connection to the node for raw JSON-RPC (requests' per-call overhead
    is about as large as the node's answer). Counts the calls by method, for the benchmark.

    Reads repeat: invariants re-read everything after every step, and most steps change
    nothing (a refusal is a dry run). A request made only of reads is answered from the
    answer to the same request since the chain last changed; any other call (a transaction, a
    mined block, a storage write), or `changed()` for what is sent another way (a transaction
    sent through ape), forgets every answer; a pinned timestamp forgets the answers read on the
    pending block (dry runs), whose time it sets."""

    methods: Counter = Counter()  # every call any machine of the session made
    READS = frozenset({"eth_call", "eth_getBalance", "eth_getBlockByNumber", "eth_chainId"})
    TIMING = frozenset({"evm_setNextBlockTimestamp"})  # sets the pending block's time only

    def __init__(self, endpoint: str):
        url = urlsplit(endpoint)
        self.host, self.port, self.path = url.hostname, url.port, url.path or "/"
        self.connection: http.client.HTTPConnection | None = None
        self.answers: dict[bytes, object] = {}  # request -> answer, while the chain is unchanged

    def changed(self) -> None:
        """The chain changed behind this connection's back: forget every answer."""
        self.answers.clear()

    def _forget(self, calls: list) -> None:
        if all(call["method"] in self.TIMING for call in calls):
            # The latest block is as it was: only what ran on the pending block is stale.
            for body in [body for body in self.answers if b'"pending"' in body]:
                del self.answers[body]
        else:
            self.answers.clear()

    def _connect(self) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        connection.connect()
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection

    def post(self, payload):
        """The node's answer to one request or a batch (a list)."""
        calls = payload if isinstance(payload, list) else [payload]
        body = json.dumps(payload).encode()
        reads = all(call["method"] in self.READS for call in calls)
        if reads and body in self.answers:
            return self.answers[body]
        if not reads:
            self._forget(calls)
        answer = self._post(calls, body)
        if reads:
            self.answers[body] = answer
        return answer

    def _post(self, calls: list, body: bytes):
        JsonRpc.methods.update(call["method"] for call in calls)
        headers = {"Content-Type": "application/json"}
        for attempt in (1, 2):  # once more on a fresh connection if the node dropped this one
            try:
                if self.connection is None:
                    self.connection = self._connect()
                self.connection.request("POST", self.path, body, headers)
                return json.loads(self.connection.getresponse().read())
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class LogDecoder:
    """Raw logs decoded into ape's `ContractLog`s by ape's own decoder, so they compare with
    `contract.Event(...)` exactly as `receipt.events` and `receipt.decode_logs` do."""

    def __init__(self, chain):
        self.chain = chain
        self.ecosystem = chain.provider.network.ecosystem
        self.by_address: dict[str, dict[str, object]] = {}  # address -> topic -> event ABI
        self.topics: dict[int, str] = {}  # id(event ABI) -> its topic
        self.abis: list = []

    def _events_of(self, address: str) -> dict[str, object]:
        key = address.lower()
        if key not in self.by_address:
            contract_type = self.chain.contracts.get(to_checksum_address(address))
            events = contract_type.events if contract_type else []
            self.by_address[key] = {to_hex(keccak(text=abi.selector)): abi for abi in events}
        return self.by_address[key]

    def _topic(self, abi) -> str:
        topic = self.topics.get(id(abi))
        if topic is None:
            topic = self.topics[id(abi)] = to_hex(keccak(text=abi.selector))
            self.abis.append(abi)  # keeps the ABI, so its id names it while the decoder lives
        return topic

    def decode(self, logs: list[dict], abi=None) -> ContractLogContainer:
        """`abi` None: every log, by the ABI of the contract that emitted it (a log no known
        contract declares fails the rule); else only the logs of the given event(s), from any
        contract, as ape's `decode_logs(abi)`."""
        if abi is not None:
            abis = abi if isinstance(abi, list | tuple) else [abi]
            abis = [getattr(a, "abi", a) for a in abis]
            # Only the logs with one of the events' topics: ape's decoder skips the others too,
            # at a cost per log and per call.
            topics = {self._topic(abi) for abi in abis}
            logs = [log for log in logs if log["topics"] and log["topics"][0] in topics]
            if not logs:
                return ContractLogContainer()
            return ContractLogContainer(self.ecosystem.decode_logs(logs, *abis))
        decoded = ContractLogContainer()
        for log in logs:
            event_abi = self._events_of(log["address"]).get(
                log["topics"][0] if log["topics"] else ""
            )
            assert event_abi is not None, f"a log no known contract declares: {log}"
            decoded.extend(self.ecosystem.decode_logs([log], event_abi))
        return decoded


class Mined:
    """A transaction `_send` mined: its receipt as the node returned it, with the attributes of
    ape's receipt the suites read, and its logs decoded on demand."""

    def __init__(self, receipt: dict, decoder: LogDecoder):
        self.receipt = receipt
        self.txn_hash = receipt["transactionHash"]
        self.sender = to_checksum_address(receipt["from"])
        self.block_number = _int(receipt["blockNumber"])
        self.timestamp = _int(receipt["blockTimestamp"])
        self.gas_used = _int(receipt["gasUsed"])
        self.gas_price = _int(receipt["effectiveGasPrice"])
        self.logs = receipt["logs"]
        self._decoder = decoder

    @property
    def total_fees_paid(self) -> int:
        return self.gas_used * self.gas_price

    @cached_property
    def events(self) -> ContractLogContainer:
        """Every log, decoded by the ABI of the contract that emitted it."""
        return self._decoder.decode(self.logs)

    def decode_logs(self, abi=None) -> ContractLogContainer:
        """The logs of the event(s) `abi` (e.g. `escrow.TradeOpened`), from any contract."""
        return self._decoder.decode(self.logs, abi)

    def __repr__(self) -> str:
        return f"<Mined {self.txn_hash} block {self.block_number} at {self.timestamp}>"


class RawSender(BaseAddress):
    """An account as ape's contract calls see a sender (`sender=`): ape builds the transaction
    (`contract.method(*args, sender=...)` calls `sender.call(txn)`), the machine sends it."""

    def __init__(self, machine, account):
        self.machine, self.account = machine, account

    @property
    def address(self) -> str:
        return self.account.address

    def call(self, txn, **kwargs) -> Mined:
        request = {"from": self.address, "to": str(txn.receiver), "data": to_hex(txn.data)}
        if txn.value:
            request["value"] = hex(txn.value)
        return self.machine._transact(request, f"call from {self.address}")


class RawContract:
    """A contract as code under test (the SDK) takes it, its calls made by the machine: a view
    is one `eth_call` on the latest block (answered from the read cache while the chain is
    unchanged), its return data decoded by ape's own `ContractCall` decoding; a transaction
    from a `sender(account)` is sent as `_send` sends it. Anything else (the address, events,
    a transaction from another sender) is the contract's own. Ape's contract calls spend about
    ten JSON-RPC calls each (the code at the address, the chain id, fees ...)."""

    def __init__(self, machine, contract):
        self._machine, self._contract = machine, contract

    def __getattr__(self, name: str):
        member = getattr(self._contract, name)
        if isinstance(member, ContractCallHandler) and len(member.abis) == 1:
            member = partial(
                self._call, member, ContractCall(member.abis[0], member.contract.address)
            )
        elif isinstance(member, ContractTransactionHandler):
            member = partial(self._transact, member)
        setattr(self, name, member)  # later lookups find it without `__getattr__`
        return member

    def _call(self, method, call: ContractCall, *args):
        return call._decode_returndata(HexBytes(self._machine._view(method, *args)))

    def _transact(self, method, *args, sender, value=0, **kwargs):
        if kwargs or not isinstance(sender, RawSender):
            return method(*args, sender=sender, value=value, **kwargs)
        request = {"from": sender.address, "to": str(method.contract.address)}
        request["data"] = to_hex(encode_call(method, args))
        if value:
            request["value"] = hex(value)
        return self._machine._transact(request, method.abis[0].name)


class ChainMachine(RuleBasedStateMachine):
    chain = None  # ape's chain manager
    error_data = None  # the `error_data` fixture: exact revert data of an error
    # What every machine of the session did, for `make bench-properties` (tests/utils/benchmark).
    counts = {"examples": 0, "transactions": 0, "seconds": 0.0}

    def __init__(self):
        super().__init__()
        ChainMachine.counts["examples"] += 1
        # Ape isolates each pytest test, not each hypothesis example: isolate examples here.
        self.snapshot = self.chain.snapshot()
        self.w3 = self.chain.provider.web3
        self.rpc = JsonRpc(self.w3.provider.endpoint_uri)
        self.logs = LogDecoder(self.chain)
        self.chain_id = _int(self._rpc("eth_chainId", []))
        head = self._rpc("eth_getBlockByNumber", ["latest", False])
        self.head = _int(head["timestamp"])  # of the last mined block
        self.gas_limit = _int(head["gasLimit"])  # every transaction's, as ape's "max"
        self.pinned: int | None = None
        self.impersonated: list[str] = []  # senders the node signs for only while the example runs
        self.error_names: dict[bytes, str] = {}  # for the statistics of `_refused`

    @classmethod
    def bind(cls, request, fixtures: str) -> None:
        """Sets a class attribute per fixture named in `fixtures` (space-separated) to its value
        in the running test (`request`: list the fixtures among the test's arguments too, so
        they are set up before the test runs); functions become static methods."""
        for name in fixtures.split():
            value = request.getfixturevalue(name)
            setattr(cls, name, staticmethod(value) if inspect.isfunction(value) else value)

    @classmethod
    def run(cls, run_settings: settings | None = None) -> None:
        """Runs the machine's examples (`run_settings`, else the loaded hypothesis profile);
        the wall time of the whole run, every example from its snapshot to its restore, goes
        to `counts`."""
        start = time.perf_counter()
        try:
            run_state_machine_as_test(cls, settings=run_settings or settings())
        finally:
            ChainMachine.counts["seconds"] += time.perf_counter() - start

    def teardown(self):
        for address in self.impersonated:
            self._rpc("anvil_stopImpersonatingAccount", [address])
        self.rpc.close()
        self.chain.restore(self.snapshot)

    # ------------------------------------------------------------ JSON-RPC

    def _rpc(self, method: str, params: list):
        """One raw JSON-RPC call; its result, or `RpcError`."""
        request = {"jsonrpc": "2.0", "id": 0, "method": method, "params": params}
        answer = self.rpc.post(request)
        if "error" in answer:
            raise RpcError(method, answer["error"])
        return answer["result"]

    def _batch(self, calls: list[tuple]) -> dict:
        """`calls` are (key, JSON-RPC method, params); returns key -> raw result, all read in
        one raw JSON-RPC batch (web3's batching costs more in Python than the node spends
        answering). The node answers a batch's calls in no set order: batch reads only.

        The view calls and ether balances on the latest block go to the node as one `eth_call`
        of `TestBatchReader` (its code put at `READER` for that call only), which makes them
        all on the same state: the node spends more on setting up an `eth_call` than on a
        view, and the invariants read a hundred values after every step."""
        grouped = [
            (key, params)
            for key, method, params in calls
            if params[-1] == "latest"
            and (
                method == "eth_getBalance"
                or (method == "eth_call" and params[0].keys() == {"to", "data"})
            )
        ]
        if len(grouped) < self.READER_MIN_CALLS:
            return self._plain_batch(calls)
        grouped_keys = {key for key, _ in grouped}
        views = [(key, params[0]) for key, params in grouped if isinstance(params[0], dict)]
        accounts = [(key, params[0]) for key, params in grouped if isinstance(params[0], str)]
        request = (
            tuple((call["to"], call["data"]) for _, call in views),
            tuple(account for _, account in accounts),
        )
        if request != self._reader_request[0]:  # the invariants repeat their reads
            self._reader_request = (request, "0x" + _encode_reader_call(*request).hex())
        reader = {"to": READER, "data": self._reader_request[1]}
        rest = [(key, method, params) for key, method, params in calls if key not in grouped_keys]
        results = self._plain_batch(
            [(_READER_KEY, "eth_call", [reader, "latest", self._reader_code]), *rest]
        )
        ok, returned, balances = _decode_reader_answer(bytes.fromhex(results.pop(_READER_KEY)[2:]))
        failed = [
            (key, "0x" + r.hex())
            for (key, _), good, r in zip(views, ok, returned, strict=True)
            if not good
        ]
        assert not failed, f"views reverted: {failed}"
        results.update((key, "0x" + r.hex()) for (key, _), r in zip(views, returned, strict=True))
        results.update((key, hex(b)) for (key, _), b in zip(accounts, balances, strict=True))
        return {key: results[key] for key, _, _ in calls}

    _reader_request: tuple = ((), "")  # the last reads sent to the reader, and their calldata

    READER_MIN_CALLS = 8  # fewer reads go as they are

    @cached_property
    def _reader_code(self) -> dict:
        """The state override that puts `TestBatchReader`'s code at `READER`."""
        from ape import project

        code = project.TestBatchReader.contract_type.runtime_bytecode.bytecode
        return {READER: {"code": code}}

    def _plain_batch(self, calls: list[tuple]) -> dict:
        batch = [
            {"jsonrpc": "2.0", "id": i, "method": method, "params": params}
            for i, (_, method, params) in enumerate(calls)
        ]
        answers = self.rpc.post(batch)
        assert all("error" not in answer for answer in answers), answers
        results = {answer["id"]: answer["result"] for answer in answers}
        return {key: results[i] for i, (key, _, _) in enumerate(calls)}

    @staticmethod
    def eth_call(to: str, data: bytes) -> tuple[str, list]:
        """The JSON-RPC method and params of a view call on the latest block."""
        return "eth_call", [{"to": to, "data": to_hex(data)}, "latest"]

    def _raw_call(self, to, data: bytes) -> bytes:
        """A view's return data on the latest block (`to`: an address or a contract)."""
        return bytes(HexBytes(self._rpc(*self.eth_call(_address(to), data))))

    def _view(self, method, *args) -> bytes:
        """The raw return data of a contract's view (`self._view(token.balanceOf, holder)`),
        its arguments encoded by ape, on the latest block."""
        return self._raw_call(method.contract.address, encode_call(method, args))

    def _uint(self, method, *args) -> int:
        """A view's result as an unsigned integer (`self._uint(token.balanceOf, holder)`)."""
        return int.from_bytes(self._view(method, *args), "big")

    def _balance(self, account) -> int:
        """Ether of `account` (an address or anything with one) on the latest block."""
        return _int(self._rpc("eth_getBalance", [_address(account), "latest"]))

    # ------------------------------------------------------------ time

    @property
    def now(self) -> int:
        """The timestamp of the next transaction (and of every dry run)."""
        return self.head + 1

    def _set_next_timestamp(self, timestamp: int) -> None:
        self._rpc("evm_setNextBlockTimestamp", [timestamp])

    def _pin(self) -> int:
        if self.pinned != self.now:
            self._set_next_timestamp(self.now)
            self.pinned = self.now
        return self.now

    def _mine_at(self, timestamp: int) -> None:
        """Mines an empty block at `timestamp` (a time jump): the next transaction runs a
        second later."""
        self._set_next_timestamp(timestamp)
        self._rpc("anvil_mine", ["0x1"])
        head = self._rpc("eth_getBlockByNumber", ["latest", False])
        assert _int(head["timestamp"]) == timestamp
        self.head, self.pinned = timestamp, None

    def _mined(self, tx) -> None:
        """Called with every transaction the machine mined (by `_send`, or a receipt of ape's
        from an SDK call the rule made)."""
        ChainMachine.counts["transactions"] += 1
        self.rpc.changed()
        self.head, self.pinned = tx.timestamp, None

    # ------------------------------------------------------------ transactions and dry runs

    def _request(self, method, args, sender, value) -> dict:
        request = {
            "from": _address(sender),
            "to": str(method.contract.address),
            "data": to_hex(encode_call(method, args)),
        }
        if value:
            request["value"] = hex(value)
        return request

    def _send(self, method, *args, sender, value=0) -> Mined:
        """Sends the call as a transaction from `sender` at `now`; it must succeed."""
        now = self._pin()
        tx = self._transact(self._request(method, args, sender, value), method.abis[0].name)
        assert tx.timestamp == now, (tx.timestamp, now)
        self._mined(tx)
        event(f"sent {method.abis[0].name}")
        return tx

    def sender(self, account) -> RawSender:
        """`account` as the sender of an ape contract call made by code under test (the SDK):
        `court.commit(..., sender=machine.sender(juror))` builds the call through ape as
        always and sends it as `_send` does, at the next block's time; the rule pins the time
        and hands the receipt to `_mined`, as for a receipt of ape's."""
        return RawSender(self, account)

    def raw(self, contract) -> RawContract:
        """`contract` for code under test (the SDK) that takes a contract: its views and its
        transactions from `sender(account)` go through the machine, not through ape."""
        return RawContract(self, contract)

    def _transact(self, request: dict, name: str) -> Mined:
        request |= {
            "gas": hex(self.gas_limit),
            "maxFeePerGas": hex(GAS_PRICE),
            "maxPriorityFeePerGas": hex(GAS_PRICE),
        }
        try:
            receipt = self._rpc("eth_sendTransactionSync", [request])
        except RpcError as err:  # an account ape generated: the node holds no key for it
            if "No Signer available" not in str(err.error.get("message")):
                raise
            self._rpc("anvil_impersonateAccount", [request["from"]])
            self.impersonated.append(request["from"])
            receipt = self._rpc("eth_sendTransactionSync", [request])
        if _int(receipt["status"]) != 1:
            raise AssertionError(f"{name} reverted: {self._revert_of(receipt)}")
        return Mined(receipt, self.logs)

    def _revert_of(self, receipt: dict) -> str:
        """What a failed transaction reverted with (its error's name when known)."""
        trace = self._rpc(
            "debug_traceTransaction", [receipt["transactionHash"], {"tracer": "callTracer"}]
        )
        output = HexBytes(trace.get("output") or b"")
        name = self.error_names.get(bytes(output[:4]), "")
        return f"{name} {output.hex()} ({trace.get('error')})"

    def _dry_run(self, method, *args, sender, value=0) -> HexBytes | None:
        """Revert data of the call on the pending block (at `now`), or None if it succeeds."""
        self._pin()
        try:
            self._rpc("eth_call", [self._request(method, args, sender, value), "pending"])
        except RpcError as err:
            error = err.error
            if "data" not in error and "revert" not in str(error.get("message", "")):
                raise
            return HexBytes(error.get("data") or b"")
        return None

    def _refused(self, expected: HexBytes, method, *args, sender, value=0) -> None:
        """The call, run on the pending block, reverts with exactly `expected`."""
        actual = self._dry_run(method, *args, sender=sender, value=value)
        name = method.abis[0].name
        assert actual is not None, f"{name} succeeded; expected {expected.hex()}"
        assert actual == expected, f"{name}: expected {expected.hex()}, got {actual.hex()}"
        error = self.error_names.get(bytes(expected[:4]))
        event(f"refused {name}: {error}" if error else f"refused {name}")
