#!/usr/bin/env bash
# Trains the default 'distilled' quality head (the UnifiedQualityScore) with the project's own commands on the
# installed data — reproducible, nothing downloaded: every face of the group photos becomes its own identity folder
# (fiqa crop), then fiqa train-quality distils perturbation-robustness labels over the dlib johns, the franck video
# frames and those crops with seeded degradations; fiqa calibrate froq chooses FROQ's observed layers on a seeded subset
# of the same material. Re-runs are instant unless a file or its recipe is missing/changed.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Bump when the training recipe (commands, options, trainer code) changes, so existing heads are retrained.
RECIPE="distilled-v1 perturb sorted-input seed1"
MODELS="${FIQA_MODELS:-$FIQA_ROOT/models}"
DATA="${FIQA_DATA:-$FIQA_ROOT/data}"
head="$MODELS/fiqa_quality_head.json"
stamp="$MODELS/.fiqa_quality_head.recipe"

FROQ_RECIPE="froq-v1 perturb top10 600 seed1"
froq="$MODELS/froq_calibration.json"
froq_stamp="$MODELS/.froq_calibration.recipe"

fiqa="$FIQA_ROOT/fiqa"
crops() {
  if [[ ! -f "$DATA/.crops.ok" ]]; then
    rm -rf "$DATA/crops"
    "$fiqa" crop "$DATA/face-api" "$DATA/dlib/faces" --out "$DATA/crops" >&2
    touch "$DATA/.crops.ok"
  fi
}
if [[ -f "$head" && -f "$stamp" && "$(cat "$stamp")" == "$RECIPE" ]]; then
  log "quality head present ($RECIPE)"
else
  crops
  log "training the quality head (a few minutes on 2 cores)"
  "$fiqa" train-quality --data "$DATA/dlib/johns" --data "$DATA/video" --data "$DATA/crops" --seed 1 --out "$head" >&2
  printf '%s' "$RECIPE" > "$stamp"
  log "quality head ready: $head"
fi
if [[ -f "$froq" && -f "$froq_stamp" && "$(cat "$froq_stamp")" == "$FROQ_RECIPE" ]]; then
  log "FROQ calibration present ($FROQ_RECIPE)"
else
  crops
  log "calibrating FROQ (under a minute)"
  "$fiqa" calibrate froq --data "$DATA/dlib/johns" --data "$DATA/video" --data "$DATA/crops" --seed 1 --top 10 --max-samples 600 --out "$froq" >&2
  printf '%s' "$FROQ_RECIPE" > "$froq_stamp"
  log "FROQ calibration ready: $froq"
fi
