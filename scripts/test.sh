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
    s += int(c.get("notExecuted", 0))
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY
exit $status
