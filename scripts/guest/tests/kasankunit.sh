#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# KASAN's own KUnit suite (CONFIG_KASAN_KUNIT_TEST=m), loaded here so that
# its deliberate KASAN reports stay out of the other debug boots.  Its KTAP
# goes to the console, where ktap_eval.py --kunit kasan reads it; boot with
# kunit.filter_glob=kasan so that no built-in suite runs first.
echo "KTAP version 1"
echo "1..1"
ko=$(find /lib/modules -name kasan_test.ko | head -n 1)
if [ -z "$ko" ]; then
	echo "ok 1 kasan_kunit_loaded # SKIP no kasan_test.ko (CONFIG_KASAN_KUNIT_TEST=m)"
	exit 0
fi
out=$(/bin/pac_insmod "$ko")
echo "# $out"
case $out in
*"init returned 0") echo "ok 1 kasan_kunit_loaded" ;;
*) echo "not ok 1 kasan_kunit_loaded" ;;
esac
