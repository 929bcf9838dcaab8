#!/usr/bin/env bash
# Findings identity of two builds of the detection engine (issue 3: a speed change must not change what is found):
#   bench/detection-identity.sh BASE_WARDEN_DLL NEW_WARDEN_DLL
# Runs `warden scrub --jsonl` of both builds over the PII eval (2,109 texts), the secrets eval (270) and 316 prompt-corpus
# texts (1 KB, 4 KB, 64 KB and the adversarial kinds; bench `detection-cpu corpus-jsonl`) and 3,000 seeded random texts
# (lengths around the vector block sizes, non-ASCII), and compares the outputs byte for byte (entities with offsets and
# scores, and the scrubbed text). Exits 1 on any difference.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EVAL=${EVAL:-/work/shared/eval}
base=${1:?usage: detection-identity.sh BASE_WARDEN_DLL NEW_WARDEN_DLL}; new=${2:?usage: detection-identity.sh BASE_WARDEN_DLL NEW_WARDEN_DLL}
work=$(mktemp -d)
python3 - "$EVAL" "$work" <<'PY'
import json, sys
ev, out = sys.argv[1], sys.argv[2]
with open(f"{out}/pii.in.jsonl", "w") as f:
    for i, x in enumerate(json.load(open(f"{ev}/pii/presidio_research_generated_large.json"))):
        f.write(json.dumps({"id": str(i), "text": x.get("full_text") or x.get("text")}) + "\n")
with open(f"{out}/secrets.in.jsonl", "w") as f:
    for line in open(f"{ev}/secrets/detect_secrets_cases.jsonl"):
        x = json.loads(line); f.write(json.dumps({"id": x["id"], "text": x["text"]}) + "\n")
# 3,000 seeded random texts: lengths around the vector block sizes, digits and separators dense, anchors of every
# recognizer, non-ASCII letters and digits, a zero-width space and a surrogate pair
import random
rng = random.Random(19)
pieces = list("0123456789") * 6 + list(" -./:@_()+#=\n\t,;") * 3 + list("aZxKébßΩ٣€\u00a0\u200b") + [
    "\U0001F600", "AKIA", "sk-", "ghp_", "http://", "www.", ".com", "IBAN", "DE89", "GB", "+1", "(555)", "4111", "Mon", "day",
    "May", "password=", "eyJ", "-----BEGIN", "0x", "bc1"]
with open(f"{out}/fuzz.in.jsonl", "w") as f:
    for i in range(3000):
        n = rng.choice([1, 3, 7, 15, 31, 33, 63, 64, 65, 127, 300, 1100])
        f.write(json.dumps({"id": str(i), "text": "".join(rng.choice(pieces) for _ in range(n))}) + "\n")
PY
dotnet build "$ROOT/bench/Warden.Benchmarks" -c Release -v q -nologo >/dev/null
dotnet "$ROOT/bench/Warden.Benchmarks/bin/Release/net10.0/Warden.Benchmarks.dll" detection-cpu corpus-jsonl "$work/prompt.in.jsonl"
status=0
for set in pii secrets prompt fuzz; do
  dotnet "$base" scrub --jsonl < "$work/$set.in.jsonl" > "$work/$set.base.jsonl"
  dotnet "$new" scrub --jsonl < "$work/$set.in.jsonl" > "$work/$set.new.jsonl"
  if cmp -s "$work/$set.base.jsonl" "$work/$set.new.jsonl"; then echo "$set: identical ($(wc -l < "$work/$set.new.jsonl") lines)"
  else echo "$set: DIFFERENT (outputs in $work)"; status=1; fi
done
exit $status
