#!/usr/bin/env python3
# Inclusive and exclusive shares of busy samples in a dotnet-trace speedscope file (idle thread-pool waits left out).
# Usage: bench/gateway/speedscope-top.py FILE [FRAME-SUBSTRING-ON-STACK] [N]
import json, sys, collections, re

f = sys.argv[1]
root = sys.argv[2] if len(sys.argv) > 2 else None
d = json.load(open(f))
frames = [x['name'] for x in d['shared']['frames']]
incl = collections.Counter(); excl = collections.Counter(); total = 0.0
idle_pat = re.compile(r'LowLevelLifoSemaphore|WaitHandle\.Wait|Monitor\.Wait|WaitOneCore|SocketAsyncEngine\.EventLoop|Thread\.Sleep|ManualResetEventSlim\.Wait|WaitForSignal|SemaphoreSlim\.Wait|Task\.Wait|PortableThreadPool\+GateThread|TimerQueue\.TimerThread|LowLevelSpinWaiter|WaitSubsystem|Interop\+Sys\.WaitForSocketEvents|SpinWait|Thread\.Yield|ThreadPoolWorkQueue\.Dispatch$')
idle_total = 0.0
for p in d['profiles']:
    stack = []; last = None
    evs = p['events']
    for e in evs:
        t = e['at']
        if last is not None and stack:
            dt = t - last
            names = [frames[i] for i in stack]
            leafish = ' '.join(names[-6:])
            if idle_pat.search(leafish) or names[-1] in ('UNMANAGED_CODE_TIME','CPU_TIME') and idle_pat.search(' '.join(names[-10:])):
                idle_total += dt
            else:
                if root is None or any(root in n for n in names):
                    total += dt
                    seen = set()
                    for n in names:
                        if n not in seen:
                            incl[n] += dt; seen.add(n)
                    excl[names[-1] if names[-1] not in ('UNMANAGED_CODE_TIME','CPU_TIME') else names[-2] + ' [' + names[-1] + ']'] += dt
        if e['type'] == 'O': stack.append(e['frame'])
        else:
            if stack: stack.pop()
        last = t
print(f"busy total {total:.0f} ms, idle {idle_total:.0f} ms")
N = int(sys.argv[3]) if len(sys.argv) > 3 else 60
print("--- inclusive")
for n, v in incl.most_common(N): print(f"{100*v/total:6.2f}% {n[:170]}")
print("--- exclusive")
for n, v in excl.most_common(40): print(f"{100*v/total:6.2f}% {n[:170]}")
