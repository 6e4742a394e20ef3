#!/usr/bin/env bash
# Installs the default ONNX models into models/ (or $FIQA_MODELS): npm faceplugin-face-recognition-js@0.0.1 (MIT),
# each file checked against its pinned SHA-256, each with its manifest. Idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PACKAGE="faceplugin-face-recognition-js@0.0.1"
PACKAGE_SHA256="7ea06031d9a3f83753254fcff60506a07b81b46fc84d4ee024cd041f260ec1ba"
DEST="${FIQA_MODELS:-$FIQA_ROOT/models}"
mkdir -p "$DEST"

declare -A MODEL_SHA256=(
  [fr_detect]=6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854
  [fr_landmark]=f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258
  [fr_feature]=87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581
  [fr_pose]=72d032ec941b7153bf8d3f2c03a4c165453cc7e63d479041ec7c6ef087e5839d
  [fr_eye]=1afcea006abc1ccac3c517022abde0aa092bed74ff3c9fe6878483ef9e6e38de
  [fr_liveness]=afa783b7e902fdfcf323a7240cac2a1c580c25314ea4161129dc1b0d100dc32d
  [fr_expression]=88959314d9dc14d6c968cca31dc068e4350bf1944154e3bdd2eece5d0f318d05
)

all_present() {
  local m
  for m in "${!MODEL_SHA256[@]}"; do
    [[ -f "$DEST/$m.onnx" && -f "$DEST/$m.json" ]] || return 1
    verify_sha256 "$DEST/$m.onnx" "${MODEL_SHA256[$m]}" 2>/dev/null || return 1
  done
}

if all_present; then
  log "models present and verified in $DEST"
else
  tgz="$(npm_tarball "$PACKAGE" "$PACKAGE_SHA256")"
  tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
  tar -xzf "$tgz" -C "$tmp" package/model
  for m in "${!MODEL_SHA256[@]}"; do
    verify_sha256 "$tmp/package/model/$m.onnx" "${MODEL_SHA256[$m]}"
    install -m 0644 "$tmp/package/model/$m.onnx" "$DEST/$m.onnx"
  done
  log "installed ${#MODEL_SHA256[@]} models into $DEST"
fi
# Manifests are the project's own description of each model (pre-processing, template); always refreshed.
for m in "${!MODEL_SHA256[@]}"; do
  install -m 0644 "$FIQA_ROOT/scripts/model-manifests/$m.json" "$DEST/$m.json"
done
