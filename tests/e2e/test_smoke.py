from openotc.governance import Proposal


def test_smoke(foundation, proposals, treasury, registry, usdc, proxy, caller, governance):
    p = Proposal("list usdc").call(registry, "addToken", usdc, "USD Coin", "USDC", 6, b"\x00" * 32)
    p.call(proxy, "authorize", caller)
    proposals.run(p, treasury, [treasury])
    assert registry.isListed(usdc)
    assert proxy.isAuthorized(caller)
