#!/usr/bin/env bash
# Sets up a fresh Debian machine (apt packages) and runs every test, then builds the examples and benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests
swift build --product list-clusters
swift build --product watch-pods
swift test --skip-build 2>&1 | tee .build/test-output.txt
