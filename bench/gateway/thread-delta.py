#!/usr/bin/env python3
"""Per-thread CPU and context switches of a process, grouped by thread name: which threads the audit trail makes run.

  thread-delta.py snap PID > FILE            one line per thread: tid, name, utime+stime ticks, voluntary, involuntary
  thread-delta.py diff REQUESTS LABEL BEFORE AFTER [BEFORE AFTER ...]
      per thread name: CPU µs and context switches (voluntary + involuntary) per request, summed over the pairs of
      snapshots (a thread that started in between counts from zero; one that ended is lost)
"""
import os
import sys


def snap(pid):
    tick = os.sysconf('SC_CLK_TCK')
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{tid}/stat') as f:
                stat = f.read()
            with open(f'/proc/{pid}/task/{tid}/status') as f:
                status = dict(line.split(':', 1) for line in f if ':' in line)
        except OSError:
            continue
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        ticks = int(fields[11]) + int(fields[12])
        vol = int(status['voluntary_ctxt_switches'])
        invol = int(status['nonvoluntary_ctxt_switches'])
        print(f'{tid}\t{name}\t{ticks * 1e6 / tick:.0f}\t{vol}\t{invol}')


def read(path):
    rows = {}
    with open(path) as f:
        for line in f:
            tid, name, us, vol, invol = line.rstrip('\n').split('\t')
            rows[tid] = (name, float(us), int(vol), int(invol))
    return rows


def diff(pairs, requests, label):
    groups = {}
    for before_path, after_path in pairs:
        before, after = read(before_path), read(after_path)
        for tid, (name, us, vol, invol) in after.items():
            b = before.get(tid, (name, 0.0, 0, 0))
            g = groups.setdefault(name, [0.0, 0, 0, set()])
            g[0] += us - b[1]
            g[1] += vol - b[2]
            g[2] += invol - b[3]
            g[3].add(tid)
    q = max(requests, 1)
    for name, (us, vol, invol, tids) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
        if us <= 0 and vol + invol <= 0:
            continue
        print(f'  {label:<10} {name:<18} threads {len(tids):>3}  cpu_us/req {us / q:8.1f}  voluntary_cs/req {vol / q:6.2f}  involuntary_cs/req {invol / q:6.2f}')


if __name__ == '__main__':
    if sys.argv[1] == 'snap':
        snap(sys.argv[2])
    else:
        files = sys.argv[4:]
        diff(list(zip(files[0::2], files[1::2])), int(sys.argv[2]), sys.argv[3])
