"""`ChainMachine`: the base of every stateful property suite that drives real transactions.

Hypothesis runs many examples inside one pytest test, and ape snapshots the chain around tests,
not examples: the machine snapshots the chain when an example starts and restores it in
`teardown`, so every example starts from the state the test function set up.

Time is exact: `now` is the timestamp of the next transaction. `_pin` sets the pending block's
timestamp to it, so a dry run (`eth_call` on the pending block) sees what the next transaction
will see; `_send` asserts the transaction ran at `now` and moves `head`.

Hypothesis cannot pass fixtures to a machine: the test function sets the class attributes
(`chain`, `error_data`, the contracts) before it runs the machine.
"""

import inspect
from functools import cache

import requests
from eth_abi import encode
from eth_utils import keccak, to_hex
from hexbytes import HexBytes
from hypothesis import event
from hypothesis.stateful import RuleBasedStateMachine
from web3.exceptions import ContractLogicError


@cache
def _selector_and_types(signature: str) -> tuple[bytes, list[str]]:
    name_types = signature.removesuffix(")").split("(", 1)[1]
    return keccak(text=signature)[:4], [t for t in name_types.split(",") if t]


def call_data(signature: str, *args) -> bytes:
    """The calldata of a call by its signature: `call_data("balanceOf(address)", holder)` is
    the selector and the ABI-encoded arguments (the batched reads skip ape's encoding)."""
    selector, types = _selector_and_types(signature)
    return selector + encode(types, list(args)) if types else selector


def error_names(*contracts) -> dict[bytes, str]:
    """Selector -> name of every custom error the contracts declare."""
    return {
        keccak(text=abi.selector)[:4]: abi.name
        for contract in contracts
        for abi in contract.contract_type.errors
    }


class ChainMachine(RuleBasedStateMachine):
    chain = None  # ape's chain manager
    error_data = None  # the `error_data` fixture: exact revert data of an error
    # What every machine of the session did, for `make bench-properties` (tests/utils/benchmark).
    counts = {"examples": 0, "transactions": 0}

    def __init__(self):
        super().__init__()
        ChainMachine.counts["examples"] += 1
        # Ape isolates each pytest test, not each hypothesis example: isolate examples here.
        self.snapshot = self.chain.snapshot()
        self.w3 = self.chain.provider.web3
        self.rpc = requests.Session()
        self.endpoint = self.w3.provider.endpoint_uri
        self.head = self.chain.blocks.head.timestamp  # of the last mined block
        self.pinned: int | None = None
        self.error_names: dict[bytes, str] = {}  # for the statistics of `_refused`

    @classmethod
    def bind(cls, request, fixtures: str) -> None:
        """Sets a class attribute per fixture named in `fixtures` (space-separated) to its value
        in the running test (`request`: list the fixtures among the test's arguments too, so
        they are set up before the test runs); functions become static methods."""
        for name in fixtures.split():
            value = request.getfixturevalue(name)
            setattr(cls, name, staticmethod(value) if inspect.isfunction(value) else value)

    def teardown(self):
        self.chain.restore(self.snapshot)

    # ------------------------------------------------------------ time

    @property
    def now(self) -> int:
        """The timestamp of the next transaction (and of every dry run)."""
        return self.head + 1

    def _pin(self) -> int:
        if self.pinned != self.now:
            self.chain.pending_timestamp = self.now
            self.pinned = self.now
        return self.now

    def _mined(self, tx) -> None:
        """Called with every transaction `_send` mined."""
        self.head, self.pinned = tx.timestamp, None

    # ------------------------------------------------------------ transactions and dry runs

    def _send(self, method, *args, sender, value=0):
        now = self._pin()
        kwargs = {"sender": sender, "value": value} if value else {"sender": sender}
        tx = method(*args, **kwargs)
        assert tx.timestamp == now
        self._mined(tx)
        ChainMachine.counts["transactions"] += 1
        event(f"sent {method.abis[0].name}")
        return tx

    def _dry_run(self, method, *args, sender, value=0) -> HexBytes | None:
        """Revert data of the call on the pending block (at `now`), or None if it succeeds."""
        self._pin()
        request = {
            "from": str(getattr(sender, "address", sender)),
            "to": str(method.contract.address),
            "data": to_hex(method.encode_input(*args)),
            "value": value,
        }
        try:
            self.w3.eth.call(request, "pending")
        except ContractLogicError as err:
            return HexBytes(err.data or b"")
        return None

    def _refused(self, expected: HexBytes, method, *args, sender, value=0) -> None:
        """The call, run on the pending block, reverts with exactly `expected`."""
        actual = self._dry_run(method, *args, sender=sender, value=value)
        name = method.abis[0].name
        assert actual is not None, f"{name} succeeded; expected {expected.hex()}"
        assert actual == expected, f"{name}: expected {expected.hex()}, got {actual.hex()}"
        error = self.error_names.get(bytes(expected[:4]))
        event(f"refused {name}: {error}" if error else f"refused {name}")

    # ------------------------------------------------------------ reading the chain

    def _batch(self, calls: list[tuple]) -> dict:
        """`calls` are (key, JSON-RPC method, params); returns key -> raw result, all read in
        one raw JSON-RPC batch (web3's batching costs more in Python than the node spends
        answering)."""
        batch = [
            {"jsonrpc": "2.0", "id": i, "method": method, "params": params}
            for i, (_, method, params) in enumerate(calls)
        ]
        answers = self.rpc.post(self.endpoint, json=batch, timeout=60).json()
        assert all("error" not in answer for answer in answers), answers
        results = {answer["id"]: answer["result"] for answer in answers}
        return {key: results[i] for i, (key, _, _) in enumerate(calls)}

    @staticmethod
    def eth_call(to: str, data: bytes) -> tuple[str, list]:
        """The JSON-RPC method and params of a view call on the latest block."""
        return "eth_call", [{"to": to, "data": to_hex(data)}, "latest"]
