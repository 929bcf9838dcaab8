#!/usr/bin/env python3
"""Difference of two Prometheus scrapes of a Warden gateway: for every latency histogram (audit trail, SQLite store,
gateway requests) how many observations fell in between, their mean (from _sum and _count), and how many of them were
above 1, 2, 5, 10 and 25 ms.
Used by bench/gateway/p99-ab.sh to attribute the audit-on requests' tail.

Usage: metrics-delta.py BEFORE.prom AFTER.prom [LABEL]
"""
import re
import sys

LINE = re.compile(r'^(\w+)_bucket\{(.*)\} (\S+)$')
SUM = re.compile(r'^(\w+)_(sum|count)\{(.*)\} (\S+)$')
LE = re.compile(r'(?:^|,)le="([^"]+)"')
KEEP = ('warden_audit', 'warden_gateway_request_duration')
DROP_LABELS = re.compile(r'(?:^|,)(?:le|otel_scope_name|otel_scope_version|agent|provider)="[^"]*"')
THRESHOLDS = (0.001, 0.002, 0.005, 0.01, 0.025)


def read(path):
    series = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            s = SUM.match(line.strip())
            if s and s.group(1).startswith(KEEP):
                name, kind, labels, value = s.groups()
                key = name + '{' + DROP_LABELS.sub('', labels).strip(',') + '}'
                series.setdefault(key, {})
                series[key][kind] = series[key].get(kind, 0) + float(value)
                continue
            m = LINE.match(line.strip())
            if not m or not m.group(1).startswith(KEEP):
                continue
            name, labels, value = m.groups()
            le = LE.search(labels).group(1)
            key = name + '{' + DROP_LABELS.sub('', labels).strip(',') + '}'
            bucket = float('inf') if le == '+Inf' else float(le)
            series.setdefault(key, {})
            series[key][bucket] = series[key].get(bucket, 0) + float(value)
    return series


def main():
    before, after = read(sys.argv[1]), read(sys.argv[2])
    label = sys.argv[3] if len(sys.argv) > 3 else ''
    for key in sorted(after):
        a = after[key]
        b = before.get(key, {})
        delta = {le: a[le] - b.get(le, 0) for le in a}
        total = delta.get(float('inf'), 0)
        count = delta.pop('count', 0)
        mean = delta.pop('sum', 0) / count if count else 0
        if total <= 0:
            continue
        above = []
        for t in THRESHOLDS:
            if t in delta:  # only exact bucket bounds (Prometheus buckets are cumulative)
                above.append(f'>{t * 1000:g}ms {int(total - delta[t])}')
        unit = 'mean' if key.endswith('_size{}') else 'mean_us'
        shown = f'{mean:8.2f}' if unit == 'mean' else f'{mean * 1e6:8.1f}'
        print(f'  {label:<10} {key:<78} n {int(total):>7}  {unit} {shown}  ' + '  '.join(above))


if __name__ == '__main__':
    main()
