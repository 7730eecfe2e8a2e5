#!/usr/bin/env sh
# Installs tools/solc-shim.js as `solc-v<version>` where py-solc-x (and so ape-solidity) looks
# for compilers, so the project compiles with the solc-js pinned in package.json and nothing
# is downloaded. Idempotent; rewrites the wrapper when the checkout moves.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(node -p "require('$root/node_modules/solc/package.json').version")
dir=${SOLCX_BINARY_PATH:-$HOME/.solcx}
target="$dir/solc-v$version"
mkdir -p "$dir"
tmp="$target.tmp.$$"
cat > "$tmp" <<WRAPPER
#!/usr/bin/env sh
OPENOTC_SOLCJS="$root/node_modules/solc" exec node "$root/tools/solc-shim.js" "\$@"
WRAPPER
chmod +x "$tmp"
if [ -f "$target" ] && cmp -s "$tmp" "$target"; then rm -f "$tmp"; else mv -f "$tmp" "$target"; fi
echo "$target"
