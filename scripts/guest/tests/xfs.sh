#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# XFS large-directory stress, the 2007 seed scenario (KTAP on stdout); run by
# scripts/xfs-stress.sh.  /dev/vda: XFS in layout pac.layout (dir64k: 64 KiB
# directory blocks; bs16k, bs64k: blocks larger than PAGE_SIZE) with one wide
# directory /dir, so every directory buffer is a multi-page vm_map_ram()
# mapping that is lazily unmapped (vm_unmap_ram) when the buffer is reclaimed.
#
# For pac.stress seconds: "find /mnt/a/dir | wc -l", then drop_caches, again
# and again, with more drop_caches every pac.reclaim seconds (default 2, 0:
# none) during the walk, while page_alias --churn allocates WC/UC pages
# TTM-style.  Command line: pac.stress=SECONDS pac.files=N (entries in /dir)
# pac.reclaim=SECONDS.
D=/sys/kernel/debug/page_alias_check
. /pac-lib.sh
# pac.fault=norecord|nopurge: a broken checker, to see the checks fail.
pac_fault || exit 1
SECS=$(arg pac.stress)
SECS=${SECS:-120}
LAYOUT=$(arg pac.layout)
LAYOUT=${LAYOUT:-dir64k}
FILES=$(arg pac.files)
POLICY=$(cat $D/policy 2>/dev/null || echo absent)
n=0
check() { name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }
st() { sed -n "s/^$1: //p" $D/stats; }
snap() { for k in lazy_unmaps aliases_found alias_pages purges_forced purges_skipped checks reports reports_suppressed purge_missed; do echo "$k $(st $k)"; done; }
delta() { a=$(sed -n "s/^$1 //p" /tmp/stats.0); b=$(sed -n "s/^$1 //p" /tmp/stats.1); echo $((b - a)); }

echo "KTAP version 1"
case $POLICY in
warn) plan=7 ;;
purge) plan=9 ;;
bug) plan=5 ;;
*) plan=4 ;;
esac
echo "1..$plan"
echo "# xfs: layout $LAYOUT, policy $POLICY, $SECS s of find + drop_caches, TTM churn alongside"

mkdir -p /mnt/a
# Blocks larger than PAGE_SIZE need large folios (THP) in the page cache.
if mount -t xfs /dev/vda /mnt/a 2>/tmp/mount.err; then
	ok "xfs_mount_$LAYOUT"
	dmesg | grep 'XFS (vda)' | sed 's/^/# /'
else
	nok "xfs_mount_$LAYOUT # $(cat /tmp/mount.err)"
	dmesg | grep -i xfs | tail -n 5 | sed 's/^/# /'
fi
dirs=/mnt/a/dir

want=""
[ -n "$FILES" ] && want=$((FILES + 1))
snap >/tmp/stats.0
# The churn and the reclaim share CPU 0, the walk runs on CPU 1: XFS buffer
# pages freed by drop_caches land on CPU 0's per-cpu free list, where the
# churn's next allocations find them (as in 2007: same CPU, right after).
CPUS=$(nproc)
on() { if [ "$CPUS" -gt 1 ]; then taskset -c "$@"; else shift; "$@"; fi; }
on 0 /bin/page_alias --churn "$SECS" >/tmp/churn.out 2>&1 &
churn=$!
# Reclaim while the walk runs too (pac.reclaim=SECONDS, 0: only between
# passes): each warn/purge catch flushes every lazy alias, so catches are
# bounded by the number of reclaims, and one find pass takes ~20 s in TCG.
RECLAIM=$(arg pac.reclaim)
RECLAIM=${RECLAIM:-2}
rm -f /tmp/stop
: >/tmp/drops
if [ "$RECLAIM" -gt 0 ]; then
	(
		while [ ! -e /tmp/stop ]; do
			sleep "$RECLAIM"
			on 0 sh -c 'echo 3 >/proc/sys/vm/drop_caches'
			printf . >>/tmp/drops
		done
	) &
	reclaimer=$!
fi
t0=$(date +%s)
end=$((t0 + SECS))
passes=0
bad=0
while [ "$(date +%s)" -lt $end ]; do
	p0=$(date +%s)
	for d in $dirs; do
		c=$(on 1 find "$d" | wc -l)
		[ "$d" = /mnt/a/dir ] && [ -n "$want" ] && [ "$c" != "$want" ] && {
			bad=$((bad + 1))
			echo "# pass $passes: $d has $c entries, want $want"
		}
	done
	passes=$((passes + 1))
	p1=$(date +%s)
	sync
	on 0 sh -c 'echo 3 >/proc/sys/vm/drop_caches'
	echo "# pass $passes: find $((p1 - p0)) s, drop_caches $(($(date +%s) - p1)) s, lazy_unmaps $(st lazy_unmaps) tracked $(st pages_tracked) flushes $(st flushes_seen) aliases_found $(st aliases_found)"
done
t1=$(date +%s)
touch /tmp/stop
[ -n "${reclaimer:-}" ] && wait "$reclaimer"
drops=$(wc -c </tmp/drops)
wait $churn
churn_rc=$?
snap >/tmp/stats.1
echo "# $passes find passes over $dirs in $((t1 - t0)) s ($bad bad counts, last count $c), $drops extra drop_caches every $RECLAIM s"
sed 's/^/# /' /tmp/churn.out | sed 's/^# # /# /'
check xfs_find_passes_consistent [ $passes -gt 0 -a $bad -eq 0 ]
check xfs_ttm_churn_no_missed_no_errors [ $churn_rc -eq 0 ]

dsize=$(stat -c %s /mnt/a/dir 2>/dev/null)
echo "# xfs-summary: policy=$POLICY dir_bytes=$dsize files=$FILES passes=$passes drops=$((passes + drops)) seconds=$((t1 - t0))" \
	"lazy_unmaps=$(delta lazy_unmaps) aliases_found=$(delta aliases_found)" \
	"alias_pages=$(delta alias_pages) purges_forced=$(delta purges_forced)" \
	"purges_skipped=$(delta purges_skipped) checks=$(delta checks) reports=$(delta reports)" \
	"purge_missed=$(delta purge_missed)" \
	"$(sed -n 's/.*churn: .*\(ops=[0-9]*\) \(dirty_ops=[0-9]*\).*/churn_\1 churn_\2/p' /tmp/churn.out)"

# No live alias, mode conflict or page freed while mapped: XFS and the TTM
# churn only ever make legal live mappings (counted even under purge).
live_bad=$(($(st live_aliases) + $(st map_conflicts) + $(st freed_mapped)))
echo "# live mapping problems (live_aliases + map_conflicts + freed_mapped): $live_bad"
case $POLICY in
warn | purge) check xfs_no_live_mapping_problem [ "$live_bad" -eq 0 ] ;;
esac
case $POLICY in
warn)
	check xfs_warn_aliases_found [ "$(delta aliases_found)" -gt 0 ]
	check xfs_warn_reported [ "$(delta reports)" -gt 0 ]
	;;
purge)
	check xfs_purge_no_report [ "$(st reports)" -eq 0 ]
	check xfs_purge_aliases_found [ "$(delta aliases_found)" -gt 0 ]
	check xfs_purge_purges_forced [ "$(delta purges_forced)" -gt 0 ]
	check xfs_purge_skipped_gt_found [ "$(delta purges_skipped)" -gt "$(delta aliases_found)" ]
	;;
bug)
	nok "xfs_bug_policy_stops_kernel # still running after $passes passes"
	;;
esac

umounted=1
for m in /mnt/a; do
	grep -q " $m " /proc/mounts || continue
	umount $m || umounted=0
done
check xfs_umount [ $umounted -eq 1 ]
echo "# stats after the run:"
sed 's/^/#   /' $D/stats 2>/dev/null
