"""Driving proposals through the Governor and the timelock.

`Proposal` bundles the calls of one proposal; `ProposalRunner` takes it through propose,
vote, queue and execute. On a local chain `run` also moves time past each period; on a real
network each step is called when its period has passed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from eth_utils import keccak

if TYPE_CHECKING:
    from ape.api import AccountAPI, ReceiptAPI
    from ape.contracts import ContractInstance

# Governor vote types (GovernorCountingSimple).
AGAINST, FOR, ABSTAIN = 0, 1, 2


@dataclass
class Proposal:
    """The calls a proposal makes through the timelock, and its description."""

    description: str
    targets: list[str] = field(default_factory=list)
    values: list[int] = field(default_factory=list)
    calldatas: list[bytes] = field(default_factory=list)

    def call(self, contract: ContractInstance, method: str, *args, value: int = 0) -> Proposal:
        self.targets.append(str(contract.address))
        self.values.append(value)
        self.calldatas.append(bytes(getattr(contract, method).encode_input(*args)))
        return self

    @property
    def description_hash(self) -> bytes:
        return keccak(text=self.description)

    def args(self) -> tuple:
        return self.targets, self.values, self.calldatas


class ProposalRunner:
    def __init__(
        self,
        governor: ContractInstance,
        timelock: ContractInstance,
        chain,
        log: Callable[[str], None] = lambda _: None,
    ):
        self.governor = governor
        self.timelock = timelock
        self.chain = chain
        self.log = log

    def proposal_id(self, proposal: Proposal) -> int:
        return self.governor.getProposalId(*proposal.args(), proposal.description_hash)

    def exists(self, proposal: Proposal) -> bool:
        """Whether `proposal` (same calls, same description) was proposed already."""
        return self.governor.proposalSnapshot(self.proposal_id(proposal)) != 0

    def propose(self, proposal: Proposal, proposer) -> int:
        self.governor.propose(*proposal.args(), proposal.description, sender=proposer)
        return self.proposal_id(proposal)

    def vote(self, proposal_id: int, voters: Sequence, support: int = FOR):
        for voter in voters:
            self.governor.castVote(proposal_id, support, sender=voter)

    def queue(self, proposal: Proposal, sender):
        return self.governor.queue(*proposal.args(), proposal.description_hash, sender=sender)

    def execute(self, proposal: Proposal, sender):
        return self.governor.execute(*proposal.args(), proposal.description_hash, sender=sender)

    def advance_to(self, timestamp: int) -> None:
        """Local chains only: mines a block at `timestamp` (if it is in the future)."""
        if self.chain.blocks.head.timestamp < timestamp:
            self.chain.mine(timestamp=timestamp)

    def propose_and_pass(self, proposal: Proposal, proposer, voters: Sequence) -> int:
        """Local chains only: proposes, votes for, and waits out the voting period.
        Returns the proposal id, now Succeeded and ready to queue."""
        pid = self.propose(proposal, proposer)
        self.log(f"proposed #{str(pid)[:12]}...: {proposal.description}")
        self.advance_to(self.governor.proposalSnapshot(pid) + 1)
        self.vote(pid, voters)
        self.log(f"voted FOR by {len(voters)} holder(s)")
        self.advance_to(self.governor.proposalDeadline(pid) + 1)
        return pid

    def run(self, proposal: Proposal, proposer, voters: Sequence, executor=None):
        """Local chains only: propose, vote, queue, wait out the timelock, execute.
        Returns the execution receipt."""
        pid = self.propose_and_pass(proposal, proposer, voters)
        self.queue(proposal, proposer)
        eta = self.governor.proposalEta(pid)
        self.log(f"queued in the timelock, executable at {eta}")
        self.advance_to(eta)
        receipt = self.execute(proposal, executor or proposer)
        self.log(f"executed in tx {receipt.txn_hash}")
        return receipt


def delegate_votes(token: ContractInstance, delegatee, sender: AccountAPI) -> ReceiptAPI:
    """Calls `token.delegate(delegatee)`. Ape's address objects reserve the attribute name
    `delegate` (EIP-7702), so the ERC20Votes method is invoked by name."""
    return token.invoke_transaction("delegate", delegatee, sender=sender)
