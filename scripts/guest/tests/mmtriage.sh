#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Two stand-in "mm kselftests" for the harness's triage test (KTAP):
# mm_fails_on_this_kernel fails on any kernel with our patches, booted with
# the checker or not (a failure that is not the checker's); mm_fails_with_
# checker fails only while the checker is enabled (one that is).
D=/sys/kernel/debug/page_alias_check
echo "KTAP version 1"
echo "1..2"
if [ -d $D ]; then echo "not ok 1 mm_fails_on_this_kernel"; else echo "ok 1 mm_fails_on_this_kernel"; fi
if grep -qx 'enabled: 1' $D/stats 2>/dev/null; then
	echo "not ok 2 mm_fails_with_checker"
else
	echo "ok 2 mm_fails_with_checker"
fi
