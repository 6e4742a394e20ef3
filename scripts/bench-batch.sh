#!/usr/bin/env bash
# Batch figures for README/docs/batch.md, all on one set of inputs in one session:
#   images/s of the plain batch, of --state, and of the RabbitMQ queue with 1 and 2 workers (a private node on
#   loopback, as the tests start it); peak resident memory (VmHWM) of `fiqa assess` at 10,000 and 100,000 inputs.
# Usage: scripts/bench-batch.sh [N_IMAGES]   (default 300; needs a Release build: ./fiqa --help builds one)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-300}"
fiqa=(dotnet "$root/src/Fiqa.Cli/bin/Release/net10.0/fiqa.dll")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export FIQA_HOME="$root"

# N real face crops, each with its own content hash (bytes after IEND are ignored by decoders).
mapfile -t crops < <(find "$root/data/crops" -name '*.png' | sort)
mkdir -p "$work/in"
for ((i = 0; i < n; i++)); do
  { cat "${crops[i % ${#crops[@]}]}"; printf 'fiqa%08d' "$i"; } > "$work/in/img$(printf %05d "$i").png"
done
common=(--measures none --assume-upright)

rate() { grep -oE '\(([0-9.]+) (files|inputs)/s' | grep -oE '[0-9.]+' | head -1; }
plain=$("${fiqa[@]}" assess "$work/in" "${common[@]}" --threads 2 -o "$work/plain.jsonl" 2>&1 | rate)
state=$("${fiqa[@]}" assess "$work/in" "${common[@]}" --threads 2 -o "$work/state.jsonl" --state "$work/state.db" 2>&1 | rate)
echo "plain batch (2 threads): $plain images/s"
echo "with --state (2 threads): $state images/s"

# A private RabbitMQ node.
port=$((20000 + RANDOM % 20000)); node="fiqa-bench-$$@localhost"
mkdir -p "$work/rmq"; echo '[].' > "$work/rmq/enabled_plugins"
env RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" RABBITMQ_DIST_PORT=$((port + 1)) \
  RABBITMQ_MNESIA_BASE="$work/rmq/mnesia" RABBITMQ_LOG_BASE="$work/rmq/log" RABBITMQ_ENABLED_PLUGINS_FILE="$work/rmq/enabled_plugins" \
  RABBITMQ_CONFIG_FILE="$work/rmq/rabbitmq" RABBITMQ_PID_FILE="$work/rmq/pid" /usr/lib/rabbitmq/bin/rabbitmq-server > "$work/rmq/out.log" 2>&1 &
# await_startup fails at once until the node has registered with epmd: retry for up to 90 s.
for ((t = 0; t < 90; t++)); do
  /usr/lib/rabbitmq/bin/rabbitmqctl -n "$node" await_startup --timeout 60 > /dev/null 2>&1 && break
  sleep 1
done
broker="amqp://guest:guest@127.0.0.1:$port/"
stop_node() { /usr/lib/rabbitmq/bin/rabbitmqctl -n "$node" stop > /dev/null 2>&1 || true; rm -rf "$work"; }
trap stop_node EXIT

"${fiqa[@]}" queue submit "$work/in" --broker "$broker" --queue one --batch 8 2> /dev/null
one=$("${fiqa[@]}" worker --broker "$broker" --queue one --results "$work/one.db" "${common[@]}" --threads 2 --idle-exit 2 2>&1 | rate)
echo "queue, 1 worker (2 threads): $one images/s"
"${fiqa[@]}" queue submit "$work/in" --broker "$broker" --queue two --batch 8 2> /dev/null
# Two workers of one thread each on the same 2 cores: the total rate is inputs over the span of both busy periods.
"${fiqa[@]}" worker --broker "$broker" --queue two --results "$work/two.db" "${common[@]}" --threads 1 --idle-exit 2 2> "$work/w1.log" &
w1=$!
"${fiqa[@]}" worker --broker "$broker" --queue two --results "$work/two.db" "${common[@]}" --threads 1 --idle-exit 2 2> "$work/w2.log"
wait "$w1"  # not a bare wait: the broker runs in the background too
r1=$(rate < "$work/w1.log"); r2=$(rate < "$work/w2.log")
echo "queue, 2 workers (1 thread each): $(echo "$r1 + $r2" | bc -l | xargs printf '%.1f') images/s (${r1} + ${r2})"

# Peak memory: inputs are 1 KiB files that are not images (enumerated, read, hashed, decoded to an error record,
# written, recorded in the state), so the number of inputs is what varies; image memory is bounded by --in-flight.
peak() {
  local list="$1"
  "${fiqa[@]}" assess "@$list" "${common[@]}" --threads 2 -o "$work/mem.jsonl" --state "$work/mem-$RANDOM.db" 2> /dev/null &
  local pid=$! hwm=0 v
  while kill -0 "$pid" 2> /dev/null; do
    v=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2> /dev/null || echo 0); [[ -n "$v" && "$v" -gt "$hwm" ]] && hwm=$v
    sleep 0.2
  done
  wait "$pid" || true
  echo $((hwm / 1024))
}
mkdir -p "$work/px"
head -c 1024 /dev/urandom > "$work/px/one.png"
for count in 10000 100000; do
  dir="$work/px/$count"; mkdir -p "$dir"
  for ((i = 0; i < count; i++)); do echo "$dir/p$i.png"; done > "$work/px/list$count.txt"
  python3 - "$work/px/one.png" "$work/px/list$count.txt" <<'PY'
import sys
src, listing = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
for line in open(listing):
    with open(line.rstrip('\n'), 'wb') as f: f.write(data)
PY
  echo "peak memory at $count inputs: $(peak "$work/px/list$count.txt") MiB"
done
