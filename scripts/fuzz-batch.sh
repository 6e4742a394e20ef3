#!/usr/bin/env bash
# The full fuzz run of the batch: 10,000 seeded malformed JPEG/PNG/GIF/BMP/WebP files through `fiqa assess`
# (CI runs a 500-file slice of the same test). Prints the summary line recorded in README.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export FIQA_FUZZ_COUNT="${FIQA_FUZZ_COUNT:-10000}" FIQA_FUZZ_SEED="${FIQA_FUZZ_SEED:-18}"
dotnet test "$root/tests/Fiqa.Batch.Tests" -c Release --nologo --filter "FullyQualifiedName~FuzzTests" "$@"
cat "${TMPDIR:-/tmp}/fiqa-fuzz-summary.txt"
