#!/usr/bin/env bash
# Sets up a fresh Debian machine (apt packages), builds Kosmos in release mode and starts local clusters.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product kosmosctl
exec .build/release/kosmosctl local-up "$@"
