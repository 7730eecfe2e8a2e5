"""The SDK's two-chain swap (`openotc.swap`) on two local chains with different chain ids:
chain A is the test node, chain B a second anvil started for this module. Both parties sign
with their own keys; nothing is mocked."""

import pytest
from eth_account import Account

from openotc import swap as sdk
from openotc.devtools.localchain import LocalChain, advance, artifact, fund
from openotc.units import ETHER as ETH
from openotc.units import USDC_UNIT as USDC

CHAIN_B_ID = 31338
PLAN = sdk.TimelockPlan(initiator_window=48 * 3600, participant_window=24 * 3600, margin=12 * 3600)


@pytest.fixture(scope="module")
def chain_b():
    with LocalChain(chain_id=CHAIN_B_ID) as web3:
        yield web3


@pytest.fixture(scope="module")
def parties(chain, chain_b):
    alice, bob, deployer = Account.create(), Account.create(), Account.create()
    for web3 in (chain.provider.web3, chain_b):
        for account in (alice, bob, deployer):
            fund(web3, account.address, 10 * ETH)
    return alice, bob, deployer


@pytest.fixture(scope="module")
def legs(project, chain, chain_b, parties):
    _, bob, deployer = parties
    abi, bytecode = artifact(project, "AtomicSwap")
    leg_a = sdk.SwapChain.deploy(chain.provider.web3, abi, bytecode, deployer, name="A")
    leg_b = sdk.SwapChain.deploy(chain_b, abi, bytecode, deployer, name="B")
    token_abi, token_bytecode = artifact(project, "MockERC20")
    factory = chain_b.eth.contract(abi=token_abi, bytecode=token_bytecode)
    receipt = sdk.send_transaction(chain_b, factory.constructor("USD Coin", "USDC", 6), deployer)
    usdc = chain_b.eth.contract(address=receipt.contractAddress, abi=token_abi)
    sdk.send_transaction(chain_b, usdc.functions.mint(bob.address, 10_000 * USDC), deployer)
    return leg_a, leg_b, usdc


def test_two_chains__have_different_chain_ids(chain, chain_b):
    assert chain.chain_id != chain_b.eth.chain_id == CHAIN_B_ID


def test_swap__eth_on_a_for_usdc_on_b__both_sides_paid(chain, chain_b, parties, legs):
    alice, bob, _ = parties
    leg_a, leg_b, usdc = legs
    web3_a = chain.provider.web3
    alice_eth, bob_eth = web3_a.eth.get_balance(alice.address), web3_a.eth.get_balance(bob.address)
    initiator = sdk.Initiator(leg_a, leg_b, alice, PLAN)
    participant = sdk.Participant(leg_b, leg_a, bob, PLAN)

    lock_a = initiator.start(bob.address, 1 * ETH)
    assert leg_a.is_open(lock_a)
    assert lock_a.hashlock == sdk.hashlock_of(initiator.preimage)
    with pytest.raises(sdk.SwapNotFoundError):
        initiator.check_counterparty(2_500 * USDC, token=usdc.address)

    assert participant.find_initiator_lock(lock_a.hashlock, 1 * ETH) == lock_a
    lock_b = participant.lock(alice.address, 2_500 * USDC, token=usdc.address)
    assert lock_b.hashlock == lock_a.hashlock
    assert usdc.functions.balanceOf(leg_b.address).call() == 2_500 * USDC
    with pytest.raises(sdk.SwapNotFoundError):
        participant.learn_preimage()

    assert initiator.check_counterparty(2_500 * USDC, token=usdc.address) == lock_b
    initiator.claim()
    assert usdc.functions.balanceOf(alice.address).call() == 2_500 * USDC
    assert participant.learn_preimage() == initiator.preimage
    participant.claim()

    assert not leg_a.is_open(lock_a) and not leg_b.is_open(lock_b)
    assert web3_a.eth.get_balance(bob.address) > bob_eth + ETH - ETH // 100  # minus gas
    assert web3_a.eth.get_balance(alice.address) < alice_eth - ETH
    assert usdc.functions.balanceOf(bob.address).call() == 7_500 * USDC
    assert web3_a.eth.get_balance(leg_a.address) == 0


def test_swap__relayer_claims_and_refunds_for_the_parties__the_parties_paid(
    chain, chain_b, parties, legs
):
    """A third party (here the deployer, as a watchtower would) claims the participant's side
    with the revealed preimage and refunds a lapsed lock: the SDK submits the whole terms
    (`claimFor`, `refundFor`), and the funds go to the swap's recipient and sender. The
    parties' own calls use the short forms (`claim`, `claimToken`, `refund`)."""
    alice, bob, relayer = parties
    leg_a, leg_b, usdc = legs
    web3_a = chain.provider.web3
    initiator = sdk.Initiator(leg_a, leg_b, alice, PLAN)
    participant = sdk.Participant(leg_b, leg_a, bob, PLAN)
    lock_a = initiator.start(bob.address, ETH // 4)
    participant.find_initiator_lock(lock_a.hashlock, ETH // 4)
    lock_b = participant.lock(alice.address, 100 * USDC, token=usdc.address)
    preimage = initiator.preimage
    assert sdk.claim_call(leg_b.contract, alice, preimage, lock_b).fn_name == "claimToken"
    assert sdk.claim_call(leg_a.contract, bob, preimage, lock_a).fn_name == "claim"
    assert sdk.claim_call(leg_a.contract, relayer, preimage, lock_a).fn_name == "claimFor"
    assert sdk.refund_call(leg_a.contract, alice, lock_a).fn_name == "refund"
    assert sdk.refund_call(leg_a.contract, relayer, lock_a).fn_name == "refundFor"
    assert initiator.check_counterparty(100 * USDC, token=usdc.address) == lock_b
    initiator.claim()
    bob_before = web3_a.eth.get_balance(bob.address)

    leg_a.claim(relayer, participant.learn_preimage(), lock_a)

    assert not leg_a.is_open(lock_a) and not leg_b.is_open(lock_b)
    assert web3_a.eth.get_balance(bob.address) == bob_before + ETH // 4
    lapsed = initiator.start(bob.address, ETH // 8)
    advance(web3_a, PLAN.initiator_window)
    alice_before = web3_a.eth.get_balance(alice.address)

    leg_a.refund(relayer, lapsed)

    assert not leg_a.is_open(lapsed)
    assert web3_a.eth.get_balance(alice.address) == alice_before + ETH // 8


def test_swap__participant_never_locks__initiator_refunds_after_timelock(chain, parties, legs):
    alice, bob, _ = parties
    leg_a, leg_b, usdc = legs
    initiator = sdk.Initiator(leg_a, leg_b, alice, PLAN)
    lock_a = initiator.start(bob.address, ETH // 2)
    with pytest.raises(sdk.SwapNotFoundError):
        initiator.check_counterparty(1_000 * USDC, token=usdc.address)
    with pytest.raises(sdk.TransactionRefusedError) as refusal:  # before the timelock
        initiator.refund()
    assert refusal.value.error == "SwapNotExpired"
    assert refusal.value.args_ == (lock_a.swap_id, lock_a.timelock)

    advance(chain.provider.web3, PLAN.initiator_window)
    before = chain.provider.web3.eth.get_balance(alice.address)
    initiator.refund()

    assert not leg_a.is_open(lock_a)
    assert chain.provider.web3.eth.get_balance(alice.address) > before + ETH // 2 - ETH // 100


def test_participant__initiator_lock_too_short_for_its_window__refused_before_locking(
    parties, legs
):
    alice, bob, _ = parties
    leg_a, leg_b, usdc = legs
    initiator = sdk.Initiator(leg_a, leg_b, alice, PLAN)
    lock_a = initiator.start(bob.address, ETH // 4)
    greedy = sdk.Participant(leg_b, leg_a, bob, sdk.TimelockPlan(96 * 3600, 40 * 3600))
    greedy.find_initiator_lock(lock_a.hashlock, ETH // 4)
    locked_before = usdc.functions.balanceOf(leg_b.address).call()

    with pytest.raises(sdk.UnsafeTimelocksError, match="at least 43200 s"):
        greedy.lock(alice.address, 1_000 * USDC, token=usdc.address)

    assert usdc.functions.balanceOf(leg_b.address).call() == locked_before


def test_initiator__counterparty_lock_ending_too_late__refused(chain, chain_b, parties, legs):
    """The participant locked with a timelock too close to the initiator's: the initiator's
    check refuses to go on (claiming would reveal the preimage with too little margin)."""
    alice, bob, _ = parties
    leg_a, leg_b, usdc = legs
    initiator = sdk.Initiator(leg_a, leg_b, alice, PLAN)
    lock_a = initiator.start(bob.address, ETH // 4)
    too_late = leg_b.now() + PLAN.initiator_window - 3600
    leg_b.lock_token(bob, usdc.address, lock_a.hashlock, alice.address, 100 * USDC, too_late)

    with pytest.raises(sdk.UnsafeTimelocksError):
        initiator.check_counterparty(100 * USDC, token=usdc.address)


def test_timelock_plan__unsafe_plans__refused():
    with pytest.raises(sdk.UnsafeTimelocksError):
        sdk.TimelockPlan(initiator_window=24 * 3600, participant_window=20 * 3600, margin=12 * 3600)
    with pytest.raises(sdk.UnsafeTimelocksError):
        sdk.TimelockPlan(initiator_window=48 * 3600, participant_window=600, margin=3600)


def test_swap_terms__id_matches_the_contract(legs, parties):
    alice, bob, _ = parties
    leg_a, _, _ = legs
    terms = sdk.SwapTerms(b"\x11" * 32, sdk.ZERO_ADDRESS, 5, alice.address, bob.address, 1234)
    assert leg_a.contract.functions.swapIdOf(terms.as_tuple()).call() == terms.swap_id


def test_participant__hashlock_already_revealed__refuses_to_lock(chain_b, parties, legs):
    """A hashlock whose preimage a claim made public (here: reused by the initiator for a new
    lock) would let anyone take the participant's lock: the SDK refuses."""
    alice, bob, _ = parties
    leg_a, leg_b, usdc = legs
    initiator = sdk.Initiator(leg_a, leg_b, alice, PLAN)
    participant = sdk.Participant(leg_b, leg_a, bob, PLAN)
    first = initiator.start(bob.address, ETH // 10)
    participant.find_initiator_lock(first.hashlock, ETH // 10)
    participant.lock(alice.address, 10 * USDC, token=usdc.address)
    initiator.check_counterparty(10 * USDC, token=usdc.address)
    initiator.claim()
    reused = leg_a.lock_eth(
        alice, first.hashlock, bob.address, ETH // 20, leg_a.now() + PLAN.initiator_window
    )
    participant.find_initiator_lock(reused.hashlock, ETH // 20)

    with pytest.raises(ValueError, match="already public"):
        participant.lock(alice.address, 10 * USDC, token=usdc.address)
