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
