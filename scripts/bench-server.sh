#!/usr/bin/env bash
# Warm-service latency and throughput against `fiqa assess` on the same file, on loopback only (bounded: REQUESTS per
# client count, then the service is stopped). Prints p50/p99, req/s per client count, and the service's RSS.
#   scripts/bench-server.sh [FILE] [REQUESTS] [CLIENT_COUNTS]
#   e.g. scripts/bench-server.sh data/fixtures/astronaut.jpg 2000 "2 8 16"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
file="${1:-$root/data/fixtures/astronaut.jpg}"
requests="${2:-200}"
clients_list="${3:-1 2 8 16}"
port="${FIQA_BENCH_PORT:-18555}"
url="http://127.0.0.1:$port"
"$root/fiqa" --help >/dev/null  # build first, so the timings below exclude it

# FIQA_BENCH_SERVE_ARGS: extra `fiqa serve` options, e.g. "--intra-op-threads 2".
# shellcheck disable=SC2086
"$root/fiqa" serve --urls "$url" ${FIQA_BENCH_SERVE_ARGS:-} >"${TMPDIR:-/tmp}/fiqa-bench-serve.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 600); do curl -sf "$url/ready" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "$url/ready" >/dev/null || { echo "service not ready" >&2; exit 1; }
server_pid="$(pgrep -P "$pid" -f 'fiqa.dll serve' || echo "$pid")"

stats() {  # reads "code seconds" lines; prints counts, p50, p99 (ms) of the 200s
  sort -k2 -n | awk '{ n++; c[$1]++; if ($1 == 200) t[++k] = $2 * 1000 }
    END { codes = ""; for (x in c) codes = codes " " x "x" c[x];
          p50 = k ? t[int((k + 1) / 2)] : 0; i99 = int(0.99 * k + 0.999); if (i99 < 1) i99 = 1;
          printf "codes%s; p50 %.0f ms; p99 %.0f ms", codes, p50, k ? t[i99] : 0 }'
}
load() {  # load CLIENTS REQUESTS
  local c="$1" n="$2" start end
  start=$(date +%s.%N)
  seq "$n" | xargs -P "$c" -I{} curl -s -o /dev/null -w '%{http_code} %{time_total}\n' \
    -H 'Content-Type: image/jpeg' --data-binary "@$file" "$url/v1/assess?profile=icao" > "${TMPDIR:-/tmp}/fiqa-bench-$c.txt"
  end=$(date +%s.%N)
  printf 'clients %2d: %d requests in %.1f s = %.2f req/s; %s; RSS %s MiB\n' "$c" "$n" "$(awk "BEGIN { print $end - $start }")" \
    "$(awk "BEGIN { print $n / ($end - $start) }")" "$(stats < "${TMPDIR:-/tmp}/fiqa-bench-$c.txt")" \
    "$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")"
}
echo "file: $file; host: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
load 4 16 >/dev/null  # warm-up
for c in $clients_list; do load "$c" "$requests"; done
awk '/VmHWM/ { printf "service peak RSS %.0f MiB\n", $2 / 1024 }' "/proc/$server_pid/status"

# The same file through a fresh `fiqa assess` process each time (start-up, model load and one assessment).
times=()
for _ in 1 2 3 4 5; do
  s=$(date +%s.%N); "$root/fiqa" assess "$file" --profile icao >/dev/null 2>&1; e=$(date +%s.%N)
  times+=("$(awk "BEGIN { print ($e - $s) * 1000 }")")
done
printf 'fiqa assess (new process each): median of 5 %.0f ms\n' "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)"
