#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# After the other tests of this boot: kmemleak must find nothing (KTAP).
# pac.kmemleak_known=fn1,fn2: leaks whose backtrace names one of these
# functions are leaks by design of an upstream test (listed, not counted).
K=/sys/kernel/debug/kmemleak
KNOWN=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^pac.kmemleak_known=//p' | tail -n 1)
echo "KTAP version 1"
echo "1..1"
if [ ! -w $K ]; then
	echo "ok 1 kmemleak_no_leaks # SKIP no kmemleak"
	exit 0
fi
# Refused (-EPERM) once kmemleak has disabled itself after an error.
if ! echo scan >$K || ! { sleep 5; echo scan >$K; }; then
	dmesg | grep kmemleak | tail -n 5 | sed 's/^/# /'
	echo "not ok 1 kmemleak_no_leaks # kmemleak disabled itself"
	exit 0
fi
# One block per object; split into known (by design) and the rest.
awk -v known="$KNOWN" '
function flush(   i, n, ks, k) {
	if (blk == "")
		return
	n = split(known, ks, ",")
	k = 0
	for (i = 1; i <= n; i++)
		if (ks[i] != "" && index(blk, " " ks[i] "+"))
			k = 1
	print blk > (k ? "/tmp/leaks.known" : "/tmp/leaks.new")
	blk = ""
}
/^unreferenced object/ { flush(); blk = $0; next }
blk != "" { blk = blk "\n" $0 }
END { flush() }
' $K
touch /tmp/leaks.known /tmp/leaks.new
known=$(grep -c '^unreferenced object' /tmp/leaks.known)
leaks=$(grep -c '^unreferenced object' /tmp/leaks.new)
[ "$known" -gt 0 ] && echo "# $known leak(s) by design of an upstream test ($KNOWN):" &&
	grep -A12 '^unreferenced object' /tmp/leaks.known | head -n 15 | sed 's/^/#   /'
grep -A12 '^unreferenced object' /tmp/leaks.new | head -40 | sed 's/^/# /'
if [ "$leaks" -eq 0 ]; then
	echo "ok 1 kmemleak_no_leaks"
else
	echo "not ok 1 kmemleak_no_leaks ($leaks objects)"
fi
