#!/usr/bin/env bash
# The whole test suite: installs models and data if missing (idempotent), builds, runs every test project,
# and ends with one line "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

"$root/scripts/provision.sh" --tests || { echo "provisioning failed"; echo "0 passed, 1 failed"; exit 1; }

log="$(mktemp)"
dotnet test "$root/Fiqa.slnx" -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries: "Passed!  - Failed: 0, Passed: 30, Skipped: 0, Total: 30, ..."
read -r passed failed skipped assemblies < <(awk '
  /(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+/ {
    gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
    n++
  }
  END { printf "%d %d %d %d\n", p, f, s, n }' "$log")
rm -f "$log"
expected=$(find "$root/tests" -maxdepth 2 -name '*.Tests.csproj' | wc -l)
if [[ "$assemblies" -lt "$expected" && "$failed" -eq 0 ]]; then
  failed=1  # a test project crashed or did not run: count it as a failure
  status=1
fi
if [[ "$skipped" -gt 0 ]]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit "$status"
