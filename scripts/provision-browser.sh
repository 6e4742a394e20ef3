#!/usr/bin/env bash
# Debian's Chromium, headless, for the web page's browser tests (tests/Fiqa.Server.Tests drives it over the Chrome
# DevTools Protocol). Only the tests need it. Taken as the pinned Debian release offers it now (common.sh,
# apt_install_release: Chromium's security updates move to a new upstream release every few weeks); idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

apt_install_release chromium "156.0.8078.114-1~deb12u1"
command -v chromium >/dev/null || { log "chromium is installed but not on PATH"; exit 1; }
log "browser ready: $(chromium --version 2>/dev/null | head -1)"
