#!/usr/bin/env bash
# Installs the Debian packages Kosmos builds and tests with, when they are missing. Needs root (or sudo).
set -euo pipefail
need=()
for p in libcurl4-openssl-dev libyaml-dev libmnl-dev libsqlite3-dev pkg-config iproute2 iperf3 nftables openssl \
         iputils-ping netcat-openbsd python3; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
# Debian's kubernetes-client only when no kubectl is on the PATH: a newer kubectl may be installed by hand,
# and the package's files would clash with it.
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
