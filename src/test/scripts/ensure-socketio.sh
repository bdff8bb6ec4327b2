#!/usr/bin/env bash
# The benchmark's socket.io baseline: Node and socket.io 4 installed into the given folder
# (target/bench/socketio). Node and npm come from Debian when missing, as chromium does.
set -euo pipefail
target="$1"
here="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "The socket.io baseline needs node and npm (apt-get install nodejs npm)." >&2
    exit 1
  fi
fi
mkdir -p "$target"
cp "$here/socketio/package.json" "$here/socketio/broadcast-server.js" "$target/"
if [ ! -d "$target/node_modules/socket.io" ]; then
  (cd "$target" && npm install --no-audit --no-fund --loglevel=error)
fi
