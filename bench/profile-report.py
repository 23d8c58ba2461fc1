#!/usr/bin/env python3
"""Where the agents' CPU samples went, from the collapsed stacks bench/profile-agents.sh leaves (one file per JVM).

    bench/profile-report.py DIR [THREAD]           samples by thread kind, then the hottest frames (self and total)
    bench/profile-report.py DIR [THREAD] --has F   the share of samples whose stack holds a frame containing F

THREAD keeps only threads whose name contains it (e.g. reactor-http, chunk-writer, C2, swarm, gossip).
"""
import collections
import glob
import os
import re
import sys


def samples(directory, thread):
    for path in glob.glob(os.path.join(directory, '*.txt')):
        with open(path) as f:
            for line in f:
                stack, _, count = line.rstrip().rpartition(' ')
                frames = stack.split(';')
                name = re.sub(r'(-\d+)?( tid=\d+)?\]$', ']', frames[0])
                if thread is None or thread in name:
                    yield name, frames[1:], int(count)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    directory = argv[1]
    has = argv[argv.index('--has') + 1:] if '--has' in argv else []
    rest = argv[2:argv.index('--has')] if '--has' in argv else argv[2:]
    thread = rest[0] if rest else None
    total = 0
    by_thread, by_self, by_total, by_key = (collections.Counter() for _ in range(4))
    for name, frames, count in samples(directory, thread):
        total += count
        by_thread[name] += count
        if frames:
            by_self[frames[-1]] += count
        for frame in set(frames):
            by_total[frame] += count
        stack = ';'.join(frames)
        for key in has:
            if key in stack:
                by_key[key] += count
    if total == 0:
        sys.exit('no samples in ' + directory)
    print('%d samples' % total)
    if has:
        for key in has:
            print('%6.1f %%  %s' % (100.0 * by_key[key] / total, key))
        return
    for title, counter, rows in (('threads', by_thread, 12), ('self', by_self, 25), ('total', by_total, 40)):
        print('--- ' + title)
        for key, count in counter.most_common(rows):
            print('%6.1f %%  %s' % (100.0 * count / total, key[:160]))


if __name__ == '__main__':
    main(sys.argv)
