#!/usr/bin/env bash
# Codecs beyond the image stack: AVIF encode/decode through Debian's libavif tools (avifenc, avifdec), used by
# `fiqa jnd --codec avif`. JPEG and WebP need nothing here (SkiaSharp's libjpeg-turbo and libwebp). Idempotent;
# taken as the pinned Debian release offers it now (common.sh, apt_install_release).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

apt_install_release libavif-bin "0.11.1-1+deb12u1"
command -v avifenc >/dev/null && command -v avifdec >/dev/null || { log "libavif-bin installed but avifenc/avifdec not on PATH"; exit 1; }
