#!/usr/bin/env python3
"""Where a swarm's chunk requests waited, from the agents' request traces (RequestTrace at TRACE level).

  bench/request-trace.py [--from S] [--to S] [--idle-queue Q] [--artifact SHORT] T0 LOG...

Each LOG is one agent's log; the agent's name is the file's stem (h3.log), or its directory's name for agent.log.
T0 is the run's start: epoch seconds, or HH:MM:SS[.fff] UTC on the day of the trace (the .holdings file of an
ES_TIMELINE run names it). Only the run's artifact counts: the first one asked for from T0 on, or --artifact. Times
below are seconds after T0; --from/--to bound the window the shares are taken over (default 5 to 22 s, the steady
middle of an N=16, 256 MiB run). bench/swarmbench/edgeswarm.sh writes the logs with
ES_REQUEST_TRACE=DIR.

Prints, for the window:
  - per uploader: requests answered, mean time from request to stored chunk, mean requests queued to it (all
    downloaders' requests sent and not yet answered), and the share of 50 ms samples with none or at most one queued;
  - per downloader: the share of samples with its whole budget in flight (--budget, requests-per-artifact);
  - budget seconds by outcome: how long requests held a place in their download's budget, by how they ended;
  - idle supply: at each sample where an uploader had at most --idle-queue requests queued (default 0), how many
    downloaders lacked chunks it held, and how many of those chunks they had not asked anyone for. Many such chunks
    mean the downloaders' budgets were spent elsewhere; none mean the uploader had nothing new to give.
And, over the whole run, how fast chunks spread: for each chunk, from its first arrival at any downloader (the
origin's send) to the first request for it to that holder, and to its 2nd, 4th, 8th and last downloader (medians),
and the mean wait of its copies after the first, by when the first arrival came (0-2 s, 2-5 s, 5-22 s, later). At a
steady rate, what the peers owe each other is the rate at which copies become owed times that wait (Little's law).
"""
import argparse
import collections
import os
import re
import statistics
import sys

from lab_clock import start_epoch

LINE = re.compile(r'\b(request|arrived|ended) artifact=(\S+) chunk=(\d+) peer=(\S+) at=(\d+)(?: \S+=(\S+))*')
STEP = 0.05


def agent_name(path):
    stem = os.path.splitext(os.path.basename(path))[0]
    return os.path.basename(os.path.dirname(os.path.abspath(path))) if stem == 'agent' else stem


def read(paths):
    events = []
    for path in paths:
        host = agent_name(path)
        with open(path, errors='replace') as f:
            for line in f:
                m = LINE.search(line)
                if m:
                    outcome = m.group(6) if m.group(1) == 'ended' else m.group(1)
                    events.append((int(m.group(5)) / 1000.0, host, m.group(1), int(m.group(3)), m.group(4), outcome,
                                   m.group(2)))
    events.sort()
    return events


def start_time(text, events):
    return start_epoch(text, events[0][0])


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('t0')
    p.add_argument('logs', nargs='+')
    p.add_argument('--from', dest='start', type=float, default=5.0)
    p.add_argument('--to', dest='end', type=float, default=22.0)
    p.add_argument('--idle-queue', type=int, default=0)
    p.add_argument('--budget', type=int, default=12, help='requests-per-artifact of the run (default 12)')
    p.add_argument('--artifact', help='short form of the artifact digest, as the traces name it')
    a = p.parse_args()
    events = read(a.logs)
    if not events:
        sys.exit('no request trace lines in ' + ' '.join(a.logs) + ' (is RequestTrace at TRACE level?)')
    t0 = start_time(a.t0, events)
    # The run's artifact (the first one asked for from T0 on, unless named), and nothing from before the run.
    artifact = a.artifact or next((e[6] for e in events if e[0] >= t0), None)
    events = [(e[0] - t0,) + e[1:6] for e in events if e[0] >= t0 and e[6] == artifact]
    if not events:
        sys.exit(f'no request trace lines from T0 on ({a.t0})')

    queued = collections.Counter()          # uploader -> requests sent to it and not yet answered
    pending = {}                            # (downloader, chunk, uploader) -> time asked
    held = collections.defaultdict(set)     # host -> chunks stored (from its arrivals)
    budget = collections.Counter()          # downloader -> its requests in flight now
    answered = collections.Counter()
    waited = collections.Counter()
    held_by_outcome = collections.Counter()
    count_by_outcome = collections.Counter()
    samples = 0
    q_sum = collections.Counter()
    q_none = collections.Counter()
    q_one = collections.Counter()
    at_budget = collections.Counter()
    idle = idle_lacking = idle_unasked = idle_downloaders = 0
    hosts = sorted({e[1] for e in events} | {e[4] for e in events}, key=lambda h: (len(h), h))
    downloaders = sorted({e[1] for e in events}, key=lambda h: (len(h), h))

    i = 0
    t = a.start
    while True:
        while i < len(events) and events[i][0] <= t:
            et, host, kind, chunk, peer, outcome = events[i]
            i += 1
            key = (host, chunk, peer)
            if kind == 'request':
                pending[key] = et
                queued[peer] += 1
                budget[host] += 1
                continue
            asked = pending.pop(key, None)
            if asked is None:
                continue
            queued[peer] -= 1
            budget[host] -= 1
            if kind == 'arrived':
                held[host].add(chunk)
            if a.start <= et <= a.end:
                if kind == 'arrived':
                    answered[peer] += 1
                    waited[peer] += et - asked
                held_by_outcome[outcome] += et - max(asked, a.start)
                count_by_outcome[outcome] += 1
        if t > a.end:
            break
        samples += 1
        for h in hosts:
            q_sum[h] += queued[h]
            q_none[h] += queued[h] == 0
            q_one[h] += queued[h] <= 1
        for d in downloaders:
            at_budget[d] += budget[d] >= a.budget
        asked_for = None                    # downloader -> chunks it has asked for, built once a sample needs it
        for up in hosts:
            if queued[up] > a.idle_queue or not held[up]:
                continue  # busy, or nothing traced that it holds (an origin's holdings are not traced)
            idle += 1
            if asked_for is None:
                asked_for = collections.defaultdict(set)
                for (d, c, _p) in pending:
                    asked_for[d].add(c)
            for d in downloaders:
                if d == up:
                    continue
                lacking = held[up] - held[d]
                if lacking:
                    idle_downloaders += 1
                    idle_lacking += len(lacking)
                    idle_unasked += len(lacking - asked_for[d])
        t += STEP

    print(f'window {a.start:g}-{a.end:g} s after T0, {samples} samples of {STEP * 1000:.0f} ms')
    print(f'{"uploader":>9} {"answered":>9} {"mean ms":>8} {"queued":>7} {"none %":>7} {"<=1 %":>6}')
    for h in hosts:
        mean = 1000 * waited[h] / answered[h] if answered[h] else float('nan')
        print(f'{h:>9} {answered[h]:>9} {mean:>8.0f} {q_sum[h] / samples:>7.1f} {100 * q_none[h] / samples:>7.1f}'
              f' {100 * q_one[h] / samples:>6.1f}')
    print(f'{"downloader":>10} {"at budget %":>12}  (at least {a.budget} requests in flight)')
    for d in downloaders:
        print(f'{d:>10} {100 * at_budget[d] / samples:>12.0f}')
    print('budget seconds by outcome (requests that ended in the window):')
    for outcome, seconds in held_by_outcome.most_common():
        n = count_by_outcome[outcome]
        print(f'  {outcome:<28} {n:>6} requests {seconds:>8.1f} s, {1000 * seconds / n:>5.0f} ms each')
    if idle:
        print(f'idle supply: {idle} samples with an uploader at <= {a.idle_queue} queued '
              f'({100 * idle / (samples * len(hosts)):.1f} % of uploader samples); each: '
              f'{idle_downloaders / idle:.1f} downloaders lacked {idle_lacking / idle:.1f} of its chunks, '
              f'{idle_unasked / idle:.1f} of them asked of nobody')
    else:
        print(f'idle supply: no sample with an uploader at <= {a.idle_queue} queued')
    print_spread(events, len(downloaders))


def print_spread(events, peers):
    """How long each chunk took from its first holder to the other downloaders, by when it first arrived."""
    arrivals = collections.defaultdict(dict)        # chunk -> downloader -> when the chunk reached it (any source)
    asked_of = collections.defaultdict(list)        # chunk -> (time, uploader) of every request for it
    for et, host, kind, chunk, peer, _outcome in events:
        if kind == 'arrived':
            arrivals[chunk].setdefault(host, et)
        elif kind == 'request':
            asked_of[chunk].append((et, peer))
    ranks = [r for r in (2, 4, 8) if r < peers] + [peers]
    rows = []
    for chunk, reached in arrivals.items():
        if len(reached) < peers:
            continue  # not every downloader's trace has it
        times = sorted(reached.values())
        t = times[0]
        holder = min(reached, key=reached.get)
        asked = [at for at, uploader in asked_of[chunk] if uploader == holder and at >= t]
        rows.append((t, min(asked) - t if asked else None, [times[r - 1] - t for r in ranks],
                     statistics.mean(x - t for x in times[1:])))
    if not rows:
        return
    print('spread (s from a chunk\'s first arrival, medians): first arrival at, chunks, first asked of its holder, '
          + ', '.join(f'holder {r}' for r in ranks) + '; and the mean wait of its copies after the first')
    end = max(r[0] for r in rows)
    for lo, hi in ((0, 2), (2, 5), (5, 22), (22, end + 1)):
        sel = [r for r in rows if lo <= r[0] < hi]
        if not sel:
            continue
        asked = [r[1] for r in sel if r[1] is not None]
        cells = ' '.join(f'{statistics.median(r[2][k] for r in sel):>6.2f}' for k in range(len(ranks)))
        first = f'{statistics.median(asked):>6.2f}' if asked else '     -'
        mean = statistics.mean(r[3] for r in sel)
        print(f'  {lo:>4.0f}-{hi:<4.0f} s {len(sel):>5} {first} {cells}   mean {mean:.2f}')


if __name__ == '__main__':
    main()
