#!/usr/bin/env node
// OpenOTC's native-solc facade over solc-js (the official compiler built to WebAssembly).
//
// ape-solidity (through py-solc-x) and slither call a native `solc` binary with two kinds of
// invocation; this script answers both so that no compiler is ever downloaded:
//   solc --version                          -> version banner in native solc's format
//   solc --standard-json [--base-path P]... -> standard-JSON output for the JSON read on stdin
// Imports that are not in the input's `sources` are resolved against each --base-path and
// --include-path given, then the current directory. All other flags are accepted and ignored.
"use strict";

const fs = require("fs");
const path = require("path");

// The shim is installed outside the repository (where py-solc-x looks for compilers), so the
// location of the project's solc-js is baked in at install time through OPENOTC_SOLCJS.
const solc = require(process.env.OPENOTC_SOLCJS || "solc");

function parseArgs(argv) {
  const opts = { version: false, standardJson: false, roots: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--version") opts.version = true;
    else if (arg === "--standard-json") opts.standardJson = true;
    else if (arg === "--base-path" || arg === "--include-path") opts.roots.push(argv[++i]);
    else if (arg.startsWith("--base-path=") || arg.startsWith("--include-path=")) {
      opts.roots.push(arg.slice(arg.indexOf("=") + 1));
    }
  }
  opts.roots.push(process.cwd());
  return opts;
}

function importResolver(roots) {
  return (importPath) => {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : roots.map((root) => path.resolve(root, importPath));
    for (const candidate of candidates) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        return { contents: fs.readFileSync(candidate, "utf8") };
      }
    }
    return { error: `File not found: ${importPath} (searched ${roots.join(", ")})` };
  };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.version) {
    process.stdout.write(
      `solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`,
    );
    return 0;
  }
  if (opts.standardJson) {
    const input = fs.readFileSync(0, "utf8");
    process.stdout.write(solc.compile(input, { import: importResolver(opts.roots) }));
    return 0;
  }
  process.stderr.write("solc-shim: only --version and --standard-json are supported\n");
  return 1;
}

process.exitCode = main();
