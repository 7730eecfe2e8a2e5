"""Properties of IdentityRegistry: the SDK signs what the contract checks, and levels follow a
simple model through random attestations, revocations, issuer changes and time."""

from eth_utils import keccak, to_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    invariant,
    precondition,
    rule,
)

from openotc.identity import Attestation, digest, sign
from openotc.units import DAY
from tests.utils.stateful import ChainMachine, call_data

addresses = st.binary(min_size=20, max_size=20).map(to_checksum_address)
attestations = st.builds(
    Attestation,
    subject=addresses,
    issuer=addresses,
    level=st.integers(0, 3),
    did_hash=st.binary(min_size=32, max_size=32),
    expires_at=st.integers(0, 2**64 - 1),
    nonce=st.integers(0, 2**256 - 1),
)


@settings(max_examples=25)
@given(attestation=attestations)
def test_digest__sdk_matches_contract_for_any_attestation(identity, chain, attestation):
    assert identity.attestationDigest(attestation.as_tuple()) == digest(
        attestation, identity.address, chain.chain_id
    )


# ---------------------------------------------------------------- stateful model


class IdentityMachine(ChainMachine):
    """Two EOA issuers, three subjects. The model keeps what the contract should store: each
    subject's current attestation (issuer, level, expiresAt), every (issuer, subject) nonce and
    which issuers are approved; a level counts while its issuer is approved and now < expiresAt.

    Rules only pick callers the model says may act: every refusal has its unit test. Fixtures
    arrive as class attributes, set by the pytest test below."""

    identity = chain = governance = guardian = submitter = None
    issuers: tuple = ()
    subjects: tuple = ()

    def __init__(self):
        super().__init__()  # one chain for many examples: each starts from the same snapshot
        self.approved = {issuer.address: True for issuer in self.issuers}
        self.nonces = {(i.address, s.address): 0 for i in self.issuers for s in self.subjects}
        self.current = {subject.address: None for subject in self.subjects}  # (issuer, level, exp)

    # -------------------------------------------------------- model

    def model_level(self, subject, now):
        current = self.current[subject]
        if current is None:
            return 0
        issuer, level, expires_at = current
        return level if self.approved[issuer] and now < expires_at else 0

    def revokers(self, subject):
        """Who may revoke `subject`: approved issuers and the issuer of its stored attestation."""
        current = self.current[subject.address]
        return [
            i
            for i in self.issuers
            if self.approved[i.address] or (current is not None and current[0] == i.address)
        ]

    # -------------------------------------------------------- chain helpers

    def live_expiries(self, head):
        """Stored expiries at least two seconds ahead: a block may still land before them."""
        return sorted({c[2] for c in self.current.values() if c and c[2] > head + 1})

    # -------------------------------------------------------- rules

    @precondition(lambda self: any(self.approved.values()))
    @rule(
        data=st.data(),
        subject=st.sampled_from(range(3)),
        level=st.integers(0, 3),
        ttl=st.integers(1, 3 * DAY),
        did=st.binary(min_size=1, max_size=8),
    )
    def attest(self, data, subject, level, ttl, did):
        subject = self.subjects[subject]
        approved = [i for i in self.issuers if self.approved[i.address]]
        issuer = data.draw(st.sampled_from(approved), label="issuer")
        key = (issuer.address, subject.address)
        now = self._pin()
        attestation = Attestation(
            subject.address, issuer.address, level, keccak(did), now + ttl, self.nonces[key]
        )
        signature = sign(attestation, self.identity.address, self.chain_id, issuer)

        attest = self.identity.attest
        tx = self._send(attest, attestation.as_tuple(), signature, sender=self.submitter)
        assert [(e.subject, e.issuer, e.level, e.didHash, e.expiresAt) for e in tx.events] == [
            (subject.address, issuer.address, level, keccak(did), now + ttl)
        ]
        self.nonces[key] += 1
        self.current[subject.address] = (issuer.address, level, now + ttl)
        assert self._uint(self.identity.nonceOf, *key) == self.nonces[key]

    @precondition(lambda self: any(self.revokers(s) for s in self.subjects))
    @rule(data=st.data())
    def revoke(self, data):
        subject = data.draw(st.sampled_from([s for s in self.subjects if self.revokers(s)]))
        issuer = data.draw(st.sampled_from(self.revokers(subject)), label="issuer")
        current = self.current[subject.address]
        issued_current = current is not None and current[0] == issuer.address

        tx = self._send(self.identity.revoke, subject, sender=issuer)
        assert [(e.subject, e.issuer) for e in tx.events] == [(subject.address, issuer.address)]
        key = (issuer.address, subject.address)
        self.nonces[key] += 1
        if issued_current:
            self.current[subject.address] = None
        assert self._uint(self.identity.nonceOf, *key) == self.nonces[key]

    @precondition(lambda self: any(self.approved.values()))
    @rule(data=st.data(), by_guardian=st.booleans())
    def remove_issuer(self, data, by_guardian):
        issuer = data.draw(st.sampled_from([i for i, ok in self.approved.items() if ok]))
        remover = self.guardian if by_guardian else self.governance

        tx = self._send(self.identity.removeIssuer, issuer, sender=remover)

        assert [(e.issuer, e.by) for e in tx.events] == [(issuer, remover.address)]
        self.approved[issuer] = False

    @precondition(lambda self: not all(self.approved.values()))
    @rule(data=st.data())
    def add_issuer(self, data):
        issuer = data.draw(st.sampled_from([i for i, ok in self.approved.items() if not ok]))

        tx = self._send(self.identity.addIssuer, issuer, sender=self.governance)

        assert [e.issuer for e in tx.events] == [issuer]
        self.approved[issuer] = True

    @rule(data=st.data())
    def time_passes(self, data):
        """Up to two days, or to the second before, at or after a stored expiry."""
        head = self.head
        timestamps = st.integers(head + 1, head + 2 * DAY)
        if expiries := self.live_expiries(head):
            around_expiry = st.tuples(st.sampled_from(expiries), st.sampled_from([-1, 0, 1]))
            timestamps = st.one_of(around_expiry.map(sum), timestamps)
        self._mine_at(data.draw(timestamps, label="timestamp"))

    # -------------------------------------------------------- invariants

    @invariant()
    def levels_match_the_model(self):
        now = self.head  # of the last block, which the views read
        identity = self.identity.address
        reads = [
            (s.address, *self.eth_call(identity, call_data("levelOf(address)", s.address)))
            for s in self.subjects
        ]
        levels = self._batch(reads)
        for subject in self.subjects:
            level = int(levels[subject.address], 16)
            assert level == self.model_level(subject.address, now), subject


def test_identity_state_machine(
    identity,
    chain,
    governance,
    guardian,
    issuer,
    second_issuer,
    maker,
    taker,
    stranger,
    request,
):
    for approved in (issuer, second_issuer):
        identity.addIssuer(approved, sender=governance)

    IdentityMachine.bind(request, "identity chain governance guardian")
    IdentityMachine.submitter = stranger
    IdentityMachine.issuers = (issuer, second_issuer)
    IdentityMachine.subjects = (maker, taker, stranger)

    IdentityMachine.run()
