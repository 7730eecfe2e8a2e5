"""`make gas-trace`: the classes it splits a transaction's gas into add up to the gas the
receipt reports, and each class holds what its name says."""

import ape

from openotc.devtools import gas_trace
from openotc.units import USDC_UNIT

TRANSFER_EVENT = 375 + 3 * 375 + 8 * 32  # LOG3 with one word of data


def _classify(chain, receipt):
    gas_limit = int(chain.provider.web3.eth.get_transaction(receipt.txn_hash)["gas"])
    trace = gas_trace.trace(chain, receipt)
    return gas_trace.classify("tx", trace, gas_limit, int(receipt.gas_used))


def test_gas_trace__token_transfer__classes_add_up_to_the_gas_used(accounts, project, chain):
    sender, holder, recipient = accounts[0], accounts[1], accounts[2]
    token = sender.deploy(project.MockERC20, "USD Coin", "USDC", 6)
    token.mint(sender, 10 * USDC_UNIT, sender=sender)
    token.mint(recipient, USDC_UNIT, sender=sender)  # both balances non-zero: two warm-able writes
    del holder

    receipt = token.transfer(recipient, USDC_UNIT, sender=sender)
    costs = _classify(chain, receipt)

    classes = costs.classes
    assert costs.total == costs.gas_used
    assert classes["base"] == 21_000
    assert classes["calldata"] > 0
    # Two balances read cold (2,100 each) and written (2,900 each).
    assert classes["storage"] == 2 * (2_100 + 2_900)
    assert classes["logs"] == TRANSFER_EVENT
    assert classes["accounts"] == classes["ecrecover"] == classes["refund"] == 0
    assert costs.floor == costs.gas_used - classes["compute"]


def test_gas_trace__new_allowance__one_new_slot_and_no_other_account(accounts, project, chain):
    owner = accounts[0]
    token = owner.deploy(project.MockERC20, "USD Coin", "USDC", 6)

    receipt = token.approve(accounts[1], USDC_UNIT, sender=owner)
    costs = _classify(chain, receipt)

    # The transaction's own target is warm from the start: no account class.
    assert costs.classes["accounts"] == 0
    assert costs.classes["storage"] == 2_100 + 20_000  # a new allowance slot


def test_gas_trace__escrow_trade__storage_calls_and_events_alone_exceed_200_000(project, chain):
    """The escrow trade `make gas` measures (audits/README.md, "Gas"): its reads, writes,
    calls and events cost more than 200,000 before any compute."""
    lines = []

    rows = gas_trace.run(project, chain, ape.accounts, out=lines.append)

    assert [row.name for row in rows] == ["open_trade", "mark_paid", "release"]
    assert sum(row.floor for row in rows) > 200_000
    assert "floor" in lines[0]
