"""Atomic swaps across chains with the AtomicSwap HTLC: secrets and hashlocks, safe
timelocks, locking, watching the other chain, learning the preimage, claiming and refunding.

Each chain is a `SwapChain` (a web3 connection and the AtomicSwap deployed there); each party
signs with its own key (an `eth_account` LocalAccount), so the SDK works the same against a
local anvil and a live network. The two roles:

- the **initiator** knows the secret: it locks first (`Initiator.start`), waits for the
  participant's lock on the other chain and checks it (`Initiator.check_counterparty`), then
  claims it (`Initiator.claim`), which reveals the preimage;
- the **participant** finds the initiator's lock (`Participant.find_initiator_lock`), locks
  with a shorter timelock (`Participant.lock`), learns the preimage from the claim event on its
  own chain (`Participant.learn_preimage`) and claims the initiator's lock (`Participant.claim`).

Timelocks are compared as time left on each chain's own clock (chains disagree on "now").
The initiator's lock must outlive the participant's by at least `margin` seconds, so that once
the initiator claims (revealing the preimage just before the participant's lock ends, at
worst), the participant still has `margin` to claim its side; `UnsafeTimelocksError` refuses any
plan or counterparty lock that breaks this.

A swap can also go back to its sender before its timelock if the recipient agrees: the
recipient signs an EIP-712 `Refund(bytes32 swapId)` (`sign_refund`) and anyone submits it with
`refundCooperatively`.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from eth_abi import decode, encode
from eth_account import Account
from eth_utils import keccak, to_checksum_address
from web3.exceptions import ContractCustomError

from openotc import eip712
from openotc.units import HOUR, UNLIMITED, ZERO_ADDRESS

# The EIP-712 domain and type of a cooperative refund, as IAtomicSwap specifies them.
DOMAIN_NAME = "OpenOTC AtomicSwap"
DOMAIN_VERSION = "1"
REFUND_TYPES = eip712.struct_types("Refund(bytes32 swapId)")

_ERC20_ABI = [
    {
        "type": "function",
        "name": name,
        "stateMutability": mutability,
        "inputs": [{"name": f"a{i}", "type": kind} for i, kind in enumerate(inputs)],
        "outputs": [{"name": "", "type": output}],
    }
    for name, mutability, inputs, output in (
        ("approve", "nonpayable", ["address", "uint256"], "bool"),
        ("allowance", "view", ["address", "address"], "uint256"),
        ("balanceOf", "view", ["address"], "uint256"),
    )
]


class UnsafeTimelocksError(ValueError):
    """A timelock plan, or a counterparty's lock, that could let one side lose its funds."""


class SwapNotFoundError(LookupError):
    """The awaited lock or claim is not on chain (yet)."""


def new_secret() -> tuple[bytes, bytes]:
    """A fresh 32-byte preimage and its sha256 hashlock."""
    preimage = secrets.token_bytes(32)
    return preimage, hashlock_of(preimage)


def hashlock_of(preimage: bytes) -> bytes:
    return hashlib.sha256(preimage).digest()


@dataclass(frozen=True)
class SwapTerms:
    """`IAtomicSwap.Swap`: everything a claim or refund passes back to the contract."""

    hashlock: bytes
    token: str  # ZERO_ADDRESS for ETH
    amount: int
    sender: str
    recipient: str
    timelock: int

    def as_tuple(self) -> tuple:
        return (
            self.hashlock,
            to_checksum_address(self.token),
            self.amount,
            to_checksum_address(self.sender),
            to_checksum_address(self.recipient),
            self.timelock,
        )

    @property
    def swap_id(self) -> bytes:
        """keccak256(abi.encode(swap)), as `AtomicSwap.swapIdOf` computes it."""
        types = ["bytes32", "address", "uint256", "address", "address", "uint256"]
        return keccak(encode(types, list(self.as_tuple())))

    @property
    def is_ether(self) -> bool:
        return int(self.token, 16) == 0


def refund_typed_data(swap_id: bytes, swap_contract: str, chain_id: int) -> dict:
    """The EIP-712 message `Refund(bytes32 swapId)` under the AtomicSwap at `swap_contract` on
    `chain_id`."""
    return eip712.typed_data(
        DOMAIN_NAME,
        DOMAIN_VERSION,
        chain_id,
        to_checksum_address(str(swap_contract)),
        REFUND_TYPES,
        {"swapId": bytes(swap_id)},
    )


def refund_digest(swap_id: bytes, swap_contract: str, chain_id: int) -> bytes:
    """The 32-byte digest the recipient signs: what `AtomicSwap.refundDigest(swapId)` returns."""
    return eip712.digest(refund_typed_data(swap_id, swap_contract, chain_id))


def sign_refund(swap_id: bytes, swap_contract: str, chain_id: int, signer) -> bytes:
    """65-byte (r, s, v) signature of the cooperative refund of swap `swap_id` by `signer`, the
    swap's recipient (or the owner key of its EIP-1271 wallet): an ape account that signs raw
    digests, or an `eth_account` LocalAccount as the swap roles use."""
    digest = refund_digest(swap_id, swap_contract, chain_id)
    if hasattr(signer, "sign_raw_msghash"):
        return bytes(signer.sign_raw_msghash(digest).encode_rsv())
    return bytes(signer.unsafe_sign_hash(digest).signature)


def recover_refund_signer(
    swap_id: bytes, swap_contract: str, chain_id: int, signature: bytes
) -> str:
    """The EOA that signed the cooperative refund (EIP-1271 wallets are checked on chain only)."""
    return Account._recover_hash(
        refund_digest(swap_id, swap_contract, chain_id), signature=signature
    )


def check_timelocks(
    initiator_time_left: int, participant_time_left: int, margin: int, min_window: int = HOUR
) -> None:
    """Refuses unsafe timelocks, given the seconds left before each lock's timelock (each on
    its own chain): the participant's lock must leave the initiator `min_window` to claim, and
    the initiator's lock must outlive it by `margin`."""
    if participant_time_left < min_window:
        raise UnsafeTimelocksError(
            f"the participant's lock ends in {participant_time_left} s: the initiator needs at "
            f"least {min_window} s to claim it"
        )
    if initiator_time_left - participant_time_left < margin:
        raise UnsafeTimelocksError(
            f"the initiator's lock ends {initiator_time_left - participant_time_left} s after "
            f"the participant's: at least {margin} s are needed for the participant to claim "
            "once the preimage is revealed"
        )


@dataclass(frozen=True)
class TimelockPlan:
    """How long each lock lasts from the moment it is made, and the margin between them."""

    initiator_window: int = 48 * HOUR
    participant_window: int = 24 * HOUR
    margin: int = 12 * HOUR
    min_window: int = HOUR

    def __post_init__(self):
        check_timelocks(
            self.initiator_window, self.participant_window, self.margin, self.min_window
        )


class SwapChain:
    """The AtomicSwap on one chain, driven through web3 with locally signed transactions."""

    def __init__(self, web3, address: str, abi: list, name: str = "chain"):
        self.web3 = web3
        self.name = name
        self.contract = web3.eth.contract(address=to_checksum_address(address), abi=abi)

    @classmethod
    def deploy(cls, web3, abi: list, bytecode: str, deployer, name: str = "chain") -> SwapChain:
        factory = web3.eth.contract(abi=abi, bytecode=bytecode)
        receipt = send_transaction(web3, factory.constructor(), deployer)
        return cls(web3, receipt.contractAddress, abi, name)

    @property
    def address(self) -> str:
        return self.contract.address

    @property
    def chain_id(self) -> int:
        return self.web3.eth.chain_id

    def now(self) -> int:
        """The latest block's timestamp: this chain's clock."""
        return self.web3.eth.get_block("latest").timestamp

    def lock_eth(self, sender, hashlock: bytes, recipient: str, amount: int, timelock: int):
        terms = SwapTerms(hashlock, ZERO_ADDRESS, amount, sender.address, recipient, timelock)
        call = self.contract.functions.lock(hashlock, terms.as_tuple()[4], timelock)
        send_transaction(self.web3, call, sender, value=amount)
        return terms

    def lock_token(
        self, sender, token: str, hashlock: bytes, recipient: str, amount: int, timelock: int
    ):
        erc20 = self.web3.eth.contract(address=to_checksum_address(token), abi=_ERC20_ABI)
        if erc20.functions.allowance(sender.address, self.address).call() < amount:
            send_transaction(self.web3, erc20.functions.approve(self.address, UNLIMITED), sender)
        terms = SwapTerms(hashlock, token, amount, sender.address, recipient, timelock)
        call = self.contract.functions.lockToken(
            hashlock, terms.as_tuple()[1], amount, terms.as_tuple()[4], timelock
        )
        send_transaction(self.web3, call, sender)
        return terms

    def lock(
        self,
        sender,
        hashlock: bytes,
        recipient: str,
        amount: int,
        timelock: int,
        token: str | None = None,
    ) -> SwapTerms:
        """Locks `amount` of ETH, or of `token` when given."""
        if token is None:
            return self.lock_eth(sender, hashlock, recipient, amount, timelock)
        return self.lock_token(sender, token, hashlock, recipient, amount, timelock)

    def find_lock(self, hashlock: bytes, recipient: str | None = None, from_block: int = 0):
        """The open swap locked under `hashlock` (for `recipient`, if given), from its lock
        event, or None."""
        for event in (self.contract.events.EtherSwapLocked, self.contract.events.TokenSwapLocked):
            for log in event.get_logs(
                from_block=from_block, argument_filters={"hashlock": hashlock}
            ):
                args = log.args
                if recipient and args.recipient.lower() != recipient.lower():
                    continue
                terms = SwapTerms(
                    bytes(args.hashlock),
                    args.get("token", ZERO_ADDRESS),
                    args.amount,
                    args.sender,
                    args.recipient,
                    args.timelock,
                )
                if self.is_open(terms):
                    return terms
        return None

    def find_preimage(self, hashlock: bytes, from_block: int = 0) -> bytes | None:
        """The preimage revealed by a claim under `hashlock` on this chain, or None."""
        logs = self.contract.events.SwapClaimed.get_logs(
            from_block=from_block, argument_filters={"hashlock": hashlock}
        )
        for log in logs:
            preimage = bytes(log.args.preimage)
            if hashlock_of(preimage) == hashlock:
                return preimage
        return None

    def is_open(self, terms: SwapTerms) -> bool:
        return self.contract.functions.isOpen(terms.swap_id).call()

    def claim(self, caller, preimage: bytes, terms: SwapTerms):
        """Claims the swap with `preimage`, for its recipient. The recipient itself sends the
        short call the contract derives the hashlock and the recipient for (`claim`,
        `claimToken`); anyone else submits the whole terms (`claimFor`)."""
        return send_transaction(
            self.web3, claim_call(self.contract, caller, preimage, terms), caller
        )

    def refund(self, caller, terms: SwapTerms):
        """Refunds the swap to its sender, after its timelock: the sender itself sends the
        short call (`refund`, `refundToken`); anyone else submits the whole terms
        (`refundFor`)."""
        return send_transaction(self.web3, refund_call(self.contract, caller, terms), caller)


def _same_address(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def claim_call(contract, caller, preimage: bytes, terms: SwapTerms):
    """The contract call that claims `terms` with `preimage` when `caller` sends it: the
    recipient's own claim (`claim` for ETH, `claimToken` for a token: the contract takes the
    recipient from the caller and the hashlock from the preimage), else `claimFor`."""
    functions = contract.functions
    if not _same_address(caller.address, terms.recipient):
        return functions.claimFor(preimage, terms.as_tuple())
    _, token, amount, sender, _, timelock = terms.as_tuple()
    if terms.is_ether:
        return functions.claim(preimage, amount, sender, timelock)
    return functions.claimToken(preimage, token, amount, sender, timelock)


def refund_call(contract, caller, terms: SwapTerms):
    """The contract call that refunds `terms` when `caller` sends it: the sender's own refund
    (`refund` for ETH, `refundToken` for a token: the contract takes the sender from the
    caller), else `refundFor`."""
    functions = contract.functions
    if not _same_address(caller.address, terms.sender):
        return functions.refundFor(terms.as_tuple())
    hashlock, token, amount, _, recipient, timelock = terms.as_tuple()
    if terms.is_ether:
        return functions.refund(hashlock, amount, recipient, timelock)
    return functions.refundToken(hashlock, token, amount, recipient, timelock)


class Initiator:
    """The side that picks the secret and locks first, on its `home` chain."""

    def __init__(self, home: SwapChain, away: SwapChain, account, plan: TimelockPlan):
        self.home, self.away, self.account, self.plan = home, away, account, plan
        self.preimage: bytes | None = None
        self.hashlock: bytes | None = None
        self.own_lock: SwapTerms | None = None
        self.counterparty_lock: SwapTerms | None = None

    def start(self, recipient: str, amount: int, token: str | None = None) -> SwapTerms:
        """New secret; locks `amount` (ETH, or `token`) on the home chain for `recipient`."""
        self.preimage, self.hashlock = new_secret()
        timelock = self.home.now() + self.plan.initiator_window
        self.own_lock = self.home.lock(
            self.account, self.hashlock, recipient, amount, timelock, token
        )
        return self.own_lock

    def check_counterparty(self, amount: int, token: str | None = None) -> SwapTerms:
        """Finds the participant's lock on the away chain and checks its asset, amount and
        timelock; raises SwapNotFoundError or UnsafeTimelocksError."""
        found = self.away.find_lock(self.hashlock, recipient=self.account.address)
        if found is None:
            raise SwapNotFoundError(f"no lock for {self.account.address} on {self.away.name} yet")
        expected_token = (token or ZERO_ADDRESS).lower()
        if found.token.lower() != expected_token or found.amount < amount:
            raise ValueError(f"the counterparty locked {found.amount} of {found.token}")
        check_timelocks(
            self.own_lock.timelock - self.home.now(),
            found.timelock - self.away.now(),
            self.plan.margin,
            self.plan.min_window,
        )
        self.counterparty_lock = found
        return found

    def claim(self):
        """Claims the participant's lock, revealing the preimage on the away chain."""
        return self.away.claim(self.account, self.preimage, self.counterparty_lock)

    def refund(self):
        """Takes the initiator's own lock back after its timelock."""
        return self.home.refund(self.account, self.own_lock)


class Participant:
    """The side that answers the initiator's lock with its own, on its `home` chain."""

    def __init__(self, home: SwapChain, away: SwapChain, account, plan: TimelockPlan):
        self.home, self.away, self.account, self.plan = home, away, account, plan
        self.initiator_lock: SwapTerms | None = None
        self.own_lock: SwapTerms | None = None
        self.preimage: bytes | None = None

    def find_initiator_lock(
        self, hashlock: bytes, amount: int, token: str | None = None
    ) -> SwapTerms:
        """The initiator's lock for this participant on the away chain, checked for asset and
        amount; raises SwapNotFoundError."""
        found = self.away.find_lock(hashlock, recipient=self.account.address)
        if found is None:
            raise SwapNotFoundError(f"no lock under {hashlock.hex()} on {self.away.name}")
        if found.token.lower() != (token or ZERO_ADDRESS).lower() or found.amount < amount:
            raise ValueError(f"the initiator locked {found.amount} of {found.token}")
        self.initiator_lock = found
        return found

    def lock(self, recipient: str, amount: int, token: str | None = None) -> SwapTerms:
        """Locks on the home chain for the initiator, with the plan's participant window,
        after checking that the hashlock's preimage was never revealed and that the
        initiator's lock outlives the new one by the margin."""
        hashlock = self.initiator_lock.hashlock
        if self.home.find_preimage(hashlock) or self.away.find_preimage(hashlock):
            raise ValueError("this hashlock's preimage is already public: anyone could claim")
        check_timelocks(
            self.initiator_lock.timelock - self.away.now(),
            self.plan.participant_window,
            self.plan.margin,
            self.plan.min_window,
        )
        timelock = self.home.now() + self.plan.participant_window
        self.own_lock = self.home.lock(self.account, hashlock, recipient, amount, timelock, token)
        return self.own_lock

    def learn_preimage(self, from_block: int = 0) -> bytes:
        """The preimage, from the initiator's claim on the home chain; raises SwapNotFoundError."""
        preimage = self.home.find_preimage(self.own_lock.hashlock, from_block)
        if preimage is None:
            hashlock = self.own_lock.hashlock.hex()
            raise SwapNotFoundError(f"no claim under {hashlock} on {self.home.name}")
        self.preimage = preimage
        return preimage

    def claim(self):
        """Claims the initiator's lock on the away chain with the learned preimage."""
        return self.away.claim(self.account, self.preimage, self.initiator_lock)

    def refund(self):
        return self.home.refund(self.account, self.own_lock)


class TransactionRefusedError(RuntimeError):
    """The chain refused a transaction; `error` names the contract's custom error (when the
    ABI knows it) and `args` holds its arguments."""

    def __init__(self, error: str, args: tuple = ()):
        super().__init__(f"{error}{args}")
        self.error = error
        self.args_ = args


def send_transaction(web3, call, account, value: int = 0):
    """Builds, signs with `account` (a LocalAccount) and sends a transaction; waits for and
    returns its receipt. A revert (found when estimating gas, or on chain) raises
    TransactionRefusedError with the decoded custom error."""
    try:
        transaction = call.build_transaction(
            {
                "from": account.address,
                "value": value,
                "nonce": web3.eth.get_transaction_count(account.address, "pending"),
                "chainId": web3.eth.chain_id,
            }
        )
    except ContractCustomError as refusal:
        raise _decoded(getattr(call, "contract_abi", None) or [], refusal) from refusal
    signed = account.sign_transaction(transaction)
    tx_hash = web3.eth.send_raw_transaction(signed.raw_transaction)
    receipt = web3.eth.wait_for_transaction_receipt(tx_hash)
    if receipt.status != 1:
        raise TransactionRefusedError("reverted", (tx_hash.hex(),))
    return receipt


def _decoded(abi: list, refusal: ContractCustomError) -> TransactionRefusedError:
    data = bytes.fromhex(str(refusal.data).removeprefix("0x"))
    for item in abi:
        if item.get("type") != "error":
            continue
        types = [field["type"] for field in item.get("inputs", [])]
        if keccak(text=f"{item['name']}({','.join(types)})")[:4] == data[:4]:
            return TransactionRefusedError(item["name"], tuple(decode(types, data[4:])))
    return TransactionRefusedError("unknown error", (data.hex(),))
