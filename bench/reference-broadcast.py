#!/usr/bin/env python3
"""A reference for the swarmbench lab: a simple broadcast schedule that costs almost no CPU per byte.

Not a distribution system, and not a proof of a floor. It answers one question about the lab: how close to the
Kumar-Ross bound does a lean data path get on this machine, with N hosts sharing its cores? The schedule is the one
the bound assumes when every host has the same uplink ("scatter, then all-gather"):

- the origin (host 0) sends each chunk to one peer only, so it sends every byte exactly once: the next chunk in
  index order goes to whichever of its connections has room first;
- each peer forwards every chunk it got from the origin to every other peer, as soon as the chunk is in, and stops
  reading from the origin while it owes any peer more than REFERENCE_BACKLOG chunks (default 2), so that TCP holds the
  origin back on that connection and its next chunks go to peers with upload to spare;
- every chunk is written at its offset, and a host is done when all chunks are in.

One TCP connection per (sender, receiver) pair, set up before T0; sendfile() on the send side, recv_into() and
pwrite() on the receive side. Nothing is hashed or verified, no peer is chosen or scored at run time and there is
no JIT to warm: what remains is the kernel's cost of moving the bytes through veths, the bridge and HTB, and TCP
sharing each uplink. Run by bench/swarmbench/reference-broadcast.sh.

  reference-broadcast.py daemon IDX IPS PORT CHUNK SIZE FILE [READY]
      FILE: the source on host 0, the copy on a peer; READY: a file host 0 creates once every peer is connected
  reference-broadcast.py go IP PORT OUT DONE     at T0 on a peer: the run starts; link the copy to OUT, then
                                                 write the completion time to DONE
"""
import os
import queue
import socket
import struct
import sys
import threading
import time

HEADER = struct.Struct("!QI")          # chunk index, length
HELLO = struct.Struct("!I")            # the connecting host's index
CONNECT_ATTEMPTS = 600                 # 0.1 s apart: peers start within a minute of each other
CONNECT_PAUSE_S = 0.1
CONTROL_PORT_OFFSET = 1
FORWARD_BACKLOG = int(os.environ.get("REFERENCE_BACKLOG", "2"))
# TCP congestion control for every connection (TCP_CONGESTION, e.g. "cubic"); empty keeps the host's default. The
# sender's choice is the one that counts: with 14 flows sharing each capped uplink, BBR kept the peers' uplinks less
# busy than CUBIC in this lab (docs/benchmarks.md, sixteenth round).
CONGESTION_CONTROL = os.environ.get("REFERENCE_CONGESTION_CONTROL", "").encode()
TCP_CONGESTION = getattr(socket, "TCP_CONGESTION", 13)
ORIGIN_BUFFER = 512 * 1024             # socket buffers on the origin's connections: its backpressure comes quickly


def recv_exact(sock, view):
    got = 0
    while got < len(view):
        n = sock.recv_into(view[got:])
        if n == 0:
            raise EOFError("connection closed mid-message")
        got += n


def recv_hello(sock):
    buf = bytearray(HELLO.size)
    recv_exact(sock, memoryview(buf))
    return HELLO.unpack(buf)[0]


def send_file_range(sock, fd, offset, length):
    while length > 0:
        sent = os.sendfile(sock.fileno(), fd, offset, length)
        if sent == 0:
            raise EOFError("sendfile sent nothing")
        offset += sent
        length -= sent


def connect(ip, port, my_idx, rcvbuf=None):
    for _ in range(CONNECT_ATTEMPTS):
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            choose_congestion_control(sock)
            if rcvbuf:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            sock.connect((ip, port))
            sock.sendall(HELLO.pack(my_idx))
            return sock
        except OSError:
            time.sleep(CONNECT_PAUSE_S)
    raise SystemExit(f"host {my_idx}: no connection to {ip}:{port}")


def choose_congestion_control(sock):
    if CONGESTION_CONTROL:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, TCP_CONGESTION, CONGESTION_CONTROL)
        except OSError as e:            # not a reason to retry a connection: say so and stop
            raise SystemExit(f"REFERENCE_CONGESTION_CONTROL={CONGESTION_CONTROL.decode()}: the kernel refused it "
                             f"({e}); see /proc/sys/net/ipv4/tcp_available_congestion_control")


def chunk_count(chunk, size):
    return (size + chunk - 1) // chunk


def chunk_span(k, chunk, size):
    offset = k * chunk
    return offset, min(chunk, size - offset)


class Origin:
    def __init__(self, n, port, ip, chunk, size, path, ready):
        self.n, self.chunk, self.size, self.ready = n, chunk, size, ready
        self.chunks = chunk_count(chunk, size)
        self.fd = os.open(path, os.O_RDONLY)
        self.listener = socket.create_server((ip, port), backlog=n)
        self.control = socket.create_server((ip, port + CONTROL_PORT_OFFSET), backlog=n)

    def run(self):
        peers = {}
        while len(peers) < self.n - 1:
            sock, _ = self.listener.accept()
            choose_congestion_control(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, ORIGIN_BUFFER)
            peers[recv_hello(sock)] = sock
        # A peer connects to the origin last, after its connections to every other peer are up.
        open(self.ready, "w").close()
        # T0 has passed once the first peer's `go` reports in: only then is anything sent.
        self.control.accept()[0].close()
        self.next_chunk = 0
        self.lock = threading.Lock()
        threads = [threading.Thread(target=self.send_share, args=(sock,)) for sock in peers.values()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(3600)                # stay up until the harness stops the seed

    def take_chunk(self):
        with self.lock:
            k = self.next_chunk
            self.next_chunk += 1
        return k

    def send_share(self, sock):
        while (k := self.take_chunk()) < self.chunks:
            offset, length = chunk_span(k, self.chunk, self.size)
            sock.sendall(HEADER.pack(k, length))
            send_file_range(sock, self.fd, offset, length)


class Peer:
    def __init__(self, idx, ips, port, chunk, size, path):
        self.idx, self.ips, self.port, self.chunk, self.size = idx, ips, port, chunk, size
        self.n = len(ips)
        self.chunks = chunk_count(chunk, size)
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        self.path = path
        self.received = 0
        self.lock = threading.Lock()
        self.done_paths = None
        self.go = threading.Event()
        self.listener = socket.create_server((ips[idx], port), backlog=self.n)
        self.control = socket.create_server((ips[idx], port + CONTROL_PORT_OFFSET), backlog=1)
        self.forward_queues = []
        self.forwarded = threading.Condition()

    def run(self):
        threading.Thread(target=self.accept_peers, daemon=True).start()
        for j in range(1, self.n):
            if j != self.idx:
                q = queue.SimpleQueue()
                self.forward_queues.append(q)
                threading.Thread(target=self.forward, args=(connect(self.ips[j], self.port, self.idx), q),
                                 daemon=True).start()
        origin = connect(self.ips[0], self.port, self.idx, ORIGIN_BUFFER)
        threading.Thread(target=self.receive, args=(origin, True), daemon=True).start()
        conn, _ = self.control.accept()    # the harness's `peer` at T0: where to put the file, where to say done
        with conn, conn.makefile() as lines:
            out, done = lines.readline().rstrip("\n"), lines.readline().rstrip("\n")
        self.done_paths = (out, done)
        self.go.set()
        connect(self.ips[0], self.port + CONTROL_PORT_OFFSET, self.idx).close()
        time.sleep(3600)

    def accept_peers(self):
        while True:
            sock, _ = self.listener.accept()
            recv_hello(sock)               # who sent it does not matter: every chunk names its index
            threading.Thread(target=self.receive, args=(sock, False), daemon=True).start()

    def receive(self, sock, from_origin):
        header = bytearray(HEADER.size)
        body = bytearray(self.chunk)
        while True:
            try:
                recv_exact(sock, memoryview(header))
            except EOFError:
                return
            k, length = HEADER.unpack(header)
            view = memoryview(body)[:length]
            recv_exact(sock, view)
            os.pwrite(self.fd, view, k * self.chunk)
            if from_origin:
                for q in self.forward_queues:
                    q.put(k)
            self.count_one()
            if from_origin:
                # Read no further from the origin while this peer is behind in passing chunks on: TCP then holds
                # the origin back on this connection, and its next chunks go to peers with upload to spare.
                with self.forwarded:
                    self.forwarded.wait_for(lambda: max(q.qsize() for q in self.forward_queues) <= FORWARD_BACKLOG)

    def count_one(self):
        with self.lock:
            self.received += 1
            complete = self.received == self.chunks
        if complete:
            self.go.wait()                 # another peer's `go` may have started the run before ours arrived
            out, done = self.done_paths
            os.link(self.path, out)
            with open(done, "w") as f:
                f.write(f"{time.time():.6f}\n")

    def forward(self, sock, q):
        while True:
            k = q.get()
            offset, length = chunk_span(k, self.chunk, self.size)
            sock.sendall(HEADER.pack(k, length))
            send_file_range(sock, self.fd, offset, length)
            with self.forwarded:
                self.forwarded.notify_all()


def main(argv):
    if argv[1:2] == ["daemon"] and len(argv) >= 8:
        idx, ips, path = int(argv[2]), argv[3].split(), argv[7]
        port, chunk, size = int(argv[4]), int(argv[5]), int(argv[6])
        if idx == 0:
            node = Origin(len(ips), port, ips[0], chunk, size, path, argv[8])
        else:
            node = Peer(idx, ips, port, chunk, size, path)
        node.run()
    elif argv[1:2] == ["go"] and len(argv) == 6:
        ip, port, out, done = argv[2], int(argv[3]), argv[4], argv[5]
        with socket.create_connection((ip, port + CONTROL_PORT_OFFSET)) as sock:
            sock.sendall(f"{out}\n{done}\n".encode())
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
