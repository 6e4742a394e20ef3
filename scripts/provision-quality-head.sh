#!/usr/bin/env bash
# Trains the default 'distilled' quality head (the UnifiedQualityScore) with the project's own commands on the
# installed data — reproducible, nothing downloaded: every face of the group photos becomes its own identity folder
# (fiqa crop), then fiqa train-quality distils two teachers grounded in recognition outcomes (similarity to the
# identity's clean reference and SDD-FIQA's mated/non-mated distance; docs/quality-head.md) over the dlib johns, the
# franck video frames and those crops with seeded degradations into one shared regressor (MonotonicIQA); fiqa calibrate froq chooses FROQ's observed layers on a seeded subset
# of the same material. Re-runs are instant unless a file or its recipe is missing/changed.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Bump when the training recipe (commands, options, trainer code) changes, so existing heads are retrained.
RECIPE="distilled-v6 reference,sdd monotone deep24-l1+norm+serfiq hidden64 members1 decay1e-2 jitter1 epsilon0 seed1"
MODELS="${FIQA_MODELS:-$FIQA_ROOT/models}"
DATA="${FIQA_DATA:-$FIQA_ROOT/data}"
head="$MODELS/fiqa_quality_head.json"
stamp="$MODELS/.fiqa_quality_head.recipe"

FROQ_RECIPE="froq-v2 perturb top10 600 seed1 in-graph-l2"
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
# stamped WHAT FILE STAMP RECIPE COMMAND...: runs COMMAND unless FILE exists and STAMP holds RECIPE.
stamped() {
  local what="$1" file="$2" stamp_file="$3" recipe="$4"; shift 4
  if [[ -f "$file" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$recipe" ]]; then
    log "$what present ($recipe)"
    return
  fi
  crops
  log "making the $what"
  "$@" >&2
  printf '%s' "$recipe" > "$stamp_file"
  log "$what ready: $file"
}
sources=(--data "$DATA/dlib/johns" --data "$DATA/video" --data "$DATA/crops" --seed 1)
# The head takes a few minutes on 2 cores (one embedder pass per image, no extra embeddings), the FROQ calibration under one.
stamped "quality head" "$head" "$stamp" "$RECIPE" "$fiqa" train-quality "${sources[@]}" --out "$head"
stamped "FROQ calibration" "$froq" "$froq_stamp" "$FROQ_RECIPE" "$fiqa" calibrate froq "${sources[@]}" --top 10 --max-samples 600 --out "$froq"
