#!/usr/bin/env bash
# The nemesis (see nemesis.py): three replicas in network namespaces under partitions, loss,
# kills and pauses, histories checked. Installs iproute2 and iptables when missing; skips with a
# message where namespaces cannot be made (not root, a container without the capability).
set -euo pipefail
binary=${1:-.build/debug/node}
duration=${NEMESIS_DURATION:-40}
if [ "$(id -u)" -eq 0 ] && { ! command -v ip >/dev/null || ! command -v iptables >/dev/null; }; then
    if command -v apt-get >/dev/null; then
        echo "nemesis: installing iproute2 and iptables"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 iptables) >/dev/null 2>&1 \
            || echo "nemesis: could not install iproute2/iptables"
    fi
fi
exec python3 "$(dirname "$0")/nemesis.py" "$binary" --duration "$duration" "${@:2}"
