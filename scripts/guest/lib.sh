# SPDX-License-Identifier: GPL-2.0
# Shared by the guest's /init and /tests/*.sh (as /pac-lib.sh): the kernel
# command line and KTAP result lines.

# arg NAME: the value of the last NAME=value on the kernel command line.
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n 1; }

# ok/nok DESCRIPTION: the next KTAP result line (the caller sets n=0).
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); echo "not ok $n $*"; }

# The verdict of the x86 CPA self-test (CONFIG_CPA_DEBUG) in the kernel log:
# "ok.", the first failure line, or nothing while it has not finished.
cpa_verdict() {
	dmesg | sed -n '/CPA self-test:/,$p' |
		grep -m1 -oE 'NOT PASSED|CPA .*(failed|bad pte|unexpected level|Cannot).*|^\[[ 0-9.]+\] ok\.$' |
		sed 's/^\[[ 0-9.]*\] //'
}

# Purge (debugfs) until nothing is tracked, 3 purges at most: the system
# may vunmap again right after one (deferred stack and module frees).
# Prints "<pages_tracked> <purges>".
pac_drain() {
	d=/sys/kernel/debug/page_alias_check
	tries=0
	tracked=-
	while [ "$tracked" != 0 ] && [ $tries -lt 3 ]; do
		tries=$((tries + 1))
		echo 1 >$d/purge || { echo "purge-write-failed $tries"; return; }
		tracked=$(sed -n 's/^pages_tracked: //p' $d/stats)
	done
	echo "$tracked $tries"
}

# pac.fault=norecord|nopurge: break the checker (debugfs test_fault) before
# a kselftest runs; scripts/check.sh requires the kselftest to fail then.
pac_fault() {
	fault=$(arg pac.fault)
	[ -z "$fault" ] || echo "$fault" >/sys/kernel/debug/page_alias_check/test_fault
}
