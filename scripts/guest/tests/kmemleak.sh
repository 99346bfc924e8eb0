#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# After the other tests of this boot: kmemleak must find nothing (KTAP).
K=/sys/kernel/debug/kmemleak
echo "KTAP version 1"
echo "1..1"
if [ ! -w $K ]; then
	echo "ok 1 kmemleak_no_leaks # SKIP no kmemleak"
	exit 0
fi
echo scan >$K
sleep 5
echo scan >$K
leaks=$(grep -c '^unreferenced object' $K)
grep -A12 '^unreferenced object' $K | head -40 | sed 's/^/# /'
if [ "$leaks" -eq 0 ]; then
	echo "ok 1 kmemleak_no_leaks"
else
	echo "not ok 1 kmemleak_no_leaks ($leaks objects)"
fi
