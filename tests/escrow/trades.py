"""Helpers the escrow suites share: time, balances, statistics and the stored commitment of a
trade."""


def pin(chain, timestamp):
    """The next block is mined at `timestamp`."""
    chain.pending_timestamp = timestamp
    return timestamp


def balances(token, *owners) -> list[int]:
    return [token.balanceOf(owner) for owner in owners]


def stats(escrow, account, token):
    """A trader's statistics for `token`: (completed, won, lost, volume)."""
    s = escrow.statsOf(account, token)
    return (s.tradesCompleted, s.disputesWon, s.disputesLost, s.volume)


def assert_committed(escrow, book, trade_id, status):
    """The escrow stores the hash of the record the book derived from events."""
    record = book.record(trade_id)
    assert record.status == status
    assert escrow.tradeCommitment(trade_id) == record.commitment()


def settlement_calls(payment_reference: bytes) -> list[tuple[str, tuple, str]]:
    """(method, extra arguments, caller role) of every call that moves a trade on outside a
    ruling, each by the caller the method accepts in the state it expects."""
    return [
        ("markPaid", (payment_reference,), "buyer"),
        ("release", (), "seller"),
        ("releaseAfterTimeout", (), "buyer"),
        ("cancel", (), "buyer"),
        ("cancel", (), "seller"),
    ]


SETTLEMENT_IDS = [f"{method}_by_{role}" for method, _, role in settlement_calls(b"")]
