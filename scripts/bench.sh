#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make bench": CPA cost and vmap tracking overhead, page_alias_check vs
# upstream behaviour, measured side by side.  Boots (QEMU TCG):
#   checker           CONFIG_PAGE_ALIAS_CHECK=y, CPA bench under policy off
#                     (upstream's blind purge) and purge; test_vmalloc
#   checker-nolive    same, page_alias_check_live=off: CPA (purge), test_vmalloc
#   checker-nostacks  same, page_alias_check_stacks=off: test_vmalloc
#   checker-epoch     same, page_alias_check_mode=epoch, no stacks: both
#   checker-bootoff   same kernel, page_alias_check=off: test_vmalloc
#   upstream          CONFIG_PAGE_ALIAS_CHECK=n (upstream code paths): both
#   smp1, smp4        the CPA bench with 1 and 4 vCPUs
# Output: $PAC_CACHE/bench/bench.csv, vmalloc.csv, a table, cpa-latency.png.
# Env: BENCH_ITERS (200), BENCH_VLOOPS (20000), BENCH_VMASK (0x409),
#      BENCH_PAGES (1,16,128,512).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

OUT=$PAC_CACHE/bench
ITERS=${BENCH_ITERS:-200}
VLOOPS=${BENCH_VLOOPS:-20000}
VMASK=${BENCH_VMASK:-0x409}
PAGES=${BENCH_PAGES:-1,16,128,512}
[[ $PAGES =~ ^[0-9]+(,[0-9]+){0,7}$ ]] || die "BENCH_PAGES must be up to 8 comma-separated page counts"
[[ $ITERS =~ ^[0-9]+$ && $ITERS -ge 8 && $ITERS -le 100000 ]] || die "BENCH_ITERS must be 8..100000"
[[ $VLOOPS =~ ^[0-9]+$ && $VLOOPS -ge 1 ]] || die "BENCH_VLOOPS must be a positive number"
need_pkgs gnuplot:gnuplot-nox
mkdir -p "$OUT"
rm -f "$OUT"/*.csv "$OUT"/*.png

declare -A KB
for v in on off; do
	KB[$v]=$(guest_kernel "$v")
done

run() { # label variant smp "args"
	local label=$1 v=$2 smp=$3 args=$4 dir=$OUT/run-$1
	stage "bench $label (smp $smp)"
	PAC_SMP=$smp PAC_TIMEOUT=900 "$PAC_ROOT/scripts/boot.sh" "$dir" \
		"${KB[$v]}/arch/x86/boot/bzImage" "${KB[$v]}/initramfs.cpio.gz" \
		"pac.run=bench kunit.enable=0 pac.kernel=$label pac.iters=$ITERS pac.pages=$PAGES $args" ||
		{ tail -n 30 "$dir/serial.log"; die "bench boot $label failed (logs in $dir)"; }
	grep -q PAC-DONE "$dir/ktap.log" ||
		{ tail -n 30 "$dir/serial.log"; die "bench $label did not finish (logs in $dir)"; }
	sed -n "s/^# BENCH,/$smp,/p" "$dir/ktap.log" >>"$OUT/bench.csv"
	sed -n 's/^# VMALLOC,//p' "$dir/ktap.log" >>"$OUT/vmalloc.csv"
	echo "$label,$(grep -a -o 'allocated [0-9]* bytes of page_ext' "$dir/serial.log" | grep -o '[0-9]*' || echo 0)" >>"$OUT/page_ext.csv"
}

run checker on 2 "page_alias_check=purge pac.policies=off,purge pac.vmask=$VMASK pac.vloops=$VLOOPS"
run checker-nolive on 2 "page_alias_check=purge page_alias_check_live=off pac.policies=purge pac.vmask=$VMASK pac.vloops=$VLOOPS"
run checker-nostacks on 2 "page_alias_check=purge page_alias_check_stacks=off pac.policies= pac.vmask=$VMASK pac.vloops=$VLOOPS"
run checker-epoch on 2 "page_alias_check=purge page_alias_check_stacks=off page_alias_check_mode=epoch pac.policies=off,purge pac.vmask=$VMASK pac.vloops=$VLOOPS"
run checker-bootoff on 2 "page_alias_check=off pac.policies=- pac.vmask=$VMASK pac.vloops=$VLOOPS"
run upstream off 2 "pac.policies=- pac.vmask=$VMASK pac.vloops=$VLOOPS"
run smp1 on 1 "page_alias_check=purge pac.policies=off,purge"
run smp4 on 4 "page_alias_check=purge pac.policies=off,purge"

python3 "$PAC_ROOT/scripts/bench_report.py" "$OUT"
