"""The asset proxy scenario of `make demo`: one approval lets an authorized contract move a
user's tokens; the guardian revokes that contract at once, and its next pull is refused."""

from __future__ import annotations

from openotc.demo.refusals import refused
from openotc.units import UNLIMITED, USDC_UNIT


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
    refusal = refused(settlement, "pull", [usdc, alice, bob, 1 * USDC_UNIT], bob, also=[proxy])
    say(f"revoked contract tries again -> refused with {refusal.error}")
    say(f"alice still holds {usdc.balanceOf(alice) / USDC_UNIT} USDC")
