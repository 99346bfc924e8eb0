#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tables and a plot from make bench's CSV files (see scripts/bench.sh)."""
import csv
import os
import subprocess
import sys

COLS = ['smp', 'kernel', 'policy', 'backlog', 'pages', 'iters', 'median_ns',
        'p99_ns', 'mean_ns', 'flushes', 'check_flushes', 'forced', 'blind',
        'churn_flush_rate']


def load(out):
    rows = []
    with open(os.path.join(out, 'bench.csv')) as f:
        for r in csv.reader(f):
            rows.append(dict(zip(COLS, r)))
    with open(os.path.join(out, 'bench-full.csv'), 'w') as f:
        w = csv.writer(f)
        w.writerow(COLS)
        for r in rows:
            w.writerow([r[c] for c in COLS])
    return rows


def pick(rows, **kw):
    for r in rows:
        if all(r[k] == str(v) for k, v in kw.items()):
            return r
    return None


def cpa_table(rows):
    print('CPA: one round = set_pages_array_wc + set_pages_array_wb (3 CPA calls), in-kernel ktime, smp 2')
    print('%-8s %5s | %12s %12s %12s | %7s %7s | %9s %9s | %s' % (
        'backlog', 'pages', 'upstream', 'off(blind)', 'purge', 'off/pur', 'ups/pur',
        'fl/round', 'fl/round', 'p99 off/purge us'))
    print('%-8s %5s | %12s %12s %12s | %7s %7s | %9s %9s |' % (
        '', '', 'median us', 'median us', 'median us', '', '', 'off', 'purge'))
    for backlog in ('busy', 'backlog'):
        for pages in sorted({int(r['pages']) for r in rows}):
            up = pick(rows, smp=2, kernel='upstream', backlog=backlog, pages=pages)
            off = pick(rows, smp=2, kernel='checker', policy='off', backlog=backlog, pages=pages)
            pu = pick(rows, smp=2, kernel='checker', policy='purge', backlog=backlog, pages=pages)
            if not (off and pu):
                continue
            m = lambda r: int(r['median_ns']) / 1000 if r else float('nan')
            print('%-8s %5d | %12.1f %12.1f %12.1f | %7.2f %7.2f | %9.2f %9.2f | %.0f / %.0f' % (
                backlog, pages, m(up), m(off), m(pu), m(off) / m(pu), m(up) / m(pu),
                float(off['check_flushes']), float(pu['check_flushes']),
                int(off['p99_ns']) / 1000, int(pu['p99_ns']) / 1000))
    print('fl/round: kernel TLB flushes done inside the checks\' purges per round;')
    print('         the vmap churn\'s own flush rate (no CPA running): %s flushes/s' % (
        (pick(rows, smp=2, kernel='checker', policy='off', backlog='backlog') or {}).get('churn_flush_rate', '?')))
    print()
    print('Scaling (backlog present): median us and check flushes per call, off vs purge')
    for smp in sorted({int(r['smp']) for r in rows}):
        for pages in sorted({int(r['pages']) for r in rows}):
            off = pick(rows, smp=smp, policy='off', backlog='backlog', pages=pages)
            pu = pick(rows, smp=smp, policy='purge', backlog='backlog', pages=pages)
            if off and pu:
                print('  smp %d pages %3d: off %8.1f us %5.2f fl/round | purge %8.1f us %5.2f fl/round | %.2fx' % (
                    smp, pages, int(off['median_ns']) / 1000, float(off['check_flushes']),
                    int(pu['median_ns']) / 1000, float(pu['check_flushes']),
                    int(off['median_ns']) / int(pu['median_ns'])))
    print()


def vmalloc_table(out):
    res = {}
    with open(os.path.join(out, 'vmalloc.csv')) as f:
        for label, test, ok, bad, usec in csv.reader(f):
            res.setdefault(test, {}).setdefault(label, []).append(int(usec))
    print('test_vmalloc (1 thread), avg usec per run, median of 3 runs')
    print('overhead vs the same kernel booted page_alias_check=off (bootoff)')
    print('(live mapping tracking on unless the column says "no live")')
    cols = ('upstream', 'checker-bootoff', 'checker', 'checker-nolive', 'checker-nostacks',
            'checker-epoch')
    print('%-24s %9s %9s | %16s %16s %16s %16s' % (
        'test', 'upstream', 'bootoff', 'strict+stacks', '.. no live', 'strict', 'epoch'))
    med = lambda v: sorted(v)[len(v) // 2] if v else float('nan')
    for test, d in sorted(res.items()):
        u, o, c, nl, n, e = (med(d.get(k, [])) for k in cols)
        print('%-24s %9.0f %9.0f | %8.0f %+6.1f%% %8.0f %+6.1f%% %8.0f %+6.1f%% %8.0f %+6.1f%%' % (
            test, u, o, c, (c / o - 1) * 100, nl, (nl / o - 1) * 100, n, (n / o - 1) * 100,
            e, (e / o - 1) * 100))
    print('live tracking alone (strict+stacks vs .. no live), per test: %s' % ', '.join(
        '%s %+.1f%%' % (t, (med(d.get('checker', [])) / med(d.get('checker-nolive', [])) - 1) * 100)
        for t, d in sorted(res.items()) if d.get('checker-nolive')))
    print()


def live_cpa_table(rows):
    print('CPA cost of live tracking: policy purge, median us per round, live on vs off')
    for backlog in ('busy', 'backlog'):
        for pages in sorted({int(r['pages']) for r in rows}):
            on = pick(rows, smp=2, kernel='checker', policy='purge', backlog=backlog, pages=pages)
            off = pick(rows, smp=2, kernel='checker-nolive', policy='purge', backlog=backlog,
                       pages=pages)
            if on and off:
                a, b = int(on['median_ns']) / 1000, int(off['median_ns']) / 1000
                print('  %-8s %4d pages: live on %8.1f us, off %8.1f us (%+.1f%%)' % (
                    backlog, pages, a, b, (a / b - 1) * 100))
    print()


def memory_table(out):
    print('page_ext memory (1 GiB guest, 262144 pages)')
    with open(os.path.join(out, 'page_ext.csv')) as f:
        for label, nbytes in csv.reader(f):
            print('  %-16s %9s bytes  (%.1f bytes/page)' % (label, nbytes, int(nbytes) / 262144))
    print()


def plot(rows, out):
    data = os.path.join(out, 'plot.dat')
    with open(data, 'w') as f:
        for kernel, policy, backlog in (('checker', 'off', 'busy'), ('checker', 'purge', 'busy'),
                                        ('checker', 'off', 'backlog'), ('checker', 'purge', 'backlog'),
                                        ('upstream', '-', 'busy'), ('upstream', '-', 'backlog')):
            f.write('# %s %s %s\n' % (kernel, policy, backlog))
            for r in rows:
                if r['smp'] == '2' and r['kernel'] == kernel and r['policy'] == policy and r['backlog'] == backlog:
                    f.write('%s %f\n' % (r['pages'], int(r['median_ns']) / 1000))
            f.write('\n\n')
    names = ['blind purge (policy off), busy CPU', 'page_alias_check purge, busy CPU',
             'blind purge (policy off), vmap backlog', 'page_alias_check purge, vmap backlog',
             'upstream kernel, busy CPU', 'upstream kernel, vmap backlog']
    script = ['set terminal png size 900,560 noenhanced',
              'set output "%s"' % os.path.join(out, 'cpa-latency.png'),
              'set logscale xy', 'set xlabel "pages per set_pages_array_wc/wb round"',
              'set ylabel "median us per round (QEMU TCG, 2 vCPUs)"', 'set key top left',
              'set title "TTM-like cache attribute change: page_alias_check vs blind vm_unmap_aliases()"',
              'plot ' + ', '.join('"%s" index %d with linespoints title "%s"' % (data, i, n)
                                  for i, n in enumerate(names))]
    subprocess.run(['gnuplot'], input='\n'.join(script), text=True, check=True)
    print('plot: %s' % os.path.join(out, 'cpa-latency.png'))


def main():
    out = sys.argv[1]
    rows = load(out)
    cpa_table(rows)
    live_cpa_table(rows)
    vmalloc_table(out)
    memory_table(out)
    plot(rows, out)
    print('csv: %s/bench-full.csv %s/vmalloc.csv' % (out, out))


if __name__ == '__main__':
    main()
