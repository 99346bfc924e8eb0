#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""/proc/profile dumps per function (scripts/profile.sh).

Usage: profile_report.py System.map TOP PROFILE.bin [PAUSED.bin]
With a second dump (the same load, tracking paused, same boot), also the
ticks each function gained or lost with tracking on.
"""
import bisect
import struct
import sys


def symbols(path):
    syms = []
    for line in open(path):
        a, t, n = line.split()[:3]
        if t in 'tTwW':
            syms.append((int(a, 16), n))
    syms.sort()
    return syms


def per_function(path, syms):
    data = open(path, 'rb').read()
    words = struct.unpack('<%dI' % (len(data) // 4), data)
    step, counts = words[0], words[1:]
    stext = dict((n, a) for a, n in syms)['_stext']
    addrs = [a for a, _ in syms]
    per = {}
    for i, c in enumerate(counts):
        if c:
            k = bisect.bisect_right(addrs, stext + i * step) - 1
            name = syms[k][1] if k >= 0 else '?'
            per[name] = per.get(name, 0) + c
    return per


def main():
    syms = symbols(sys.argv[1])
    top = int(sys.argv[2])
    on = per_function(sys.argv[3], syms)
    total = sum(on.values()) or 1
    print('%d ticks' % total)
    for name, c in sorted(on.items(), key=lambda x: -x[1])[:top]:
        print('  %6.2f%% %7d  %s' % (100.0 * c / total, c, name))
    if len(sys.argv) < 5:
        return
    off = per_function(sys.argv[4], syms)
    base = sum(off.values()) or 1
    print('paused: %d ticks; tracking on: %+d ticks (%+.1f%% of paused)' % (
        base, total - base, 100.0 * (total - base) / base))
    print('  functions by ticks gained with tracking on (%% of the paused total):')
    delta = {n: on.get(n, 0) - off.get(n, 0) for n in set(on) | set(off)}
    for name, d in sorted(delta.items(), key=lambda x: -abs(x[1]))[:top]:
        print('  %+7.2f%% %+7d  %-40s on %7d  paused %7d' % (
            100.0 * d / base, d, name, on.get(name, 0), off.get(name, 0)))


if __name__ == '__main__':
    main()
