#!/usr/bin/env bash
# Format fixtures for the decoder tests, derived from the installed astronaut photo with ImageMagick (Debian
# imagemagick, as the pinned release offers it): CMYK JPEG, 16-bit PNG, grey JPEG, palette PNG, alpha PNG, animated
# GIF. The tests compare them with the original within tolerances, so an ImageMagick patch release does not move them.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DEST="${FIQA_DATA:-$FIQA_ROOT/data}"
fx="$DEST/fixtures"
[[ -f "$DEST/.fixtures.ok" ]] && exit 0
apt_install_release imagemagick "8:6.9.11.60+dfsg-1.6+deb12u15"
src="$DEST/skimage/astronaut.png"
[[ -f "$src" ]] || { log "$src is missing: run scripts/provision-data.sh first"; exit 1; }
rm -rf "$fx"; mkdir -p "$fx"
convert "$src" -colorspace CMYK -quality 92 "$fx/astronaut_cmyk.jpg"
convert "$src" -depth 16 "PNG48:$fx/astronaut_16bit.png"
convert "$src" -colorspace Gray -quality 92 "$fx/astronaut_grey.jpg"
convert "$src" -colors 256 "PNG8:$fx/astronaut_palette.png"
convert "$src" -alpha set -channel A -evaluate set 80% +channel "PNG32:$fx/astronaut_alpha.png"
convert "$src" -resize 50% \( +clone -negate \) -delay 20 -loop 0 "$fx/astronaut_animated.gif"
convert "$src" -quality 92 "$fx/astronaut.jpg"
touch "$DEST/.fixtures.ok"
log "fixtures ready in $fx"
