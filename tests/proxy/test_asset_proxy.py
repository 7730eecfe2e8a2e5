"""AssetProxy: governance authorizes contracts, governance or a guardian revokes them, and only
authorized contracts move tokens that users approved to the proxy."""

import pytest

from openotc.governance import Proposal
from openotc.units import USDC_UNIT, ZERO_ADDRESS
from tests.utils.fixtures import roles

AMOUNT = 250 * USDC_UNIT
# Senders that are not authorized contracts; test_no_privileged_withdrawal.py tries the rest.
UNAUTHORIZED_SENDERS = [
    "stranger",
    "maker",  # the token owner itself
    "guardian",
    "governance",  # the timelock: authorizing is its job, moving tokens is not
]


# ---------------------------------------------------------------- wiring


def test_governance__is_the_timelock(proxy, timelock):
    assert proxy.governance() == timelock.address


def test_is_guardian__canceller_role_holders_only(proxy, guardian, governor, stranger, timelock):
    assert proxy.isGuardian(guardian)
    assert proxy.isGuardian(governor)  # the Governor holds CANCELLER_ROLE too
    assert not proxy.isGuardian(stranger)
    assert not proxy.isGuardian(timelock)


def test_fresh_deployment__authorizes_no_one(proxy, caller):
    assert proxy.authorizedContracts() == []
    assert not proxy.isAuthorized(caller)


# ---------------------------------------------------------------- authorize


def test_authorize__by_governance__emits_authorized_and_lists_target(proxy, caller, governance):
    tx = proxy.authorize(caller, sender=governance)

    assert tx.events == [proxy.Authorized(target=caller.address)]
    assert proxy.isAuthorized(caller)
    assert proxy.authorizedContracts() == [caller.address]


def test_authorize__several_contracts__lists_all_of_them(proxy, create_caller, governance):
    callers = [create_caller() for _ in range(3)]
    for c in callers:
        tx = proxy.authorize(c, sender=governance)
        assert tx.events == [proxy.Authorized(target=c.address)]

    assert sorted(proxy.authorizedContracts()) == sorted(c.address for c in callers)
    assert all(proxy.isAuthorized(c) for c in callers)


def test_authorize__eoa_target__reverts_not_a_contract(proxy, governance, stranger, reverts):
    with reverts(proxy.ProxyNotAContract, target=stranger.address):
        proxy.authorize(stranger, sender=governance)

    assert proxy.authorizedContracts() == []


def test_authorize__zero_address__reverts_not_a_contract(proxy, governance, reverts):
    with reverts(proxy.ProxyNotAContract, target=ZERO_ADDRESS):
        proxy.authorize(ZERO_ADDRESS, sender=governance)


def test_authorize__already_authorized__reverts_already_authorized(
    proxy, authorized_caller, governance, reverts
):
    with reverts(proxy.ProxyAlreadyAuthorized, target=authorized_caller.address):
        proxy.authorize(authorized_caller, sender=governance)

    assert proxy.authorizedContracts() == [authorized_caller.address]


@roles("stranger", "guardian", "deployer")
def test_authorize__by_non_governance__reverts_only_governance(proxy, caller, reverts, actor):
    with reverts(proxy.GovernedOnlyGovernance, caller=actor.address):
        proxy.authorize(caller, sender=actor)

    assert not proxy.isAuthorized(caller)


def test_authorize__by_the_governor_itself__reverts_only_governance(
    proxy, caller, governor, accounts, reverts
):
    """The Governor proposes; only the timelock executes. The Governor is not governance."""
    with reverts(proxy.GovernedOnlyGovernance, caller=governor.address):
        proxy.authorize(caller, sender=accounts[governor.address])


def test_authorize__after_revoke__authorizes_again(proxy, authorized_caller, governance, guardian):
    proxy.revoke(authorized_caller, sender=guardian)

    tx = proxy.authorize(authorized_caller, sender=governance)

    assert tx.events == [proxy.Authorized(target=authorized_caller.address)]
    assert proxy.isAuthorized(authorized_caller)
    assert proxy.authorizedContracts() == [authorized_caller.address]


# ---------------------------------------------------------------- revoke


def test_revoke__by_governance__emits_revoked_by_governance(
    proxy, authorized_caller, governance, timelock
):
    tx = proxy.revoke(authorized_caller, sender=governance)

    assert tx.events == [proxy.Revoked(target=authorized_caller.address, by=timelock.address)]
    assert not proxy.isAuthorized(authorized_caller)
    assert proxy.authorizedContracts() == []


def test_revoke__by_guardian__emits_revoked_by_guardian(proxy, authorized_caller, guardian):
    tx = proxy.revoke(authorized_caller, sender=guardian)

    assert tx.events == [proxy.Revoked(target=authorized_caller.address, by=guardian.address)]
    assert not proxy.isAuthorized(authorized_caller)
    assert proxy.authorizedContracts() == []


def test_revoke__by_governor__counts_as_guardian(proxy, authorized_caller, governor, accounts):
    tx = proxy.revoke(authorized_caller, sender=accounts[governor.address])

    assert tx.events == [proxy.Revoked(target=authorized_caller.address, by=governor.address)]
    assert not proxy.isAuthorized(authorized_caller)


def test_revoke__in_a_passed_proposal__names_the_timelock_not_the_executor(
    proxy, authorized_caller, proposals, treasury, timelock
):
    """`by` is the account that called `revoke` - the timelock - not the one that sent the
    transaction: whoever executes a passed proposal only relays the timelock's call."""
    proposal = Proposal("revoke a caller").call(proxy, "revoke", authorized_caller)
    proposals.propose_and_pass(proposal, treasury, [treasury])
    proposals.queue(proposal, treasury)
    proposals.advance_to(proposals.governor.proposalEta(proposals.proposal_id(proposal)))

    tx = proposals.execute(proposal, treasury)

    assert [(e.target, e.by) for e in tx.decode_logs(proxy.Revoked)] == [
        (authorized_caller.address, timelock.address)
    ]
    assert not proxy.isAuthorized(authorized_caller)


def test_revoke__one_of_several__keeps_the_others(proxy, create_caller, governance, guardian):
    first, second, third = (create_caller() for _ in range(3))
    for c in (first, second, third):
        proxy.authorize(c, sender=governance)

    tx = proxy.revoke(second, sender=guardian)

    assert tx.events == [proxy.Revoked(target=second.address, by=guardian.address)]
    assert sorted(proxy.authorizedContracts()) == sorted([first.address, third.address])
    assert not proxy.isAuthorized(second)


# target role, revoker role, whether the target was authorized and revoked before
NOT_AUTHORIZED = {
    "never_authorized": ("caller", "guardian", False),
    "eoa_target": ("stranger", "governance", False),
    "twice": ("authorized_caller", "governance", True),
}


@pytest.mark.parametrize("case", NOT_AUTHORIZED.values(), ids=NOT_AUTHORIZED.keys())
def test_revoke__target_not_authorized__reverts_not_authorized(
    proxy, guardian, reverts, request, case
):
    target_role, revoker_role, revoked_before = case
    target, revoker = request.getfixturevalue(target_role), request.getfixturevalue(revoker_role)
    if revoked_before:
        proxy.revoke(target, sender=guardian)

    with reverts(proxy.ProxyNotAuthorized, target=target.address):
        proxy.revoke(target, sender=revoker)


@roles("stranger", "deployer", "treasury")
def test_revoke__by_non_guardian__reverts_only_governance_or_guardian(
    proxy, authorized_caller, reverts, actor
):
    with reverts(proxy.GovernedOnlyGovernanceOrGuardian, caller=actor.address):
        proxy.revoke(authorized_caller, sender=actor)

    assert proxy.isAuthorized(authorized_caller)


# ---------------------------------------------------------------- transferFrom: success


@pytest.mark.parametrize(
    ("token_name", "unit"), [("usdc", 10**6), ("dai", 10**18), ("usdt", 10**6)]
)
def test_transfer_from__authorized_caller__moves_exact_amount(
    authorized_caller, proxy, usdc, dai, usdt, user, recipient, stranger, token_name, unit
):
    token = {"usdc": usdc, "dai": dai, "usdt": usdt}[token_name]
    amount = 1_234 * unit
    token.mint(user, 10 * amount, sender=user)
    token.approve(proxy, 3 * amount, sender=user)
    user_before, recipient_before = token.balanceOf(user), token.balanceOf(recipient)

    tx = authorized_caller.pull(token, user, recipient, amount, sender=stranger)

    assert tx.events == [token.Transfer(user.address, recipient.address, amount)]
    assert token.balanceOf(user) == user_before - amount
    assert token.balanceOf(recipient) == recipient_before + amount
    assert token.allowance(user, proxy) == 2 * amount
    assert token.balanceOf(proxy) == 0
    assert token.balanceOf(authorized_caller) == 0


def test_transfer_from__fee_on_transfer_token__recipient_gets_amount_minus_fee(
    authorized_caller, proxy, fee_token, user, recipient, stranger
):
    amount = 10_000 * 10**18
    fee = amount * fee_token.FEE_BPS() // 10_000
    assert fee == amount // 100
    fee_token.mint(user, amount, sender=user)
    fee_token.approve(proxy, amount, sender=user)
    supply_before = fee_token.totalSupply()

    tx = authorized_caller.pull(fee_token, user, recipient, amount, sender=stranger)

    assert tx.events == [
        fee_token.Transfer(user.address, ZERO_ADDRESS, fee),
        fee_token.Transfer(user.address, recipient.address, amount - fee),
    ]
    assert fee_token.balanceOf(user) == 0
    assert fee_token.balanceOf(recipient) == amount - fee  # the proxy does not hide the fee
    assert fee_token.totalSupply() == supply_before - fee
    assert fee_token.balanceOf(proxy) == 0


def test_transfer_from__one_approval__serves_several_authorized_callers(
    proxy, create_caller, governance, funded_usdc, user, recipient, stranger
):
    exchange, escrow = create_caller(), create_caller()
    proxy.authorize(exchange, sender=governance)
    proxy.authorize(escrow, sender=governance)
    allowance = funded_usdc.allowance(user, proxy)
    user_before = funded_usdc.balanceOf(user)

    tx_a = exchange.pull(funded_usdc, user, recipient, AMOUNT, sender=stranger)
    tx_b = escrow.pull(funded_usdc, user, escrow, 2 * AMOUNT, sender=stranger)

    assert tx_a.events == [funded_usdc.Transfer(user.address, recipient.address, AMOUNT)]
    assert tx_b.events == [funded_usdc.Transfer(user.address, escrow.address, 2 * AMOUNT)]
    assert funded_usdc.balanceOf(user) == user_before - 3 * AMOUNT
    assert funded_usdc.balanceOf(recipient) == AMOUNT
    assert funded_usdc.balanceOf(escrow) == 2 * AMOUNT
    assert funded_usdc.allowance(user, proxy) == allowance - 3 * AMOUNT


def test_transfer_from__revoking_one_caller__leaves_the_others_working(
    proxy, create_caller, governance, guardian, funded_usdc, user, recipient, stranger, reverts
):
    retired, live = create_caller(), create_caller()
    proxy.authorize(retired, sender=governance)
    proxy.authorize(live, sender=governance)

    tx = proxy.revoke(retired, sender=guardian)

    assert tx.events == [proxy.Revoked(target=retired.address, by=guardian.address)]
    with reverts(proxy.ProxyUnauthorized, caller=retired.address):
        retired.pull(funded_usdc, user, recipient, AMOUNT, sender=stranger)
    tx = live.pull(funded_usdc, user, recipient, AMOUNT, sender=stranger)
    assert tx.events == [funded_usdc.Transfer(user.address, recipient.address, AMOUNT)]
    assert funded_usdc.balanceOf(recipient) == AMOUNT


# ---------------------------------------------------------------- transferFrom: refusals


@roles(*UNAUTHORIZED_SENDERS)
def test_transfer_from__called_by_an_account__reverts_unauthorized(
    proxy, funded_usdc, user, reverts, actor
):
    user_before = funded_usdc.balanceOf(user)

    with reverts(proxy.ProxyUnauthorized, caller=actor.address):
        proxy.transferFrom(funded_usdc, user, actor, AMOUNT, sender=actor)

    assert funded_usdc.balanceOf(user) == user_before


def test_transfer_from__unauthorized_contract__reverts_unauthorized(
    proxy, caller, funded_usdc, user, recipient, stranger, reverts
):
    with reverts(proxy.ProxyUnauthorized, caller=caller.address):
        caller.pull(funded_usdc, user, recipient, AMOUNT, sender=stranger)

    assert funded_usdc.balanceOf(recipient) == 0


@pytest.mark.parametrize("revoker", ["guardian", "governance"])
def test_transfer_from__after_revoke__reverts_unauthorized(
    proxy,
    authorized_caller,
    funded_usdc,
    user,
    recipient,
    stranger,
    impersonate,
    reverts,
    request,
    revoker,
):
    authorized_caller.pull(funded_usdc, user, recipient, AMOUNT, sender=stranger)
    user_before = funded_usdc.balanceOf(user)

    revoker = request.getfixturevalue(revoker)
    tx = proxy.revoke(authorized_caller, sender=revoker)

    assert tx.events == [proxy.Revoked(target=authorized_caller.address, by=revoker.address)]
    for amount in (1, user_before):  # never again, whatever the amount
        with reverts(proxy.ProxyUnauthorized, caller=authorized_caller.address):
            authorized_caller.pull(funded_usdc, user, recipient, amount, sender=stranger)
    # nor by sending the call straight from the retired contract's address
    retired = impersonate(authorized_caller)
    with reverts(proxy.ProxyUnauthorized, caller=authorized_caller.address):
        proxy.transferFrom(funded_usdc, user, recipient, 1, sender=retired)
    assert funded_usdc.balanceOf(user) == user_before
    assert funded_usdc.balanceOf(recipient) == AMOUNT


def test_transfer_from__false_returning_token__reverts_safe_erc20_failed(
    proxy, authorized_caller, false_token, user, recipient, stranger, reverts
):
    with reverts(proxy.SafeERC20FailedOperation, token=false_token.address):
        authorized_caller.pull(false_token, user, recipient, AMOUNT, sender=stranger)


def test_transfer_from__insufficient_allowance__reverts_token_error(
    proxy, authorized_caller, usdc, user, recipient, stranger, reverts
):
    usdc.mint(user, 2 * AMOUNT, sender=user)
    usdc.approve(proxy, AMOUNT - 1, sender=user)

    with reverts(
        usdc.ERC20InsufficientAllowance, spender=proxy.address, allowance=AMOUNT - 1, needed=AMOUNT
    ):
        authorized_caller.pull(usdc, user, recipient, AMOUNT, sender=stranger)

    assert usdc.balanceOf(user) == 2 * AMOUNT


def test_transfer_from__no_approval__reverts_token_error(
    proxy, authorized_caller, dai, user, recipient, stranger, reverts
):
    dai.mint(user, AMOUNT, sender=user)

    with reverts(dai.ERC20InsufficientAllowance, spender=proxy.address, allowance=0, needed=AMOUNT):
        authorized_caller.pull(dai, user, recipient, AMOUNT, sender=stranger)


def test_transfer_from__insufficient_balance__reverts_token_error(
    proxy, authorized_caller, funded_usdc, user, recipient, stranger, reverts
):
    balance = funded_usdc.balanceOf(user)
    funded_usdc.approve(proxy, balance + 1, sender=user)

    with reverts(
        funded_usdc.ERC20InsufficientBalance,
        sender=user.address,
        balance=balance,
        needed=balance + 1,
    ):
        authorized_caller.pull(funded_usdc, user, recipient, balance + 1, sender=stranger)


def test_transfer_from__usdt_without_allowance__reverts_the_tokens_bare_revert(
    proxy, authorized_caller, usdt, user, recipient, stranger, reverts_without_data
):
    usdt.mint(user, AMOUNT, sender=user)
    usdt.approve(proxy, AMOUNT - 1, sender=user)

    with reverts_without_data():
        authorized_caller.pull(usdt, user, recipient, AMOUNT, sender=stranger)

    assert usdt.balanceOf(user) == AMOUNT


# ---------------------------------------------------------------- the strict revert check


def test_reverts__wrong_argument__fails_even_when_ape_cannot_decode(
    proxy, authorized_caller, false_token, usdc, user, recipient, stranger, reverts
):
    """Guards the helper: a bubbled error ape leaves undecoded is still checked exactly."""
    with (
        pytest.raises(AssertionError),
        reverts(proxy.SafeERC20FailedOperation, token=usdc.address),
    ):
        authorized_caller.pull(false_token, user, recipient, AMOUNT, sender=stranger)
    with (
        pytest.raises(AssertionError),
        reverts(proxy.ProxyUnauthorized, caller=false_token.address),
    ):
        authorized_caller.pull(false_token, user, recipient, AMOUNT, sender=stranger)
    with pytest.raises(AssertionError), reverts(proxy.ProxyUnauthorized):  # argument left out
        proxy.transferFrom(usdc, user, recipient, 1, sender=stranger)


# ---------------------------------------------------------------- governed: the caller named


@pytest.fixture
def relay(project, deployer):
    """A contract account that forwards a call (TestReentrantRecipient.execute): its calls
    come from the contract while the transaction is sent by an account."""
    return deployer.deploy(project.TestReentrantRecipient)


def test_authorize__relayed_by_a_contract__reverts_naming_the_contract(
    proxy, caller, relay, stranger, reverts, error_data
):
    refused = error_data(proxy.GovernedOnlyGovernance, caller=relay.address)

    with reverts(relay.CallFailed, data=refused):
        relay.execute(proxy, proxy.authorize.encode_input(caller), sender=stranger)

    assert not proxy.isAuthorized(caller)


def test_revoke__relayed_by_a_contract__reverts_naming_the_contract(
    proxy, authorized_caller, relay, stranger, reverts, error_data
):
    refused = error_data(proxy.GovernedOnlyGovernanceOrGuardian, caller=relay.address)

    with reverts(relay.CallFailed, data=refused):
        relay.execute(proxy, proxy.revoke.encode_input(authorized_caller), sender=stranger)

    assert proxy.isAuthorized(authorized_caller)


def test_authorize__in_a_passed_proposal__authorizes_the_target(proxy, caller, proposals, treasury):
    """The timelock calls `authorize`; the executor who sends the transaction is not
    governance, and does not need to be."""
    proposal = Proposal("authorize a caller").call(proxy, "authorize", caller)
    proposals.propose_and_pass(proposal, treasury, [treasury])
    proposals.queue(proposal, treasury)
    proposals.advance_to(proposals.governor.proposalEta(proposals.proposal_id(proposal)))

    tx = proposals.execute(proposal, treasury)

    assert [e.target for e in tx.decode_logs(proxy.Authorized)] == [caller.address]
    assert proxy.isAuthorized(caller)


def test_revoke__by_a_guardian_contract__emits_revoked_by_the_contract(
    proxy, authorized_caller, relay, timelock, governance, stranger
):
    """A guardian may be a contract (a multisig): its CANCELLER_ROLE counts, not the role of
    the account that sent the transaction."""
    timelock.grantRole(timelock.CANCELLER_ROLE(), relay, sender=governance)

    tx = relay.execute(proxy, proxy.revoke.encode_input(authorized_caller), sender=stranger)

    assert [(e.target, e.by) for e in tx.decode_logs(proxy.Revoked)] == [
        (authorized_caller.address, relay.address)
    ]
    assert not proxy.isAuthorized(authorized_caller)
