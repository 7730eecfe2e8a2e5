"""`ape console` helpers: on a network with a recorded deployment, the deployed OpenOTC
contracts are in the namespace by contract name (OTCToken, OTCGovernor, AssetProxy, ...) and
by role (token, governor, timelock, registry, proxy, identity, randomness, court, arbitrator,
escrow, swap)."""

from openotc.deployment.deploy import ALL_CONTRACTS, load_deployed


def ape_init_extras(chain, project):
    try:
        deployed = load_deployed(project, chain)
    except Exception as error:  # no provider, or an unreadable record: start the console anyway
        print(f"OpenOTC: no deployment loaded ({error})")
        return {}
    extras = dict(deployed)
    for role, contract_type in ALL_CONTRACTS.items():
        if contract_type in deployed:
            extras[role] = deployed[contract_type]
    if deployed:
        print("OpenOTC contracts loaded: " + ", ".join(sorted(extras)))
    return extras
