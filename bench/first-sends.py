#!/usr/bin/env python3
"""One client host of bench/first-sends.sh: CONNS keep-alive connections, each fetching the next chunk of its share
(index OFFSET, OFFSET + STRIDE, ...) once, a 503 retried after a short pause. Writes one line per answer:
index, request sent, first 64 KiB in, last byte in (epoch seconds), status, bytes."""
import http.client
import sys
import threading
import time

BUSY_PAUSE_S = 0.2
TIMEOUT_S = 60
MAX_TRIES = 50


def main():
    host, port, digest, chunks, conns, offset, stride, out = sys.argv[1:9]
    port, chunks, conns, offset, stride = int(port), int(chunks), int(conns), int(offset), int(stride)
    lock = threading.Lock()
    nxt = [offset]
    rows = []

    def take():
        with lock:
            index = nxt[0]
            if index >= chunks:
                return None
            nxt[0] += stride
            return index

    def worker():
        connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT_S)
        while (index := take()) is not None:
            for _ in range(MAX_TRIES):
                sent = time.time()
                connection.request('GET', f'/api/v1/artifacts/{digest}/chunks/{index}')
                response = connection.getresponse()
                response_first, size = None, 0
                while block := response.read(65536):
                    response_first = response_first or time.time()
                    size += len(block)
                done = time.time()
                with lock:
                    rows.append((index, sent, response_first or done, done, response.status, size))
                if response.status != 503:
                    break
                time.sleep(BUSY_PAUSE_S)

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with open(out, 'w') as f:
        for row in rows:
            f.write(' '.join(map(str, row)) + '\n')


if __name__ == '__main__':
    main()
