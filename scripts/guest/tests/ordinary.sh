#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Ordinary kernel work under whatever policy the boot chose (KTAP): a
# load/unload loop of a do-nothing module (lib/test_module.ko; each load
# makes module memory read-only with set_memory_ro()), each load right after
# pages with lazy aliases were freed on its CPU (pac_modload.c), while a
# fork/exec loop runs beside it (vmapped stacks freed lazily).  Permission
# changes form no cache attribute alias: no "BUG:" line and no BUG(),
# whatever the policy.  pac.modloops=N (400) loads.  Prints how many
# permission-only changes met a lazy alias (aliases_perm): the case the
# test is about.
. /pac-lib.sh
stat() { sed -n "s/^$1: //p" /sys/kernel/debug/page_alias_check/stats 2>/dev/null; }
LOOPS=$(arg pac.modloops)
LOOPS=${LOOPS:-400}
echo "KTAP version 1"
echo "1..4"
ko=$(find /lib/modules -name test_module.ko | head -n 1)
if [ -z "$ko" ]; then
	echo "not ok 1 module_load_loop # no test_module.ko (CONFIG_TEST_LKM=m)"
	echo "not ok 2 fork_exec_loop"
	echo "not ok 3 permission_aliases_met"
	echo "not ok 4 no_bug_line"
	exit 0
fi
echo "# policy: $(cat /sys/kernel/debug/page_alias_check/policy 2>/dev/null || echo none)"
if [ "$(arg pac.report_perm)" = 1 ]; then
	echo Y >/sys/kernel/debug/page_alias_check/report_permission
fi
rm -f /tmp/loads.done
perm0=$(stat aliases_perm)
found0=$(stat aliases_found)

# fork/exec beside the loads until they are done, in bursts of 8: more
# live stacks than the per-CPU stack cache holds, so exits vfree them.
: >/tmp/forks
(
	while [ ! -e /tmp/loads.done ]; do
		for j in 1 2 3 4 5 6 7 8; do /bin/sleep 0 & done
		wait
		echo >>/tmp/forks
	done
) &
fpid=$!
# The loads: each right after a vmalloc user (the test driver's
# PALIAS_IOC_ALIAS: vmalloc, write, vfree) freed pages with lazy aliases on
# the same CPU, so module memory meets them; see pac_modload.c.
out=$(/bin/pac_modload "$ko" test_module "$LOOPS" 2>/tmp/modload.err)
rc=$?
echo "# pac_modload: $out (exit $rc)"
sed 's/^/# /' /tmp/modload.err | head -n 5
touch /tmp/loads.done
wait $fpid
forks=$(wc -l </tmp/forks)
echo "# $forks bursts of 8 fork+exec beside the loads"
[ "$rc" -eq 0 ] && echo "ok 1 module_load_loop" || echo "not ok 1 module_load_loop"
[ "$forks" -gt 0 ] && echo "ok 2 fork_exec_loop" || echo "not ok 2 fork_exec_loop"
grep -E '^(checks|checks_clean|aliases_[a-z]+|purges_forced|reports):' \
	/sys/kernel/debug/page_alias_check/stats 2>/dev/null | tr '\n' ' ' | sed 's/^/# counters: /;s/ $/\n/'
# The loop is only worth something if loads met lazy aliases.
if [ -n "$perm0" ]; then
	met=$(($(stat aliases_perm) - perm0))
	echo "# lazy aliases met by permission-only changes: $met, by all checks: $(($(stat aliases_found) - found0))"
	[ "$met" -gt 0 ] && echo "ok 3 permission_aliases_met" ||
		echo "not ok 3 permission_aliases_met # no load met a lazy alias"
else
	echo "ok 3 permission_aliases_met # SKIP no page_alias_check"
fi
n=$(dmesg | grep -c 'BUG:')
if [ "$n" -eq 0 ]; then
	echo "ok 4 no_bug_line"
else
	dmesg | grep -A3 'BUG:' | head -n 12 | sed 's/^/# /'
	echo "not ok 4 no_bug_line # $n BUG: lines"
fi
