#!/usr/bin/env bash
# Installs the pinned n8n server (test/e2e/runtime/package.json) into .cache/n8n-runtime, on the
# project's Node 24. Cached: does nothing when the same manifest is already installed.
# n8n's own install needs two workarounds on this machine kind (see shared/reference/n8n.md §2):
# scripts off (a Kafka package downloads at install time and fails), then sqlite3 built from
# its bundled sources.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
dir="${N8N_RUNTIME_DIR:-$root/.cache/n8n-runtime}"
manifest="$root/test/e2e/runtime/package.json"
export PATH="$root/node_modules/.bin:$PATH"

if [ -f "$dir/.installed" ] && cmp -s "$manifest" "$dir/.installed"; then
	echo "n8n runtime: cached in $dir"
	exit 0
fi

echo "n8n runtime: installing into $dir (a few minutes, ~3 GB, once)"
mkdir -p "$dir"
cp "$manifest" "$dir/package.json"
cd "$dir"
npm install --ignore-scripts --no-audit --no-fund --loglevel=error
npm rebuild sqlite3 --loglevel=error
cp "$manifest" "$dir/.installed"
echo "n8n runtime: ready ($(node --version), n8n $(node -p "require('./node_modules/n8n/package.json').version"))"
