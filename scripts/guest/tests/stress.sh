#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Stress (KTAP), for pac.stress seconds (default 60), all at once:
#   page_alias --churn    TTM-like WC/UC alloc/free cycles, (CPUs - 1) threads
#   test_vmalloc          loaded again and again (nr_threads=2, 100 loops of
#                         all tests but align_shift_alloc_test, full_fit and
#                         long_busy_list, whose setup alone takes ~30 s on
#                         this kernel): vmalloc/vfree, vm_map_ram, kvfree_rcu,
#                         and percpu chunks (pcpu_alloc_test, ~15 s, in every
#                         fourth load that has 25 s left); the lazy aliases
#   CPU hotplug           cpu1 offline/online in a loop
# Then: purge (debugfs) must leave pages_tracked 0; no checker report (run it
# under page_alias_check=purge, where any report is a "purge missed" bug);
# lockdep still on; no KASAN report; the counters as diagnostics.  Run
# kmemleak.sh after it in the same boot.
D=/sys/kernel/debug/page_alias_check
CPU1=/sys/devices/system/cpu/cpu1/online
. /pac-lib.sh
st() { sed -n "s/^$1: //p" $D/stats; }
SECS=$(arg pac.stress)
SECS=${SECS:-60}
n=0
check() { name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }

echo "KTAP version 1"
echo "1..8"
echo "# stress: $SECS s, policy $(cat $D/policy 2>/dev/null || echo absent), $(nproc) CPUs online"
rm -f /tmp/stop
dmesg_start=$(($(dmesg | wc -l) + 1))
t0=$(date +%s)

/bin/page_alias --churn "$SECS" >/tmp/churn.out 2>&1 &
churn=$!

# test_vmalloc until the time is up; each load runs to completion.
ko=$(find /lib/modules -name test_vmalloc.ko | head -n 1)
end=$((t0 + SECS))
(
	runs=0
	while [ ! -e /tmp/stop ] && [ -n "$ko" ]; do
		mask=1849
		[ $((runs % 4)) -eq 0 ] && [ $((end - $(date +%s))) -ge 25 ] && mask=1977
		/bin/pac_insmod "$ko" "nr_threads=2 test_loop_count=100 run_test_mask=$mask" >/dev/null
		runs=$((runs + 1))
		echo $runs >/tmp/vmalloc.runs
	done
) &
vmalloc=$!

# cpu1 off and on; a failed write is counted, not fatal to the loop.
(
	cycles=0
	errs=0
	while [ ! -e /tmp/stop ] && [ -w $CPU1 ]; do
		echo 0 >$CPU1 || errs=$((errs + 1))
		usleep 200000
		echo 1 >$CPU1 || errs=$((errs + 1))
		usleep 300000
		cycles=$((cycles + 1))
		echo "$cycles $errs" >/tmp/hotplug
	done
) &
hotplug=$!

sleep "$SECS"
touch /tmp/stop
wait $churn
churn_rc=$?
wait $hotplug
wait $vmalloc
[ -w $CPU1 ] && [ "$(cat $CPU1)" = 0 ] && echo 1 >$CPU1
read -r cycles errs </tmp/hotplug 2>/dev/null || { cycles=0; errs=0; }
runs=$(cat /tmp/vmalloc.runs 2>/dev/null || echo 0)
echo "# stress: all stopped after $(($(date +%s) - t0)) s"

sed 's/^/# /' /tmp/churn.out | sed 's/^# # /# /'
check stress_churn_no_missed_no_errors [ $churn_rc -eq 0 ]

dmesg | tail -n +"$dmesg_start" >/tmp/dmesg.stress
summaries=$(grep -c 'Summary:' /tmp/dmesg.stress)
bad=$(grep 'Summary:' /tmp/dmesg.stress | grep -vc 'failed: 0 ')
echo "# test_vmalloc: $runs loads, $summaries test summaries, $bad with failures"
grep 'Summary:' /tmp/dmesg.stress | grep -v 'failed: 0 ' | head -n 10 | sed 's/^/# /'
if [ -z "$ko" ]; then
	ok "stress_test_vmalloc_no_failures # SKIP no test_vmalloc.ko"
else
	check stress_test_vmalloc_no_failures [ "$runs" -gt 0 -a "$summaries" -gt 0 -a "$bad" -eq 0 ]
fi

echo "# cpu hotplug: $cycles offline/online cycles of cpu1, $errs failed writes"
if [ ! -w $CPU1 ]; then
	ok "stress_cpu_hotplug # SKIP no $CPU1"
else
	check stress_cpu_hotplug [ "$cycles" -gt 0 -a "$errs" -eq 0 -a "$(cat $CPU1)" = 1 ]
fi

# Drain: every lazy alias purged, every TLB flushed, nothing left tracked.
echo "# before purge: pages_tracked $(st pages_tracked)"
r=$(pac_drain)
tracked=${r% *}
echo "# after purge: pages_tracked $tracked (${r#* } purges)"
check stress_purge_leaves_nothing_tracked [ "$tracked" = 0 ]

reports=$(dmesg | grep -c 'BUG: page_alias_check')
check stress_no_checker_report [ "$reports" -eq 0 -a "$(st reports)" -eq 0 ]
# Live mapping problems are only counted under purge: none allowed.
live_bad=$(($(st live_aliases) + $(st map_conflicts) + $(st freed_mapped)))
echo "# live mapping problems (live_aliases + map_conflicts + freed_mapped): $live_bad"
check stress_no_live_mapping_problem [ "$live_bad" -eq 0 ]

if [ -r /proc/lockdep_stats ]; then
	dl=$(sed -n 's/^ *debug_locks: *//p' /proc/lockdep_stats)
	echo "# lockdep: debug_locks $dl"
	check stress_lockdep_still_on [ "$dl" = 1 ]
else
	ok "stress_lockdep_still_on # SKIP no lockdep"
fi
kasan=$(dmesg | grep -c 'BUG: KASAN')
check stress_no_kasan_report [ "$kasan" -eq 0 ]

echo "# stats after the stress:"
sed 's/^/#   /' $D/stats
