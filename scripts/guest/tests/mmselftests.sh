#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Upstream mm kselftests (tools/testing/selftests/mm, built static by
# scripts/build-selftests.sh --mm into /mm), one KTAP result per program:
# exit 0 pass, 4 skip, anything else (or pac.mmtimeout seconds, default 120)
# a failure.  Each program's own output follows as diagnostics, its kselftest
# totals in a "# mm-summary:" line.  test_vmalloc.sh runs in upstream.sh.
# The host's triage reruns failures: pac.mmonly=mm_a,mm_b runs only those,
# pac.mmreps=N (1..10) each N times, a failure if any run failed.
M=/mm
. /pac-lib.sh
TMO=$(arg pac.mmtimeout)
TMO=${TMO:-120}
ONLY=$(arg pac.mmonly)
REPS=$(arg pac.mmreps)
REPS=${REPS:-1}
echo "KTAP version 1"
if [ ! -f $M/tests.list ]; then
	echo "1..1"
	echo "ok 1 mm_kselftests # SKIP no /mm in this initramfs (build-selftests.sh --mm)"
	exit 0
fi
case $REPS in [1-9] | 10) ;; *)
	echo "1..1"
	echo "not ok 1 mm_kselftests # bad pac.mmreps=$REPS (1..10)"
	exit 0
	;;
esac
# tests.list names programs (mremap-test): results say mm_mremap_test.
for t in $(cat $M/tests.list); do
	name=mm_$(echo "$t" | tr -- '-' '_')
	[ -z "$ONLY" ] || echo ",$ONLY," | grep -q ",$name," || continue
	echo "$t"
done >/tmp/mm.list
echo "1..$(wc -l </tmp/mm.list)"
# mremap_test maps 2 GiB regions (touching 4 MiB of them): more than the
# guest's RAM, refused by the default overcommit heuristic.
echo 1 >/proc/sys/vm/overcommit_memory
# mremap_test's "40MB Preamble" case maps at a fixed address beside where
# its source landed; with a randomized layout that collided once in a few
# runs ("Failed to map dest preamble region: File exists", on a kernel
# where the same program passed just before).  Run with a fixed layout.
aslr=$(cat /proc/sys/kernel/randomize_va_space)
echo 0 >/proc/sys/kernel/randomize_va_space
# mm_one PROGRAM: run it once, its output as diagnostics; sets rc.
mm_one() {
	t0=$(date +%s)
	# Some write scratch files into the current directory.
	(cd /tmp && exec timeout "$TMO" "$M/$1") >/tmp/mm.out 2>&1 </dev/null
	rc=$?
	secs=$(($(date +%s) - t0))
	sed 's/^/# /' /tmp/mm.out
	totals=$(sed -n 's/^# Totals: //p' /tmp/mm.out | tail -n 1)
	echo "# mm-summary: $name exit=$rc seconds=$secs ${totals:-(no kselftest totals)}"
}

n=0
for t in $(cat /tmp/mm.list); do
	n=$((n + 1))
	name=mm_$(echo "$t" | tr -- '-' '_')
	r=0 failed=0 worst=0
	while [ $r -lt "$REPS" ]; do
		r=$((r + 1))
		mm_one "$t"
		case $rc in 0 | 4) ;; *) failed=$((failed + 1)) worst=$rc ;; esac
	done
	[ "$REPS" = 1 ] || echo "# mm-reps: $name runs=$REPS failed=$failed"
	[ $failed = 0 ] || rc=$worst
	case $rc in
	0) echo "ok $n $name" ;;
	4) echo "ok $n $name # SKIP $(grep -i -m1 'skip' /tmp/mm.out | sed 's/#//g' | cut -c1-100)" ;;
	124 | 143) echo "not ok $n $name # timeout after $TMO s" ;;
	*) echo "not ok $n $name # exit $rc" ;;
	esac
done
echo 0 >/proc/sys/vm/overcommit_memory
echo "$aslr" >/proc/sys/kernel/randomize_va_space
