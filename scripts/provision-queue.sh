#!/usr/bin/env bash
# RabbitMQ for `fiqa queue` / `fiqa worker` and their tests: Debian's rabbitmq-server (with its Erlang), pinned.
# The tests start a private node on loopback (own node name, ports and data folder), so the system service is not
# used and need not run; it is stopped here when the package's install script started it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

RABBITMQ_VERSION="3.10.8-1.1+deb12u1"
if command -v rabbitmq-server >/dev/null 2>&1 && dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null | grep -q "^${RABBITMQ_VERSION%-*}"; then
  exit 0
fi
if [[ "$(id -u)" -ne 0 ]]; then
  log "rabbitmq-server is missing and installing it needs root: sudo $0"
  exit 1
fi
apt_install_pinned rabbitmq-server "$RABBITMQ_VERSION"
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet rabbitmq-server 2>/dev/null; then
  systemctl stop rabbitmq-server || true
  systemctl disable rabbitmq-server >/dev/null 2>&1 || true
fi
