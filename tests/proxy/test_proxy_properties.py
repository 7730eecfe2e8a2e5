"""Stateful properties of the asset proxy: random sequences of authorizations, revocations (by
governance or the guardian) and pull attempts by four caller contracts, checked against a
model of the authorized set and of the balances.

Invariants:
- `authorizedContracts()` is exactly the model's set;
- a pull succeeds if and only if its caller is authorized at that moment, and a caller revoked
  and not authorized again since never moves a token (checked by the pull rule);
- tokens are conserved: the user and the recipient hold exactly what the model says (so no
  token goes anywhere else, the proxy included), and their sum never changes.

Every refusal is checked with the harness's `_dry_run` (an `eth_call` on the pending block,
compared with the exact error data) rather than as a mined failing transaction; the unit tests
cover the same refusals as real transactions.
"""

from eth_abi import decode
from eth_utils import to_checksum_address
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from openotc.units import USDC_UNIT
from tests.utils.stateful import ChainMachine

N_CALLERS = 4

caller_index = st.integers(min_value=0, max_value=N_CALLERS - 1)
amounts = st.integers(min_value=1, max_value=1_000 * USDC_UNIT)


class ProxyMachine(ChainMachine):
    # Set by the test function before the machine runs (hypothesis cannot take fixtures).
    chain = proxy = usdc = governance = guardian = stranger = user = recipient = None
    callers: list = []
    error_data = None
    user_funds = recipient_funds = 0

    def __init__(self):
        super().__init__()
        self.authorized: set[str] = set()
        self.retired: set[str] = set()  # revoked, and not authorized again since
        self.user_balance = self.user_funds
        self.recipient_balance = self.recipient_funds
        # What the invariants must re-read from the chain. Refusals are dry runs and change
        # nothing; authorize and revoke touch no token (their exact event lists show no
        # Transfer); a pull changes only balances (its exact event list shows no
        # Authorized/Revoked).
        self.unverified = {"authorized", "balances"}

    # ------------------------------------------------------------ rules

    @rule(index=caller_index)
    def governance_authorizes(self, index):
        target = self.callers[index]
        if target.address in self.authorized:
            refusal = self._dry_run(self.proxy.authorize, target, sender=self.governance)
            assert refusal == self.error_data(self.proxy.ProxyAlreadyAuthorized, target=target)
            return

        tx = self._send(self.proxy.authorize, target, sender=self.governance)
        self.unverified.add("authorized")

        assert tx.events == [self.proxy.Authorized(target=target.address)]
        self.authorized.add(target.address)
        self.retired.discard(target.address)

    @rule(index=caller_index, by_guardian=st.booleans())
    def governance_or_guardian_revokes(self, index, by_guardian):
        target = self.callers[index]
        revoker = self.guardian if by_guardian else self.governance
        if target.address not in self.authorized:
            refusal = self._dry_run(self.proxy.revoke, target, sender=revoker)
            assert refusal == self.error_data(self.proxy.ProxyNotAuthorized, target=target)
            return

        tx = self._send(self.proxy.revoke, target, sender=revoker)
        self.unverified.add("authorized")

        assert tx.events == [self.proxy.Revoked(target=target.address, by=revoker.address)]
        self.authorized.remove(target.address)
        self.retired.add(target.address)

    @rule(index=caller_index, by_guardian=st.booleans())
    def non_governance_tries_to_authorize(self, index, by_guardian):
        sender = self.guardian if by_guardian else self.stranger
        refusal = self._dry_run(self.proxy.authorize, self.callers[index], sender=sender)
        assert refusal == self.error_data(self.proxy.GovernedOnlyGovernance, caller=sender)

    @rule(index=caller_index, amount=amounts)
    def caller_tries_to_pull(self, index, amount):
        puller = self.callers[index]
        args = (self.usdc, self.user, self.recipient, amount)
        if puller.address not in self.authorized:
            # never authorized, or revoked (self.retired) and not authorized again
            refusal = self._dry_run(puller.pull, *args, sender=self.stranger)
            assert refusal == self.error_data(self.proxy.ProxyUnauthorized, caller=puller)
            return

        tx = self._send(puller.pull, *args, sender=self.stranger)  # fails if the proxy refuses
        self.unverified.add("balances")

        assert tx.events == [self.usdc.Transfer(self.user.address, self.recipient.address, amount)]
        self.user_balance -= amount
        self.recipient_balance += amount

    # ------------------------------------------------------------ invariants

    @invariant()
    def authorized_set_matches_the_model(self):
        assert not self.retired & self.authorized
        if "authorized" in self.unverified:
            (listed,) = decode(["address[]"], self._view(self.proxy.authorizedContracts))
            assert {to_checksum_address(a) for a in listed} == self.authorized
            self.unverified.discard("authorized")

    @invariant()
    def tokens_are_conserved(self):
        assert self.user_balance + self.recipient_balance == self.user_funds + self.recipient_funds
        if "balances" in self.unverified:
            assert self._uint(self.usdc.balanceOf, self.user) == self.user_balance
            assert self._uint(self.usdc.balanceOf, self.recipient) == self.recipient_balance
            self.unverified.discard("balances")


def test_proxy_state_machine(
    chain,
    proxy,
    create_caller,
    funded_usdc,
    governance,
    guardian,
    stranger,
    user,
    recipient,
    error_data,
):
    ProxyMachine.chain = chain
    ProxyMachine.proxy = proxy
    ProxyMachine.usdc = funded_usdc
    ProxyMachine.governance = governance
    ProxyMachine.guardian = guardian
    ProxyMachine.stranger = stranger
    ProxyMachine.user = user
    ProxyMachine.recipient = recipient
    ProxyMachine.callers = [create_caller() for _ in range(N_CALLERS)]
    ProxyMachine.error_data = staticmethod(error_data)
    ProxyMachine.user_funds = funded_usdc.balanceOf(user)
    ProxyMachine.recipient_funds = funded_usdc.balanceOf(recipient)
    assert funded_usdc.allowance(user, proxy) == ProxyMachine.user_funds

    ProxyMachine.run()
