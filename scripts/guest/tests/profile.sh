#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Developer tool (scripts/profile.sh), not a test: where the kernel spends
# its time while lib/test_vmalloc runs.  Needs CONFIG_PROFILING and the
# boot parameter profile=N; prints /proc/profile (gzip, base64) as
# "# PROFILE " comment lines for the host to resolve against System.map.
# pac.paired=1: first the same load with tracking paused (debugfs
# "enabled"), as "# PROFILE-paused " lines: both profiles from one boot.
# pac.pload=fork: the load is pac_macro's fork+exit loop (pac.vloops
# children) instead of test_vmalloc.
. /pac-lib.sh
echo "KTAP version 1"
echo "1..1"
ko=$(find /lib/modules -name test_vmalloc.ko | head -n 1)
if [ ! -r /proc/profile ] || [ -z "$ko" ]; then
	echo "ok 1 profile # SKIP no /proc/profile (profile=N) or test_vmalloc.ko"
	exit 0
fi
EN=/sys/kernel/debug/page_alias_check/enabled
load() { # prefix
	echo 0 >/proc/profile
	if [ "$(arg pac.pload)" = fork ]; then
		/bin/pac_macro fork "$(arg pac.vloops)" | sed 's/^/# /'
	else
		/bin/pac_insmod "$ko" "run_test_mask=$(arg pac.vmask) test_loop_count=$(arg pac.vloops) nr_threads=2" >/dev/null
	fi
	gzip -c /proc/profile | base64 | sed "s/^/# $1 /"
	[ -r /sys/kernel/debug/page_alias_check/stats ] &&
		sed "s/^/# $1-stats /" /sys/kernel/debug/page_alias_check/stats
}
if [ "$(arg pac.paired)" = 1 ]; then
	if ! echo 0 >$EN; then
		echo "not ok 1 profile # cannot pause tracking"
		exit 0
	fi
	load PROFILE-paused
	echo 1 >$EN
fi
load PROFILE
echo "ok 1 profile"
