#!/usr/bin/env bash
# Debian's Chromium, headless, for the web page's browser test (tests/Fiqa.Server.Tests drives it over the Chrome
# DevTools Protocol). Pinned to the version this Debian release offers; idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CHROMIUM_VERSION="156.0.8078.114-1~deb12u1"
apt_install_pinned chromium "$CHROMIUM_VERSION"
command -v chromium >/dev/null || { log "chromium is installed but not on PATH"; exit 1; }
log "browser ready: $(chromium --version 2>/dev/null | head -1)"
