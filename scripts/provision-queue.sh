#!/usr/bin/env bash
# RabbitMQ for the tests of `fiqa queue` / `fiqa worker`: Debian's rabbitmq-server (with its Erlang), taken as the
# pinned Debian release offers it now (common.sh, apt_install_release). The tests start a private node on loopback
# (own node name, ports and data folder), so the system service is not used and need not run; it is stopped here
# when the package's install script started it.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

command -v rabbitmq-server >/dev/null 2>&1 && installed=1 || installed=""
apt_install_release rabbitmq-server "3.10.8-1.1+deb12u1"
if [[ -z "$installed" ]] && command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet rabbitmq-server 2>/dev/null; then
  systemctl stop rabbitmq-server || true
  systemctl disable rabbitmq-server >/dev/null 2>&1 || true
fi
