"""The JurorCourt's stateful property test on the chain: `CourtChain` is the toolkit's
`ChainMachine` with the court's contracts, the model it starts from (read from the chain), its
clock (block numbers as well as timestamps: the randomness window counts blocks), event decoding,
one batched read of everything the invariants compare, and the model queries the rules and the
invariants share. The rules are in test_court_properties.py."""

from __future__ import annotations

from eth_utils import to_checksum_address, to_hex
from hexbytes import HexBytes
from hypothesis import event
from hypothesis import strategies as st

from openotc.court import Period
from tests.court.court_model import (
    _DISPUTE_INFO,
    _JUROR_INFO,
    _PARAMS_INFO,
    _ROUND_INFO,
    _TOTALS_INFO,
    TOTAL_FIELDS,
    DisputeModel,
    JurorModel,
    _norm,
)
from tests.utils.stateful import ChainMachine, call_data, decoded, encode_call, error_names


class CourtChain(ChainMachine):
    # Set by the test function before the machine runs (hypothesis cannot take fixtures).
    court = token = randomness = arbitrable = stranger = salts = governance = None
    treasury: str = ""
    juror_accounts: tuple = ()
    court_params = None

    def __init__(self):
        super().__init__()
        self.params = self.court_params  # in force now; a dispute keeps its own
        self.lookahead = self.params.randomness_lookahead
        self.window = self.params.randomness_window
        self.error_names = error_names(self.court, self.token, self.randomness, self.arbitrable)

        # The clock counts blocks too (the randomness window): `head_ts` and `head_no` are the
        # last block's, `next_ts` the next transaction's (later than `head_ts + 1` after a jump).
        head = self._rpc("eth_getBlockByNumber", ["latest", False])
        self.head_ts, self.head_no = int(head["timestamp"], 16), int(head["number"], 16)
        self.next_ts = self.head_ts + 1

        # The court as the test function left it: jurors staked, no dispute.
        read = self._read()
        assert read["params"] == self.params.as_tuple()
        assert self._uint(self.court.disputeCount) == 0
        assert read["pending"] == 0
        self.jurors = [JurorModel(account) for account in self.juror_accounts]
        self.by_address = {j.address: j for j in self.jurors}
        self.ids: list[str] = [None] * read["juror_count"]
        for j in self.jurors:
            info = read["jurors"][j.address]
            if info[1]:
                j.id, j.stake = info[0], info[2]
                self.ids[j.id] = j.address
            j.cooling, j.cooling_ends = info[9], info[10]
            j.tokens, j.eth = read["tokens"][j.address], read["eth"][j.address]
        assert None not in self.ids, "every juror of the court is one of the machine's"
        self.totals = dict(zip(TOTAL_FIELDS, read["totals"], strict=True))
        for name in TOTAL_FIELDS:
            if name not in ("staked", "cooling"):
                assert self.totals[name] == 0, name
        self.treasury_tokens = read["tokens"][self.treasury]
        self.treasury_eth = read["eth"][self.treasury]

        self.disputes: list[DisputeModel] = []
        self.stale_before = 0  # block of the last stake applied while rounds wait for jurors
        self.rejecting = False  # the arbitrable rejects rulings
        # Flows, for invariant 4.
        self.fees_in = 0
        self.slashed = 0
        self.paid_eth = 0
        self.paid_tokens = 0

    # ------------------------------------------------------------ chain helpers

    @property
    def now(self) -> int:
        """The timestamp of the next transaction (and of every dry run)."""
        return self.next_ts

    def _jump(self, timestamp: int) -> None:
        """The next transaction runs at `timestamp` (if that is not in the past)."""
        if timestamp > self.next_ts:
            self.next_ts = timestamp
            event("time jump")

    def _mined(self, tx) -> None:
        super()._mined(tx)
        self.head_ts, self.head_no = tx.timestamp, tx.block_number
        self.next_ts, self.pinned = self.head_ts + 1, None
        juror = self.by_address.get(tx.sender)
        if juror is not None:
            juror.eth -= tx.total_fees_paid

    def _mine(self, blocks: int) -> None:
        start = self._pin()
        self._rpc("anvil_mine", [hex(blocks)])
        head = self._rpc("eth_getBlockByNumber", ["latest", False])
        self.head_ts, self.head_no = int(head["timestamp"], 16), int(head["number"], 16)
        assert self.head_ts == start + blocks - 1  # one second per block
        self.next_ts, self.pinned = self.head_ts + 1, None

    def _call(self, method, *args) -> bytes:
        """A view's return data on the pending block (at `now`)."""
        self._pin()
        request = {"to": str(method.contract.address), "data": to_hex(encode_call(method, args))}
        return bytes(HexBytes(self._rpc("eth_call", [request, "pending"])))

    def _err(self, error, **inputs) -> HexBytes:
        return self.error_data(error, **inputs)

    def _logs(self, tx, event_type, contract=None) -> list[dict]:
        address = (contract or self.court).address
        return [
            {k: _norm(v) for k, v in log.event_arguments.items()}
            for log in tx.decode_logs(event_type)
            if log.contract_address == address
        ]

    def _one(self, tx, event_type, contract=None) -> dict:
        logs = self._logs(tx, event_type, contract)
        assert len(logs) == 1, f"{event_type.abi.name}: {len(logs)} logs"
        return logs[0]

    def _juror(self, data, candidates: list[JurorModel]) -> JurorModel:
        """One of `candidates`, drawn by its index among the jurors (shown so in a failing
        example)."""
        indices = [self.jurors.index(j) for j in candidates]
        return self.jurors[data.draw(st.sampled_from(indices), label="juror")]

    def _dispute(self, data, candidates: list[DisputeModel]) -> DisputeModel:
        """One of `candidates`, drawn by its id."""
        ids = [d.id for d in candidates]
        return self.disputes[data.draw(st.sampled_from(ids), label="dispute")]

    # ------------------------------------------------------------ reading the chain

    def _read(self) -> dict:
        """Every value the invariants compare, in one raw JSON-RPC batch."""
        c, t = self.court.address, self.token.address
        holders = [a.address for a in self.juror_accounts] + [self.treasury]
        calls = [
            (("totals",), c, call_data("totals()")),
            (("total_weight",), c, call_data("totalWeight()")),
            (("pending",), c, call_data("pendingDraws()")),
            (("frozen",), c, call_data("frozen()")),
            (("juror_count",), c, call_data("jurorCount()")),
            (("court_tokens",), t, call_data("balanceOf(address)", c)),
            (("params",), c, call_data("params()")),
        ]
        calls += [
            (("juror", a.address), c, call_data("juror(address)", a.address))
            for a in self.juror_accounts
        ]
        calls += [(("tokens", h), t, call_data("balanceOf(address)", h)) for h in holders]
        disputes = getattr(self, "disputes", [])
        calls += [(("dispute", d.id), c, call_data("dispute(uint256)", d.id)) for d in disputes]
        calls += [
            (("dispute_params", d.id), c, call_data("disputeParams(uint256)", d.id))
            for d in disputes
        ]
        calls += [
            (("round", d.id), c, call_data("round(uint256,uint256)", d.id, len(d.rounds) - 1))
            for d in disputes
        ]
        balances = [c, *holders]
        reads = [(key, *self.eth_call(to, data)) for key, to, data in calls]
        reads += [(("eth", a), "eth_getBalance", [a, "latest"]) for a in balances]
        results = {key: bytes(HexBytes(raw)) for key, raw in self._batch(reads).items()}

        read: dict = {"jurors": {}, "tokens": {}, "eth": {}, "disputes": {}, "rounds": {}}
        read["dispute_params"] = {}
        for key, _, _ in calls:
            raw = results[key]
            kind = key[0]
            if kind == "totals":
                read["totals"] = decoded(_TOTALS_INFO, raw)
            elif kind in ("total_weight", "pending", "juror_count", "court_tokens"):
                read[kind] = int.from_bytes(raw, "big")
            elif kind == "params":
                read["params"] = decoded(_PARAMS_INFO, raw)
            elif kind == "dispute_params":
                read["dispute_params"][key[1]] = decoded(_PARAMS_INFO, raw)
            elif kind == "frozen":
                read["frozen"] = bool(int.from_bytes(raw, "big"))
            elif kind == "juror":
                read["jurors"][key[1]] = decoded(_JUROR_INFO, raw)
            elif kind == "tokens":
                read["tokens"][key[1]] = int.from_bytes(raw, "big")
            elif kind == "dispute":
                info = decoded(_DISPUTE_INFO, raw)
                read["disputes"][key[1]] = (to_checksum_address(info[0]), *info[1:])
            elif kind == "round":
                info = decoded(_ROUND_INFO, raw)
                jurors = tuple(to_checksum_address(a) for a in info[1])
                read["rounds"][key[1]] = (info[0], jurors, *info[2:])
        for a in balances:
            value = int.from_bytes(results[("eth", a)], "big")
            if a == c:
                read["court_eth"] = value
            else:
                read["eth"][a] = value
        return read

    # ------------------------------------------------------------ model queries

    def weights(self) -> list[int]:
        """The drawing weights by juror id (the tree's leaves)."""
        return [self.by_address[address].weight for address in self.ids]

    def total_weight(self) -> int:
        return sum(j.weight for j in self.jurors if j.id is not None)

    def pending_draws(self) -> int:
        return sum(1 for d in self.disputes for r in d.rounds if not r.drawn)

    def frozen(self) -> bool:
        return self.pending_draws() > 0 and self.total_weight() > 0

    def period_end(self, d: DisputeModel) -> int:
        return d.start + d.duration(d.period)

    def unruled(self) -> list[DisputeModel]:
        return [d for d in self.disputes if d.period != Period.EXECUTION]

    def in_period(self, period: Period, open_only=True) -> list[DisputeModel]:
        return [
            d
            for d in self.disputes
            if d.period == period and (not open_only or self.now < self.period_end(d))
        ]

    def undrawn(self) -> list[DisputeModel]:
        return [d for d in self.in_period(Period.EVIDENCE, False) if not d.current.drawn]

    def uncommitted(self, d: DisputeModel) -> list[str]:
        r = d.current
        return [a for a in dict.fromkeys(r.jurors) if a not in r.ballots]

    def unrevealed(self, d: DisputeModel) -> list[str]:
        r = d.current
        return [a for a, ballots in r.ballots.items() if not all(b.revealed for b in ballots)]

    def can_commit(self) -> list[DisputeModel]:
        return [d for d in self.in_period(Period.COMMIT) if self.uncommitted(d)]

    def can_reveal(self) -> list[DisputeModel]:
        return [d for d in self.in_period(Period.REVEAL) if self.unrevealed(d)]

    def can_settle(self) -> list[DisputeModel]:
        return [d for d in self.in_period(Period.EXECUTION, False) if d.unsettled()]
