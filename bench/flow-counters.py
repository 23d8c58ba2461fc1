#!/usr/bin/env python3
"""What holds each lab host's uploads back, from the kernel's own counters of every TCP connection it sends on.

    bench/flow-counters.py record OUT SECONDS PORT [HOSTS]   for SECONDS, sample the connections whose local port is
                                                          PORT (the agents' HTTP port: what they send to their
                                                          downloaders) in every lab namespace h0..hN-1, and each host's
                                                          uplink queue; with HOSTS, first wait (within SECONDS) until
                                                          the lab has that many namespaces. FLOW_SAMPLE_S sets the
                                                          period (default 0.5 s), FLOW_HOSTS (e.g. "h0 h3 h7") samples
                                                          only those hosts
    bench/flow-counters.py report OUT T0 [FROM TO]        per host over FROM-TO s after T0 (HH:MM:SS[.fff] UTC,
                                                          default 5-22 s): its send rate; how many connections carried
                                                          data at once; their busy time and the shares of it limited by
                                                          the receiver's window, by the send buffer, or by the
                                                          congestion window or pacing; the mean congestion window and
                                                          round trip; retransmitted bytes; and the uplink queue's drops,
                                                          mean backlog, and how often it was empty while a connection
                                                          still held unsent bytes

The counters are Linux's tcp_info (tcpi_busy_time, tcpi_rwnd_limited, tcpi_sndbuf_limited: how long the connection
had data in flight, and how much of that it could send no more for want of the peer's receive window or of its own
send buffer; the rest of the busy time is the congestion window or pacing), read over netlink (sock_diag), and the
queue's statistics (rtnetlink), from one process with a socket in each namespace, opened once. That is far cheaper
than `ip netns exec ss` and `tc` per host and sample, but not free: all 16 hosts every 0.25 s cost the lab's 2 cores
8 % (the harness then marks the run contended), the origin and four peers 1.4-3.7 %. Run it beside a benchmark, as
root (bench/swarmbench/edgeswarm.sh does with ES_FLOW_COUNTERS=1).
"""
import ctypes
import glob
import os
import socket
import struct
import sys
import time

from lab_clock import utc_on_day

NETLINK_ROUTE, NETLINK_SOCK_DIAG = 0, 4
RTM_GETQDISC = 38
TCMSG = struct.Struct('=BxxxiIII')     # struct tcmsg: family, ifindex, handle, parent, info
TCA_KIND, TCA_STATS2, TCA_STATS_QUEUE = 1, 7, 3
LEAF_KINDS = (b'bfifo', b'pfifo', b'netem')
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST, NLM_F_DUMP = 0x1, 0x300
NLMSG_DONE, NLMSG_ERROR = 3, 2
INET_DIAG_INFO = 2
TCP_ESTABLISHED = 1
CLONE_NEWNET = 0x40000000
NETLINK_TIMEOUT_S = 2
UPLINK_MBIT = float(os.environ.get('UPLINK_MBIT', '100'))
SAMPLE_S = float(os.environ.get('FLOW_SAMPLE_S', '0.5'))
NLMSG = struct.Struct('=IHHII')
# inet_diag_req_v2: family, protocol, ext, pad, states, then inet_diag_sockid (ports, addresses, ifindex, cookie)
REQUEST = struct.Struct('=BBBxI48s')
DIAG_MSG_LEN = 72          # struct inet_diag_msg
# struct tcp_info offsets (include/uapi/linux/tcp.h); every field here is there since Linux 4.19
TCPI = {'rtt_us': (68, 'I'), 'cwnd': (80, 'I'), 'total_retrans': (100, 'I'), 'bytes_acked': (120, 'Q'),
        'notsent': (144, 'I'), 'busy_us': (168, 'Q'), 'rwnd_us': (176, 'Q'), 'sndbuf_us': (184, 'Q'),
        'bytes_retrans': (208, 'Q')}
TCPI_MIN_LEN = 216


def namespaces():
    return sorted((os.path.basename(p) for p in glob.glob('/run/netns/h[0-9]*')), key=lambda n: int(n[1:]))


def ns_socket(ns, protocol):
    """A netlink socket that lives in namespace ns (a socket keeps the namespace it was made in)."""
    libc = ctypes.CDLL(None, use_errno=True)
    home = os.open('/proc/self/ns/net', os.O_RDONLY)
    target = os.open('/run/netns/' + ns, os.O_RDONLY)
    try:
        if libc.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), 'setns into ' + ns)
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, protocol)
        sock.settimeout(NETLINK_TIMEOUT_S)  # a lab torn down mid-sample must not hang the recorder
        return sock
    finally:
        libc.setns(home, CLONE_NEWNET)
        os.close(target)
        os.close(home)


def dump(sock, request):
    """Sends a netlink dump request and yields (data, payload start, message end) for each answer until it is done."""
    sock.send(request)
    while True:
        data = sock.recv(1 << 16)
        if not data:
            return
        at = 0
        while at + NLMSG.size <= len(data):
            length, kind, _, _, _ = NLMSG.unpack_from(data, at)
            if kind == NLMSG_DONE:
                return
            if kind == NLMSG_ERROR:
                raise OSError('netlink answered an error')
            yield data, at + NLMSG.size, at + length
            at += (length + 3) & ~3


def rtattrs(data, at, end):
    """(type, (start, end)) of each netlink attribute's payload between at and end."""
    while at + 4 <= end:
        alen, atype = struct.unpack_from('=HH', data, at)
        if alen < 4:
            return
        yield atype & 0x3fff, (at + 4, at + alen)
        at += (alen + 3) & ~3


def connections(sock, port):
    """tcp_info fields of every established IPv4 connection with local port `port`."""
    sockid = struct.pack('!HH', port, 0) + bytes(44)
    body = REQUEST.pack(socket.AF_INET, socket.IPPROTO_TCP, 1 << (INET_DIAG_INFO - 1), 1 << TCP_ESTABLISHED, sockid)
    found = []
    for data, msg, end in dump(sock, NLMSG.pack(NLMSG.size + len(body), SOCK_DIAG_BY_FAMILY,
                                                 NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body):
        sport, dport = struct.unpack_from('!HH', data, msg + 4)
        info = dict(rtattrs(data, msg + DIAG_MSG_LEN, end)).get(INET_DIAG_INFO)
        if sport != port or info is None or info[1] - info[0] < TCPI_MIN_LEN:
            continue
        fields = {k: struct.unpack_from('=' + f, data, info[0] + off)[0] for k, (off, f) in TCPI.items()}
        fields['peer'] = '%s:%d' % (socket.inet_ntoa(data[msg + 24:msg + 28]), dport)
        found.append(fields)
    return found


def uplink_queue(sock):
    """Drops and backlog (bytes) of the host's uplink queue: the leaf under the lab's HTB class (bfifo, or netem where
    a delay is emulated), read over rtnetlink (RTM_GETQDISC) in the host's namespace."""
    drops = backlog = 0
    request = NLMSG.pack(NLMSG.size + TCMSG.size, RTM_GETQDISC, NLM_F_REQUEST | NLM_F_DUMP, 1, 0) \
        + TCMSG.pack(socket.AF_UNSPEC, 0, 0, 0, 0)
    for data, msg, end in dump(sock, request):
        attrs = dict(rtattrs(data, msg + TCMSG.size, end))
        kind = attrs.get(TCA_KIND)
        if kind and data[kind[0]:kind[1]].rstrip(b'\0') in LEAF_KINDS and TCA_STATS2 in attrs:
            stats = dict(rtattrs(data, *attrs[TCA_STATS2]))
            if TCA_STATS_QUEUE in stats:
                _, backlog, drops, _, _ = struct.unpack_from('=5I', data, stats[TCA_STATS_QUEUE][0])
    return drops, backlog


def record(out, seconds, port, hosts=0):
    end = time.time() + seconds
    names = namespaces()
    while len(names) < hosts and time.time() < end:
        time.sleep(0.5)
        names = namespaces()
    if not names:
        sys.exit('no lab namespaces (/run/netns/h0...): start the lab first')
    only = os.environ.get('FLOW_HOSTS', '').split()
    names = [n for n in names if not only or n in only]
    socks = {ns: (ns_socket(ns, NETLINK_SOCK_DIAG), ns_socket(ns, NETLINK_ROUTE)) for ns in names}
    with open(out, 'w') as f:
        while time.time() < end:
            stamp = time.time()
            for ns, (diag, route) in socks.items():
                try:
                    conns = connections(diag, port)
                    drops, backlog = uplink_queue(route)
                except OSError:
                    continue  # the lab went down mid-sample, or the answer timed out
                f.write('%.3f %s q %d %d %s\n' % (stamp, ns, drops, backlog, ' '.join(
                    '%s,%d,%d,%d,%d,%d,%d,%d,%d,%d' % (c['peer'], c['bytes_acked'], c['busy_us'], c['rwnd_us'],
                                                       c['sndbuf_us'], c['cwnd'], c['notsent'], c['bytes_retrans'],
                                                       c['total_retrans'], c['rtt_us']) for c in conns)))
            f.flush()
            time.sleep(max(0.0, SAMPLE_S - (time.time() - stamp)))


def load(path):
    samples = {}
    for line in open(path):
        parts = line.split()
        stamp, ns, drops, backlog = float(parts[0]), parts[1], int(parts[3]), int(parts[4])
        conns = {}
        for c in parts[5:]:
            peer, *nums = c.split(',')
            conns[peer] = list(map(int, nums))
        samples.setdefault(ns, []).append((stamp, drops, backlog, conns))
    return samples


def report(path, t0_utc, start=5.0, stop=22.0):
    samples = load(path)
    first = min(s[0][0] for s in samples.values())
    t0 = utc_on_day(first, t0_utc)
    print('per host, %.0f-%.0f s after T0 (%s), from its sending connections (tcp_info) and its uplink queue' % (
        start, stop, t0_utc))
    print('host  Mbit/s  sending  busy  of it: rwnd  sndbuf  cwnd-or-pacing  mean cwnd  retrans  queue drops  empty'
          '  of it unsent  rtt ms  queue ms')
    for ns in sorted(samples, key=lambda n: int(n[1:])):
        rows = [s for s in samples[ns] if start <= s[0] - t0 <= stop]
        if len(rows) < 2:
            continue
        span = rows[-1][0] - rows[0][0]
        a, b = rows[0][3], rows[-1][3]
        keys = [k for k in b if k in a]
        delta = lambda i: sum(b[k][i] - a[k][i] for k in keys)
        acked, busy, rwnd, sndbuf, retrans = delta(0), delta(1), delta(2), delta(3), delta(6)
        # connections that moved data between consecutive samples: the flows sharing the uplink at once
        active, cwnds, rtts, queued = [], [], [], []
        for prev, cur in zip(rows, rows[1:]):
            moving = [k for k in cur[3] if k in prev[3] and cur[3][k][0] > prev[3][k][0]]
            active.append(len(moving))
            cwnds += [cur[3][k][4] for k in moving]
            rtts += [cur[3][k][8] for k in moving if len(cur[3][k]) > 8]
            queued.append(cur[2])
        empty = [r for r in rows if r[2] == 0]
        # an empty queue while a connection holds unsent bytes: TCP held them back (window, pacing, the ACK clock);
        # with none unsent, the agent had handed the kernel nothing more to send
        held = sum(1 for r in empty if any(c[5] > 0 for c in r[3].values()))
        print(('%-4s %7.1f %8.1f %5.2f %10.0f%% %6.0f%% %14.0f%% %10.1f %7.2f%% %12d %5.0f%% %11.0f%% %7.1f'
               ' %8.1f') % (
            ns, acked * 8 / span / 1e6, sum(active) / max(1, len(active)), busy / 1e6 / span,
            100 * rwnd / max(1, busy), 100 * sndbuf / max(1, busy), 100 * (busy - rwnd - sndbuf) / max(1, busy),
            sum(cwnds) / max(1, len(cwnds)), 100 * retrans / max(1, acked), rows[-1][1] - rows[0][1],
            100 * len(empty) / len(rows), 100 * held / max(1, len(empty)),
            sum(rtts) / max(1, len(rtts)) / 1000, sum(queued) / max(1, len(queued)) * 8 / UPLINK_MBIT / 1000))
    print('sending: connections that carried data between samples, on average; busy: their summed busy time per '
          'second (tcpi_busy_time), split into time limited by the receiver\'s window, by the send buffer, and the '
          'rest (congestion window or pacing); empty: samples with nothing queued on the uplink; of it unsent: those '
          'of them in which a connection still held bytes the kernel had not sent; rtt: the sending connections\' '
          'smoothed round trip; queue ms: the uplink queue\'s mean backlog in time at UPLINK_MBIT (default 100): '
          'what of the round trip is this host\'s own queue, the rest being the way back (the ACKs queue behind the '
          'receivers\' own uploads)')


if __name__ == '__main__':
    if len(sys.argv) >= 5 and sys.argv[1] == 'record':
        record(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]) if len(sys.argv) > 5 else 0)
    elif len(sys.argv) in (4, 6) and sys.argv[1] == 'report':
        report(sys.argv[2], sys.argv[3], *(map(float, sys.argv[4:6]) if len(sys.argv) == 6 else ()))
    else:
        sys.exit(__doc__)
