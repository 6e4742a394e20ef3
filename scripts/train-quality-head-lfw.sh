#!/usr/bin/env bash
# Retrains the committed LFW quality head (heads/lfw/) from LFW and checks that it reproduces the committed file byte for
# byte: the same command, seed and split lists give the same weights, provenance and figures. LFW is read from
# $FIQA_LFW, else ../shared/datasets/lfw beside the checkout (never copied into the repository). One embedder pass per
# image is cached (≈ 30 min for the 13,233 images on 2 busy cores the first time; later runs only train, ≈ 7 min).
# Usage: scripts/train-quality-head-lfw.sh [--write]   (--write replaces the committed files instead of comparing)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

LFW="${FIQA_LFW:-$FIQA_ROOT/../shared/datasets/lfw}"
[[ -f "$LFW/people.txt" ]] || { log "LFW not found at $LFW (set FIQA_LFW)"; exit 1; }
committed="$FIQA_ROOT/heads/lfw"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$FIQA_ROOT/fiqa" train-quality-lfw --lfw "$LFW" --seed 1 --recipes all --out "$work/report" --head-out "$work/fiqa_quality_head.json" >&2
if [[ "${1:-}" == "--write" ]]; then
  mkdir -p "$committed"
  cp "$work/fiqa_quality_head.json" "$work/fiqa_quality_head.splits.tsv" "$work/report/report.md" "$committed/"
  log "wrote $committed"
  exit 0
fi
for f in fiqa_quality_head.json fiqa_quality_head.splits.tsv; do
  if cmp -s "$work/$f" "$committed/$f"; then log "$f reproduces the committed file"; else log "$f DIFFERS from the committed file"; diff <(head -c 2000 "$work/$f") <(head -c 2000 "$committed/$f") >&2 || true; exit 1; fi
done
