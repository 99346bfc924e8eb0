#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one QEMU test boot: KTAP results, panics, hangs, missing results.

Reads RUN/serial.log (kernel console, carries KUnit's KTAP) and RUN/ktap.log
(guest tests' KTAP between PAC-BEGIN and PAC-DONE).  Prints one line per
leaf test, appends "pass|fail|skip name" lines to --results, and exits 1 if
anything failed, 2 if the evaluator itself broke.  A panic, a timeout or a
missing result is a failure unless --expect-panic says the boot is meant to
die with a given report.
"""
import argparse
import os
import re
import subprocess
import sys

RESULT = re.compile(r'^(\s*)(not ok|ok) (\d+)\s*(?:-\s*)?([^#]*?)\s*(#.*)?$')
PLAN = re.compile(r'^(\s*)1\.\.(\d+)')
PREFIX = re.compile(r'^\[\s*\d+\.\d+\]\s?')
# Console lines that fail a boot (unless --allow-report/--allow-warning).
# Lockdep: every splat ends with "turning off the locking correctness
# validator"; the headers are listed too, to name the kind.
CONSOLE_PROBLEMS = (
    'Oops:', 'kernel BUG at', 'WARNING: CPU:', 'BUG: KASAN',
    'BUG: sleeping function', 'BUG: scheduling while atomic',
    'BUG: workqueue lockup', 'INFO: task hung', 'BUG: Bad page',
    'BUG: unable to handle', 'general protection fault',
    'possible circular locking', 'possible recursive locking',
    'inconsistent lock state', 'possible irq lock inversion',
    'suspicious RCU usage', 'bad unlock balance',
    'held when returning to user space', 'lock held when returning',
    'turning off the locking correctness validator',
    'BUG: KFENCE', 'BUG: KCSAN',
    # Our own: only real bugs carry "BUG:"; a boot expecting them says so
    # with --allow-report (a lazy alias at a cache mode change does not).
    'BUG: page_alias_check',
)


# Reports a test makes on purpose come between these (KUnit and the page_alias
# kselftest print them): "BUG: page_alias_check" lines in between are no
# problem, anywhere else they are.
EXPECT_BEGIN = 'page_alias_check test: expect reports ('
EXPECT_END = 'page_alias_check test: end of expected reports ('


def expected_report_lines(lines):
    """Indices of console lines inside expected-report windows, and the
    problem of a window left open."""
    inside, open_at = set(), None
    for i, l in enumerate(lines):
        if EXPECT_BEGIN in l:
            open_at = i
        elif EXPECT_END in l:
            open_at = None
        elif open_at is not None:
            inside.add(i)
    problem = None
    if open_at is not None:
        problem = 'expected-report window never closed: %s' % lines[open_at].strip()
    return inside, problem


def read(path):
    try:
        with open(path, errors='replace') as f:
            return f.read().replace('\r', '')
    except FileNotFoundError:
        return ''


def ktap_leaves(lines, scope):
    """Leaf results of KTAP text: (status, name). Checks plans."""
    out, problems = [], []
    pending = {}       # indent -> list of (status, name) awaiting parent
    plans, counts = {}, {}
    stack = []         # names of open parents by indent
    for raw in lines:
        line = PREFIX.sub('', raw.rstrip('\n'))
        m = PLAN.match(line)
        if m:
            ind = len(m.group(1))
            plans[ind] = int(m.group(2))
            counts[ind] = 0
            continue
        m = RESULT.match(line)
        if not m:
            continue
        ind = len(m.group(1))
        status = 'pass' if m.group(2) == 'ok' else 'fail'
        directive = (m.group(5) or '').lower()
        # kselftest's "ok 7 # SKIP name: reason" names the test after SKIP.
        skipped = re.match(r'#\s*skip\s+([\w.-]+)', m.group(5) or '', re.I)
        name = (m.group(4).strip() or (skipped and skipped.group(1)) or
                'test%s' % m.group(3))
        if 'skip' in directive:
            status = 'skip'
        counts[ind] = counts.get(ind, 0) + 1
        deeper = [i for i in pending if i > ind]
        if deeper:
            # A parent: its children were the leaves.
            for i in sorted(deeper):
                plan = plans.pop(i, None)
                if plan is not None and counts.get(i, 0) != plan:
                    problems.append('%s %s: %d of %d results' %
                                    (scope, name, counts.get(i, 0), plan))
                for st, nm in pending.pop(i):
                    out.append((st, '%s.%s' % (name, nm)))
                counts.pop(i, None)
            if status == 'fail' and not any(
                    st == 'fail' for st, nm in out if nm.startswith(name + '.')):
                out.append(('fail', name))
        else:
            pending.setdefault(ind, []).append((status, name))
    for i, items in pending.items():
        out.extend(items)
        plan = plans.get(i)
        if plan is not None and counts.get(i, 0) != plan:
            problems.append('%s: %d of %d results' % (scope, counts.get(i, 0), plan))
    return out, problems


TEST_MARK = re.compile(r'^# PAC-TEST (\S+)$')
EXIT_MARK = re.compile(r'^# PAC-EXIT (\S+) (\d+)$')
VERSION = re.compile(r'^(K?TAP) version \d+')


def programs(lines):
    """Split one test's output into KTAP programs at each version line.
    Results or a plan before the first version line (a kselftest that
    skips before its header prints "1..0 # SKIP") are a program too."""
    progs = []
    for line in lines:
        if VERSION.match(line) or not progs:
            progs.append([])
        progs[-1].append(line)
    return [p for p in progs if any(VERSION.match(l) or PLAN.match(l) or
                                     RESULT.match(l) for l in p)]


def guest_tests(body):
    """Per guest test (between the init's PAC-TEST and PAC-EXIT markers):
    its leaves, and problems: no KTAP, a program without a plan or short of
    it, a bail out, death by a signal, no exit marker (cut off)."""
    segments, cur = [], None
    for raw in body.splitlines():
        line = PREFIX.sub('', raw.rstrip('\n'))
        m = TEST_MARK.match(line)
        if m:
            cur = {'name': m.group(1), 'lines': [], 'rc': None}
            segments.append(cur)
            continue
        m = EXIT_MARK.match(line)
        if m and cur and m.group(1) == cur['name']:
            cur['rc'] = int(m.group(2))
            cur = None
            continue
        if cur is None:
            cur = {'name': '(unmarked)', 'lines': [], 'rc': 0}
            segments.append(cur)
        cur['lines'].append(line)
    results, problems = [], []
    for seg in segments:
        scope = 'guest %s' % seg['name']
        progs = programs(seg['lines'])
        if not progs:
            if seg['name'] != '(unmarked)' or any(l.strip() for l in seg['lines']):
                problems.append('%s: no KTAP output' % scope)
        for prog in progs:
            if not any(PLAN.match(l) and not PLAN.match(l).group(1) for l in prog):
                problems.append('%s: a KTAP program without a plan' % scope)
            leaves, probs = ktap_leaves(prog, scope)
            results += leaves
            problems += probs
        if any(l.startswith('Bail out!') for l in seg['lines']):
            problems.append('%s: bailed out' % scope)
        if seg['rc'] is None:
            problems.append('%s: cut off (no exit marker)' % scope)
        elif seg['rc'] >= 128:
            problems.append('%s: killed by signal %d' % (scope, seg['rc'] - 128))
    return results, problems


def drop_empty_kunit_runs(serial):
    """Drop "KTAP version 1" + "1..0" pairs: the boot-time run when every
    built-in suite is filtered out, before a module's suites run."""
    lines = serial.splitlines()
    out, i = [], 0
    while i < len(lines):
        if (i + 1 < len(lines) and
                PREFIX.sub('', lines[i]).strip() == 'KTAP version 1' and
                PREFIX.sub('', lines[i + 1]).strip() == '1..0'):
            i += 2
            continue
        out.append(lines[i])
        i += 1
    return '\n'.join(out) + '\n'


def kunit_block(serial):
    """The KUnit KTAP lines of the console log."""
    lines = [PREFIX.sub('', l) for l in serial.splitlines()]
    start = None
    for i, l in enumerate(lines):
        if re.match(r'^\s*KTAP version', l) and start is None:
            start = i
    if start is None:
        return []
    return [l for l in lines[start:] if RESULT.match(l) or PLAN.match(l)
            or l.strip().startswith('#') or 'KTAP version' in l]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('run')
    ap.add_argument('--name', required=True)
    ap.add_argument('--results', required=True)
    ap.add_argument('--kunit', action='append', default=[],
                    help='KUnit suite that must have run')
    ap.add_argument('--kunitpy', help='tools/testing/kunit/kunit.py to cross-check')
    ap.add_argument('--expect-panic', metavar='REGEX',
                    help='the boot must die with a panic and this report')
    ap.add_argument('--expect-log', action='append', default=[],
                    metavar='REGEX', help='must appear in the console log')
    ap.add_argument('--allow-warning', action='append', default=[],
                    metavar='REGEX', help='a WARNING whose previous line matches is not a failure')
    ap.add_argument('--allow-report', action='append', default=[],
                    metavar='REGEX', help='console problems matching this are no failure '
                    '(e.g. "BUG: KASAN" for KASAN\'s own KUnit suite)')
    ap.add_argument('--forbid-log', action='append', default=[],
                    metavar='REGEX', help='must not appear in the console log')
    a = ap.parse_args()

    serial = read(os.path.join(a.run, 'serial.log'))
    ktap = read(os.path.join(a.run, 'ktap.log'))
    rc = read(os.path.join(a.run, 'qemu.rc')).strip()
    results, problems = [], []
    panicked = 'Kernel panic - not syncing' in serial

    if rc == '124':
        problems.append('hang: no result before the timeout')
    if a.expect_panic:
        if not panicked:
            problems.append('expected a panic, the guest did not panic')
        if not re.search(a.expect_panic, serial, re.M):
            problems.append('expected report /%s/ not in the log' % a.expect_panic)
        results.append(('fail' if problems else 'pass', 'expected_bug'))
    else:
        if panicked:
            problems.append('kernel panic')
        lines = serial.splitlines()
        expected, prob = expected_report_lines(lines)
        if prob:
            problems.append(prob)
        for pat in CONSOLE_PROBLEMS:
            if any(re.search(r, pat) for r in a.allow_report):
                continue
            for i, l in enumerate(lines):
                if pat not in l:
                    continue
                if any(re.search(r, l) for r in a.allow_report):
                    continue
                if pat == 'BUG: page_alias_check' and i in expected:
                    continue
                # A known upstream warning, named by the line before it
                # or by its own location ("at drivers/...:192").
                if pat == 'WARNING: CPU:' and any(
                        re.search(w, l) or (i and re.search(w, lines[i - 1]))
                        for w in a.allow_warning):
                    continue
                problems.append('console shows "%s"' % pat)
                break
        if 'PAC-DONE' not in ktap:
            problems.append('guest tests did not finish (no PAC-DONE)')
        body = ktap.split('PAC-BEGIN', 1)[-1].split('PAC-DONE', 1)[0]
        leaves, probs = guest_tests(body)
        results += leaves
        problems += probs
        if a.kunit:
            serial = drop_empty_kunit_runs(serial)
            block = kunit_block(serial)
            leaves, probs = ktap_leaves(block, 'kunit')
            results += [(s, 'kunit.' + n) for s, n in leaves]
            problems += probs
            for suite in a.kunit:
                ran = [st for st, n in leaves if n.startswith(suite + '.')]
                if not ran:
                    problems.append('KUnit suite %s did not run' % suite)
                elif all(st == 'skip' for st in ran):
                    problems.append('KUnit suite %s: all %d cases skipped' %
                                    (suite, len(ran)))
            if a.kunitpy and block:
                # Only the KTAP lines: a console message printed between
                # "KTAP version 1" and "# Subtest" (a driver probing at that
                # moment) makes kunit.py report a crash that did not happen.
                p = subprocess.run([sys.executable, a.kunitpy, 'parse'],
                                   input='\n'.join(block) + '\n', text=True,
                                   capture_output=True)
                summary = [l for l in p.stdout.splitlines() if 'Ran ' in l or 'Testing complete' in l]
                print('  kunit.py parse: %s (exit %d)' % (
                    ' '.join(summary).strip() or 'no summary', p.returncode))
                if p.returncode != 0:
                    problems.append('kunit.py parse exit %d' % p.returncode)
    for pat in a.expect_log:
        if not re.search(pat, serial, re.M):
            problems.append('expected /%s/ in the console log' % pat)
    for pat in a.forbid_log:
        m = re.search(pat, serial, re.M)
        if m:
            problems.append('unexpected "%s" in the console log' % m.group(0))
    if not results and not problems:
        problems.append('no test result at all')

    results.append(('fail' if problems else 'pass', 'boot'))
    with open(a.results, 'a') as f:
        for st, name in results:
            f.write('%s %s:%s\n' % (st, a.name, name))
            if st != 'pass':
                print('  %s %s:%s' % (st.upper(), a.name, name))
    npass = sum(1 for s, _ in results if s == 'pass')
    nfail = sum(1 for s, _ in results if s == 'fail')
    nskip = sum(1 for s, _ in results if s == 'skip')
    print('  %s: %d passed, %d failed, %d skipped' % (a.name, npass, nfail, nskip))
    for p in problems:
        print('  problem: %s' % p)
    if problems or nfail:
        print('  ---- last 40 lines of %s/serial.log ----' % a.run)
        for l in serial.splitlines()[-40:]:
            print('  | ' + l)
        print('  ---- full logs: %s/serial.log %s/ktap.log ----' % (a.run, a.run))
    return 1 if nfail or problems else 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Exception:  # a broken evaluator must not read as a verdict
        import traceback
        traceback.print_exc()
        sys.exit(2)
