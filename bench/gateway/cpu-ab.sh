#!/usr/bin/env bash
# A/B CPU per request of two published Warden builds (or two configurations of one), side by side:
# each build serves the same mock upstream; wrk (bench post.lua, 2 KB body) runs against them in
# alternating rounds, and the CPU each warden process used (/proc/PID/stat utime+stime) is divided by
# the requests it answered. On a shared machine only the same-run ratio means anything.
#
# Usage: bench/gateway/cpu-ab.sh NAME=PUBLISH_DIR[,env=VALUE...] NAME=PUBLISH_DIR ...
#   e.g. bench/gateway/cpu-ab.sh base=/tmp/base new=/tmp/new new-spin0=/tmp/new,DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0
#   PUBLISH_DIR is a `warden` publish (warden.dll), a bench/Warden.Floor publish (Warden.Floor.dll; add
#   ,FLOOR_MODE=yarp for the YARP forwarder), or the word nginx (the peer bench's nginx configuration):
#   bench/gateway/cpu-ab.sh nginx=nginx floor=/tmp/floor yarp=/tmp/floor,FLOOR_MODE=yarp warden=/tmp/new
#   Audit off for ONE target (same build, same run): new-off=/tmp/new,Warden__Audit__UnsafeDisableForBenchmark=true
#   (environment variables override the generated warden.json; AUDIT_OFF=true turns it off for every target).
# Env: PERF_EVENTS=syscalls:sys_enter_futex,syscalls:sys_enter_pwrite64,context-switches (perf stat per request, to stderr)
#      ROUNDS=3 DURATION=8 CONNS=32 STREAM=0|1 (SSE body) AUDIT_OFF=false PACE_MS=0 (>0: paced latency run)
#      MOCK=/tmp/gwperf/mock (gcc -O2 -o mock ../shared/bench/peer-proxy/mock-upstream/mock.c) UPSTREAM_PORT=19100
#      BASE_PORT=18180 (targets listen on BASE_PORT, BASE_PORT+1, ...) WARMUP=20 (seconds per target)
set -euo pipefail
PEER=${PEER:-/work/shared/bench/peer-proxy}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
CONNS=${CONNS:-32}
STREAM=${STREAM:-0}
PACE_MS=${PACE_MS:-0}
AUDIT_OFF=${AUDIT_OFF:-false}
MOCK=${MOCK:-/tmp/gwperf/mock}
UPSTREAM_PORT=${UPSTREAM_PORT:-19100}
WORK=$(mktemp -d /tmp/warden-ab.XXXXXX)
BODY=$PEER/body.json
[ "$STREAM" = 1 ] && BODY=$PEER/body-stream.json

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$MOCK" "$UPSTREAM_PORT" >/dev/null 2>&1 &
pids+=($!)

names=(); ports=(); wpids=(); keys=()
port=${BASE_PORT:-18180}
for spec in "$@"; do
  name=${spec%%=*}; rest=${spec#*=}
  IFS=, read -r -a parts <<<"$rest"
  bin=${parts[0]}
  envs=("${parts[@]:1}")
  dir=$WORK/$name
  mkdir -p "$dir"
  cat > "$dir/warden.json" <<JSON
{
  "Warden": {
    "EgressAllowlist": ["127.0.0.1"],
    "Providers": {
      "mock": { "Type": "openai-compatible", "BaseUrl": "http://127.0.0.1:$UPSTREAM_PORT/v1",
                "ApiKey": "sk-bench-provider-key", "Models": ["gpt-4o-mini", "gpt-4o"], "Agents": ["*"] }
    },
    "Audit": { "UnsafeDisableForBenchmark": $AUDIT_OFF }
  },
  "Logging": { "LogLevel": { "Default": "Warning" } }
}
JSON
  if [ "$bin" = nginx ]; then
    # the thin-proxy floor, configured as in the peer bench (NGINX_WORKERS=auto); CPU counts master + workers
    mkdir -p "$dir/nginx-tmp"
    sed -e "s#@RUN_DIR@#$dir#g" -e "s#@NGINX_WORKERS@#${NGINX_WORKERS:-auto}#" -e "s#@UPSTREAM_PORT@#$UPSTREAM_PORT#" \
      -e "s#@NGINX_PORT@#$port#" "$PEER/nginx-proxy.conf.tmpl" > "$dir/nginx.conf"
    nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >"$dir/serve.log" 2>&1 &
    echo none > "$dir/agent.key"
  elif [ -f "$bin/Warden.Floor.dll" ]; then
    # bench/Warden.Floor: Kestrel + HttpClient (FLOOR_MODE=invoker) or YARP (FLOOR_MODE=yarp), nothing else
    env DOTNET_TieredPGO=1 DOTNET_gcServer=0 FLOOR_UPSTREAM="http://127.0.0.1:$UPSTREAM_PORT" "${envs[@]}" \
      dotnet "$bin/Warden.Floor.dll" --urls "http://127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
    echo none > "$dir/agent.key"
  else
    dotnet "$bin/warden.dll" agents create "bench-$name" --data-dir "$dir/data" | tail -n1 > "$dir/agent.key"
    env DOTNET_TieredPGO=1 DOTNET_gcServer=0 "${envs[@]}" dotnet "$bin/warden.dll" serve --config "$dir/warden.json" \
      --data-dir "$dir/data" --urls "http://127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
  fi
  pids+=($!); wpids+=($!)
  names+=("$name"); ports+=("$port"); keys+=("$(cat "$dir/agent.key")")
  port=$((port + 1))
done

for i in "${!names[@]}"; do
  for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:${ports[$i]}/healthz" && break; sleep 0.2; done
  # warm-up (JIT, tiering, connection pool)
  (cd "$PEER" && BODY_FILE=$BODY timeout $(( ${WARMUP:-20} + 15 )) wrk -t2 -c"$CONNS" -d"${WARMUP:-20}s" -s post.lua -H "x-api-key: ${keys[$i]}" \
    "http://127.0.0.1:${ports[$i]}/v1/chat/completions" >/dev/null)
done

# the process and its children (nginx workers); a child that exits between rounds is not counted
family() { echo "$1"; pgrep -P "$1" || true; }
cpu() { for p in $(family "$1"); do cat "/proc/$p/stat" 2>/dev/null; done | awk '{ s += $14 + $15 } END { print s }'; }
ctxsw() { for p in $(family "$1"); do cat /proc/"$p"/task/*/status 2>/dev/null; done | awk '/ctxt_switches/ { s += $2 } END { print s }'; }
tck=$(getconf CLK_TCK)
printf '%-14s %5s %9s %10s %8s %8s %7s %s\n' target round rps cpu_us/req p50_ms p99_ms cs/req non2xx | tee "$WORK/rows"
for r in $(seq "$ROUNDS"); do
  order=("${!names[@]}")
  if [ $((r % 2)) = 0 ]; then order=($(printf '%s\n' "${order[@]}" | tac)); fi
  for i in "${order[@]}"; do
    before=$(cpu "${wpids[$i]}"); csb=$(ctxsw "${wpids[$i]}")
    if [ -n "${PERF_EVENTS:-}" ]; then
      timeout $((DURATION + 5)) perf stat -x, -e "$PERF_EVENTS" -p "${wpids[$i]}" -o "$WORK/perf.$i.$r" -- sleep "$DURATION" 2>/dev/null &
      perfpid=$!
    fi
    out=$(cd "$PEER" && BODY_FILE=$BODY PACE_MS=$PACE_MS timeout $((DURATION + 10)) wrk -t2 -c"$CONNS" -d"${DURATION}s" -s post.lua \
      -H "x-api-key: ${keys[$i]}" "http://127.0.0.1:${ports[$i]}/v1/chat/completions")
    after=$(cpu "${wpids[$i]}"); csa=$(ctxsw "${wpids[$i]}")
    if [ -n "${PERF_EVENTS:-}" ]; then
      wait "$perfpid" 2>/dev/null || true
      req0=$(grep RESULT <<<"$out" | sed -E 's/.*requests=([0-9]+).*/\1/')
      awk -F, -v n="${names[$i]}" -v q="$req0" '$1 ~ /^[0-9]+$/ { printf "    %-14s %-32s %8.2f /req\n", n, $3, $1 / (q > 0 ? q : 1) }' "$WORK/perf.$i.$r" >&2
    fi
    line=$(grep RESULT <<<"$out")
    req=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
    rps=$(sed -E 's/.* rps=([0-9.]+).*/\1/' <<<"$line")
    p50=$(sed -E 's/.*p50_us=([0-9]+).*/\1/' <<<"$line")
    p99=$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$line")
    non2xx=$(grep -o 'Non-2xx or 3xx responses: [0-9]*' <<<"$out" | awk '{print $NF}' || true)
    awk -v n="${names[$i]}" -v r="$r" -v rps="$rps" -v req="$req" -v b="$before" -v a="$after" -v t="$tck" -v p50="$p50" -v p99="$p99" -v e="${non2xx:-0}" -v cs=$((csa - csb)) \
      'BEGIN { printf "%-14s %5d %9.0f %10.1f %8.3f %8.3f %7.2f %s\n", n, r, rps, (a - b) / t * 1e6 / (req > 0 ? req : 1), p50 / 1000, p99 / 1000, cs / (req > 0 ? req : 1), e }' | tee -a "$WORK/rows"
  done
done
echo "medians over $ROUNDS rounds:"
for n in "${names[@]}"; do
  awk -v n="$n" '$1 == n { rps[++k] = $3; cpu[k] = $4; p50[k] = $5; p99[k] = $6; cs[k] = $7 }
    function med(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    END { printf "%-14s rps %7.0f  cpu_us/req %6.1f  p50_ms %6.3f  p99_ms %7.3f  ctx_switches/req %5.2f\n", n, med(rps, k), med(cpu, k), med(p50, k), med(p99, k), med(cs, k) }' "$WORK/rows"
done
