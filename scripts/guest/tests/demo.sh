#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# "make run": the seed scenario once, then the checker's counters.
/bin/page_alias --seed
echo "# stats:"
sed 's/^/#   /' /sys/kernel/debug/page_alias_check/stats
