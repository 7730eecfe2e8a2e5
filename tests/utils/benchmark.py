"""Counts for `make bench-properties`, in one pytest plugin (loaded by the root conftest).

Off unless `OPENOTC_BENCH_FILE` names a file. Then every test's call phase (for a stateful
suite: all its hypothesis examples, from the machine's first snapshot to its last restore) is
timed, and one JSON line per test is appended to that file with:
- `seconds`: wall time of the call phase (the test function: its own set-up transactions,
  through ape, and the machine's run);
- `transactions`, `examples` and `run_seconds`: what `ChainMachine` counted in it
  (transactions it mined, machines it ran, and the wall time of `ChainMachine.run`: every
  example from its snapshot to its restore, hypothesis' own work included);
- `rpc_calls`, `rpc_sends` and `methods`: every JSON-RPC call made in it (ape's, through
  `requests`, and the harness's own; a batch counts each of its calls),
  the transactions sent among them (`eth_sendTransaction`, `eth_sendRawTransaction`,
  `eth_sendTransactionSync`), and the calls per method.
`openotc.devtools.bench_properties` runs the property suites with it and prints the table.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter

import pytest
import requests.adapters

from tests.utils.stateful import ChainMachine, JsonRpc

ENV = "OPENOTC_BENCH_FILE"
SENDS = ("eth_sendTransaction", "eth_sendRawTransaction", "eth_sendTransactionSync")

_methods: Counter = Counter()


def _count_rpc_calls() -> None:
    """Counts the JSON-RPC methods of every HTTP request sent through `requests` (ape's web3);
    the harness counts its own (`JsonRpc.methods`)."""
    send = requests.adapters.HTTPAdapter.send

    def counting_send(self, request, *args, **kwargs):
        body = request.body
        if body:
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            for call in payload if isinstance(payload, list) else [payload]:
                if isinstance(call, dict) and "method" in call:
                    _methods[call["method"]] += 1
        return send(self, request, *args, **kwargs)

    requests.adapters.HTTPAdapter.send = counting_send


def pytest_configure(config):
    if os.environ.get(ENV):
        _count_rpc_calls()


def _counts() -> dict:
    return {**ChainMachine.counts, "methods": _methods + JsonRpc.methods}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    path = os.environ.get(ENV)
    if not path:
        yield
        return
    before = _counts()
    start = time.perf_counter()
    outcome = yield
    seconds = time.perf_counter() - start
    after = _counts()
    methods = after.pop("methods") - before.pop("methods")
    record = {
        "test": item.nodeid,
        "module": item.nodeid.split("::", 1)[0],
        "passed": outcome.excinfo is None,
        "seconds": seconds,
        **{key: after[key] - before[key] for key in before if key != "seconds"},
        "run_seconds": after["seconds"] - before["seconds"],
        "rpc_calls": sum(methods.values()),
        "rpc_sends": sum(methods[m] for m in SENDS),
        "methods": dict(methods.most_common()),
    }
    with open(path, "a") as out:
        out.write(json.dumps(record) + "\n")
