"""Juror helpers for the JurorCourt: commitments, salts kept safely off-chain, and each step
of a juror's duty (stake, commit, reveal, settle, withdraw).

A salt is what keeps a committed vote secret until the reveal period: it never goes on chain
before the reveal, never into an event, and is kept in a file only its owner can read. Losing
it means the vote cannot be revealed and the seat is slashed, so `SaltStore` writes every salt
to disk (atomically) before the commit transaction is sent.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from openotc.units import UNLIMITED

if TYPE_CHECKING:
    from ape.api import AccountAPI, ReceiptAPI
    from ape.contracts import ContractInstance


class Period(IntEnum):
    """`IJurorCourt.Period`."""

    EVIDENCE = 0
    COMMIT = 1
    REVEAL = 2
    APPEAL = 3
    EXECUTION = 4


def commitment(
    choice: int,
    salt: bytes,
    juror: str,
    dispute_id: int,
    round_index: int,
    chain_id: int,
    court: str,
) -> bytes:
    """keccak256(abi.encode(choice, salt, juror, disputeId, round, chainid, court)): the value a
    juror commits, as `IJurorCourt.commitmentOf` computes it."""
    return keccak(
        encode(
            ["uint256", "bytes32", "address", "uint256", "uint256", "uint256", "address"],
            [
                choice,
                salt,
                to_checksum_address(juror),
                dispute_id,
                round_index,
                chain_id,
                to_checksum_address(court),
            ],
        )
    )


@dataclass(frozen=True)
class SealedVote:
    choice: int
    salt: bytes


class SaltStore:
    """Committed votes (choice and salt) by chain, court, dispute, round and juror, in a JSON
    file created with mode 0600 and replaced atomically on every change."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    @staticmethod
    def key(chain_id: int, court: str, dispute_id: int, round_index: int, juror: str) -> str:
        return f"{chain_id}:{court.lower()}:{dispute_id}:{round_index}:{juror.lower()}"

    def seal(self, key: str, choice: int) -> SealedVote:
        """A fresh 32-byte salt for `choice`, saved under `key` before it is returned."""
        sealed = SealedVote(choice, secrets.token_bytes(32))
        entries = self._read()
        entries[key] = {"choice": choice, "salt": sealed.salt.hex()}
        self._write(entries)
        return sealed

    def recall(self, key: str) -> SealedVote:
        entry = self._read().get(key)
        if entry is None:
            raise KeyError(f"no sealed vote for {key} in {self.path}")
        return SealedVote(int(entry["choice"]), bytes.fromhex(entry["salt"]))

    def forget(self, key: str) -> None:
        entries = self._read()
        if entries.pop(key, None) is not None:
            self._write(entries)

    def _read(self) -> dict:
        if not self.path.exists():
            return {}
        return json.loads(self.path.read_text())

    def _write(self, entries: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp creates a new file (O_EXCL, never a leftover or a symlink) with mode 0600.
        descriptor, temporary = tempfile.mkstemp(
            dir=self.path.parent, prefix=self.path.name + ".", suffix=".tmp"
        )
        try:
            with os.fdopen(descriptor, "w") as handle:
                json.dump(entries, handle, indent=1, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def seats_of(
    court: ContractInstance, dispute_id: int, juror: str, round_index: int | None = None
) -> list[int]:
    """The seats `juror` holds in a round (default: the current one)."""
    if round_index is None:
        round_index = court.dispute(dispute_id).rounds - 1
    drawn = court.round(dispute_id, round_index).jurors
    return [seat for seat, account in enumerate(drawn) if account.lower() == juror.lower()]


class Juror:
    """One juror's duty on one court, with its salts in `salts`."""

    def __init__(
        self, court: ContractInstance, account: AccountAPI, salts: SaltStore, chain_id: int
    ):
        self.court = court
        self.account = account
        self.salts = salts
        self.chain_id = chain_id

    @property
    def address(self) -> str:
        return self.account.address

    def stake(self, token: ContractInstance, amount: int) -> ReceiptAPI:
        """Approves the court (if needed) and sets the stake to `amount`."""
        if token.allowance(self.account, self.court) < amount:
            token.approve(self.court, UNLIMITED, sender=self.account)
        return self.court.setStake(amount, sender=self.account)

    def _key(self, dispute_id: int, round_index: int) -> str:
        return SaltStore.key(
            self.chain_id, self.court.address, dispute_id, round_index, self.address
        )

    def commit(self, dispute_id: int, choice: int) -> ReceiptAPI:
        """Seals `choice` with a new salt (saved first), then commits it for every seat the
        juror holds in the current round."""
        round_index = self.court.dispute(dispute_id).rounds - 1
        seats = seats_of(self.court, dispute_id, self.address, round_index)
        if not seats:
            raise ValueError(f"{self.address} holds no seat in dispute {dispute_id}")
        sealed = self.salts.seal(self._key(dispute_id, round_index), choice)
        digest = commitment(
            choice,
            sealed.salt,
            self.address,
            dispute_id,
            round_index,
            self.chain_id,
            self.court.address,
        )
        return self.court.commit(dispute_id, seats, digest, sender=self.account)

    def reveal(self, dispute_id: int) -> ReceiptAPI:
        """Reveals the sealed vote of the current round for every seat the juror holds."""
        round_index = self.court.dispute(dispute_id).rounds - 1
        seats = seats_of(self.court, dispute_id, self.address, round_index)
        key = self._key(dispute_id, round_index)
        sealed = self.salts.recall(key)
        receipt = self.court.reveal(
            dispute_id, seats, sealed.choice, sealed.salt, sender=self.account
        )
        self.salts.forget(key)
        return receipt

    def withdraw_rewards(self) -> ReceiptAPI | None:
        """Pays out credited rewards; None when there is nothing to withdraw."""
        info = self.court.juror(self.address)
        if info.rewardTokens == 0 and info.rewardEth == 0:
            return None
        return self.court.withdrawRewards(sender=self.account)


def settle_dispute(
    court: ContractInstance, dispute_id: int, sender: AccountAPI
) -> list[ReceiptAPI]:
    """Settles every unsettled seat of every round of a dispute in Execution: incoherent
    seats first (their penalties fund the coherent ones), one transaction per round and kind.
    Returns the receipts."""
    info = court.dispute(dispute_id)
    ruling = info.ruling
    receipts = []
    for round_index in range(info.rounds):
        seats = court.round(dispute_id, round_index).seats
        incoherent, coherent = [], []
        for seat in range(seats):
            vote = court.vote(dispute_id, round_index, seat)
            if vote.settled:
                continue
            matches = vote.revealed and vote.choice == ruling
            (coherent if matches else incoherent).append(seat)
        for group in (incoherent, coherent):
            if group:
                receipts.append(court.settle(dispute_id, round_index, group, sender=sender))
    return receipts


def draw_when_ready(
    court: ContractInstance,
    randomness: ContractInstance,
    chain,
    dispute_id: int,
    sender: AccountAPI,
) -> ReceiptAPI:
    """Mines until the current round's randomness window opens (local chains), then draws.
    If the ticket had expired (the draw only renewed it, emitting no JurorsDrawn), waits for
    the new window and draws again. Returns the receipt of the draw that filled the seats.
    `randomness` is the court's randomness source (a PrevrandaoRandomness)."""
    round_index = court.dispute(dispute_id).rounds - 1
    while True:
        target = randomness.targetBlock(court.round(dispute_id, round_index).ticket)
        missing = target - chain.blocks.head.number - 1
        if missing > 0:
            chain.mine(missing)
        receipt = court.draw(dispute_id, sender=sender)
        if receipt.decode_logs(court.JurorsDrawn):
            return receipt
