#!/usr/bin/env bash
# Installs the default 'distilled' quality head (the UnifiedQualityScore) from the repository (heads/lfw/, see below)
# and calibrates FROQ with the project's own commands on the installed data — reproducible, nothing downloaded: every
# face of the group photos becomes its own identity folder (fiqa crop); fiqa calibrate froq chooses FROQ's observed
# layers on a seeded subset of the degraded dlib johns, franck video frames and those crops. Re-runs are instant unless
# a file or its recipe is missing/changed.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The default head is the committed LFW head (heads/lfw/: trained by scripts/train-quality-head-lfw.sh on LFW's natural
# photos and these degraded copies, chosen on LFW's View 1; README "Quality on LFW"): installed by copying, so a machine
# without LFW gets the same head. The stamp holds the file's SHA-256, so a new committed head is installed again.
COMMITTED_HEAD="$FIQA_ROOT/heads/lfw/fiqa_quality_head.json"
RECIPE="lfw-committed $(sha256sum "$COMMITTED_HEAD" | cut -d' ' -f1)"
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
# The FROQ calibration takes under a minute on 2 cores. (The previous default, the head taught by the degraded copies
# alone, is still one command: fiqa train-quality "${sources[@]}" --out FILE.)
stamped "quality head" "$head" "$stamp" "$RECIPE" cp "$COMMITTED_HEAD" "$head"
stamped "FROQ calibration" "$froq" "$froq_stamp" "$FROQ_RECIPE" "$fiqa" calibrate froq "${sources[@]}" --top 10 --max-samples 600 --out "$froq"
