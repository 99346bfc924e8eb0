#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Developer tool: where the guest kernel spends its time in lib/test_vmalloc,
# from the timer-tick profiler (/proc/profile), per function, for one or
# more boot-parameter sets of the checker kernel.  Ticks are taken with
# interrupts on, so time in IRQs-off sections lands after them.
# Usage: profile.sh "ARGS" [...]   e.g. profile.sh page_alias_check=off ""
# Env:   PROFILE_VMASK (test_vmalloc run_test_mask, 0x4bf), PROFILE_VLOOPS
#        (20000), PROFILE_TOP (25 functions).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

(($#)) || die "usage: profile.sh \"BOOT ARGS\" [...]"
VMASK=${PROFILE_VMASK:-0x4bf}
VLOOPS=${PROFILE_VLOOPS:-20000}
TOP=${PROFILE_TOP:-25}
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
		"pac.run=profile kunit.enable=0 profile=2 pac.vmask=$VMASK pac.vloops=$VLOOPS $args" ||
		{ tail -n 30 "$dir/serial.log"; die "profile boot $i failed (logs in $dir)"; }
	sed -n 's/^# PROFILE //p' "$dir/ktap.log" | tr -d '\r' | base64 -d | gunzip >"$dir/profile.bin" ||
		die "run $i printed no profile (logs in $dir)"
	echo "== ${args:-(defaults)}"
	python3 - "$dir/profile.bin" "$B/System.map" "$TOP" <<'PY'
import bisect, struct, sys
data = open(sys.argv[1], 'rb').read()
words = struct.unpack('<%dI' % (len(data) // 4), data)
step, counts = words[0], words[1:]
syms = []
for line in open(sys.argv[2]):
    a, t, n = line.split()[:3]
    if t in 'tTwW':
        syms.append((int(a, 16), n))
syms.sort()
stext = dict((n, a) for a, n in syms)['_stext']
addrs = [a for a, _ in syms]
per = {}
for i, c in enumerate(counts):
    if c:
        a = stext + i * step
        k = bisect.bisect_right(addrs, a) - 1
        name = syms[k][1] if k >= 0 else '?'
        per[name] = per.get(name, 0) + c
total = sum(per.values()) or 1
print('%d ticks' % total)
for name, c in sorted(per.items(), key=lambda x: -x[1])[:int(sys.argv[3])]:
    print('  %6.2f%% %7d  %s' % (100.0 * c / total, c, name))
PY
done
