#!/usr/bin/env bash
# Runs every Warden test on a fresh machine: installs and starts what the tests need
# (PostgreSQL and Redis from Debian packages, on loopback), restores NuGet packages,
# builds with warnings as errors, and runs all test projects.
#   scripts/test.sh                 # everything
#   scripts/test.sh --filter NAME   # extra arguments go to `dotnet test`
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

command -v dotnet >/dev/null || { echo "test.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
eval "$(bash scripts/services.sh)"

# The detection golden facts over the eval corpora (tuning data kept outside the repository, ../shared/eval) run when
# the corpora are found: WARDEN_EVAL_DIR, else next to this checkout, else next to the checkout it was cloned from.
# Without them those facts are skipped with that reason; the repository-only golden facts always run.
if [ -z "${WARDEN_EVAL_DIR:-}" ]; then
  for base in "$PWD/.." "$(git config --get remote.origin.url 2>/dev/null || true)/.."; do
    if [ -d "$base/shared/eval/pii" ]; then export WARDEN_EVAL_DIR="$(cd "$base/shared/eval" && pwd)"; break; fi
  done
fi

dotnet restore Warden.slnx -v q
dotnet build Warden.slnx --no-restore -v q -nologo

results=$(mktemp -d)
status=0
# One project at a time keeps the 2-core machine predictable; a hung test fails the run instead of stalling it.
for proj in tests/*/*.csproj; do
  name=$(basename "$proj" .csproj)
  echo "== $name"
  if ! dotnet test "$proj" --no-build -v q -nologo --blame-hang-timeout 5m \
        --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@"; then
    status=1
  fi
done

python3 - "$results" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find(".//{*}ResultSummary/{*}Counters")
    if c is None: continue
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0) or 0)
    # xunit's skipped tests are counted in total but not in executed (its TRX leaves notExecuted at 0)
    s += max(int(c.get("notExecuted", 0)), int(c.get("total", 0)) - int(c.get("executed", 0)))
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY
exit $status
