#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Benchmarks (not tests): CPA cost, test_vmalloc and macro loops, as
# "# BENCH,", "# VMALLOC," and "# MACRO," comment lines in the KTAP stream.
. /pac-lib.sh
LABEL=$(arg pac.kernel)
POLICIES=$(arg pac.policies | tr ',' ' ')
echo "KTAP version 1"
echo "1..3"
# The pristine kernel has the test driver as a module (make bench builds it).
if [ ! -e /dev/page_alias_test ]; then
	ko=$(find /lib/modules -name page_alias_test.ko | head -n 1)
	[ -n "$ko" ] && /bin/pac_insmod "$ko" "" >/dev/null
fi
if [ -n "$POLICIES" ] && BENCH_PAGES="$(arg pac.pages | tr , " ")" BENCH_ITERS=$(arg pac.iters) /bin/page_alias_bench "$LABEL" $POLICIES >/tmp/cpa 2>&1; then
	sed 's/^/# /' /tmp/cpa
	echo "ok 1 cpa_bench"
else
	sed 's/^/# /' /tmp/cpa 2>/dev/null
	echo "ok 1 cpa_bench # SKIP not run"
fi
# pac.vpaired=1: every load also runs with tracking paused at run time
# (debugfs "enabled"), as label "paused", in ABBA order, so that the
# checker's cost is measured inside one boot (boots differ by more).
PAIRED=""
EN=/sys/kernel/debug/page_alias_check/enabled
if [ "$(arg pac.vpaired)" = 1 ]; then
	if [ "$(cat $EN 2>/dev/null)" = 1 ] && echo 0 >$EN && echo 1 >$EN; then
		PAIRED=1
	else
		echo "# no paired runs: cannot pause tracking ($EN)"
	fi
fi
# Labels of load $1, in ABBA order when paired.
labels() {
	if [ -z "$PAIRED" ]; then
		echo "$LABEL"
	elif [ $(($1 % 2)) = 1 ]; then
		echo "$LABEL paused"
	else
		echo "paused $LABEL"
	fi
}
# Run "$@" as label $1's load: tracking paused for label "paused".
as_label() {
	l=$1
	shift
	[ "$l" = paused ] && echo 0 >$EN
	"$@"
	[ "$l" = paused ] && echo 1 >$EN
	return 0
}

# test_vmalloc: pac.vreps loads of the tests in pac.vmask, pac.vthreads
# threads; one line per thread, test and load.
ko=$(find /lib/modules -name test_vmalloc.ko | head -n 1)
[ -n "$(arg pac.vmask)" ] || ko=""
vmalloc_load() { # label load
	dmesg -c >/dev/null
	/bin/pac_insmod "$ko" "run_test_mask=$(arg pac.vmask) test_loop_count=$(arg pac.vloops) nr_threads=$(arg pac.vthreads)" >/dev/null
	dmesg | sed -n 's/.*Summary: \([a-z_0-9]*\) passed: \([0-9]*\) failed: \([0-9]*\).* avg: \([0-9]*\) usec.*/# VMALLOC,'"$1,$2"',\1,\2,\3,\4/p'
}
if [ -n "$ko" ]; then
	r=0
	while [ $r -lt "$(arg pac.vreps)" ]; do
		r=$((r + 1))
		for l in $(labels $r); do
			as_label "$l" vmalloc_load "$l" $r
		done
	done
	echo "ok 2 test_vmalloc"
else
	echo "ok 2 test_vmalloc # SKIP no test_vmalloc.ko"
fi
# Macro loops: fork+exit, module load/unload, (with the bench's XFS image
# on /dev/vda, mounted read-only) a walk of its 64 KiB-block directory plus
# drop_caches, and vgem dumb buffer cycles (two attribute changes each)
# beside a lazy vmap backlog; operations per second.
lkm=$(find /lib/modules -name test_module.ko | head -n 1)
loops=$(arg pac.macro)
xloops=$(arg pac.xfsloops)
xdir=""
if [ -b /dev/vda ] && [ "${xloops:-0}" -gt 0 ] && mkdir -p /mnt/x &&
	mount -t xfs -o ro,norecovery /dev/vda /mnt/x 2>/tmp/mount.err; then
	xdir=/mnt/x/dir
elif [ "${xloops:-0}" -gt 0 ]; then
	echo "# no XFS walk: $(cat /tmp/mount.err 2>/dev/null || echo no /dev/vda)"
fi
PS=/sys/kernel/debug/page_alias_check/stats
pstat() { sed -n "s/^$1: //p" $PS 2>/dev/null | grep . || echo 0; }
# macro label load test pac_macro-args...: one macro row, and what the
# checker did meanwhile (lazy unmaps recorded, checks) as a MACROWORK row.
macro() {
	m_l=$1 m_r=$2 m_t=$3
	shift 3
	m_u=$(pstat lazy_unmaps) m_c=$(pstat checks)
	out=$(/bin/pac_macro "$@") || return 0
	echo "# MACRO,$m_l,$m_r,$m_t,$(echo "$out" | sed 's/.*ops_per_sec //')"
	echo "# MACROWORK,$m_l,$m_r,$m_t,$(echo "$out" | sed 's/^ops \([0-9]*\).*/\1/'),$(($(pstat lazy_unmaps) - m_u)),$(($(pstat checks) - m_c))"
}
macro_load() { # label load
	macro "$1" "$2" fork_exit fork "$loops"
	[ -n "$lkm" ] && macro "$1" "$2" module_load module "$lkm" test_module $((loops / 10))
	[ -n "$xdir" ] && macro "$1" "$2" xfs_dir_walk dir "$xdir" "$xloops"
	# vgem beside a lazy backlog (the CPA bench's vmap loop).
	if [ -e /dev/dri/card0 ] && [ -e /dev/page_alias_test ]; then
		/bin/page_alias_bench --backlog 3600 &
		bl=$!
		macro "$1" "$2" vgem_dumb_backlog vgem $((loops / 4))
		kill $bl
		wait $bl 2>/dev/null
	fi
	return 0
}
if [ -n "$loops" ] && [ "$loops" -gt 0 ]; then
	r=0
	while [ $r -lt "$(arg pac.vreps)" ]; do
		r=$((r + 1))
		for l in $(labels $r); do
			as_label "$l" macro_load "$l" $r
		done
	done
	echo "ok 3 macro"
else
	echo "ok 3 macro # SKIP not asked for"
fi
