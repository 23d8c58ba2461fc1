#!/usr/bin/env python3
"""What the JIT compiles in a window of a run, each compile set against its method's history before the window.

    bench/jit-history.py T0 WINDOW_S LOG...

LOG: agent logs of JVMs started with -XX:+PrintCompilation (stdout and the log in one file, as the bench adapter
writes agent.log). T0: the window's start as UTC HH:MM:SS[.fff] of the logs' day, or epoch seconds. Each JVM's
uptime (PrintCompilation's first column, in ms) is mapped to wall time with Spring Boot's "Started ... (process
running for S)" line.

A compile at tier 3 or 4 in the window counts under what its method had before it:
  new                 never compiled before the window
  from tier N         compiled before, at most at tier N, and none of it thrown away by a trap
  after a trap        a compile of it was made not entrant by an uncommon trap (before or in the window)
PrintCompilation names a method without its parameters, so overloads count as one method (a "from tier 4" compile
at tier 3 is mostly that).
Then the "made not entrant" reasons before and in the window: "not used" is code replaced by a newer compile of the
same method (an upgrade), "uncommon trap" a deoptimization; code unloaded as cold would show as "unloading" or
"cold" reasons.
"""
import collections
import datetime
import re
import sys

from lab_clock import start_epoch

COMPILE = re.compile(r'^\s*(\d+)\s+(\d+)\s+([%sbn!]*)\s+(\d)\s+(\S+)(.*)$')
STARTED = re.compile(r'(\d{4}-\d\d-\d\dT[\d:.]+)Z .*process running for ([0-9.]+)\)')
NOT_ENTRANT = re.compile(r'made not entrant: (.*)$')
EXAMPLES = 4


def jvm_start(lines):
    """Epoch seconds of the JVM's start, and of its "Started" line (whose UTC day T0 is taken on)."""
    for line in lines:
        m = STARTED.search(line)
        if m:
            started = datetime.datetime.fromisoformat(m.group(1)).replace(tzinfo=datetime.timezone.utc).timestamp()
            return started - float(m.group(2)), started
    return None, None


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    window_s, logs = float(argv[2]), argv[3:]
    by_tier = collections.Counter()
    kinds = collections.Counter()
    jvms = collections.defaultdict(lambda: collections.defaultdict(set))   # (tier, kind) -> method -> logs
    reasons = {'before': collections.Counter(), 'in the window': collections.Counter()}
    for log in logs:
        with open(log, errors='replace') as f:
            lines = f.read().splitlines()
        start, started = jvm_start(lines)
        if start is None:
            print(f'{log}: no "process running for" line; skipped', file=sys.stderr)
            continue
        t0 = start_epoch(argv[1], started)
        begin_ms = (t0 - start) * 1000
        end_ms = begin_ms + window_s * 1000
        tiers = collections.defaultdict(set)   # method -> tiers compiled at so far
        trapped = set()                        # methods with code made not entrant by an uncommon trap
        for line in lines:
            m = COMPILE.match(line)
            if not m or '%' in m.group(3):     # OSR compiles replace no method entry
                continue
            at_ms, tier, method, rest = int(m.group(1)), int(m.group(4)), m.group(5), m.group(6)
            if at_ms >= end_ms:
                break
            inside = at_ms >= begin_ms
            reason = NOT_ENTRANT.search(rest)
            if reason:
                reasons['in the window' if inside else 'before'][reason.group(1)] += 1
                if reason.group(1) == 'uncommon trap':
                    trapped.add(method)
                continue
            if inside:
                by_tier[tier] += 1
                if tier in (3, 4):
                    if method in trapped:
                        kind = 'after a trap'
                    elif not tiers[method]:
                        kind = 'new'
                    else:
                        kind = f'from tier {max(tiers[method])}'
                    kinds[(tier, kind)] += 1
                    jvms[(tier, kind)][method].add(log)
            tiers[method].add(tier)
    print(f'compiles in the {window_s:g} s window by tier: '
          + ', '.join(f'tier {t}: {n}' for t, n in sorted(by_tier.items())))
    print('\ntier  what the method had before        compiles  most frequent (JVMs)')
    for (tier, kind), n in sorted(kinds.items(), key=lambda item: -item[1]):
        by_jvms = sorted(jvms[(tier, kind)].items(), key=lambda item: -len(item[1]))[:EXAMPLES]
        top = ', '.join(f'{method} ({len(in_logs)})' for method, in_logs in by_jvms)
        print(f'{tier:>4}  {kind:<32} {n:>8}  {top}')
    for when, counter in reasons.items():
        print(f'\nmade not entrant, {when}: '
              + (', '.join(f'{reason}: {n}' for reason, n in counter.most_common()) or 'none'))


if __name__ == '__main__':
    main(sys.argv)
