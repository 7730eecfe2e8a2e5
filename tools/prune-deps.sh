#!/usr/bin/env sh
# Keeps ape's dependency copies to their Solidity sources. The OpenZeppelin npm package also
# ships its compiled artifacts (build/contracts/*.json, 257 files). ape copies a dependency's
# whole folder into the project's `contracts/.cache`, and ape 0.8 stops scanning the
# contracts folder after 500 files: with the artifacts there, some of the project's own
# contracts were never seen (`'LocalProject' object has no attribute 'OTCTimelock'`).
# Removes the artifacts from node_modules, from ape's package cache and from any copy
# already unpacked into contracts/.cache. Idempotent and cheap; `make setup` runs it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
ape_data=${APE_DATA_FOLDER:-$HOME/.ape}
for dir in \
    "$root/node_modules/@openzeppelin/contracts/build" \
    "$ape_data"/packages/projects/@openzeppelin_contracts/*/build \
    "$root"/contracts/.cache/openzeppelin/*/build; do
    if [ -d "$dir" ]; then rm -rf "$dir"; fi
done
