#!/usr/bin/env bash
# Everything Fiqa needs on a fresh machine: models and data (idempotent; re-running verifies and returns fast).
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/provision-models.sh"
"$here/provision-data.sh"
"$here/provision-codecs.sh"
"$here/provision-tools.sh"
"$here/provision-quality-head.sh"
"$here/provision-browser.sh"
"$here/provision-queue.sh"
