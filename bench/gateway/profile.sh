#!/usr/bin/env bash
# Profile one published Warden under wrk load (bench post.lua, 2 KB body): dotnet-trace (speedscope) or perf.
# Usage: bench/gateway/profile.sh NAME PUBLISH_DIR [ENV=VALUE ...]   -> /tmp/warden-prof/NAME/trace.speedscope.json
#   e.g. bench/gateway/profile.sh scrub /tmp/new Warden__Providers__mock__RequireScrub=true
# Env: STREAM=1 (SSE body)  PERF=1 (perf record -g instead of dotnet-trace; symbols via the perf map)
#      WARM=15 (seconds of load before sampling)  MOCK=/tmp/gwcpu/mock  UP=19851 PORT=18851
# Read a speedscope file with bench/gateway/speedscope-top.py FILE (inclusive/exclusive shares of busy samples).
set -euo pipefail
name=$1; bin=$2; shift 2
STREAM=${STREAM:-0}
PEER=${PEER:-/work/shared/bench/peer-proxy}
BODY=$PEER/body.json; [ "$STREAM" = 1 ] && BODY=$PEER/body-stream.json
UP=${UP:-19851}; PORT=${PORT:-18851}; MOCK=${MOCK:-/tmp/gwcpu/mock}
TRACE=${TRACE:-$HOME/.dotnet/tools/dotnet-trace}
dir=/tmp/warden-prof/$name; rm -rf "$dir"; mkdir -p "$dir"
cat > "$dir/warden.json" <<JSON
{ "Warden": { "EgressAllowlist": ["127.0.0.1"],
  "Providers": { "mock": { "Type": "openai-compatible", "BaseUrl": "http://127.0.0.1:$UP/v1", "ApiKey": "sk-bench-provider-key",
                           "Models": ["gpt-4o-mini", "gpt-4o"], "Agents": ["*"] } } },
  "Logging": { "LogLevel": { "Default": "Warning" } } }
JSON
"$MOCK" "$UP" >/dev/null 2>&1 & mp=$!
key=$(dotnet "$bin/warden.dll" agents create bench --data-dir "$dir/data" | tail -n1)
perfenv=(); [ "${PERF:-0}" = 1 ] && perfenv=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
env DOTNET_TieredPGO=1 DOTNET_gcServer=0 "${perfenv[@]}" "$@" dotnet "$bin/warden.dll" serve --config "$dir/warden.json" \
  --data-dir "$dir/data" --urls "http://127.0.0.1:$PORT" >"$dir/serve.log" 2>&1 & wp=$!
trap 'kill $wp $mp 2>/dev/null || true' EXIT
for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
load() { (cd "$PEER" && BODY_FILE=$BODY wrk -t2 -c32 -d"$1"s -s post.lua -H "x-api-key: $key" "http://127.0.0.1:$PORT/v1/chat/completions" | grep RESULT); }
load "${WARM:-15}"
load 14 & lp=$!
sleep 2
if [ "${PERF:-0}" = 1 ]; then
  perf record -F 499 -g -p "$wp" -o "$dir/perf.data" -- sleep 10 >"$dir/perf.log" 2>&1
else
  "$TRACE" collect -p "$wp" --duration 00:00:00:10 --format speedscope -o "$dir/trace.nettrace" >"$dir/trace.log" 2>&1
fi
wait "$lp" || true
ls "$dir"
