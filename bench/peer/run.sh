#!/usr/bin/env bash
# Adds Warden to the shared side-by-side proxy benchmark (../shared/bench/peer-proxy):
# fake upstream, nginx (thin-proxy floor), Portkey, and two Warden targets in ONE run:
#   warden        authentication (agent key), policy decision, audit hook on; no scrubbing
#   warden-scrub  the same plus PII/secret scrubbing of the 2 KB body (provider requires scrub)
#   warden-noaudit the "warden" target with the audit trail OFF (Warden:Audit:UnsafeDisableForBenchmark, a
#                 benchmark-only switch): its p99 against "warden"'s is issue 5's "audit on vs off" goal
# NOAUDIT=0 drops the third target.
# Usage: bench/peer/run.sh            (ROUNDS, DURATION, WARMUP ... are passed through to the shared run.sh)
# Output: the shared script's table; raw runs under /tmp/peer-bench/runs/<timestamp>/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PEER=${PEER:-$ROOT/../shared/bench/peer-proxy}
[ -x "$PEER/run.sh" ] || PEER=/work/shared/bench/peer-proxy
UPSTREAM_PORT=${UPSTREAM_PORT:-9100}
# 20 s of warm-up per target (the shared default is 5): .NET's tiered JIT and PGO need ~20 s under load to reach
# steady state; nginx gets the same warm-up, so the comparison stays side by side.
export WARMUP=${WARMUP:-20}
W1=${WARDEN_PORT:-8080}
W2=${WARDEN_SCRUB_PORT:-8081}
W3=${WARDEN_NOAUDIT_PORT:-8082}
WORK=$(mktemp -d /tmp/warden-peer.XXXXXX)
log() { printf '[warden-peer %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

log "publishing Warden (Release)"
# with a runtime identifier: ReadyToRun code (src/Warden.Cli/Warden.Cli.csproj), as a production publish ships it
RID=${RID:-linux-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')}
dotnet publish "$ROOT/src/Warden.Cli" -c Release -r "$RID" --self-contained false -o "$WORK/bin" -v q -nologo >/dev/null
WARDEN=("dotnet" "$WORK/bin/warden.dll")

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

start_warden() { # name port requireScrub auditOff
  local name=$1 port=$2 scrub=$3 auditoff=${4:-false} dir=$WORK/$1
  mkdir -p "$dir"
  cat > "$dir/warden.json" <<JSON
{
  "Warden": {
    "EgressAllowlist": ["127.0.0.1"],
    "Providers": {
      "mock": { "Type": "openai-compatible", "BaseUrl": "http://127.0.0.1:$UPSTREAM_PORT/v1",
                "ApiKey": "sk-bench-provider-key", "Models": ["gpt-4o-mini", "gpt-4o"], "Agents": ["*"],
                "RequireScrub": $scrub }
    },
    "Audit": { "UnsafeDisableForBenchmark": $auditoff }
  },
  "Logging": { "LogLevel": { "Default": "Warning" } }
}
JSON
  "${WARDEN[@]}" agents create "bench-$name" --data-dir "$dir/data" | tail -n1 > "$dir/agent.key"
  DOTNET_TieredPGO=1 DOTNET_gcServer=0 "${WARDEN[@]}" serve --config "$dir/warden.json" --data-dir "$dir/data" \
    --urls "http://127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.2; done
  curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" || { log "$name did not start"; cat "$dir/serve.log" >&2; exit 1; }
}

# Called in this shell (not in $(...)), so the cleanup trap knows the PIDs.
start_warden warden "$W1" false
start_warden warden-scrub "$W2" true
K1=$(cat "$WORK/warden/agent.key")
K2=$(cat "$WORK/warden-scrub/agent.key")
TARGETS="warden=http://127.0.0.1:$W1/v1/chat/completions|x-api-key: $K1;warden-scrub=http://127.0.0.1:$W2/v1/chat/completions|x-api-key: $K2"
if [ "${NOAUDIT:-1}" != 0 ]; then
  start_warden warden-noaudit "$W3" false true
  grep -q "AUDIT TRAIL IS DISABLED" "$WORK/warden-noaudit/serve.log" || { log "warden-noaudit did not announce that its audit trail is off"; exit 1; }
  TARGETS="$TARGETS;warden-noaudit=http://127.0.0.1:$W3/v1/chat/completions|x-api-key: $(cat "$WORK/warden-noaudit/agent.key")"
fi
log "Warden targets up"

EXTRA_TARGETS="$TARGETS" \
  UPSTREAM_PORT=$UPSTREAM_PORT bash "$PEER/run.sh"
