#!/usr/bin/env bash
# Command-line tools Fiqa runs as subprocesses: Debian's ffmpeg (ffmpeg + ffprobe) decodes videos for `fiqa video`
# and makes the video test clips. Taken as the pinned Debian release offers it now (common.sh, apt_install_release);
# idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

apt_install_release ffmpeg "7:5.1.9-0+deb12u1"
command -v ffprobe >/dev/null || { log "ffmpeg is installed but ffprobe is not on PATH"; exit 1; }
log "tools ready: $(ffmpeg -hide_banner -version | head -1)"
