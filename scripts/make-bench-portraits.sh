#!/usr/bin/env bash
# The batch-throughput set: 82 portraits from the installed photos (dlib johns 55, franck stills 11, face-api 6, dlib's
# 9 PASCAL VOC photos, the scikit-image astronaut), each scaled to fill 1152×864 (centre crop) and written as a
# quality-90 JPEG by ImageMagick (installed by scripts/provision-data.sh). Idempotent; deterministic names.
# Usage: scripts/make-bench-portraits.sh [OUT]   (default data/bench-portraits)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
data="${FIQA_DATA:-$FIQA_ROOT/data}"
out="${1:-$data/bench-portraits}"
mkdir -p "$out"
sources=()
while IFS= read -r f; do sources+=("$f"); done < <(
  { find "$data/dlib/johns" "$data/franck" "$data/face-api" -name '*.jpg'
    find "$data/dlib/faces" -name '20*.jpg'
    echo "$data/fixtures/astronaut.jpg"; } | LC_ALL=C sort)
for f in "${sources[@]}"; do
  name="$(basename "$(dirname "$f")")_$(basename "${f%.*}").jpg"
  [[ -s "$out/$name" ]] || convert "$f" -resize '1152x864^' -gravity center -extent 1152x864 -quality 90 "$out/$name"
done
log "bench portraits: $(find "$out" -name '*.jpg' | wc -l) in $out"
