#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Upstream tests under the checker (KTAP): lib/test_vmalloc (all tests but
# align_shift_alloc_test, which is "supposed to be failed"; 2 threads;
# pac.vmask=MASK pac.vloops=N to change that),
# loaded by the mm kselftest test_vmalloc.sh where the initramfs has it (/mm,
# with a static bash; modprobe is a shim around pac_insmod), else directly;
# arch/x86/mm/pat/cpa-test (CONFIG_CPA_DEBUG, runs at boot), then a kmemleak
# scan where kmemleak is built in.
n=0
. /pac-lib.sh
echo "KTAP version 1"
echo "1..4"
ko=$(find /lib/modules -name test_vmalloc.ko | head -n 1)
LOOPS=$(arg pac.vloops)
MASK=$(arg pac.vmask)
MASK=${MASK:-1983}
VPARAMS="nr_threads=2 test_loop_count=${LOOPS:-2000} test_repeat_count=1 run_test_mask=$MASK"
# A summary per test of the mask and thread.
m=$MASK
want=0
while [ "$m" -gt 0 ]; do want=$((want + m % 2)); m=$((m / 2)); done
want=$((want * 2))
if [ -n "$ko" ] && [ -x /mm/bash ] && [ -f /mm/test_vmalloc.sh ]; then
	# busybox modprobe would run the (always failing) init twice.
	mkdir -p /tmp/shim
	printf '#!/bin/sh\nko=$(find /lib/modules -name "$1.ko" | head -n 1)\nshift\nexec /bin/pac_insmod "$ko" "$*"\n' >/tmp/shim/modprobe
	chmod +x /tmp/shim/modprobe
	PATH=/tmp/shim:$PATH /mm/bash /mm/test_vmalloc.sh $VPARAMS >/tmp/tv.out 2>&1
	rc=$?
	sed 's/^/# test_vmalloc.sh: /' /tmp/tv.out
	how=test_vmalloc_sh_all_2_threads
elif [ -n "$ko" ]; then
	/bin/pac_insmod "$ko" "$VPARAMS" | sed 's/^/# /'
	rc=0
	how=test_vmalloc_all_2_threads
fi
if [ -n "$ko" ]; then
	dmesg | grep 'Summary:' | sed 's/^/# /'
	total=$(dmesg | grep -c 'Summary:')
	bad=$(dmesg | grep 'Summary:' | grep -vc 'failed: 0 ')
	if [ "$rc" -eq 0 ] && [ "$total" -eq "$want" ] && [ "$bad" -eq 0 ]; then ok $how; else nok "$how (exit $rc, $bad of $total failed, $want expected)"; fi
else
	echo "ok 1 test_vmalloc_all_2_threads # SKIP no test_vmalloc.ko"; n=1
fi
# CONFIG_CPA_DEBUG: the pageattr-test thread tests 30 s after boot, then
# every 30 s; the first test prints "CPA self-test:" and ends with "ok." or
# a "NOT PASSED" warning (cpa_verdict).  No verdict within 100 s fails.
if grep -qx pageattr-test /proc/[0-9]*/comm 2>/dev/null || dmesg | grep -q 'CPA self-test'; then
	i=0
	while [ -z "$(cpa_verdict)" ] && [ $i -lt 100 ]; do
		sleep 1; i=$((i + 1))
	done
	dmesg | grep -A6 'CPA self-test' | sed 's/^/# /'
	v=$(cpa_verdict)
	case $v in
	ok.) ok cpa_test ;;
	'') nok "cpa_test (no verdict after $i s)" ;;
	*) nok "cpa_test ($v)" ;;
	esac
else
	n=$((n + 1)); echo "ok $n cpa_test # SKIP CONFIG_CPA_DEBUG not set"
fi
K=/sys/kernel/debug/kmemleak
if [ -w $K ] && ! { echo scan >$K && sleep 5 && echo scan >$K; }; then
	n=$((n + 1)); echo "not ok $n kmemleak_no_leaks # kmemleak disabled itself"
elif [ -w $K ]; then
	leaks=$(grep -c '^unreferenced object' $K)
	grep -A12 '^unreferenced object' $K | head -40 | sed 's/^/# /'
	if [ "$leaks" -eq 0 ]; then ok kmemleak_no_leaks; else nok "kmemleak_no_leaks ($leaks objects)"; fi
else
	n=$((n + 1)); echo "ok $n kmemleak_no_leaks # SKIP no kmemleak"
fi
S=/sys/kernel/debug/page_alias_check/stats
grep -v '^mode' $S | sed 's/^/# stats: /'
# A purge must leave nothing tracked (regression: flush walks that skipped
# entries left some after test_vmalloc, and false "purge missed" reports).
if grep -q '^enabled: 1' $S; then
	r=$(pac_drain)
	echo "# after purge: pages_tracked ${r% *} (${r#* } purges)"
	if [ "${r% *}" = 0 ]; then ok tracker_drains; else nok "tracker_drains (${r% *} left)"; fi
else
	ok "tracker_drains # SKIP checker off"
fi
