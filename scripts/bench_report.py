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
    print('%-8s %5s | %11s %11s %11s %11s | %7s %7s | %8s %8s | %s' % (
        'backlog', 'pages', 'upstream', 'config-off', 'off(blind)', 'purge', 'off/pur', 'ups/pur',
        'fl/round', 'fl/round', 'p99 off/purge us'))
    print('%-8s %5s | %11s %11s %11s %11s | %7s %7s | %8s %8s |' % (
        '', '', 'median us', 'median us', 'median us', 'median us', '', '', 'off', 'purge'))
    for backlog in ('busy', 'backlog'):
        for pages in sorted({int(r['pages']) for r in rows}):
            up = pick(rows, smp=2, kernel='upstream', backlog=backlog, pages=pages)
            cfg = pick(rows, smp=2, kernel='config-off', backlog=backlog, pages=pages)
            off = pick(rows, smp=2, kernel='default', policy='off', backlog=backlog, pages=pages)
            pu = pick(rows, smp=2, kernel='default', policy='purge', backlog=backlog, pages=pages)
            if not (off and pu):
                continue
            m = lambda r: int(r['median_ns']) / 1000 if r else float('nan')
            print('%-8s %5d | %11.1f %11.1f %11.1f %11.1f | %7.2f %7.2f | %8.2f %8.2f | %.0f / %.0f' % (
                backlog, pages, m(up), m(cfg), m(off), m(pu), m(off) / m(pu), m(up) / m(pu),
                float(off['check_flushes']), float(pu['check_flushes']),
                int(off['p99_ns']) / 1000, int(pu['p99_ns']) / 1000))
    print('upstream: the pristine tree with the test driver as a module; x/pur > 1: purge faster')
    print('fl/round: kernel TLB flushes done inside the checks\' purges per round;')
    print('         the vmap churn\'s own flush rate (no CPA running): %s flushes/s' % (
        (pick(rows, smp=2, kernel='default', policy='off', backlog='backlog') or {}).get('churn_flush_rate', '?')))
    print('purge with a backlog vs the same round on a busy CPU without one (target: within 10%):')
    for pages in sorted({int(r['pages']) for r in rows}):
        bl = pick(rows, smp=2, kernel='default', policy='purge', backlog='backlog', pages=pages)
        busy = pick(rows, smp=2, kernel='default', policy='purge', backlog='busy', pages=pages)
        if bl and busy:
            print('  %4d pages: %8.1f us vs %8.1f us (%+.1f%%)' % (
                pages, int(bl['median_ns']) / 1000, int(busy['median_ns']) / 1000,
                (int(bl['median_ns']) / int(busy['median_ns']) - 1) * 100))
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


def med(v):
    v = sorted(v)
    return v[len(v) // 2] if v else float('nan')


def quantile(v, q):
    v = sorted(v)
    x = (len(v) - 1) * q
    i = int(x)
    return v[i] + (v[min(i + 1, len(v) - 1)] - v[i]) * (x - i)


def spread(v):
    """Interquartile range / median of the rows, in percent (TCG has
    outliers of +-50% between threads and loads; the IQR is their usual
    scatter)."""
    return ((quantile(v, 0.75) - quantile(v, 0.25)) / med(v) * 100
            if v and med(v) else float('nan'))


def ratio(a, b):
    """a vs b in percent, and whether it is smaller than either's spread."""
    r = (med(a) / med(b) - 1) * 100 if a and b else float('nan')
    return r, abs(r) <= max(spread(a), spread(b))


VCOLS = ('upstream', 'config-off', 'bootoff', 'paused', 'default', 'live', 'stacks', 'epoch')


def overhead_table(title, res, unit, higher_is_better=False):
    """res: {test: {label: [values]}}; prints medians, spread, ratios."""
    print(title)
    print('  %-28s' % 'test' + ''.join('%11s' % c for c in VCOLS) + '  max IQR')
    for test, d in sorted(res.items()):
        vals = [d.get(c, []) for c in VCOLS]
        sp = max((spread(v) for v in vals if v), default=float('nan'))
        fmt = '%11.0f' if all(med(v) >= 100 for v in vals if v) else '%11.2f'
        print('  %-28s' % test + ''.join(fmt % med(v) for v in vals) + '  %5.1f%%' % sp)
    print('  ratios (%s; "=" marks a difference within the spread (IQR) of its two rows):' % unit)
    pairs = (('config-off', 'upstream'), ('bootoff', 'upstream'), ('default', 'upstream'),
             ('default', 'bootoff'), ('default', 'paused'), ('live', 'bootoff'),
             ('stacks', 'bootoff'), ('epoch', 'bootoff'))
    print('  %-28s' % '' + ''.join('%18s' % ('%s/%s' % (a, b if b != 'upstream' else 'ups'))
                                   for a, b in pairs))
    for test, d in sorted(res.items()):
        cells = []
        for a, b in pairs:
            va, vb = d.get(a, []), d.get(b, [])
            if higher_is_better:
                va, vb = vb, va   # time per operation
            r, same = ratio(va, vb)
            cells.append('%17s' % ('%+.1f%%%s' % (r, '=' if same else ' ')))
        print('  %-28s' % test + ' '.join(cells))
    print()


def paired_table(title, loads, higher_is_better=False):
    """loads: {test: {(boot:load, label): [values]}}.  The checker's cost
    inside one boot: per load, default vs the paused load beside it (ABBA
    order), as a ratio of their medians; then the median and quartiles of
    those ratios, which no difference between boots enters."""
    print(title)
    print('  %-28s %6s %14s %22s' % ('test', 'loads', 'median', 'quartiles (25%..75%)'))
    for test, d in sorted(loads.items()):
        rs = []
        for (load, label), v in d.items():
            p = d.get((load, 'paused'))
            if label != 'default' or not p:
                continue
            a, b = med(v), med(p)
            if higher_is_better:
                a, b = b, a   # time per operation
            rs.append((a / b - 1) * 100)
        if not rs:
            continue
        print('  %-28s %6d %+13.1f%% %+10.1f%% .. %+.1f%%' % (
            test, len(rs), med(rs), quantile(rs, 0.25), quantile(rs, 0.75)))
    print()


def read_loads(path, value_col, conv):
    """{test: {label: [values]}} and {test: {(load, label): [values]}}."""
    res, loads = {}, {}
    with open(path) as f:
        for row in csv.reader(f):
            label, load, test, val = row[0], row[1], row[2], conv(row[value_col])
            res.setdefault(test, {}).setdefault(label, []).append(val)
            loads.setdefault(test, {}).setdefault((load, label), []).append(val)
    return res, loads


def vmalloc_table(out):
    res, loads = read_loads(os.path.join(out, 'vmalloc.csv'), 5, int)
    overhead_table('test_vmalloc, 2 threads: avg usec per thread and load (median of all '
                   'threads and loads)', res, 'time, + is slower')
    paired_table('test_vmalloc in the default boots: default vs tracking paused, load by '
                 'load (time, + is slower)', loads)


def macro_table(out):
    path = os.path.join(out, 'macro.csv')
    if not os.path.exists(path):
        return
    res, loads = read_loads(path, 3, float)
    overhead_table('macro loops: operations per second (median of loads)', res,
                   'time per operation, + is slower', higher_is_better=True)
    paired_table('macro loops in the default boots: default vs tracking paused, load by '
                 'load (time per operation, + is slower)', loads, higher_is_better=True)


def macro_work_table(out):
    """What the checker did per macro operation in the default boots."""
    path = os.path.join(out, 'macro_work.csv')
    if not os.path.exists(path):
        return
    work = {}
    with open(path) as f:
        for label, _load, test, ops, unmaps, checks in csv.reader(f):
            if label == 'default':
                w = work.setdefault(test, [0, 0, 0])
                w[0] += int(ops)
                w[1] += int(unmaps)
                w[2] += int(checks)
    if not work:
        return
    print('macro loops, default boots, loads with tracking on: what the checker did per operation')
    print('  %-28s %12s %14s %12s' % ('test', 'operations', 'lazy unmaps/op', 'checks/op'))
    for test, (ops, unmaps, checks) in sorted(work.items()):
        print('  %-28s %12d %14.2f %12.2f' % (test, ops, unmaps / max(ops, 1),
                                                checks / max(ops, 1)))
    print()


def live_cpa_table(rows):
    print('CPA cost of live tracking: policy purge, median us per round, live on vs off')
    for backlog in ('busy', 'backlog'):
        for pages in sorted({int(r['pages']) for r in rows}):
            on = pick(rows, smp=2, kernel='live', policy='purge', backlog=backlog, pages=pages)
            off = pick(rows, smp=2, kernel='default', policy='purge', backlog=backlog,
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
        for kernel, policy, backlog in (('default', 'off', 'busy'), ('default', 'purge', 'busy'),
                                        ('default', 'off', 'backlog'), ('default', 'purge', 'backlog'),
                                        ('config-off', '-', 'busy'), ('config-off', '-', 'backlog')):
            f.write('# %s %s %s\n' % (kernel, policy, backlog))
            for r in rows:
                if r['smp'] == '2' and r['kernel'] == kernel and r['policy'] == policy and r['backlog'] == backlog:
                    f.write('%s %f\n' % (r['pages'], int(r['median_ns']) / 1000))
            f.write('\n\n')
    names = ['blind purge (policy off), busy CPU', 'page_alias_check purge, busy CPU',
             'blind purge (policy off), vmap backlog', 'page_alias_check purge, vmap backlog',
             'CONFIG_PAGE_ALIAS_CHECK=n, busy CPU', 'CONFIG_PAGE_ALIAS_CHECK=n, vmap backlog']
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
    macro_table(out)
    macro_work_table(out)
    memory_table(out)
    plot(rows, out)
    print('csv: %s/bench-full.csv %s/vmalloc.csv %s/macro.csv' % (out, out, out))


if __name__ == '__main__':
    main()
