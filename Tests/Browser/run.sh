#!/usr/bin/env bash
# Browser test of the bulletin web page: installs Debian's chromium + chromedriver (if missing)
# and selenium (into an ignored venv), starts a 3-replica board, and drives the page in
# headless chromium: post an article and a reply through the forms, see them appear, switch
# replica, see them there, and save a screenshot.
#
# Usage: Tests/Browser/run.sh path/to/node
set -euo pipefail
cd "$(dirname "$0")/../.."
node_bin="$(realpath "${1:-.build/debug/node}")"
venv=.build-browser/venv

if ! command -v chromium > /dev/null || ! command -v chromedriver > /dev/null; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver > /dev/null
fi
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import selenium' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet selenium
fi

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

ports=($("$venv/bin/python" - <<'PY'
import socket
sockets = [socket.socket() for _ in range(3)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))
PY
))
peers="n1=127.0.0.1:${ports[0]},n2=127.0.0.1:${ports[1]},n3=127.0.0.1:${ports[2]}"
for i in 0 1 2; do
    "$node_bin" serve --role bulletin --mode sequential --id "n$((i + 1))" --listen "127.0.0.1:${ports[$i]}" --peers "$peers" \
        --data-dir "$work/n$((i + 1))" --cluster-token browser-test --log-level warning > "$work/n$((i + 1)).out" 2>&1 &
    pids+=($!)
done
for i in 0 1 2; do
    for _ in $(seq 1 200); do grep -q "listening on" "$work/n$((i + 1)).out" && break; sleep 0.05; done
done

mkdir -p .build-browser
"$venv/bin/python" Tests/Browser/page_test.py "http://127.0.0.1:${ports[0]}/" "127.0.0.1:${ports[1]}" \
    .build-browser/bulletin.png "$(realpath "$node_bin")" "127.0.0.1:${ports[2]}"
echo "browser test passed; screenshot in .build-browser/bulletin.png"
