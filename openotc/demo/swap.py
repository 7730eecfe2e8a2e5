"""The atomic swap scenarios of `make demo`: two local chains with different chain ids (ape's
node as chain A, a second anvil as chain B), AtomicSwap deployed on both; the initiator's ETH
on chain A for the participant's USDC on chain B, end to end; then a swap the participant
never answers, refunded to the initiator after its timelock."""

from __future__ import annotations

from eth_account import Account

from openotc import swap as sdk
from openotc.devtools.localchain import LocalChain, advance, artifact, fund
from openotc.units import ETHER, HOUR, USDC_UNIT

CHAIN_B_ID = 31338


class SwapDemo:
    def __init__(self, project, web3_a, say):
        self.project = project
        self.web3_a = web3_a
        self.say = say

    def run(self, say_section) -> None:
        with LocalChain(chain_id=CHAIN_B_ID) as web3_b:
            self._run(say_section, web3_b)

    def _run(self, say_section, web3_b) -> None:
        say = self.say
        say_section("Atomic swap: two chains, AtomicSwap on both")
        alice, bob, deployer = Account.create(), Account.create(), Account.create()
        for web3 in (self.web3_a, web3_b):
            for account in (alice, bob, deployer):
                fund(web3, account.address, 10 * ETHER)
        abi, bytecode = artifact(self.project, "AtomicSwap")
        chain_a = sdk.SwapChain.deploy(self.web3_a, abi, bytecode, deployer, name="chain A")
        chain_b = sdk.SwapChain.deploy(web3_b, abi, bytecode, deployer, name="chain B")
        token_abi, token_bytecode = artifact(self.project, "MockERC20")
        factory = web3_b.eth.contract(abi=token_abi, bytecode=token_bytecode)
        receipt = sdk.send_transaction(web3_b, factory.constructor("USD Coin", "USDC", 6), deployer)
        usdc = web3_b.eth.contract(address=receipt.contractAddress, abi=token_abi)
        sdk.send_transaction(web3_b, usdc.functions.mint(bob.address, 10_000 * USDC_UNIT), deployer)
        say(f"chain A (id {chain_a.chain_id}): AtomicSwap at {chain_a.address}")
        say(f"chain B (id {chain_b.chain_id}): AtomicSwap at {chain_b.address}")
        say(f"chain B: USDC at {usdc.address}")
        say(f"alice (initiator) {alice.address}; bob (participant) {bob.address}")

        def balances() -> None:
            for name, account in (("alice", alice), ("bob", bob)):
                on_a = self.web3_a.eth.get_balance(account.address) / ETHER
                say(
                    f"{name:<5} A: {on_a:.4f} ETH | "
                    f"B: {web3_b.eth.get_balance(account.address) / ETHER:.4f} ETH, "
                    f"{usdc.functions.balanceOf(account.address).call() / USDC_UNIT:,.2f} USDC"
                )

        balances()
        plan = sdk.TimelockPlan(
            initiator_window=48 * HOUR, participant_window=24 * HOUR, margin=12 * HOUR
        )
        say(
            f"timelocks: alice's lock lasts {plan.initiator_window // HOUR} h, bob's "
            f"{plan.participant_window // HOUR} h; the margin between them is at least "
            f"{plan.margin // HOUR} h"
        )

        say_section("Atomic swap 1: alice's 1 ETH on chain A for bob's 2,500 USDC on chain B")
        initiator = sdk.Initiator(chain_a, chain_b, alice, plan)
        participant = sdk.Participant(chain_b, chain_a, bob, plan)
        lock_a = initiator.start(bob.address, 1 * ETHER)
        say(f"alice draws a secret; hashlock sha256 = {lock_a.hashlock.hex()[:16]}…")
        say(f"alice locks 1 ETH on chain A for bob until {lock_a.timelock} (chain A time)")
        found = participant.find_initiator_lock(lock_a.hashlock, 1 * ETHER)
        say(f"bob finds it on chain A by hashlock: {found.amount / ETHER} ETH for him")
        # A participant asking for a 40 h lock against alice's 48 h one would leave her too
        # little margin: the SDK refuses before sending anything.
        greedy = sdk.Participant(chain_b, chain_a, bob, sdk.TimelockPlan(96 * HOUR, 40 * HOUR))
        greedy.initiator_lock = found
        try:
            greedy.lock(alice.address, 2_500 * USDC_UNIT, token=usdc.address)
        except sdk.UnsafeTimelocksError as refusal:
            say(f"a 40 h lock for bob is refused by the SDK: {refusal}")
        lock_b = participant.lock(alice.address, 2_500 * USDC_UNIT, token=usdc.address)
        say(f"bob locks 2,500 USDC on chain B for alice until {lock_b.timelock} (chain B time)")
        initiator.check_counterparty(2_500 * USDC_UNIT, token=usdc.address)
        say("alice finds bob's lock on chain B and checks amount, token and timelock margin")
        initiator.claim()
        say("alice claims on chain B with the preimage: the claim event makes it public")
        preimage = participant.learn_preimage()
        say(f"bob reads the preimage from chain B's SwapClaimed event: {preimage.hex()[:16]}…")
        participant.claim()
        say("bob claims alice's ETH on chain A with it")
        settled = not chain_a.is_open(lock_a) and not chain_b.is_open(lock_b)
        say(f"both locks settled: {settled}")
        balances()

        say_section("Atomic swap 2: bob never answers; alice refunds after her timelock")
        lock_a = initiator.start(bob.address, ETHER // 2)
        say(f"alice locks 0.5 ETH on chain A for bob until {lock_a.timelock}")
        try:
            initiator.check_counterparty(1_000 * USDC_UNIT, token=usdc.address)
        except sdk.SwapNotFoundError as missing:
            say(f"alice waits for bob's lock on chain B: {missing}")
        advance(self.web3_a, plan.initiator_window)
        say(f"{plan.initiator_window // HOUR} h pass on chain A without bob locking")
        initiator.refund()
        say(f"alice refunds her 0.5 ETH; the lock is open: {chain_a.is_open(lock_a)}")
        balances()
