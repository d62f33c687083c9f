#!/usr/bin/env bash
# Sets up a fresh Debian machine (apt packages) and runs every test, then builds the examples and benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests
swift build --product list-clusters
swift build --product watch-pods
swift build --product plan-network
swift build --product what-if
# One test at a time: many tests start servers, kubectl, python3 and network namespaces, and some measure
# timeouts; run side by side on 2 cores they starve each other's timers.
swift test --skip-build --no-parallel 2>&1 | tee .build/test-output.txt
exit "${PIPESTATUS[0]}"
