#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Upstream tests under the checker (KTAP): lib/test_vmalloc (all tests but
# align_shift_alloc_test, which is "supposed to be failed"; 2 threads), arch/x86/mm/pat/cpa-test (CONFIG_CPA_DEBUG, runs at boot),
# then a kmemleak scan where kmemleak is built in.
n=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); echo "not ok $n $1"; }
echo "KTAP version 1"
echo "1..4"
ko=$(find /lib/modules -name test_vmalloc.ko | head -n 1)
if [ -n "$ko" ]; then
	/bin/pac_insmod "$ko" "nr_threads=2 test_loop_count=2000 test_repeat_count=1 run_test_mask=0x7bf" | sed 's/^/# /'
	dmesg | grep 'Summary:' | sed 's/^/# /'
	total=$(dmesg | grep -c 'Summary:')
	bad=$(dmesg | grep 'Summary:' | grep -vc 'failed: 0 ')
	if [ "$total" -gt 0 ] && [ "$bad" -eq 0 ]; then ok test_vmalloc_all_2_threads; else nok "test_vmalloc_all_2_threads ($bad of $total failed)"; fi
else
	echo "ok 1 test_vmalloc_all_2_threads # SKIP no test_vmalloc.ko"; n=1
fi
if dmesg | grep -q 'CPA self-test'; then
	i=0
	while ! dmesg | grep -q 'CPA self-test' -A 20 | grep -q 'ok\.' && [ $i -lt 60 ]; do
		dmesg | grep -A20 'CPA self-test' | grep -q '^.*ok\.$' && break
		sleep 1; i=$((i + 1))
	done
	dmesg | grep -A6 'CPA self-test' | sed 's/^/# /'
	if dmesg | grep -q 'CPA .*failed\|CPA .*bad pte\|CPA .*unexpected'; then nok cpa_test; else ok cpa_test; fi
else
	n=$((n + 1)); echo "ok $n cpa_test # SKIP CONFIG_CPA_DEBUG not set"
fi
K=/sys/kernel/debug/kmemleak
if [ -w $K ]; then
	echo scan >$K; sleep 5; echo scan >$K
	leaks=$(grep -c '^unreferenced object' $K)
	grep -A12 '^unreferenced object' $K | head -40 | sed 's/^/# /'
	if [ "$leaks" -eq 0 ]; then ok kmemleak_no_leaks; else nok "kmemleak_no_leaks ($leaks objects)"; fi
else
	n=$((n + 1)); echo "ok $n kmemleak_no_leaks # SKIP no kmemleak"
fi
S=/sys/kernel/debug/page_alias_check/stats
grep -v '^mode' $S | sed 's/^/# stats: /'
# No address may come back from vmalloc while the tracker still holds an
# unflushed entry for it (regression: a flush walk that skipped entries
# left ~1000 per test_vmalloc run, and false "purge missed" reports).
remapped=$(sed -n 's/^remapped_unflushed: //p' $S)
if [ "$remapped" = 0 ]; then ok tracker_no_remapped_unflushed; else nok "tracker_no_remapped_unflushed ($remapped)"; fi
