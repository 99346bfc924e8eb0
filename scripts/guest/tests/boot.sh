#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot-level checks of the page_alias_check interface (KTAP).
# Expectations come from the command line: pac.expect=on|off|absent.
D=/sys/kernel/debug/page_alias_check
. /pac-lib.sh
EXPECT=$(arg pac.expect)
n=0
check() { name=$1; shift; if "$@" >/dev/null 2>&1; then ok "$name"; else nok "$name"; fi; }
stat() { sed -n "s/^$1: //p" $D/stats; }

echo "KTAP version 1"
case "$EXPECT" in
absent)
	echo "1..2"
	check boot_no_debugfs_dir test ! -e $D
	check boot_no_page_ext_for_us sh -c '! dmesg | grep -q "page_alias_check: enabled"'
	;;
off)
	echo "1..4"
	check boot_stats_disabled test "$(stat enabled)" = 0
	check boot_zero_bytes_per_page test "$(stat bytes_per_page)" = 0
	check boot_policy_off test "$(cat $D/policy)" = off
	check boot_policy_write_refused sh -c "! echo warn > $D/policy && test \$(cat $D/policy) = off"
	dmesg | grep -E "page_ext|page_alias_check" | sed 's/^/# /'
	;;
*)
	echo "1..5"
	check boot_stats_enabled test "$(stat enabled)" = 1
	# Strict mode keeps nothing per page; 8 bytes with the opt-in live
	# tracking or in epoch mode, 16 with the opt-in stacks.
	b=$(stat bytes_per_page) want=0
	[ "$(stat live)" = 1 ] && want=8
	[ "$(stat mode)" = epoch ] && want=8
	[ "$(arg page_alias_check_stacks)" = on ] && want=16
	check boot_bytes_per_page_$want test "$b" -eq $want
	check boot_flushes_seen test "$(stat flushes_seen)" -gt 0
	check boot_banner sh -c 'dmesg | grep -q "page_alias_check: enabled"'
	# The test driver's early initcall made a lazy alias before the
	# checker came up; at late_initcall a live stale translation of a
	# page the checker calls clean is "MISSED".
	early=$(dmesg | grep 'page_alias_test: alias from before the checker')
	if [ -z "$early" ]; then
		ok "boot_alias_before_enable # SKIP no built-in page_alias_test"
	else
		check boot_alias_before_enable sh -c "! echo '$early' | grep -q MISSED"
	fi
	dmesg | grep -E "page_ext|page_alias_check: enabled|alias from before" | sed 's/^/# /'
	;;
esac
