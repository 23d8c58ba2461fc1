#!/usr/bin/env python3
"""CPU of every running Edgeswarm agent JVM on this host, by kind of thread, sampled once a second from /proc.

    bench/agent-thread-cpu.py OUT SECONDS          sample into OUT for SECONDS (run it beside a benchmark)
    bench/agent-thread-cpu.py --window OUT T0 DUR  CPU-seconds per thread kind between T0 (HH:MM:SS, UTC) and T0+DUR

Kinds: nio (Reactor Netty event loops: HTTP server and client), chunk-writer (verify and store received chunks),
C1/C2 (JIT compilers), swarm (download scheduling), gossip (its UDP loop, which runs the protocol), GC and the rest
by thread name; sys_<kind> is the kernel part. Only threads alive at a sample count, so short-lived threads are
missed; the long-lived ones carry the load.
"""
import os
import re
import sys
import time

from lab_clock import utc_on_day

KINDS = (('C2', 'C2 Compiler'), ('C1', 'C1 Compiler'), ('nio', 'reactor-http'), ('GC', 'GC'),
         ('gossip', 'gossip'), ('gossip', 'udp-epoll'), ('swarm', 'swarm'), ('chunk-writer', 'chunk-writer'))
SYSTEM_PART = ('nio', 'chunk-writer', 'C2', 'swarm', 'gossip')


def kind(thread_name):
    for name, marker in KINDS:
        if marker in thread_name:
            return name
    return 'other:' + re.sub(r'[-\d#]+$', '', thread_name).replace(' ', '_')


def sample(out, seconds):
    tick = os.sysconf('SC_CLK_TCK')
    end = time.time() + seconds
    with open(out, 'w') as f:
        while time.time() < end:
            totals = {}
            for pid in filter(str.isdigit, os.listdir('/proc')):
                try:
                    if b'--edgeswarm.node-id=' not in open(f'/proc/{pid}/cmdline', 'rb').read():
                        continue
                    for tid in os.listdir(f'/proc/{pid}/task'):
                        stat = open(f'/proc/{pid}/task/{tid}/stat').read()
                        name = stat[stat.index('(') + 1:stat.rindex(')')]
                        fields = stat[stat.rindex(')') + 2:].split()
                        k = kind(name)
                        totals[k] = totals.get(k, 0) + (int(fields[11]) + int(fields[12])) / tick
                        if k in SYSTEM_PART:
                            totals['sys_' + k] = totals.get('sys_' + k, 0) + int(fields[12]) / tick
                except (OSError, ValueError):
                    pass  # a process or thread that ended between listing and reading
            f.write('%.1f %s\n' % (time.time(), ' '.join('%s=%.2f' % kv for kv in sorted(totals.items()))))
            f.flush()
            time.sleep(1)


def window(path, t0_utc, duration):
    rows = []
    for line in open(path):
        stamp, rest = line.split(' ', 1)
        rows.append((float(stamp), {k: float(v) for k, v in re.findall(r'(\S+)=([\d.]+)', rest)}))
    t0 = utc_on_day(rows[0][0], t0_utc)
    start = min(rows, key=lambda r: abs(r[0] - t0))
    end = min(rows, key=lambda r: abs(r[0] - t0 - duration))
    delta = {k: end[1].get(k, 0) - start[1].get(k, 0) for k in set(start[1]) | set(end[1])}
    total = sum(v for k, v in delta.items() if not k.startswith('sys_'))
    print('%.1f s window, agent JVM threads %.1f CPU-s' % (end[0] - start[0], total))
    for k, v in sorted(delta.items(), key=lambda kv: -kv[1]):
        if v >= 0.05:
            print('%-28s %7.2f s%s' % (k, v, '' if k.startswith('sys_') else '  %4.1f %%' % (100 * v / total)))


if __name__ == '__main__':
    if len(sys.argv) == 5 and sys.argv[1] == '--window':
        window(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    elif len(sys.argv) == 3:
        sample(sys.argv[1], float(sys.argv[2]))
    else:
        sys.exit(__doc__)
