#!/usr/bin/env python3
"""Every lab host's wire bytes over time, from the bridge side of its link, to see where a swarm run loses time.

    ip netns exec sbbr bench/host-timeline.py record OUT SECONDS [HOSTS]
                                                 sample every 0.25 s (run it beside a benchmark); with HOSTS, first
                                                 wait (within SECONDS) until the lab has that many hosts' links
    bench/host-timeline.py report OUT T0 FILE_BYTES UP_MBIT          one line per second from T0 (HH:MM:SS[.fff], UTC)
    bench/host-timeline.py starts OUT T0                             when each host first received and sent 64 KiB
    bench/host-timeline.py holdings OUT T0 FILE_BYTES                each peer's share of the file when the origin had
                                                                     sent one copy, and when each host's link had
                                                                     carried the file's size (seconds from T0)
    bench/host-timeline.py owed OUT T0 FILE_BYTES                    the copies the peers still owe each other (the
                                                                     backlog that becomes the run's tail), at fixed
                                                                     times after the origin's first MiB
    bench/host-timeline.py behind OUT T0 FILE_BYTES UP_MBIT          how many seconds each peer's downlink is behind
                                                                     the bound's pace (the origin's uplink), at fixed
                                                                     times after T0 until a peer is done: min, mean
                                                                     and max over the peers
    bench/host-timeline.py idle OUT T0 FILE_BYTES UP_MBIT [END_S]    the lab's upload capacity left idle, in seconds of
                                                                     all N uplinks at once, by phase: up to the origin's
                                                                     first MiB, the 5 s after it, up to the origin's
                                                                     copy, and the tail until END_S (the run's time as
                                                                     the harness measured it; default: when the last
                                                                     peer's link had carried the file's size); the
                                                                     run's time is what the uplinks carried over the
                                                                     lab's capacity plus that
    bench/host-timeline.py peers OUT T0 [UNTIL_S]                    every sample from T0 to UNTIL_S (default 4): each
                                                                     host's upload in Mbit/s and, for the peers, the
                                                                     MiB received so far, to see which peers idle at
                                                                     the start while they hold data

Recording runs inside swarmbench's bridge namespace (sbbr), where host X's link ends in interface pX: what pX receives
host X sent, what pX sends host X received. One process reads them all, so sampling costs the run almost nothing
(unlike an `ip netns exec` per host and sample). The report gives, per second: the origin's (h0) upload rate, the
peers' upload rate against their caps, the copies the origin has sent, and how far the slowest peer is. The counters
see the kernel's offloaded segments (one header per up to 64 KiB), so headers add well under 1 % and a host counts as
done once its link carried the file's size.
"""
import glob
import os
import re
import sys
import time

from lab_clock import utc_on_day

HEADERS = 1.0
# What a capped uplink carries by these counters: the shaper counts every 1514-byte frame's headers, the counters one
# header per offloaded segment, so a link at its cap shows about 1448/1514 of it (the origin's 95.5 Mbit/s of 100).
COUNTED_PER_CAPPED = 1448 / 1514


def lab_ports():
    return sorted(glob.glob('/sys/class/net/p[0-9]*'), key=lambda p: int(re.sub(r'\D', '', os.path.basename(p))))


def record(out, seconds, hosts=0):
    end = time.time() + seconds
    # The port list is read once: a recorder started while the lab is still being built would miss the later hosts.
    ports = lab_ports()
    while len(ports) < hosts and time.time() < end:
        time.sleep(0.5)
        ports = lab_ports()
    if len(ports) < max(hosts, 1):
        sys.exit('%d pN interfaces here, %d wanted: run inside the lab bridge namespace (ip netns exec sbbr ...)' % (
            len(ports), max(hosts, 1)))
    with open(out, 'w') as f:
        while time.time() < end:
            values = []
            for port in ports:
                with open(port + '/statistics/rx_bytes') as rx, open(port + '/statistics/tx_bytes') as tx:
                    values.append('%s:%s' % (rx.read().strip(), tx.read().strip()))  # host's sent:received
            f.write('%.3f %s\n' % (time.time(), ' '.join(values)))
            f.flush()
            time.sleep(0.25)


def load(path, t0_utc):
    """The samples, T0 as a timestamp (on the first sample's day), and the counters at the sample nearest T0."""
    rows = []
    for line in open(path):
        stamp, *hosts = line.split()
        rows.append((float(stamp), [tuple(map(int, h.split(':'))) for h in hosts]))
    t0 = utc_on_day(rows[0][0], t0_utc)
    base = min(rows, key=lambda r: abs(r[0] - t0))[1]
    return rows, t0, base


def received(hosts, base, i, file_bytes):
    """How many copies of the file host i's link has carried towards it since the base sample."""
    return (hosts[i][1] - base[i][1]) / file_bytes


def sent(hosts, base, i):
    """The bytes host i has sent since the base sample (host 0 is the origin)."""
    return hosts[i][0] - base[i][0]


def one_copy(rows, base, file_bytes):
    """The first sample at which the origin had sent the file's size, or None."""
    return next((r for r in rows if sent(r[1], base, 0) >= file_bytes), None)


def first_mib(rows, base):
    """When the origin had sent its first MiB (data, not handshakes), or None."""
    return next((stamp for stamp, hosts in rows if sent(hosts, base, 0) >= 1 << 20), None)


def carried_file(rows, base, i, file_bytes):
    """When host i's link had carried the file's size towards it, or None."""
    return next((stamp for stamp, hosts in rows if received(hosts, base, i, file_bytes) >= HEADERS), None)


def holdings(path, t0_utc, file_bytes):
    rows, t0, base = load(path, t0_utc)
    rows = [r for r in rows if r[0] >= t0]
    copy = one_copy(rows, base, file_bytes)
    if copy:
        shares = [received(copy[1], base, i, file_bytes) for i in range(1, len(base))]
        print('origin sent one copy at %.1f s; peers held %.1f to %.1f %% (mean %.1f %%)' % (
            copy[0] - t0, 100 * min(shares), 100 * max(shares), 100 * sum(shares) / len(shares)))
    done = []
    for i in range(1, len(base)):
        at = carried_file(rows, base, i, file_bytes)
        done.append('h%d %s' % (i, '-' if at is None else '%.1f' % (at - t0)))
    print('link carried the file by: ' + ', '.join(done))


def owed(path, t0_utc, file_bytes):
    """What the peers still owe each other: every byte the origin sends once must reach the other N-2 peers too, so
    (N-2) x the origin's bytes less all the peers' bytes is their backlog, in copies of the file. Sampled at fixed
    times after the origin's first MiB and when it had sent one copy: its growth early shows the ramp, later how far
    the peers' uplinks fall short of passing on what the origin sends."""
    rows, t0, base = load(path, t0_utc)
    rows = [r for r in rows if r[0] >= t0]
    peers = len(base) - 1
    backlog = lambda hosts: ((peers - 1) * sent(hosts, base, 0)
                             - sum(sent(hosts, base, i) for i in range(1, len(base)))) / file_bytes
    first = first_mib(rows, base)
    if first is None:
        sys.exit('the origin sent nothing after T0')
    points = []
    for after in (2, 5, 10, 20, 40, 60, 80):
        stamp, hosts = min(rows, key=lambda r: abs(r[0] - first - after))
        if abs(stamp - first - after) < 1:
            points.append('%d s %.2f' % (after, backlog(hosts)))
    copy = one_copy(rows, base, file_bytes)
    if copy:
        points.append('one copy sent (%.1f s) %.2f' % (copy[0] - first, backlog(copy[1])))
    print('peers owe (copies of the file, from the origin\'s first MiB, %.2f s after T0): ' % (first - t0)
          + ', '.join(points))


def behind(path, t0_utc, file_bytes, up_mbit):
    """When the origin's uplink is what bounds the run (F / u_s, as at N=16 and 100 Mbit/s), every peer must receive
    at that rate from T0 to the end: each second a peer's link carries less is a second it ends later, unless it
    catches up faster than the bound's pace later (its downlink cap is higher, but its sources rarely have it to
    spare). t - received / rate is that debt; at the end it is the run's time past the bound."""
    rows, t0, base = load(path, t0_utc)
    rate = up_mbit * 1e6 / 8
    marks = [1, 2, 3, 4, 5, 10, 15, 20, 25, 30, 40, 60, 80]
    print('  t   seconds behind the bound\'s pace: min  mean   max')
    for mark in marks:
        row = next(((stamp, hosts) for stamp, hosts in rows if stamp - t0 >= mark), None)
        if row is None:
            break
        stamp, hosts = row
        if any(received(hosts, base, i, file_bytes) >= HEADERS for i in range(1, len(hosts))):
            break  # a peer is done: its debt no longer means anything
        debt = [stamp - t0 - (hosts[i][1] - base[i][1]) / rate for i in range(1, len(hosts))]
        print('%3d s %37.2f %5.2f %5.2f' % (mark, min(debt), sum(debt) / len(debt), max(debt)))


def idle(path, t0_utc, file_bytes, up_mbit, end_s=None):
    """Where a run's time goes, counted in the lab's upload capacity: every uplink's cap, times the run's time, is what
    the hosts carried plus what they left idle. So each phase's idle capacity, in seconds of all N uplinks at once, is
    what that phase added to the run's time; what they carried (N-1 copies, plus extra copies, requests and the
    acknowledgements of what each host downloads) over the lab's capacity is the rest. A peer's link carries the file's
    size a few tenths of a second before the peer holds the file (the acknowledgements and headers count), so pass the
    harness's time as END_S for the whole run; T0 here is the first peer's start, a few tens of ms after the
    harness's."""
    rows, t0, base = load(path, t0_utc)
    n = len(base)
    after_t0 = [r for r in rows if r[0] >= t0]
    first, copy = first_mib(after_t0, base), one_copy(after_t0, base, file_bytes)
    ends = [carried_file(after_t0, base, i, file_bytes) for i in range(1, n)]
    if first is None or copy is None or None in ends:
        sys.exit('the run did not finish on the wire: no origin copy or a peer short of the file')
    first -= t0
    end = max(ends) - t0 if end_s is None else end_s
    cap = up_mbit * 1e6 / 8 * COUNTED_PER_CAPPED
    copied = copy[0] - t0
    ramp_end = min(first + 5, copied)  # a run whose origin sends its copy within 5 s has no middle
    phases = [('to the origin\'s first MiB', 0, first), ('the 5 s after it', first, ramp_end),
              ('to the origin\'s copy', ramp_end, copied), ('the tail', copied, end)]
    carried = 0.0
    parts = []
    for name, start, stop in phases:
        origin = peers_sent = 0.0
        for (a, before), (b, after) in zip(rows, rows[1:]):
            lo, hi = max(a - t0, start), min(b - t0, stop)
            if hi > lo:
                share = (hi - lo) / (b - a)
                origin += share * sent(after, before, 0)
                peers_sent += share * sum(sent(after, before, i) for i in range(1, n))
        span = max(stop - start, 1e-9)
        carried += origin + peers_sent
        parts.append('%s (%.2f-%.2f s) %.2f s, the peers at %.0f %%, the origin at %.0f %%' % (
            name, start, stop, (n * cap * span - origin - peers_sent) / (n * cap),
            100 * peers_sent / ((n - 1) * cap * span), 100 * origin / (cap * span)))
    lab = carried / (n * cap)
    print('%s %.2f s = carried %.2f s + idle %.2f s of the lab\'s %d uplinks; idle: %s' % (
        'on the wire' if end_s is None else 'run', end, lab, end - lab, n, '; '.join(parts)))


def starts(path, t0_utc):
    """When each host's link first carried 64 KiB each way after T0: a peer that received nothing for seconds while
    the others had their first chunks started late (its manifest or first poll waiting for a busy core, or refused
    by the origin and waiting out its back-off; the tenth round found the former, docs/benchmarks.md)."""
    rows, t0, base = load(path, t0_utc)
    rows = [r for r in rows if r[0] >= t0]
    first = lambda i, way: next(('%.2f' % (stamp - t0) for stamp, hosts in rows
                                 if hosts[i][way] - base[i][way] >= 64 << 10), '-')
    for i in range(len(base)):
        print('h%d received 64 KiB at %s s, sent at %s s' % (i, first(i, 1), first(i, 0)))


def peers(path, t0_utc, until_s):
    """Per sample: the origin's upload, then each peer's upload (Mbit/s) with the MiB it has received since T0. Bytes
    received are not chunks held: a chunk can be served once it arrived whole and was verified, so a peer that has
    received a few MiB spread over many requests in flight may still hold none (twenty-ninth and thirtieth rounds)."""
    rows, t0, base = load(path, t0_utc)
    print('     t  origin | each peer: Mbit/s sent (MiB received)')
    last = None
    for stamp, hosts in rows:
        if stamp < t0 - 0.25 or stamp - t0 > until_s:
            continue
        if last:
            dt = stamp - last[0]
            rate = lambda i: (hosts[i][0] - last[1][i][0]) * 8 / dt / 1e6
            print('%6.2f %7.0f | %s' % (stamp - t0, rate(0), ' '.join(
                'h%d %3.0f (%4.1f)' % (i, rate(i), (hosts[i][1] - base[i][1]) / 2 ** 20) for i in range(1, len(hosts)))))
        last = (stamp, hosts)


def report(path, t0_utc, file_bytes, up_mbit):
    rows, t0, base = load(path, t0_utc)
    peers = len(base) - 1
    print('   t  origin Mbit/s  peers Mbit/s (% of caps)  origin copies  peers done  slowest peer')
    last = None
    for stamp, hosts in rows:
        if stamp < t0 or (last and stamp - last[0] < 1.0):
            continue
        if last:
            dt = stamp - last[0]
            origin = (hosts[0][0] - last[1][0][0]) * 8 / dt / 1e6
            peers_rate = sum(hosts[i][0] - last[1][i][0] for i in range(1, len(hosts))) * 8 / dt / 1e6
            got = [received(hosts, base, i, file_bytes) for i in range(1, len(hosts))]
            print('%5.1f %10.1f %11.0f (%3.0f %%) %13.2f %8d/%d %10.0f %%' % (
                stamp - t0, origin, peers_rate, 100 * peers_rate / (peers * up_mbit), sent(hosts, base, 0) / file_bytes,
                sum(g >= HEADERS for g in got), peers, 100 * min(got) / HEADERS))
        last = (stamp, hosts)


if __name__ == '__main__':
    if len(sys.argv) in (4, 5) and sys.argv[1] == 'record':
        record(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) == 5 else 0)
    elif len(sys.argv) == 5 and sys.argv[1] == 'holdings':
        holdings(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    elif len(sys.argv) == 5 and sys.argv[1] == 'owed':
        owed(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    elif len(sys.argv) == 6 and sys.argv[1] == 'behind':
        behind(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]))
    elif len(sys.argv) in (6, 7) and sys.argv[1] == 'idle':
        idle(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]),
             float(sys.argv[6]) if len(sys.argv) == 7 else None)
    elif len(sys.argv) in (4, 5) and sys.argv[1] == 'peers':
        peers(sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) == 5 else 4.0)
    elif len(sys.argv) == 4 and sys.argv[1] == 'starts':
        starts(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 6 and sys.argv[1] == 'report':
        report(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]))
    else:
        sys.exit(__doc__)
