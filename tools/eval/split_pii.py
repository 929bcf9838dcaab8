#!/usr/bin/env python3
"""Split the presidio-research PII set into a tuning part and a held-out part (every 5th text, id % 5 == 4).

Usage: split_pii.py DATASET OUTDIR  -> OUTDIR/pii_tune.jsonl, OUTDIR/pii_holdout.jsonl
Both files are in score_pii.py's JSON-lines format ({"id","text","spans":[{"type","start","end"}]}).
Rules are tuned on pii_tune.jsonl only; pii_holdout.jsonl is scored, never read for errors.
"""
import json, os, sys

data = json.load(open(sys.argv[1], encoding="utf-8"))
os.makedirs(sys.argv[2], exist_ok=True)
with open(os.path.join(sys.argv[2], "pii_tune.jsonl"), "w", encoding="utf-8") as tune, \
        open(os.path.join(sys.argv[2], "pii_holdout.jsonl"), "w", encoding="utf-8") as hold:
    for i, r in enumerate(data):
        row = {"id": str(i), "text": r["full_text"],
               "spans": [{"type": s["entity_type"], "start": s["start_position"], "end": s["end_position"]} for s in r["spans"]]}
        (hold if i % 5 == 4 else tune).write(json.dumps(row, ensure_ascii=False) + "\n")
