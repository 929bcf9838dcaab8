#!/usr/bin/env bash
# Retrains the shipped injection-screening model (stop 24, round 19) in one command:
#   1. round 7's pair: the direct head, the first indirect head and its combiner;
#   2. round 16's pair (`--member-suffix -b`): the second indirect head and combiner, trained with the helper-written attacks,
#      emails and documents as well;
#   3. round 19's pair (`--member-suffix -c`): the same configuration with more authors' attacks, emails and documents.
#   The detector mixes the three pairs' document logits 0.5 / 0.25 / 0.25 (SecondOpinion).
# Usage: tools/retrain-screening.sh [EVAL_DATA_DIR]   (default /work/shared/eval/injection)
# WARDEN_MODEL_DIR=/tmp/m writes the files elsewhere, leaving the shipped ones alone.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-/work/shared/eval/injection}
model=${WARDEN_MODEL_DIR:-src/Warden.Core/Screening/Model}
d=tests/data/screening
benign="$d/benign_trigger_words_extra.jsonl,$d/benign_trigger_words_r7.jsonl"
dotnet build -c Release tools/Warden.Screening.Train >/dev/null
train() { dotnet tools/Warden.Screening.Train/bin/Release/net10.0/Warden.Screening.Train.dll --data "$data" --model-dir "$model" \
  --direct-in-documents 0 --benign-extra "$benign" "$@"; }
train
train --member-suffix -b --document-direct 1 --long-prompt-copies 3 \
  --extra-attacks "$d/attacks_r8.jsonl,$d/attacks22/attacks.jsonl,$d/fresh22/attacks.jsonl,$d/fresh22b/attacks.jsonl" \
  --extra-documents "$d/benign_documents_extra.jsonl,$d/fresh22/emails.jsonl,$d/fresh22/documents.jsonl,$d/fresh22b/emails.jsonl,$d/fresh22b/documents.jsonl"
train --member-suffix -c --document-direct 1 --long-prompt-copies 3 \
  --extra-attacks "$d/attacks_r8.jsonl,$d/attacks22/attacks.jsonl,$d/fresh22c/attacks.jsonl,$d/fresh23a/attacks.jsonl,$d/fresh23b/attacks.jsonl,$d/fresh24a/attacks.jsonl,$d/fresh24b/attacks.jsonl" \
  --extra-documents "$d/benign_documents_extra.jsonl,$d/fresh22c/emails.jsonl,$d/fresh22c/documents.jsonl,$d/fresh23a/emails.jsonl,$d/fresh23a/documents.jsonl,$d/fresh23b/emails.jsonl,$d/fresh23b/documents.jsonl"
