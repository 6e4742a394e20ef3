#!/usr/bin/env bash
# IQA speed table: Fiqa's metrics and OpenCV's quality module (Debian python3-opencv, the maintained reference) on the
# same 512×384 and ~2 MP pairs, in one run; prints a Markdown table of medians and ratios (Fiqa / OpenCV).
# Usage: scripts/bench-iqa.sh [iterations]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
iterations="${1:-15}"
OPENCV_VERSION="4.6.0+dfsg-12"
if ! /usr/bin/python3 -c 'import cv2; cv2.quality' 2>/dev/null; then
  log "apt-get install python3-opencv=$OPENCV_VERSION (benchmark reference only)"
  apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "python3-opencv=$OPENCV_VERSION" >&2
fi
"$FIQA_ROOT/scripts/provision.sh"
shared="$FIQA_ROOT/../shared/calibration/iqa"
data="${FIQA_DATA:-$FIQA_ROOT/data}"
ours="$(mktemp)"; ref="$(mktemp)"; trap 'rm -f "$ours" "$ref"' EXIT
"$FIQA_ROOT/fiqa" bench-iqa --iterations "$iterations" --json > "$ours"
if [[ -d "$shared" ]]; then small=("$shared/ref/I04.bmp" "$shared/dist/I04.bmp"); else small=(- -); fi
/usr/bin/python3 "$FIQA_ROOT/scripts/bench-iqa-opencv.py" "${small[@]}" "$data/face-api/sample1.jpg" \
  "$data/iqa/brisque_model_live.yml" "$data/iqa/brisque_range_live.yml" "$iterations" > "$ref"
/usr/bin/python3 - "$ours" "$ref" <<'PY'
import json, sys
ours = [json.loads(l) for l in open(sys.argv[1])]
ref = {(r["metric"], r["size"]): r["median_ms"] for r in map(json.loads, open(sys.argv[2]))}
sizes = list(dict.fromkeys(r["size"] for r in ours))
print("| metric | " + " | ".join(f"{s}: Fiqa ms | OpenCV ms | ratio" for s in sizes) + " |")
print("|---|" + "---:|---:|---:|" * len(sizes))
for m in dict.fromkeys(r["metric"] for r in ours):
    cells = []
    for s in sizes:
        f = next(r["median_ms"] for r in ours if r["metric"] == m and r["size"] == s)
        o = ref.get((m, s))
        cells.append(f"{f:.1f} | {o:.1f} | {f / o:.2f}×" if o else f"{f:.1f} | — | —")
    print(f"| {m} | " + " | ".join(cells) + " |")
PY

# Whole process, same pair, beside ffmpeg's ssim and psnr filters (Debian ffmpeg, scripts/provision-tools.sh): a
# 1920×1080 crop of face-api sample1.jpg as PNG and its JPEG-quality-30 copy as PNG; start-up and decoding included for
# both, median wall time of the runs.
"$FIQA_ROOT/scripts/provision-tools.sh"
work="$(mktemp -d)"; trap 'rm -rf "$ours" "$ref" "$work"' EXIT
ffmpeg -v error -y -i "$data/face-api/sample1.jpg" -vf crop=1920:1080:0:100 "$work/ref.png"
ffmpeg -v error -y -i "$work/ref.png" -q:v 20 "$work/dist.jpg"
ffmpeg -v error -y -i "$work/dist.jpg" "$work/dist.png"
dotnet "$FIQA_ROOT/artifacts/cli/fiqa.dll" --version >/dev/null   # built above by ./fiqa
median_wall() {   # median_wall N CMD... → seconds
  local n="$1"; shift; local times=()
  for ((i = 0; i < n; i++)); do
    local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
    times+=("$(echo "$e - $s" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
echo
echo "| whole process, 1920x1080 PNG pair | Fiqa s | ffmpeg s | ratio |"
echo "|---|---:|---:|---:|"
for m in ssim psnr; do
  f=$(median_wall "$iterations" dotnet "$FIQA_ROOT/artifacts/cli/fiqa.dll" iqa --metric "$m" --ref "$work/ref.png" "$work/dist.png")
  g=$(median_wall "$iterations" ffmpeg -v error -i "$work/dist.png" -i "$work/ref.png" -lavfi "$m" -f null -)
  echo "| $m | $f | $g | $(echo "scale=2; $f / $g" | bc)× |"
done
