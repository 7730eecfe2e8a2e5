"""The asset proxy scenario of `make demo`: one approval lets an authorized contract move a
user's tokens; the guardian revokes that contract at once, and its next pull is refused."""

from __future__ import annotations

from eth_utils import keccak

from openotc.units import UNLIMITED, USDC_UNIT

KNOWN_ERRORS = ["ProxyUnauthorized(address)"]


def proxy_scenario(foundation, say, guardian, alice, bob, usdc, settlement) -> None:
    proxy = foundation.proxy
    say.section("Asset proxy: one approval, then the guardian revokes")
    usdc.mint(alice, 5_000 * USDC_UNIT, sender=alice)
    usdc.approve(proxy, UNLIMITED, sender=alice)
    say("alice approves the proxy once (unlimited)")
    settlement.pull(usdc, alice, bob, 250 * USDC_UNIT, sender=bob)
    say(
        "settlement contract moves 250 USDC alice -> bob: "
        f"bob holds {usdc.balanceOf(bob) / USDC_UNIT}"
    )
    proxy.revoke(settlement, sender=guardian)
    say("guardian revokes the settlement contract (instant, no vote needed to take away)")
    refusal = _simulate(settlement, "pull", [usdc, alice, bob, 1 * USDC_UNIT], bob)
    say(f"revoked contract tries again -> refused with {refusal}")
    say(f"alice still holds {usdc.balanceOf(alice) / USDC_UNIT} USDC")


def _simulate(contract, method: str, args: list, sender) -> str:
    """Simulates a call and names the custom error it reverts with, without ape's trace
    printing (the demo expects this revert). Returns "no revert" if it succeeds."""
    data = getattr(contract, method).encode_input(*args)
    web3 = contract.provider.web3
    try:
        web3.eth.call({"from": sender.address, "to": contract.address, "data": data.hex()})
    except Exception as error:  # web3 raises a different class per revert kind
        revert_data = str(getattr(error, "data", "") or error)
        for signature in KNOWN_ERRORS:
            if keccak(text=signature)[:4].hex() in revert_data:
                return signature.split("(")[0]
        return revert_data
    return "no revert"
