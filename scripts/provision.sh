#!/usr/bin/env bash
# What Fiqa needs to run (`fiqa demo`, `assess`, `serve`, …): models, sample data, fonts, the quality head. Nothing
# here needs root or installs a system package. Idempotent; re-running verifies and returns fast.
# `scripts/provision.sh --tests` adds what only the tests use: decoder fixtures (ImageMagick), ffmpeg and the AVIF
# tools, Chromium for the page tests, RabbitMQ for the queue tests (Debian packages: root).
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/provision-models.sh"
"$here/provision-data.sh"
"$here/provision-quality-head.sh"
if [[ "${1:-}" == "--tests" ]]; then
  "$here/provision-fixtures.sh"
  "$here/provision-tools.sh"
  "$here/provision-codecs.sh"
  "$here/provision-browser.sh"
  "$here/provision-queue.sh"
fi
