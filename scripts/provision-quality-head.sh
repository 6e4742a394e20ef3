#!/usr/bin/env bash
# Trains the default 'distilled' quality head (the UnifiedQualityScore) with the project's own commands on the
# installed data — reproducible, nothing downloaded: every face of the group photos becomes its own identity folder
# (fiqa crop), then fiqa train-quality distils perturbation-robustness labels over the dlib johns, the franck video
# frames and those crops with seeded degradations. Re-runs are instant unless the head or the recipe is missing/changed.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Bump when the training recipe (commands, options, trainer code) changes, so existing heads are retrained.
RECIPE="distilled-v1 perturb sorted-input seed1"
MODELS="${FIQA_MODELS:-$FIQA_ROOT/models}"
DATA="${FIQA_DATA:-$FIQA_ROOT/data}"
head="$MODELS/fiqa_quality_head.json"
stamp="$MODELS/.fiqa_quality_head.recipe"

if [[ -f "$head" && -f "$stamp" && "$(cat "$stamp")" == "$RECIPE" ]]; then
  log "quality head present ($RECIPE)"
  exit 0
fi
fiqa="$FIQA_ROOT/fiqa"
if [[ ! -f "$DATA/.crops.ok" ]]; then
  rm -rf "$DATA/crops"
  "$fiqa" crop "$DATA/face-api" "$DATA/dlib/faces" --out "$DATA/crops" >&2
  touch "$DATA/.crops.ok"
fi
log "training the quality head (a few minutes on 2 cores)"
"$fiqa" train-quality --data "$DATA/dlib/johns" --data "$DATA/video" --data "$DATA/crops" --seed 1 --out "$head" >&2
printf '%s' "$RECIPE" > "$stamp"
log "quality head ready: $head"
