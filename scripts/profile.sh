#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Developer tool: where the guest kernel spends its time in lib/test_vmalloc,
# from the timer-tick profiler (/proc/profile), per function, for one or
# more boot-parameter sets of the checker kernel.  Ticks are taken with
# interrupts on, so time in IRQs-off sections lands after them.
# Usage: profile.sh "ARGS" [...]   e.g. profile.sh page_alias_check=off ""
#        With pac.paired=1 in ARGS (and page_alias_check_live=off) a run
#        profiles the load twice in one boot, tracking paused first, and
#        prints the ticks each function gained with tracking on.
# Env:   PROFILE_VMASK (test_vmalloc run_test_mask, 0x4bf), PROFILE_VLOOPS
#        (20000; with PROFILE_LOAD=fork, fork+exit children instead of
#        test_vmalloc), PROFILE_TOP (25 functions).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

(($#)) || die "usage: profile.sh \"BOOT ARGS\" [...]"
VMASK=${PROFILE_VMASK:-0x4bf}
VLOOPS=${PROFILE_VLOOPS:-20000}
TOP=${PROFILE_TOP:-25}
LOAD=${PROFILE_LOAD:-vmalloc}
[[ $LOAD == vmalloc || $LOAD == fork ]] || die "PROFILE_LOAD must be vmalloc or fork, not '$LOAD'"
[[ $VMASK =~ ^(0x[0-9a-fA-F]+|[0-9]+)$ ]] || die "PROFILE_VMASK must be a number"
[[ $VLOOPS =~ ^[0-9]+$ && $TOP =~ ^[0-9]+$ ]] || die "PROFILE_VLOOPS and PROFILE_TOP must be numbers"

B=$(PAC_BUILD_DIR=$PAC_CACHE/build/profile EXTRA_CONFIG=$PAC_ROOT/scripts/config/profile.config \
	guest_kernel on)
OUT=$PAC_CACHE/profile
mkdir -p "$OUT"
i=0
for args in "$@"; do
	i=$((i + 1))
	dir=$OUT/run-$i
	stage "profile run $i: ${args:-(defaults)}"
	PAC_TIMEOUT=1800 "$PAC_ROOT/scripts/boot.sh" "$dir" "$B/arch/x86/boot/bzImage" \
		"$B/initramfs.cpio.gz" \
		"pac.run=profile kunit.enable=0 profile=2 pac.vmask=$VMASK pac.vloops=$VLOOPS pac.pload=$LOAD $args" ||
		{ tail -n 30 "$dir/serial.log"; die "profile boot $i failed (logs in $dir)"; }
	for kind in PROFILE PROFILE-paused; do
		sed -n "s/^# $kind //p" "$dir/ktap.log" | tr -d '\r' | base64 -d 2>/dev/null |
			gunzip >"$dir/$kind.bin" 2>/dev/null || rm -f "$dir/$kind.bin"
	done
	[[ -s $dir/PROFILE.bin ]] || die "run $i printed no profile (logs in $dir)"
	echo "== ${args:-(defaults)}"
	python3 "$PAC_ROOT/scripts/profile_report.py" "$B/System.map" "$TOP" "$dir/PROFILE.bin" \
		$([[ -s $dir/PROFILE-paused.bin ]] && echo "$dir/PROFILE-paused.bin")
done
