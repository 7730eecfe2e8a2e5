"""Registry-local fixtures.

The shared `reverts` (tests/conftest.py) checks a transaction's revert exactly. A reverting
*view* called through ape surfaces as an undecoded `ContractLogicError`, though: anvil writes
the error into the message text and ape does not read the JSON-RPC `data`. `view` runs such a
call as a raw `eth_call` and raises the contract's decoded custom error, so views are asserted
with the same `reverts` as transactions.
"""

import pytest
from eth_pydantic_types import HexBytes


@pytest.fixture(scope="session")
def spare_tokens(create_token):
    """Four unlisted 18-decimal tokens, "Token A" (A) to "Token D" (D), deployed once.

    Session-scoped and requested by name so ape deploys them before a test's snapshot (a
    contract deployed through `request.getfixturevalue` inside a test is rolled back with it).
    """
    return [create_token(f"Token {s}", s, 18) for s in "ABCD"]


@pytest.fixture(scope="session")
def view(chain, networks):
    """`view(contract.method, *args)`: a raw eth_call that raises the decoded custom error
    when the view reverts (use inside `reverts`), and returns the raw result otherwise."""

    def call(method, *args):
        contract = method.contract
        calldata = method.as_transaction(*args).data
        request = {"to": contract.address, "data": HexBytes(calldata).hex()}
        response = chain.provider.web3.provider.make_request("eth_call", [request, "latest"])
        if "error" not in response:
            return HexBytes(response["result"])
        revert_data = HexBytes(response["error"].get("data") or b"")
        error = networks.ecosystem.decode_custom_error(revert_data, contract.address)
        if error is None:
            raise AssertionError(f"view reverted without a known custom error: {response}")
        raise error

    return call
