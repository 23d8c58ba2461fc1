#!/usr/bin/env python3
"""Sums Java Flight Recorder recordings of many JVMs (bench/jfr-agents.sh) into one report.

    bench/jfr-report.py DIR [TOP=15] [THREADS]    every DIR/*.jfr; THREADS: CPU tables of that thread kind only

`jfr view` reads one recording at a time (and misreads several concatenated), so this reads each with `jfr print
--json` and adds them up: CPU samples by thread kind and by method (JDK 25's CPU-time samples where recorded, else
the execution samples), allocation by class and by the first frame outside the JDK, exceptions by class and the frame
that created them, JIT compilations (time by tier and method) and deoptimizations, GC pauses, and monitor
contention. Needs the `jfr` tool of JDK 21 or later: JFR_TOOL, else the one
beside JAVA25, else `jfr` on the PATH.
"""
import collections
import glob
import json
import os
import re
import shutil
import subprocess
import sys

STACK_DEPTH = 64
JDK_PREFIXES = ('java.', 'javax.', 'jdk.', 'sun.', 'com.sun.')


def jfr_tool():
    if os.environ.get('JFR_TOOL'):
        return os.environ['JFR_TOOL']
    java25 = os.environ.get('JAVA25', '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java')
    beside = os.path.join(os.path.dirname(java25), 'jfr')
    return beside if os.path.exists(beside) else shutil.which('jfr') or 'jfr'


def events(tool, path, types):
    out = subprocess.run([tool, 'print', '--json', '--stack-depth', str(STACK_DEPTH), '--events', ','.join(types),
                          path], check=True, capture_output=True, text=True).stdout
    return json.loads(out)['recording']['events'] if out.strip() else []


def frame_name(frame):
    method = frame['method']
    return method['type']['name'].replace('/', '.') + '.' + method['name']


def frames(event):
    trace = event['values'].get('stackTrace') or {}
    return [frame_name(f) for f in trace.get('frames') or []]


def thread_kind(event):
    thread = event['values'].get('eventThread') or event['values'].get('sampledThread') or {}
    name = thread.get('javaName') or thread.get('osName') or '?'
    return re.sub(r'[-#]?\d+$', '', name)   # reactor-http-epoll-2 -> reactor-http-epoll


def first_outside_jdk(names):
    return next((n for n in names if not n.startswith(JDK_PREFIXES)), names[0] if names else '?')


def creator(names):
    """The frame that made an exception: the first past the Throwable constructors."""
    return next((n for n in names if not n.endswith('.<init>') and 'fillInStackTrace' not in n), '?')


def seconds(iso_duration):
    match = re.fullmatch(r'PT(?:(\d+)M)?([\d.]+)S', iso_duration or '')
    return (int(match.group(1) or 0) * 60 + float(match.group(2))) if match else 0.0


def table(title, counter, top, unit=''):
    total = sum(counter.values())
    digits = 3 if unit == ' s' else 0
    print(f'\n{title} (total {total:,.{digits}f}{unit})')
    for key, value in counter.most_common(top):
        share = 100.0 * value / total if total else 0
        print(f'  {value:>14,.{digits}f}{unit} {share:5.1f} %  {key}')


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    directory, top = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15
    only_threads = sys.argv[3] if len(sys.argv) > 3 else None
    files = sorted(glob.glob(os.path.join(directory, '*.jfr')))
    if not files:
        sys.exit(f'no recordings in {directory}')
    tool = jfr_tool()
    cpu_kind, cpu_method, cpu_app = collections.Counter(), collections.Counter(), collections.Counter()
    alloc_class, alloc_site = collections.Counter(), collections.Counter()
    exc_class, exc_site = collections.Counter(), collections.Counter()
    contention = collections.Counter()
    compile_tier, compile_method, deopt_reason, deopt_method = (collections.Counter(), collections.Counter(),
                                                                collections.Counter(), collections.Counter())
    gcs, pauses, longest = 0, 0.0, 0.0
    sample_type = None
    for path in files:
        evs = events(tool, path, ['jdk.CPUTimeSample', 'jdk.ExecutionSample', 'jdk.ObjectAllocationSample',
                                  'jdk.JavaExceptionThrow', 'jdk.GarbageCollection', 'jdk.JavaMonitorEnter',
                                  'jdk.Compilation', 'jdk.Deoptimization'])
        cpu_time = any(e['type'] == 'jdk.CPUTimeSample' for e in evs)
        wanted_samples = 'jdk.CPUTimeSample' if cpu_time else 'jdk.ExecutionSample'
        sample_type = sample_type or wanted_samples
        for e in evs:
            kind = e['type']
            if kind == wanted_samples:
                names = frames(e)
                if names and (only_threads is None or thread_kind(e) == only_threads):
                    cpu_kind[thread_kind(e)] += 1
                    cpu_method[names[0]] += 1
                    cpu_app[next((n for n in names if n.startswith('io.edgeswarm.')), '(no Edgeswarm frame)')] += 1
            elif kind == 'jdk.ObjectAllocationSample':
                weight = e['values'].get('weight') or 0
                alloc_class[(e['values'].get('objectClass') or {}).get('name', '?').replace('/', '.')] += weight
                alloc_site[first_outside_jdk(frames(e))] += weight
            elif kind == 'jdk.JavaExceptionThrow':
                exc_class[(e['values'].get('thrownClass') or {}).get('name', '?').replace('/', '.')] += 1
                exc_site[creator(frames(e))] += 1
            elif kind == 'jdk.GarbageCollection':
                gcs += 1
                pauses += seconds(e['values'].get('sumOfPauses'))
                longest = max(longest, seconds(e['values'].get('longestPause')))
            elif kind == 'jdk.Compilation':
                took = seconds(e['values'].get('duration'))
                compile_tier[f"tier {e['values'].get('compileLevel')}"] += took
                method = e['values'].get('method') or {}
                compile_method[(method.get('type') or {}).get('name', '?').replace('/', '.') + '.'
                               + method.get('name', '?')] += took
            elif kind == 'jdk.Deoptimization':
                deopt_reason[f"{e['values'].get('reason')} / {e['values'].get('action')}"] += 1
                method = e['values'].get('method') or {}
                deopt_method[(method.get('type') or {}).get('name', '?').replace('/', '.') + '.'
                             + method.get('name', '?')] += 1
            elif kind == 'jdk.JavaMonitorEnter':
                contention[(e['values'].get('monitorClass') or {}).get('name', '?').replace('/', '.')] += 1
    print(f'{len(files)} recordings; CPU from {sample_type}' + (f', {only_threads} threads only' if only_threads else ''))
    table('CPU samples by thread kind', cpu_kind, top)
    table('CPU samples by top frame', cpu_method, top)
    table('CPU samples by innermost Edgeswarm frame', cpu_app, top)
    table('Allocation by class (sampled weight)', alloc_class, top, ' B')
    table('Allocation by first frame outside the JDK', alloc_site, top, ' B')
    table('Exceptions created, by class', exc_class, top)
    table('Exceptions created, by the frame that made them', exc_site, top)
    table('Monitor contention (entries waited on, by class)', contention, top)
    # jfr-agents.sh records every compilation (threshold 0 ms); other recordings hold only the long ones.
    table('JIT compilation time by tier', compile_tier, top, ' s')
    table('JIT compilation time by method', compile_method, top, ' s')
    table('Deoptimizations by reason / action', deopt_reason, top)
    table('Deoptimizations by method', deopt_method, top)
    print(f'\nGC: {gcs} collections, {pauses:.3f} s paused in all, longest pause {longest * 1000:.1f} ms')


if __name__ == '__main__':
    main()
