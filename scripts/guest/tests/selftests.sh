#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The page_alias kselftest (KTAP on stdout).  pac.fault=norecord|nopurge
# breaks the checker first (debugfs test_fault): scripts/check.sh requires
# the selftest to fail then.
. /pac-lib.sh
fault=$(arg pac.fault)
if [ -n "$fault" ]; then
	echo "$fault" >/sys/kernel/debug/page_alias_check/test_fault || exit 1
fi
CHURN_SECONDS=${CHURN_SECONDS:-4} exec /bin/page_alias
