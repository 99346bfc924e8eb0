#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmarks (not tests): CPA cost and test_vmalloc, as "# BENCH," and
# "# VMALLOC," comment lines in the KTAP stream.
. /pac-lib.sh
LABEL=$(arg pac.kernel)
POLICIES=$(arg pac.policies | tr ',' ' ')
echo "KTAP version 1"
echo "1..2"
if [ -n "$POLICIES" ] && BENCH_PAGES="$(arg pac.pages | tr , " ")" BENCH_ITERS=$(arg pac.iters) /bin/page_alias_bench "$LABEL" $POLICIES >/tmp/cpa 2>&1; then
	sed 's/^/# /' /tmp/cpa
	echo "ok 1 cpa_bench"
else
	sed 's/^/# /' /tmp/cpa 2>/dev/null
	echo "ok 1 cpa_bench # SKIP not run"
fi
ko=$(find /lib/modules -name test_vmalloc.ko | head -n 1)
[ -n "$(arg pac.vmask)" ] || ko=""
if [ -n "$ko" ]; then
	for r in 1 2 3; do
		/bin/pac_insmod "$ko" "run_test_mask=$(arg pac.vmask) test_loop_count=$(arg pac.vloops) nr_threads=1" >/dev/null
	done
	dmesg | sed -n 's/.*Summary: \([a-z_0-9]*\) passed: \([0-9]*\) failed: \([0-9]*\).* avg: \([0-9]*\) usec.*/# VMALLOC,'"$LABEL"',\1,\2,\3,\4/p'
	echo "ok 2 test_vmalloc"
else
	echo "ok 2 test_vmalloc # SKIP no test_vmalloc.ko"
fi
