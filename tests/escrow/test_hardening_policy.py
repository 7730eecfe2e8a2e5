"""The dispute policy jurors apply is the escrow's, set by governance before a trade opens:
the constructor publishes policy 0, `setPolicy` publishes 1, 2, ... (PolicySet and ERC-1497
MetaEvidence), each trade records the policy current when it opens, and its dispute's ERC-1497
Dispute event points to that one. No party chooses it: `dispute` takes no policy argument."""

import pytest

from openotc import escrow as sdk
from openotc.deployment.params import EscrowParams
from openotc.escrow import Status
from openotc.units import USDC_UNIT
from tests.escrow.hardening import as_uint
from tests.escrow.trades import assert_committed
from tests.utils.fixtures import roles
from tests.utils.reverts import constructor_revert

POLICY_V2 = "ipfs://openotc/escrow-dispute-policy/v2.json"
POLICY_V3 = "ipfs://openotc/escrow-dispute-policy/v3.json"
AMOUNT = 500 * USDC_UNIT


@pytest.fixture
def open_paid(open_trade, act, buyer):
    """`open_paid(offer, signature)` -> trade id: a trade of AMOUNT the buyer marked paid."""

    def run(offer, signature):
        trade_id, _ = open_trade(offer, signature, AMOUNT)
        act("markPaid", trade_id, b"\x01" * 32, sender=buyer)
        return trade_id

    return run


@pytest.fixture
def dispute_both(escrow, book, act, buyer, seller, arbitration_cost):
    """`dispute_both(trade_id)` -> the ERC-1497 Dispute event: both parties deposit the fee."""

    def run(trade_id):
        act("dispute", trade_id, sender=buyer, value=arbitration_cost)
        receipt = act("dispute", trade_id, sender=seller, value=arbitration_cost)
        assert_committed(escrow, book, trade_id, Status.DISPUTED)
        return receipt.decode_logs(escrow.Dispute)[0]

    return run


def test_dispute__takes_no_policy_argument(escrow):
    (abi,) = escrow.dispute.abis
    assert [i.canonical_type for i in abi.inputs] == ["bytes32", sdk.TRADE_ABI]


def test_constructor__publishes_policy_0(escrow):
    uri = EscrowParams().policy  # the suites' escrow is deployed with the default policy
    receipt = escrow.creation_metadata.receipt
    assert [(e.policyId, e.uri) for e in receipt.decode_logs(escrow.PolicySet)] == [(0, uri)]
    assert [(e._metaEvidenceID, e._evidence) for e in receipt.decode_logs(escrow.MetaEvidence)] == [
        (0, uri)
    ]
    assert escrow.policyId() == 0


def test_constructor__empty_policy__reverts_empty_policy(
    chain, project, deployer, registry, identity, proxy, timelock, arbitrator, treasury
):
    args = (timelock, registry, identity, proxy, arbitrator, b"", treasury, "")
    name, inputs = constructor_revert(chain, project.OTCEscrow, *args, sender=deployer)
    assert (name, inputs) == ("EscrowEmptyPolicy", {})


def test_set_policy__by_governance__emits_policy_set_and_meta_evidence_with_increasing_ids(
    escrow, governance
):
    for policy_id, uri in ((1, POLICY_V2), (2, POLICY_V3)):
        tx = escrow.setPolicy(uri, sender=governance)

        assert tx.events == [
            escrow.PolicySet(policy_id, uri),
            escrow.MetaEvidence(policy_id, uri),
        ]
        assert escrow.policyId() == policy_id


@roles("stranger", "maker", "taker", "guardian", "ruler")
def test_set_policy__by_anyone_but_governance__reverts_only_governance(escrow, actor, reverts):
    with reverts(escrow.GovernedOnlyGovernance, caller=actor.address):
        escrow.setPolicy(POLICY_V2, sender=actor)
    assert escrow.policyId() == 0


def test_set_policy__empty__reverts_empty_policy(escrow, governance, reverts):
    with reverts(escrow.EscrowEmptyPolicy):
        escrow.setPolicy("", sender=governance)
    assert escrow.policyId() == 0


def test_dispute__carries_the_policy_recorded_at_opening__not_the_current_one(
    escrow, arbitrator, governance, usdc_market, create_offer, book, open_paid, dispute_both
):
    # A trade opens under policy 0; governance publishes policy 1; a second trade opens.
    older = open_paid(*create_offer(usdc_market, nonce=1))
    escrow.setPolicy(POLICY_V2, sender=governance)
    newer = open_paid(*create_offer(usdc_market, nonce=2))
    assert (book.record(older).policy_id, book.record(newer).policy_id) == (0, 1)

    # Policy 2 is published before either is disputed: each dispute keeps its trade's policy.
    escrow.setPolicy(POLICY_V3, sender=governance)
    for trade_id, policy_id in ((older, 0), (newer, 1)):
        dispute = dispute_both(trade_id)
        assert dispute._arbitrator == arbitrator.address
        assert dispute._metaEvidenceID == policy_id
        assert dispute._evidenceGroupID == as_uint(trade_id)
        assert escrow.tradeOfDispute(dispute._disputeID) == trade_id
