#!/usr/bin/env python3
"""Where the agents' CPU samples went, from the collapsed stacks bench/profile-agents.sh leaves (one file per JVM).

    bench/profile-report.py DIR [THREAD]           samples by thread kind, then the hottest frames (self and total)
    bench/profile-report.py DIR [THREAD] --has F   the share of samples whose stack holds a frame containing F
    bench/profile-report.py DIR [THREAD] --first F1 F2 ... [--java]
                                                   each sample counted once, under the first F its stack holds
                                                   (else "none"); --java leaves out samples in the kernel

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
    java_only = '--java' in argv
    argv = [arg for arg in argv if arg != '--java']
    mode = next((flag for flag in ('--has', '--first') if flag in argv), None)
    keys = argv[argv.index(mode) + 1:] if mode else []
    rest = argv[2:argv.index(mode)] if mode else argv[2:]
    thread = rest[0] if rest else None
    total = 0
    by_thread, by_self, by_total, by_key = (collections.Counter() for _ in range(4))
    for name, frames, count in samples(directory, thread):
        if java_only and frames and frames[-1].endswith('_[k]'):
            continue  # async-profiler marks kernel frames with _[k]
        total += count
        by_thread[name] += count
        if frames:
            by_self[frames[-1]] += count
        for frame in set(frames):
            by_total[frame] += count
        stack = ';'.join(frames)
        if mode == '--has':
            for key in keys:
                if key in stack:
                    by_key[key] += count
        elif mode == '--first':
            by_key[next((key for key in keys if key in stack), 'none')] += count
    if total == 0:
        sys.exit('no samples in ' + directory)
    print('%d samples' % total)
    if mode:
        for key in keys + (['none'] if mode == '--first' else []):
            print('%6.1f %%  %s' % (100.0 * by_key[key] / total, key))
        return
    for title, counter, rows in (('threads', by_thread, 12), ('self', by_self, 25), ('total', by_total, 40)):
        print('--- ' + title)
        for key, count in counter.most_common(rows):
            print('%6.1f %%  %s' % (100.0 * count / total, key[:160]))


if __name__ == '__main__':
    main(sys.argv)
