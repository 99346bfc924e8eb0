#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Two stand-in "mm kselftests" for the harness's triage test (KTAP):
# mm_fails_on_this_kernel fails on any kernel with our patches, booted with
# the checker or not (a failure that is not the checker's); mm_fails_with_
# checker fails only while the checker is enabled (one that is);
# mm_fails_once fails in the first boot only, never in triage's reruns
# (pac.mmreps set): a failure that does not reproduce.
D=/sys/kernel/debug/page_alias_check
. /pac-lib.sh
echo "KTAP version 1"
echo "1..3"
if [ -d $D ]; then echo "not ok 1 mm_fails_on_this_kernel"; else echo "ok 1 mm_fails_on_this_kernel"; fi
if grep -qx 'enabled: 1' $D/stats 2>/dev/null; then
	echo "not ok 2 mm_fails_with_checker"
else
	echo "ok 2 mm_fails_with_checker"
fi
if [ -n "$(arg pac.mmreps)" ]; then
	echo "ok 3 mm_fails_once"
else
	echo "not ok 3 mm_fails_once"
fi
