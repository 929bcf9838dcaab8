#!/usr/bin/env bash
# Starts a Release build of Warden in front of the peer-proxy mock upstream and prints the
# EXTRA_TARGETS entries for ../shared/bench/peer-proxy/run.sh (auth + default policy + audit hook on;
# a second instance with scrubbing needs a registered IPseudonymizer, see docs/bench/gateway.md).
# The agent key goes in x-api-key: post.lua always sends its own Authorization header, which no
# Warden authenticator recognises, so Warden moves on to x-api-key.
#
#   bench/gateway/start-warden-target.sh            # WARDEN_PORT=8080 UPSTREAM_PORT=9100
#   EXTRA_TARGETS="$(bench/gateway/start-warden-target.sh | tail -1)" ../shared/bench/peer-proxy/run.sh
#   kill "$(cat /tmp/warden-bench/warden.pid)"      # when done
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=${WORK:-/tmp/warden-bench}
WARDEN_PORT=${WARDEN_PORT:-8080}
UPSTREAM_PORT=${UPSTREAM_PORT:-9100}
mkdir -p "$WORK"
dotnet publish "$ROOT/src/Warden.Cli" -c Release -o "$WORK/bin" -v q >&2
rm -rf "$WORK/data"
cat > "$WORK/appsettings.json" <<JSON
{ "Warden": { "Urls": "http://127.0.0.1:$WARDEN_PORT", "DataDirectory": "$WORK/data",
    "EgressAllowlist": ["127.0.0.1"],
    "Providers": { "mock": { "Type": "openai-compatible", "BaseUrl": "http://127.0.0.1:$UPSTREAM_PORT/v1",
                             "ApiKey": "sk-mock-0000", "Models": ["gpt-4o-mini"] } } },
  "Logging": { "LogLevel": { "Default": "Warning" } } }
JSON
cd "$WORK"
KEY=$(dotnet bin/warden.dll agents create bench --data-dir "$WORK/data" | tail -1)
dotnet bin/warden.dll serve --config "$WORK/appsettings.json" > "$WORK/warden.log" 2>&1 &
echo $! > "$WORK/warden.pid"
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$WARDEN_PORT/healthz" && break; sleep 0.1; done
echo "warden pid $(cat "$WORK/warden.pid") on :$WARDEN_PORT" >&2
echo "warden=http://127.0.0.1:$WARDEN_PORT/v1/chat/completions|x-api-key: $KEY"
