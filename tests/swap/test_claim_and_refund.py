"""AtomicSwap.claimFor, refundFor, claimBatch and refundBatch (anyone submits the terms) and
claim, claimToken, refund and refundToken (the recipient claims, the sender refunds, each for
itself): who gets paid (always the recipient on claim, the sender on refund, whoever calls),
the events, the timelock to the second (claims while now < timelock, refunds from it),
altered terms, settling twice, re-entering and ether-rejecting recipients and senders, tokens
failing on the payout, and batches that settle all of their entries or none."""

import hashlib

import pytest
from eth_utils import keccak

from openotc.units import DAY, ETHER, ZERO_ADDRESS

AMOUNT = 1_000 * 10**6  # of a 6-decimal token
ASSETS = ["ether", "token"]


# What every test of this module starts from.
pytestmark = pytest.mark.usefixtures("swap", "sender_funded", "reentrant_recipient")


# ---------------------------------------------------------------- helpers


def token_of(asset, usdc):
    return None if asset == "ether" else usdc


def amount_of(asset):
    return ETHER if asset == "ether" else AMOUNT


def lock_asset(locked, asset, usdc, label="secret", **overrides):
    return locked(label, token=token_of(asset, usdc), amount=amount_of(asset), **overrides)


def paid_event(asset, usdc, swap, to, amount):
    """The Transfer a token payout emits; ether payouts emit nothing."""
    return [] if asset == "ether" else [usdc.Transfer(swap.address, to.address, amount)]


class Ledger:
    """Ether and USDC of some accounts, net of the gas each pays for its own transactions."""

    def __init__(self, usdc, *accounts):
        self.usdc = usdc
        self.accounts = accounts
        self.before = self.read()
        self.gas = dict.fromkeys(range(len(accounts)), 0)

    def read(self):
        return [(a.balance, self.usdc.balanceOf(a)) for a in self.accounts]

    def paid_gas(self, account, tx):
        if account in self.accounts:
            self.gas[self.accounts.index(account)] += tx.total_fees_paid
        return tx

    def changes(self):
        """[(ether change + gas paid, usdc change)] per account."""
        return [
            (after[0] - before[0] + self.gas[i], after[1] - before[1])
            for i, (before, after) in enumerate(zip(self.before, self.read(), strict=True))
        ]


def change(asset, amount):
    return (amount, 0) if asset == "ether" else (0, amount)


def lock_as_contract(swap, contract, terms, operator):
    """`contract` (a TestReentrantRecipient, the swap's sender) locks `terms` in ether itself,
    told so by `operator`."""
    contract.execute(
        swap,
        swap.lock.encode_input(terms.hashlock, terms.recipient, terms.timelock),
        sender=operator,
        value=terms.amount,
    )


def own_claim(swap, preimage, terms, caller):
    """`caller` claims `terms` for itself: `claim` for ether, `claimToken` for a token. The
    contract derives the hashlock from the preimage and the recipient from the caller."""
    if terms.token == ZERO_ADDRESS:
        return swap.claim(preimage, terms.amount, terms.sender, terms.timelock, sender=caller)
    return swap.claimToken(
        preimage, terms.token, terms.amount, terms.sender, terms.timelock, sender=caller
    )


def own_refund(swap, terms, caller):
    """`caller` refunds `terms` to itself: `refund` for ether, `refundToken` for a token. The
    contract takes the sender from the caller."""
    if terms.token == ZERO_ADDRESS:
        return swap.refund(
            terms.hashlock, terms.amount, terms.recipient, terms.timelock, sender=caller
        )
    return swap.refundToken(
        terms.hashlock, terms.token, terms.amount, terms.recipient, terms.timelock, sender=caller
    )


# ---------------------------------------------------------------- claim


@pytest.mark.parametrize("asset", ASSETS)
def test_claim__recipient_submits_preimage__recipient_paid(
    swap, usdc, locked, sender, recipient, asset
):
    preimage, terms = lock_asset(locked, asset, usdc)
    ledger = Ledger(usdc, sender, recipient, swap)

    tx = ledger.paid_gas(recipient, swap.claimFor(preimage, terms, sender=recipient))

    assert tx.events == [
        swap.SwapClaimed(hashlock=terms.hashlock, preimage=preimage),
        *paid_event(asset, usdc, swap, recipient, terms.amount),
    ]
    (log,) = tx.decode_logs(swap.SwapClaimed)
    assert log.event_arguments == {"hashlock": terms.hashlock, "preimage": preimage}
    amount = amount_of(asset)
    assert ledger.changes() == [(0, 0), change(asset, amount), change(asset, -amount)]
    assert swap.isOpen(terms.id) is False


@pytest.mark.parametrize("asset", ASSETS)
def test_claim__third_party_submits_preimage__recipient_paid_caller_gets_nothing(
    swap, usdc, locked, sender, recipient, stranger, asset
):
    preimage, terms = lock_asset(locked, asset, usdc)
    ledger = Ledger(usdc, sender, recipient, stranger, swap)

    tx = ledger.paid_gas(stranger, swap.claimFor(preimage, terms, sender=stranger))

    assert tx.events == [
        swap.SwapClaimed(terms.hashlock, preimage),
        *paid_event(asset, usdc, swap, recipient, terms.amount),
    ]
    amount = amount_of(asset)
    assert ledger.changes() == [(0, 0), change(asset, amount), (0, 0), change(asset, -amount)]
    assert swap.isOpen(terms.id) is False


def test_claim__wrong_preimage__reverts_wrong_preimage(swap, locked, secret, recipient, reverts):
    _, terms = locked()
    wrong, wrong_hash = secret("wrong")

    with reverts(swap.SwapWrongPreimage, hashlock=terms.hashlock, preimageHash=wrong_hash):
        swap.claimFor(wrong, terms, sender=recipient)

    assert swap.isOpen(terms.id) is True
    assert swap.balance == terms.amount


def test_claim__keccak_of_the_preimage_as_hashlock__reverts_wrong_preimage(
    swap, make_terms, lock_terms, recipient, reverts
):
    """The hashlock is sha256(preimage), not keccak256(preimage)."""
    preimage, terms = make_terms("keccak")
    keccak_terms = terms._replace(hashlock=keccak(preimage))
    lock_terms(keccak_terms)

    with reverts(swap.SwapWrongPreimage, hashlock=keccak(preimage), preimageHash=terms.hashlock):
        swap.claimFor(preimage, keccak_terms, sender=recipient)

    assert swap.isOpen(keccak_terms.id) is True


@pytest.mark.parametrize(
    "field", ["hashlock", "token", "amount", "sender", "recipient", "timelock"]
)
def test_claim__terms_altered__reverts_not_found_for_the_altered_terms(
    swap, usdc, locked, secret, stranger, recipient, field, reverts
):
    preimage, terms = locked()
    other_preimage, other_hashlock = secret("other")
    altered = {
        "hashlock": terms._replace(hashlock=other_hashlock),
        "token": terms._replace(token=usdc.address),
        "amount": terms._replace(amount=terms.amount + 1),
        "sender": terms._replace(sender=stranger.address),
        "recipient": terms._replace(recipient=stranger.address),
        "timelock": terms._replace(timelock=terms.timelock + 1),
    }[field]
    submitted = other_preimage if field == "hashlock" else preimage

    with reverts(swap.SwapNotFound, swapId=altered.id):
        swap.claimFor(submitted, altered, sender=recipient)

    assert swap.isOpen(terms.id) is True
    assert swap.balance == terms.amount


@pytest.mark.parametrize("asset", ASSETS)
def test_claim__one_second_before_timelock__pays_recipient(
    swap, chain, usdc, locked, sender, recipient, stranger, asset
):
    preimage, terms = lock_asset(locked, asset, usdc)
    ledger = Ledger(usdc, sender, recipient)
    chain.pending_timestamp = terms.timelock - 1

    tx = swap.claimFor(preimage, terms, sender=stranger)

    assert tx.timestamp == terms.timelock - 1
    assert tx.events == [
        swap.SwapClaimed(terms.hashlock, preimage),
        *paid_event(asset, usdc, swap, recipient, terms.amount),
    ]
    assert ledger.changes() == [(0, 0), change(asset, amount_of(asset))]


@pytest.mark.parametrize("offset", [0, 1], ids=["at_timelock", "after_timelock"])
@pytest.mark.parametrize("asset", ASSETS)
def test_claim__at_or_after_timelock__reverts_expired(
    swap, chain, usdc, locked, recipient, asset, offset, reverts
):
    preimage, terms = lock_asset(locked, asset, usdc)
    ledger = Ledger(usdc, swap)
    chain.pending_timestamp = terms.timelock + offset

    with reverts(swap.SwapExpired, swapId=terms.id, timelock=terms.timelock):
        swap.claimFor(preimage, terms, sender=recipient)

    assert swap.isOpen(terms.id) is True
    assert ledger.changes() == [(0, 0)]


@pytest.mark.parametrize("asset", ASSETS)
def test_claim__twice__reverts_not_found(swap, usdc, locked, recipient, asset, reverts):
    preimage, terms = lock_asset(locked, asset, usdc)
    swap.claimFor(preimage, terms, sender=recipient)

    with reverts(swap.SwapNotFound, swapId=terms.id):
        swap.claimFor(preimage, terms, sender=recipient)


def test_claim__never_locked_terms__reverts_not_found(swap, make_terms, recipient, reverts):
    preimage, terms = make_terms()

    with reverts(swap.SwapNotFound, swapId=terms.id):
        swap.claimFor(preimage, terms, sender=recipient)


def test_claim__after_cooperative_refund__reverts_not_found(
    swap, locked, sign_refund, recipient, stranger, reverts
):
    preimage, terms = locked()
    swap.refundCooperatively(terms, sign_refund(recipient, terms.id), sender=stranger)

    with reverts(swap.SwapNotFound, swapId=terms.id):
        swap.claimFor(preimage, terms, sender=recipient)


def test_claim__after_refund_at_timelock__reverts_expired(
    swap, chain, locked, recipient, stranger, reverts
):
    """A refunded swap is past its timelock: the expiry is checked before the swap's record."""
    preimage, terms = locked()
    chain.pending_timestamp = terms.timelock
    swap.refundFor(terms, sender=stranger)

    with reverts(swap.SwapExpired, swapId=terms.id, timelock=terms.timelock):
        swap.claimFor(preimage, terms, sender=recipient)


# ---------------------------------------------------------------- refund


@pytest.mark.parametrize("asset", ASSETS)
def test_refund__one_second_before_timelock__reverts_not_expired(
    swap, chain, usdc, locked, sender, asset, reverts
):
    _, terms = lock_asset(locked, asset, usdc)
    ledger = Ledger(usdc, swap)
    chain.pending_timestamp = terms.timelock - 1

    with reverts(swap.SwapNotExpired, swapId=terms.id, timelock=terms.timelock):
        swap.refundFor(terms, sender=sender)

    assert swap.isOpen(terms.id) is True
    assert ledger.changes() == [(0, 0)]


@pytest.mark.parametrize("by_whom", ["sender", "recipient", "stranger"])
@pytest.mark.parametrize("offset", [0, 1], ids=["at_timelock", "after_timelock"])
@pytest.mark.parametrize("asset", ASSETS)
def test_refund__at_or_after_timelock__by_anyone__returns_funds_to_sender(
    swap, chain, usdc, locked, sender, recipient, stranger, asset, offset, by_whom, request
):
    _, terms = lock_asset(locked, asset, usdc)
    by = request.getfixturevalue(by_whom)
    ledger = Ledger(usdc, sender, recipient, stranger, swap)
    chain.pending_timestamp = terms.timelock + offset

    tx = ledger.paid_gas(by, swap.refundFor(terms, sender=by))

    assert tx.timestamp == terms.timelock + offset
    assert tx.events == [
        swap.SwapRefunded(swapId=terms.id),
        *paid_event(asset, usdc, swap, sender, terms.amount),
    ]
    (log,) = tx.decode_logs(swap.SwapRefunded)
    assert log.event_arguments == {"swapId": terms.id}
    amount = amount_of(asset)
    assert ledger.changes() == [change(asset, amount), (0, 0), (0, 0), change(asset, -amount)]
    assert swap.isOpen(terms.id) is False


@pytest.mark.parametrize("asset", ASSETS)
def test_refund__twice__reverts_not_found(swap, chain, usdc, locked, stranger, asset, reverts):
    _, terms = lock_asset(locked, asset, usdc)
    chain.pending_timestamp = terms.timelock
    swap.refundFor(terms, sender=stranger)

    with reverts(swap.SwapNotFound, swapId=terms.id):
        swap.refundFor(terms, sender=stranger)


@pytest.mark.parametrize("asset", ASSETS)
def test_refund__after_claim__reverts_not_found(
    swap, chain, usdc, locked, sender, recipient, asset, reverts
):
    preimage, terms = lock_asset(locked, asset, usdc)
    swap.claimFor(preimage, terms, sender=recipient)
    chain.pending_timestamp = terms.timelock
    ledger = Ledger(usdc, swap)

    with reverts(swap.SwapNotFound, swapId=terms.id):
        swap.refundFor(terms, sender=sender)

    assert ledger.changes() == [(0, 0)]


def test_refund__never_locked_terms__reverts_not_expired_then_not_found(
    swap, chain, make_terms, stranger, reverts
):
    _, terms = make_terms()

    with reverts(swap.SwapNotExpired, swapId=terms.id, timelock=terms.timelock):
        swap.refundFor(terms, sender=stranger)
    chain.pending_timestamp = terms.timelock
    with reverts(swap.SwapNotFound, swapId=terms.id):
        swap.refundFor(terms, sender=stranger)


@pytest.mark.parametrize("field", ["sender", "timelock"])
def test_refund__terms_altered__reverts_not_found_for_the_altered_terms(
    swap, chain, locked, stranger, field, reverts
):
    """Naming oneself the sender, or an earlier timelock, finds no swap."""
    _, terms = locked()
    altered = {
        "sender": terms._replace(sender=stranger.address),
        "timelock": terms._replace(timelock=terms.timelock - 1),
    }[field]
    chain.pending_timestamp = altered.timelock

    with reverts(swap.SwapNotFound, swapId=altered.id):
        swap.refundFor(altered, sender=stranger)

    assert swap.isOpen(terms.id) is True
    assert swap.balance == terms.amount


# ---------------------------------------------------------------- re-entry and refused payouts


def test_claim__recipient_contract_reenters_claim__inner_call_refused_and_paid_once(
    swap, locked, reentrant_recipient, stranger, error_data
):
    _, bystander = locked("bystander", amount=5 * ETHER)  # ether the attacker would like
    preimage, terms = locked(recipient=reentrant_recipient)
    reentrant_recipient.arm(swap, swap.claimFor.encode_input(preimage, terms), sender=stranger)

    tx = swap.claimFor(preimage, terms, sender=stranger)

    assert tx.events == [swap.SwapClaimed(terms.hashlock, preimage)]
    assert reentrant_recipient.armed() is False  # the re-entry was attempted ...
    assert reentrant_recipient.lastCallSucceeded() is False  # ... and refused
    assert reentrant_recipient.lastRevertData() == error_data(swap.SwapNotFound, swapId=terms.id)
    assert reentrant_recipient.receipts() == 1
    assert reentrant_recipient.balance == terms.amount
    assert swap.balance == bystander.amount
    assert swap.isOpen(terms.id) is False and swap.isOpen(bystander.id) is True


def test_refund__sender_contract_reenters_refund__inner_call_refused_and_paid_once(
    swap, chain, make_terms, locked, reentrant_recipient, deployer, stranger, error_data
):
    _, bystander = locked("bystander", amount=5 * ETHER)
    _, terms = make_terms(sender=reentrant_recipient)
    lock_as_contract(swap, reentrant_recipient, terms, deployer)
    assert swap.isOpen(terms.id) is True
    reentrant_recipient.arm(swap, swap.refundFor.encode_input(terms), sender=stranger)
    chain.pending_timestamp = terms.timelock

    tx = swap.refundFor(terms, sender=stranger)

    assert tx.events == [swap.SwapRefunded(terms.id)]
    assert reentrant_recipient.lastCallSucceeded() is False
    assert reentrant_recipient.lastRevertData() == error_data(swap.SwapNotFound, swapId=terms.id)
    assert reentrant_recipient.receipts() == 1
    assert reentrant_recipient.balance == terms.amount
    assert swap.balance == bystander.amount


def test_claim__token_reenters_claim_during_payout__inner_call_refused_and_paid_once(
    swap, project, deployer, locked, sender, recipient, stranger, error_data
):
    token = deployer.deploy(project.MockReentrantToken)
    token.mint(sender, 3 * AMOUNT, sender=sender)
    token.approve(swap, 3 * AMOUNT, sender=sender)
    _, bystander = locked("bystander", token=token, amount=2 * AMOUNT)
    preimage, terms = locked(token=token, amount=AMOUNT)
    token.arm(swap, swap.claimFor.encode_input(preimage, terms), sender=stranger)

    tx = swap.claimFor(preimage, terms, sender=stranger)

    assert tx.events == [
        swap.SwapClaimed(terms.hashlock, preimage),
        token.Transfer(swap.address, recipient.address, AMOUNT),
    ]
    assert token.lastCallSucceeded() is False
    assert token.lastRevertData() == error_data(swap.SwapNotFound, swapId=terms.id)
    assert token.balanceOf(recipient) == AMOUNT
    assert token.balanceOf(swap) == bystander.amount


def test_claim__recipient_rejects_ether__reverts_transfer_failed_and_stays_refundable(
    swap, chain, locked, reentrant_recipient, sender, stranger, reverts
):
    preimage, terms = locked(recipient=reentrant_recipient)
    reentrant_recipient.setRejecting(True, sender=stranger)

    with reverts(swap.SwapTransferFailed, to=reentrant_recipient.address, amount=terms.amount):
        swap.claimFor(preimage, terms, sender=stranger)

    assert swap.isOpen(terms.id) is True
    assert swap.balance == terms.amount
    sender_before = sender.balance
    chain.pending_timestamp = terms.timelock

    tx = swap.refundFor(terms, sender=stranger)

    assert tx.events == [swap.SwapRefunded(terms.id)]
    assert sender.balance == sender_before + terms.amount
    assert swap.balance == 0 and swap.isOpen(terms.id) is False


def test_refund__sender_rejects_ether__reverts_transfer_failed_until_it_accepts(
    swap, chain, make_terms, reentrant_recipient, deployer, stranger, reverts
):
    _, terms = make_terms(sender=reentrant_recipient)
    lock_as_contract(swap, reentrant_recipient, terms, deployer)
    reentrant_recipient.setRejecting(True, sender=stranger)
    chain.pending_timestamp = terms.timelock

    with reverts(swap.SwapTransferFailed, to=reentrant_recipient.address, amount=terms.amount):
        swap.refundFor(terms, sender=stranger)

    assert swap.isOpen(terms.id) is True
    reentrant_recipient.setRejecting(False, sender=stranger)
    tx = swap.refundFor(terms, sender=stranger)
    assert tx.events == [swap.SwapRefunded(terms.id)]
    assert reentrant_recipient.balance == terms.amount


def test_claim__token_returns_false_on_payout__reverts_and_swap_stays_open(
    swap, project, deployer, locked, sender, recipient, stranger, reverts
):
    token = deployer.deploy(project.TestFalseReturnToken)
    token.mint(sender, AMOUNT, sender=sender)
    token.approve(swap, AMOUNT, sender=sender)
    preimage, terms = locked(token=token, amount=AMOUNT)
    token.setFailing(True, sender=stranger)

    with reverts(swap.SafeERC20FailedOperation, token=token.address):
        swap.claimFor(preimage, terms, sender=stranger)

    assert swap.isOpen(terms.id) is True
    token.setFailing(False, sender=stranger)
    tx = swap.claimFor(preimage, terms, sender=stranger)
    assert tx.events == [
        swap.SwapClaimed(terms.hashlock, preimage),
        token.Transfer(swap.address, recipient.address, AMOUNT),
    ]


# ---------------------------------------------------------------- the parties' own calls


@pytest.mark.parametrize("asset", ASSETS)
def test_own_claim__recipient_claims_for_itself__recipient_paid(
    swap, usdc, locked, sender, recipient, asset
):
    preimage, terms = lock_asset(locked, asset, usdc)
    ledger = Ledger(usdc, sender, recipient, swap)

    tx = ledger.paid_gas(recipient, own_claim(swap, preimage, terms, recipient))

    assert tx.events == [
        swap.SwapClaimed(hashlock=terms.hashlock, preimage=preimage),
        *paid_event(asset, usdc, swap, recipient, terms.amount),
    ]
    amount = amount_of(asset)
    assert ledger.changes() == [(0, 0), change(asset, amount), change(asset, -amount)]
    assert swap.isOpen(terms.id) is False


@pytest.mark.parametrize("by_whom", ["sender", "stranger"])
@pytest.mark.parametrize("asset", ASSETS)
def test_own_claim__caller_not_the_recipient__reverts_not_found_for_the_caller_as_recipient(
    swap, usdc, locked, asset, by_whom, request, reverts
):
    """The recipient is the caller: anyone else names a swap that was never locked."""
    preimage, terms = lock_asset(locked, asset, usdc)
    by = request.getfixturevalue(by_whom)
    ledger = Ledger(usdc, swap)

    with reverts(swap.SwapNotFound, swapId=terms._replace(recipient=by.address).id):
        own_claim(swap, preimage, terms, by)

    assert swap.isOpen(terms.id) is True
    assert ledger.changes() == [(0, 0)]


@pytest.mark.parametrize("asset", ASSETS)
def test_own_claim__wrong_preimage__reverts_not_found_for_its_hash(
    swap, usdc, locked, secret, recipient, asset, reverts
):
    """The hashlock is sha256(preimage): a wrong preimage names a swap never locked."""
    _, terms = lock_asset(locked, asset, usdc)
    wrong, wrong_hash = secret("wrong")

    with reverts(swap.SwapNotFound, swapId=terms._replace(hashlock=wrong_hash).id):
        own_claim(swap, wrong, terms, recipient)

    assert swap.isOpen(terms.id) is True


def test_own_claim__keccak_of_the_preimage_as_hashlock__reverts_not_found(
    swap, make_terms, lock_terms, recipient, reverts
):
    preimage, terms = make_terms("keccak")
    keccak_terms = terms._replace(hashlock=keccak(preimage))
    lock_terms(keccak_terms)

    with reverts(swap.SwapNotFound, swapId=terms.id):
        own_claim(swap, preimage, keccak_terms, recipient)

    assert swap.isOpen(keccak_terms.id) is True


@pytest.mark.parametrize("field", ["token", "amount", "sender", "timelock"])
@pytest.mark.parametrize("asset", ASSETS)
def test_own_claim__terms_altered__reverts_not_found_for_the_altered_terms(
    swap, usdc, usdt, locked, stranger, recipient, asset, field, reverts
):
    """Claiming an ether swap as a token (or a token swap as ether, or as another token), more
    than was locked, or with another sender or timelock, finds no swap."""
    preimage, terms = lock_asset(locked, asset, usdc)
    other_token = usdc.address if asset == "ether" else ZERO_ADDRESS
    altered = {
        "token": terms._replace(token=other_token),
        "amount": terms._replace(amount=terms.amount + 1),
        "sender": terms._replace(sender=stranger.address),
        "timelock": terms._replace(timelock=terms.timelock + 1),
    }[field]

    with reverts(swap.SwapNotFound, swapId=altered.id):
        own_claim(swap, preimage, altered, recipient)
    if asset == "token" and field == "token":
        with reverts(swap.SwapNotFound, swapId=terms._replace(token=usdt.address).id):
            own_claim(swap, preimage, terms._replace(token=usdt.address), recipient)

    assert swap.isOpen(terms.id) is True


def test_own_claim__claim_token_of_the_zero_token__pays_the_ether_swap_in_ether(
    swap, locked, sender, recipient, usdc
):
    """The id commits to the token: `claimToken` naming address(0) claims the ether swap of
    those terms, and pays ether, as `claim` would."""
    preimage, terms = locked()
    ledger = Ledger(usdc, recipient, swap)

    tx = ledger.paid_gas(
        recipient,
        swap.claimToken(
            preimage, ZERO_ADDRESS, terms.amount, sender, terms.timelock, sender=recipient
        ),
    )

    assert tx.events == [swap.SwapClaimed(terms.hashlock, preimage)]
    assert ledger.changes() == [(terms.amount, 0), (-terms.amount, 0)]


@pytest.mark.parametrize("asset", ASSETS)
def test_own_claim__one_second_before_timelock__pays_recipient(
    swap, chain, usdc, locked, recipient, asset
):
    preimage, terms = lock_asset(locked, asset, usdc)
    chain.pending_timestamp = terms.timelock - 1

    tx = own_claim(swap, preimage, terms, recipient)

    assert tx.timestamp == terms.timelock - 1
    assert tx.events == [
        swap.SwapClaimed(terms.hashlock, preimage),
        *paid_event(asset, usdc, swap, recipient, terms.amount),
    ]
    assert swap.isOpen(terms.id) is False


@pytest.mark.parametrize("offset", [0, 1], ids=["at_timelock", "after_timelock"])
@pytest.mark.parametrize("asset", ASSETS)
def test_own_claim__at_or_after_timelock__reverts_expired(
    swap, chain, usdc, locked, recipient, asset, offset, reverts
):
    preimage, terms = lock_asset(locked, asset, usdc)
    ledger = Ledger(usdc, swap)
    chain.pending_timestamp = terms.timelock + offset

    with reverts(swap.SwapExpired, swapId=terms.id, timelock=terms.timelock):
        own_claim(swap, preimage, terms, recipient)

    assert swap.isOpen(terms.id) is True
    assert ledger.changes() == [(0, 0)]


@pytest.mark.parametrize("first", ["own", "for"], ids=["after_own_claim", "after_claim_for"])
@pytest.mark.parametrize("asset", ASSETS)
def test_own_claim__twice__reverts_not_found(
    swap, usdc, locked, recipient, stranger, asset, first, reverts
):
    preimage, terms = lock_asset(locked, asset, usdc)
    if first == "own":
        own_claim(swap, preimage, terms, recipient)
    else:
        swap.claimFor(preimage, terms, sender=stranger)

    with reverts(swap.SwapNotFound, swapId=terms.id):
        own_claim(swap, preimage, terms, recipient)
    with reverts(swap.SwapNotFound, swapId=terms.id):
        swap.claimFor(preimage, terms, sender=stranger)


@pytest.mark.parametrize("offset", [0, 1], ids=["at_timelock", "after_timelock"])
@pytest.mark.parametrize("asset", ASSETS)
def test_own_refund__sender_at_or_after_timelock__returns_funds_to_sender(
    swap, chain, usdc, locked, sender, recipient, asset, offset
):
    _, terms = lock_asset(locked, asset, usdc)
    ledger = Ledger(usdc, sender, recipient, swap)
    chain.pending_timestamp = terms.timelock + offset

    tx = ledger.paid_gas(sender, own_refund(swap, terms, sender))

    assert tx.timestamp == terms.timelock + offset
    assert tx.events == [
        swap.SwapRefunded(swapId=terms.id),
        *paid_event(asset, usdc, swap, sender, terms.amount),
    ]
    amount = amount_of(asset)
    assert ledger.changes() == [change(asset, amount), (0, 0), change(asset, -amount)]
    assert swap.isOpen(terms.id) is False


@pytest.mark.parametrize("asset", ASSETS)
def test_own_refund__one_second_before_timelock__reverts_not_expired(
    swap, chain, usdc, locked, sender, asset, reverts
):
    _, terms = lock_asset(locked, asset, usdc)
    chain.pending_timestamp = terms.timelock - 1

    with reverts(swap.SwapNotExpired, swapId=terms.id, timelock=terms.timelock):
        own_refund(swap, terms, sender)

    assert swap.isOpen(terms.id) is True


@pytest.mark.parametrize("by_whom", ["recipient", "stranger"])
@pytest.mark.parametrize("asset", ASSETS)
def test_own_refund__caller_not_the_sender__reverts_not_found_for_the_caller_as_sender(
    swap, chain, usdc, locked, asset, by_whom, request, reverts
):
    """The sender is the caller: anyone else names a swap that was never locked."""
    _, terms = lock_asset(locked, asset, usdc)
    by = request.getfixturevalue(by_whom)
    ledger = Ledger(usdc, swap)
    chain.pending_timestamp = terms.timelock

    with reverts(swap.SwapNotFound, swapId=terms._replace(sender=by.address).id):
        own_refund(swap, terms, by)

    assert swap.isOpen(terms.id) is True
    assert ledger.changes() == [(0, 0)]


@pytest.mark.parametrize("field", ["hashlock", "token", "amount", "recipient", "timelock"])
def test_own_refund__terms_altered__reverts_not_found_for_the_altered_terms(
    swap, chain, usdc, locked, secret, sender, stranger, field, reverts
):
    _, terms = locked()
    _, other_hashlock = secret("other")
    altered = {
        "hashlock": terms._replace(hashlock=other_hashlock),
        "token": terms._replace(token=usdc.address),
        "amount": terms._replace(amount=terms.amount - 1),
        "recipient": terms._replace(recipient=stranger.address),
        "timelock": terms._replace(timelock=terms.timelock - 1),
    }[field]
    chain.pending_timestamp = terms.timelock

    with reverts(swap.SwapNotFound, swapId=altered.id):
        own_refund(swap, altered, sender)

    assert swap.isOpen(terms.id) is True
    assert swap.balance == terms.amount


@pytest.mark.parametrize("first", ["own_refund", "refund_for", "own_claim"])
@pytest.mark.parametrize("asset", ASSETS)
def test_own_refund__swap_already_ended__reverts_not_found(
    swap, chain, usdc, locked, sender, recipient, stranger, asset, first, reverts
):
    preimage, terms = lock_asset(locked, asset, usdc)
    if first == "own_claim":
        own_claim(swap, preimage, terms, recipient)
    chain.pending_timestamp = terms.timelock
    if first == "own_refund":
        own_refund(swap, terms, sender)
    elif first == "refund_for":
        swap.refundFor(terms, sender=stranger)
    ledger = Ledger(usdc, swap)

    with reverts(swap.SwapNotFound, swapId=terms.id):
        own_refund(swap, terms, sender)

    assert ledger.changes() == [(0, 0)]


def test_own_claim__recipient_contract_claims_and_reenters__inner_call_refused_paid_once(
    swap, locked, reentrant_recipient, sender, stranger, error_data
):
    _, bystander = locked("bystander", amount=5 * ETHER)
    preimage, terms = locked(recipient=reentrant_recipient)
    claim = swap.claim.encode_input(preimage, terms.amount, terms.sender, terms.timelock)
    reentrant_recipient.arm(swap, claim, sender=stranger)

    tx = reentrant_recipient.execute(swap, claim, sender=stranger)

    assert tx.decode_logs(swap.SwapClaimed) == [swap.SwapClaimed(terms.hashlock, preimage)]
    assert reentrant_recipient.armed() is False
    assert reentrant_recipient.lastCallSucceeded() is False
    assert reentrant_recipient.lastRevertData() == error_data(swap.SwapNotFound, swapId=terms.id)
    assert reentrant_recipient.receipts() == 1
    assert reentrant_recipient.balance == terms.amount
    assert swap.balance == bystander.amount
    assert swap.isOpen(terms.id) is False and swap.isOpen(bystander.id) is True


def test_own_refund__sender_contract_refunds_and_reenters__inner_call_refused_paid_once(
    swap, chain, make_terms, locked, reentrant_recipient, deployer, stranger, error_data
):
    _, bystander = locked("bystander", amount=5 * ETHER)
    _, terms = make_terms(sender=reentrant_recipient)
    lock_as_contract(swap, reentrant_recipient, terms, deployer)
    refund = swap.refund.encode_input(terms.hashlock, terms.amount, terms.recipient, terms.timelock)
    reentrant_recipient.arm(swap, refund, sender=stranger)
    chain.pending_timestamp = terms.timelock

    tx = reentrant_recipient.execute(swap, refund, sender=stranger)

    assert tx.decode_logs(swap.SwapRefunded) == [swap.SwapRefunded(terms.id)]
    assert reentrant_recipient.lastCallSucceeded() is False
    assert reentrant_recipient.lastRevertData() == error_data(swap.SwapNotFound, swapId=terms.id)
    assert reentrant_recipient.receipts() == 1
    assert reentrant_recipient.balance == terms.amount
    assert swap.balance == bystander.amount


def test_own_claim__hashlock_is_sha256_of_the_preimage(swap, locked, recipient):
    """The SwapClaimed event carries the hashlock the contract derived: sha256(preimage)."""
    preimage, terms = locked()

    tx = own_claim(swap, preimage, terms, recipient)

    (log,) = tx.decode_logs(swap.SwapClaimed)
    assert bytes(log.hashlock) == hashlib.sha256(preimage).digest() == terms.hashlock


# ---------------------------------------------------------------- batches


@pytest.fixture
def mixed(chain, locked, usdc, stranger):
    """Three open swaps: ether to the recipient, USDC to the recipient (both for a day) and
    ether to the stranger (for two days)."""
    return [
        locked("a", amount=ETHER),
        locked("b", token=usdc, amount=AMOUNT),
        locked(
            "c", amount=3 * ETHER, recipient=stranger, timelock=chain.pending_timestamp + 2 * DAY
        ),
    ]


def test_claim_batch__mixed_ether_and_token__pays_every_recipient(
    swap, usdc, mixed, sender, recipient, stranger, deployer
):
    (pa, a), (pb, b), (pc, c) = mixed
    ledger = Ledger(usdc, sender, recipient, stranger, swap)

    tx = ledger.paid_gas(deployer, swap.claimBatch([pa, pb, pc], [a, b, c], sender=deployer))

    assert tx.events == [
        swap.SwapClaimed(a.hashlock, pa),
        swap.SwapClaimed(b.hashlock, pb),
        usdc.Transfer(swap.address, recipient.address, AMOUNT),
        swap.SwapClaimed(c.hashlock, pc),
    ]
    assert ledger.changes() == [
        (0, 0),
        (ETHER, AMOUNT),
        (3 * ETHER, 0),
        (-4 * ETHER, -AMOUNT),
    ]
    assert not any(swap.isOpen(t.id) for t in (a, b, c))


def test_refund_batch__mixed_ether_and_token__returns_everything_to_senders(
    swap, chain, usdc, mixed, sender, recipient, stranger, deployer
):
    (_, a), (_, b), (_, c) = mixed
    ledger = Ledger(usdc, sender, recipient, stranger, swap)
    chain.pending_timestamp = max(t.timelock for t in (a, b, c))

    tx = ledger.paid_gas(deployer, swap.refundBatch([a, b, c], sender=deployer))

    assert tx.events == [
        swap.SwapRefunded(a.id),
        swap.SwapRefunded(b.id),
        usdc.Transfer(swap.address, sender.address, AMOUNT),
        swap.SwapRefunded(c.id),
    ]
    assert ledger.changes() == [(4 * ETHER, AMOUNT), (0, 0), (0, 0), (-4 * ETHER, -AMOUNT)]
    assert not any(swap.isOpen(t.id) for t in (a, b, c))


@pytest.mark.parametrize("lengths", [(2, 1), (1, 2), (0, 1)])
def test_claim_batch__length_mismatch__reverts_batch_length_mismatch(
    swap, mixed, recipient, lengths, reverts
):
    preimages = [p for p, _ in mixed][: lengths[0]]
    swaps = [t for _, t in mixed][: lengths[1]]

    with reverts(swap.SwapBatchLengthMismatch, preimages=lengths[0], swaps=lengths[1]):
        swap.claimBatch(preimages, swaps, sender=recipient)

    assert all(swap.isOpen(t.id) for _, t in mixed)


def test_batches__empty__succeed_with_no_effect(swap, mixed, stranger):
    assert swap.claimBatch([], [], sender=stranger).events == []
    assert swap.refundBatch([], sender=stranger).events == []
    assert all(swap.isOpen(t.id) for _, t in mixed)


@pytest.mark.parametrize("bad", ["wrong_preimage", "duplicate", "expired"])
def test_claim_batch__one_bad_entry__reverts_the_whole_batch(
    swap, chain, usdc, locked, mixed, secret, sender, recipient, stranger, bad, reverts
):
    (pa, a), (pb, b), (pc, c) = mixed
    preimages, swaps = [pa, pb, pc], [a, b, c]
    wrong, wrong_hash = secret("wrong")
    if bad == "wrong_preimage":
        preimages[2] = wrong
        expected = (swap.SwapWrongPreimage, {"hashlock": c.hashlock, "preimageHash": wrong_hash})
    elif bad == "duplicate":
        preimages.append(pa)
        swaps.append(a)
        expected = (swap.SwapNotFound, {"swapId": a.id})
    else:
        pd, d = locked("d", timelock=chain.blocks.head.timestamp + 100)
        preimages.append(pd)
        swaps.append(d)
        chain.pending_timestamp = d.timelock
        expected = (swap.SwapExpired, {"swapId": d.id, "timelock": d.timelock})
    ledger = Ledger(usdc, sender, recipient, swap)

    with reverts(expected[0], **expected[1]):
        swap.claimBatch(preimages, swaps, sender=stranger)

    assert ledger.changes() == [(0, 0), (0, 0), (0, 0)]
    assert all(swap.isOpen(t.id) for t in swaps)


@pytest.mark.parametrize("bad", ["not_expired", "duplicate", "never_locked"])
def test_refund_batch__one_bad_entry__reverts_the_whole_batch(
    swap, chain, usdc, locked, make_terms, mixed, sender, stranger, bad, reverts
):
    swaps = [t for _, t in mixed]
    latest = max(t.timelock for t in swaps)
    if bad == "not_expired":
        _, late = locked("late", timelock=latest + 1)
        swaps.insert(1, late)
        expected = (swap.SwapNotExpired, {"swapId": late.id, "timelock": late.timelock})
    elif bad == "duplicate":
        swaps.append(swaps[1])
        expected = (swap.SwapNotFound, {"swapId": swaps[1].id})
    else:
        _, ghost = make_terms("ghost", timelock=latest)
        swaps.append(ghost)
        expected = (swap.SwapNotFound, {"swapId": ghost.id})
    ledger = Ledger(usdc, sender, swap)
    chain.pending_timestamp = latest

    with reverts(expected[0], **expected[1]):
        swap.refundBatch(swaps, sender=stranger)

    assert ledger.changes() == [(0, 0), (0, 0)]
    assert all(swap.isOpen(t.id) for _, t in mixed)
    if bad == "not_expired":
        assert swap.isOpen(swaps[1].id) is True
