#!/usr/bin/env bash
# Interop check: a real third-party Connect client (Python `connectrpc`, generated from
# Protocols/*.proto with protoc-gen-connectrpc + protoc-gen-py) calls a running `node serve`,
# once with the JSON codec and once with its defaults (binary protobuf, gzip on); `buf curl`
# (Connect's own CLI, PyPI `buf-bin`) calls unary and streaming methods with its default binary
# codec; `buf lint` checks Protocols/ (STANDARD rules, exceptions in Protocols/buf.yaml).
#
# Usage: Tests/Interop/run.sh [path/to/node]   (default .build/debug/node)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
node_bin=${1:-$root/.build/debug/node}
work=$root/.build-interop
venv=$work/venv

if [ ! -x "$venv/bin/python" ] || [ ! -x "$venv/bin/buf" ] || ! "$venv/bin/python" -c 'import connectrpc, grpc_tools, schemathesis' 2>/dev/null; then
    echo "interop: creating Python venv in $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        connectrpc protoc-gen-connectrpc protoc-gen-py grpcio-tools schemathesis buf-bin
fi

(cd Protocols && "$venv/bin/buf" lint) || { echo "interop: buf lint found problems in Protocols/"; exit 1; }
echo "interop: buf lint passed"

gen=$work/gen
# Generated into the package `api`: the generated modules import each other relatively
# (consensus.v1 imports node.v1's field rules), which needs a common parent package.
rm -rf "$gen" && mkdir -p "$gen/api"
protos=$(cd Protocols && find . -name '*.proto' | sed 's|^\./||' | sort)
(cd Protocols && "$venv/bin/python" -m grpc_tools.protoc -I. \
    --plugin=protoc-gen-py="$venv/bin/protoc-gen-py" \
    --plugin=protoc-gen-connectrpc="$venv/bin/protoc-gen-connectrpc" \
    --py_out="$gen/api" --connectrpc_out="$gen/api" $protos)

log=$work/node.log
"$node_bin" serve --role consensus --listen 127.0.0.1:0 --log-level debug > "$work/node.out" 2> "$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
    grep -q '^listening on ' "$work/node.out" 2>/dev/null && break
    sleep 0.05
done
address=$(sed -n 's/^listening on //p' "$work/node.out")
[ -n "$address" ] || { echo "interop: node did not start"; cat "$log"; exit 1; }

PYTHONPATH=$gen "$venv/bin/python" Tests/Interop/interop_test.py "http://$address"

# buf curl with its defaults (Connect protocol, binary protobuf): unary, streaming, and an error.
bufcurl() { "$venv/bin/buf" curl --protocol connect --schema Protocols "$@"; }
out=$(bufcurl "http://$address/node.v1.Health/Check")
printf '%s\n' "$out" | grep -q '"status": "SERVING"' || { echo "interop: buf curl Health/Check: $out"; exit 1; }
out=$(bufcurl -d '{"message":"t","count":3,"intervalMs":5}' "http://$address/node.v1.Diagnostics/Ticks")
ticks=$(printf '%s\n' "$out" | grep -c '"message": "t[012]"' || true)
[ "$ticks" = 3 ] || { echo "interop: buf curl Ticks: $out"; exit 1; }
out=$(bufcurl -d '{"poolId":"buf","size":2,"minValue":"-5","maxValue":"5"}' "http://$address/consensus.v1.Consensus/CreatePool")
printf '%s\n' "$out" | grep -q '"minValue": "-5"' || { echo "interop: buf curl CreatePool: $out"; exit 1; }
if out=$(bufcurl -d '{"poolId":"buf","size":2}' "http://$address/consensus.v1.Consensus/CreatePool" 2>&1); then
    echo "interop: buf curl: a duplicate pool was accepted: $out"; exit 1
fi
printf '%s\n' "$out" | grep -q '"code": "already_exists"' || { echo "interop: buf curl error: $out"; exit 1; }
echo "interop: buf curl (binary protobuf) passed"

# /metrics in Prometheus' own checker (Debian's prometheus package has promtool).
if ! command -v promtool >/dev/null && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "interop: installing promtool (Debian package prometheus)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus) >/dev/null 2>&1 || true
fi
checkmetrics() { # address
    curl -sf "http://$1/metrics" > "$work/metrics.txt"
    promtool check metrics < "$work/metrics.txt" || { echo "interop: promtool check metrics failed for $1"; exit 1; }
}
if command -v promtool >/dev/null; then
    checkmetrics "$address"
    echo "interop: promtool check metrics passed"
else
    echo "interop: promtool is not installed and cannot be; /metrics not checked"; exit 1
fi

# Schema-driven fuzzing of every method from the node's own OpenAPI document. Left out:
# Diagnostics (its Echo sleeps as long as asked, which only tests the fuzzer's patience) and
# streaming methods (OpenAPI cannot describe Connect's envelope framing).
curl -sf "http://$address/openapi.json" > "$work/openapi.json"
fuzz() { # name, extra schemathesis arguments...
    local name=$1; shift
    # Run inside the work directory: schemathesis keeps its cache (.schemathesis/) in the current one.
    (cd "$work" && "$venv/bin/schemathesis" run "$work/openapi.json" --url "http://$address" --max-examples 40 --workers 1 \
        --request-timeout 5 --seed 1 "$@") \
        > "$work/schemathesis-$name.log" 2>&1 || { tail -60 "$work/schemathesis-$name.log"; exit 1; }
    tail -3 "$work/schemathesis-$name.log"
}
# The built-in services: every check.
fuzz node --checks all --include-path-regex '^/node[.]v1[.]' --exclude-path-regex 'Diagnostics'
# Role services: every check but positive_data_acceptance, since they validate relations a
# schema cannot state (minValue <= maxValue, a vote within the pool's range, …).
fuzz roles --checks all --exclude-checks positive_data_acceptance --exclude-path-regex '^/node[.]v1[.]|Watch'
kill -TERM $pid
wait $pid
echo "interop: node exited cleanly"

# The bulletin role's services (client and peer-only), on a single read-your-writes replica and
# a single sequential one.
for mode in read-your-writes sequential; do
    "$node_bin" serve --role bulletin --mode "$mode" --listen 127.0.0.1:0 --log-level warning > "$work/bulletin.out" 2> "$work/bulletin.log" &
    pid=$!
    for _ in $(seq 1 200); do
        grep -q '^listening on ' "$work/bulletin.out" 2>/dev/null && break
        sleep 0.05
    done
    address=$(sed -n 's/^listening on //p' "$work/bulletin.out")
    [ -n "$address" ] || { echo "interop: bulletin node did not start"; cat "$work/bulletin.log"; exit 1; }
    curl -sf "http://$address/openapi.json" > "$work/openapi.json"
    checkmetrics "$address"
    fuzz "bulletin-$mode" --checks all --exclude-checks positive_data_acceptance --exclude-path-regex '^/node[.]v1[.]|Watch'
    kill -TERM $pid
    wait $pid
    rm -f "$work/bulletin.out"
done
echo "interop: bulletin nodes exited cleanly"
