"""`make gas-trace`: where the gas of the steady-state escrow trade goes, opcode by opcode.

It runs the same trade `make gas` measures as `escrow.trade_total` (open, mark paid, release,
both parties regular) and reads each transaction's opcode trace from the node
(`debug_traceTransaction`). Every unit of gas falls in one class:

- base: the 21,000 every transaction pays;
- calldata: the rest of the intrinsic cost (the transaction's input bytes);
- storage: SLOAD and SSTORE, cold or warm, before refunds;
- accounts: the first touch of each contract in the transaction (EIP-2929, 2,600) and every
  later warm call (100), and ETH value transfers;
- logs: LOG0-LOG4 (events, including the tokens' Transfer events);
- ecrecover: the signature precompile;
- compute: everything else (arithmetic, memory, hashing, ABI encoding, control flow);
- refund: what the transaction got back (EIP-3529), subtracted.

All but compute is what the trade's storage, calls and events cost whatever the code around
them: their sum is a floor no implementation of the same reads, writes, calls and events can
go under. The table prints it next to the measured total.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

CALLS = {"CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"}
ACCOUNT_OPS = {"EXTCODESIZE", "EXTCODEHASH", "EXTCODECOPY", "BALANCE"}
STORAGE_OPS = {"SLOAD", "SSTORE"}
ECRECOVER = 1
PRECOMPILE_LIMIT = 0x0A  # addresses 0x01..0x0a are precompiles (cancun)
BASE = 21_000
CLASSES = ("base", "calldata", "storage", "accounts", "logs", "ecrecover", "compute", "refund")


@dataclass
class TxCosts:
    name: str
    gas_used: int
    classes: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        """Every class, less the refund: equals `gas_used` when the split is complete."""
        return sum(self.classes[c] for c in CLASSES if c != "refund") - self.classes["refund"]

    @property
    def floor(self) -> int:
        """Every class but compute, less the refund."""
        return self.total - self.classes["compute"]


def _callee_used(logs: list[dict], i: int) -> tuple[int, int]:
    """(gas the callee of the call at `i` used, index of the step after the call)."""
    depth = logs[i]["depth"]
    j = i + 1
    if j >= len(logs) or logs[j]["depth"] <= depth:
        return 0, j  # a precompile or an account without code: no steps inside
    start = logs[j]["gas"]
    while j < len(logs) and logs[j]["depth"] > depth:
        j += 1
    last = logs[j - 1]
    end = last["gas"] - last["gasCost"]
    return start - end, j


def classify(name: str, trace: dict, gas_limit: int, gas_used: int) -> TxCosts:
    """Splits one transaction's gas into CLASSES from its struct-log trace."""
    logs = trace["structLogs"]
    costs = TxCosts(name, gas_used)
    intrinsic = gas_limit - logs[0]["gas"]
    costs.classes["base"] = BASE
    costs.classes["calldata"] = intrinsic - BASE
    spent = intrinsic
    for i, step in enumerate(logs):
        op, cost = step["op"], step["gasCost"]
        if op in CALLS:
            callee = int(step["stack"][-2], 16)
            inner, after = _callee_used(logs, i)
            returned_at = logs[after]["gas"] if after < len(logs) else None
            if returned_at is None:
                continue
            own = step["gas"] - returned_at - inner
            if 0 < callee <= PRECOMPILE_LIMIT and inner == 0:
                # The precompile's work and the call's access cost are one figure here.
                costs.classes["ecrecover" if callee == ECRECOVER else "compute"] += own
            else:
                costs.classes["accounts"] += own
            spent += own
            continue
        if op in STORAGE_OPS:
            costs.classes["storage"] += cost
        elif op.startswith("LOG"):
            costs.classes["logs"] += cost
        elif op in ACCOUNT_OPS:
            costs.classes["accounts"] += cost
        else:
            costs.classes["compute"] += cost
        spent += cost
    costs.classes["refund"] = spent - gas_used
    return costs


def trace(chain, receipt) -> dict:
    web3 = chain.provider.web3
    response = web3.provider.make_request(
        "debug_traceTransaction",
        [receipt.txn_hash, {"disableStorage": True, "disableMemory": True}],
    )
    if "result" not in response:
        raise RuntimeError(f"the node refused debug_traceTransaction: {response}")
    return response["result"]


def table(rows: list[TxCosts]) -> str:
    total = TxCosts("total", sum(r.gas_used for r in rows))
    for row in rows:
        total.classes.update(row.classes)
    rows = [*rows, total]
    width = max(len(r.name) for r in rows) + 2
    lines = [f"{'class':<10}" + "".join(f"{r.name:>{width}}" for r in rows)]
    for cls in CLASSES:
        sign = -1 if cls == "refund" else 1
        lines.append(f"{cls:<10}" + "".join(f"{sign * r.classes[cls]:>{width},}" for r in rows))
    lines.append(f"{'gas used':<10}" + "".join(f"{r.gas_used:>{width},}" for r in rows))
    lines.append(f"{'floor':<10}" + "".join(f"{r.floor:>{width},}" for r in rows))
    return "\n".join(lines)


def run(project, chain, accounts, out: Callable[[str], None] = print) -> list[TxCosts]:
    """Runs `make gas`'s escrow measurement and prints where each of its trade's transactions
    spends its gas."""
    from openotc.devtools.gas import GasBook, measure_escrow

    book = GasBook()
    snapshot = chain.snapshot()
    measure_escrow(project, chain, accounts, book)
    rows = []
    for name in ("escrow.open_trade", "escrow.mark_paid", "escrow.release"):
        receipt = book.receipts[name]
        gas_limit = int(chain.provider.web3.eth.get_transaction(receipt.txn_hash)["gas"])
        label = name.split(".")[1]
        rows.append(classify(label, trace(chain, receipt), gas_limit, int(receipt.gas_used)))
    chain.restore(snapshot)
    for row in rows:
        if row.total != row.gas_used:
            raise RuntimeError(f"{row.name}: the classes do not add up to the gas used")
    out(table(rows))
    return rows
