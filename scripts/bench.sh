#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make bench": CPA cost and vmap tracking overhead, page_alias_check vs
# upstream, measured side by side in one run.  Boots (QEMU TCG, 2 vCPUs):
#   upstream          the pristine Debian tree, none of our patches (the
#                     test driver loaded as a module for the CPA bench)
#   config-off        our tree with CONFIG_PAGE_ALIAS_CHECK=n (all hooks)
#   bootoff           the checker kernel booted page_alias_check=off
#   default           the checker kernel in its Kconfig defaults (strict
#                     mode; live tracking and stacks off: the test kernel
#                     has CONFIG_PAGE_ALIAS_CHECK_LIVE=y, so booted
#                     page_alias_check_live=off); CPA bench under policy
#                     off (upstream's blind purge) and purge
#   paused            the default boots, every other load run with
#                     tracking paused at run time (debugfs "enabled"), in
#                     ABBA order: the checker's cost inside one boot
#   live              same, page_alias_check_live=on (the opt-in)
#   stacks            same, page_alias_check_stacks=on (the opt-in)
#   epoch             same, page_alias_check_mode=epoch
#   smp1, smp4        the CPA bench with 1 and 4 vCPUs
# test_vmalloc and the macro loops (fork+exit, module load/unload, a
# directory walk + drop_caches on XFS with 64 KiB directory blocks, vgem
# dumb buffer cycles beside a lazy vmap backlog) run in
# every boot but smp1/smp4, BENCH_REPS times each, so that every ratio comes
# with the spread of its own rows.  BENCH_BOOTS > 1 boots upstream,
# config-off, bootoff and default that many times more, interleaved, so
# that the spread includes the variation between boots.
# Output: $PAC_CACHE/bench/*.csv, a report (stdout), cpa-latency.png.
# Env: BENCH_ITERS (200), BENCH_VLOOPS (20000), BENCH_REPS (3),
#      BENCH_VTESTS (comma-separated lib/test_vmalloc test names),
#      BENCH_MACRO (fork loops; module loads are a tenth: 2000), BENCH_BOOTS (1),
#      BENCH_PAGES (1,16,128,512), BENCH_XFS_FILES (files in the walked
#      directory: 20000), BENCH_XFS_LOOPS (walks per load: 5; 0: none).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

OUT=$PAC_CACHE/bench
ITERS=${BENCH_ITERS:-200}
VLOOPS=${BENCH_VLOOPS:-20000}
REPS=${BENCH_REPS:-3}
MACRO=${BENCH_MACRO:-2000}
BOOTS=${BENCH_BOOTS:-1}
XFILES=${BENCH_XFS_FILES:-20000}
XLOOPS=${BENCH_XFS_LOOPS:-5}
VTESTS=${BENCH_VTESTS:-fix_size_alloc_test,full_fit_alloc_test,long_busy_list_alloc_test,random_size_alloc_test,fix_align_alloc_test,random_size_align_alloc_test,pcpu_alloc_test,vm_map_ram_test}
PAGES=${BENCH_PAGES:-1,16,128,512}
[[ $PAGES =~ ^[0-9]+(,[0-9]+){0,7}$ ]] || die "BENCH_PAGES must be up to 8 comma-separated page counts"
[[ $ITERS =~ ^[0-9]+$ && $ITERS -ge 8 && $ITERS -le 100000 ]] || die "BENCH_ITERS must be 8..100000"
[[ $VLOOPS =~ ^[0-9]+$ && $VLOOPS -ge 1 ]] || die "BENCH_VLOOPS must be a positive number"
[[ $REPS =~ ^[0-9]+$ && $REPS -ge 1 && $REPS -le 20 ]] || die "BENCH_REPS must be 1..20"
[[ $BOOTS =~ ^[0-9]+$ && $BOOTS -ge 1 && $BOOTS -le 5 ]] || die "BENCH_BOOTS must be 1..5"
[[ $XFILES =~ ^[0-9]+$ && $XFILES -ge 1 && $XFILES -le 200000 ]] || die "BENCH_XFS_FILES must be 1..200000"
[[ $XLOOPS =~ ^[0-9]+$ && $XLOOPS -le 1000 ]] || die "BENCH_XFS_LOOPS must be 0..1000"
[[ $MACRO =~ ^[0-9]+$ && $MACRO -le 1000000 ]] || die "BENCH_MACRO must be 0..1000000"
[[ $VTESTS =~ ^[a-z0-9_]+(,[a-z0-9_]+)*$ ]] || die "BENCH_VTESTS must be comma-separated test names"
need_pkgs gnuplot:gnuplot-nox

declare -A KB
for v in on off upstream; do
	KB[$v]=$(guest_kernel "$v")
done

# The CPA bench drives the test driver, which the pristine tree does not
# have: build it as a module against that tree (our header's
# CONFIG_PAGE_ALIAS_CHECK=n stubs) and add it to that guest's modules.
upstream_driver() {
	local b=${KB[upstream]} m=$OUT/upstream-driver ver bins bench
	stage "test driver as a module for the pristine tree"
	rm -rf "$m"
	mkdir -p "$m"
	cp "$PAC_ROOT/drivers/misc/page_alias_test.c" "$m/"
	printf 'obj-m := page_alias_test.o\nccflags-y := -I%s/include\n' "$PAC_ROOT" >"$m/Kbuild"
	make -C "$b" M="$m" modules >"$m/build.log" 2>&1 ||
		{ tail -n 20 "$m/build.log"; die "cannot build the test driver against ${KB[upstream]}"; }
	ver=$(cat "$b/include/config/kernel.release")
	install -D -m 644 "$m/page_alias_test.ko" "$b/modinst/lib/modules/$ver/extra/page_alias_test.ko"
	# With the CPA bench program, which that tree has no source of either.
	bench=$(find "${KB[on]}/kselftest" -name page_alias_bench -type f | head -n 1)
	[[ -n $bench ]] || die "no page_alias_bench in ${KB[on]}/kselftest"
	bins="$("$PAC_ROOT/scripts/build-selftests.sh" "$b") $bench"
	PAC_GUEST_BINS=$bins "$PAC_ROOT/scripts/mkinitramfs.sh" "$b" "$b/initramfs.cpio.gz"
}
mkdir -p "$OUT"
upstream_driver

# run_test_mask from test names, in lib/test_vmalloc.c's own order.
vmask() {
	local src names=() name i mask=0 found
	src=$(cat "${KB[upstream]}/.pac-src")/lib/test_vmalloc.c
	mapfile -t names < <(sed -n '/test_case_array\[\] = {/,/^};/s/^[[:space:]]*{ "\([a-z0-9_]*\)".*/\1/p' "$src")
	((${#names[@]})) || die "no test names found in $src"
	for name in ${VTESTS//,/ }; do
		found=0
		for i in "${!names[@]}"; do
			[[ ${names[$i]} == "$name" ]] && { mask=$((mask | 1 << i)); found=1; }
		done
		((found)) || die "BENCH_VTESTS: no test '$name' in $src (it has: ${names[*]})"
	done
	printf '0x%x\n' "$mask"
}
VMASK=$(vmask)

rm -f "$OUT"/*.csv "$OUT"/*.png
# Read-only for the guests: every boot walks the same blocks.
xfs_dir_image "$OUT" dir64k "$XFILES" -n size=64k
export PAC_QEMU_EXTRA="-drive file=$OUT/dir64k.img,if=virtio,format=raw,readonly=on"
run() { # label variant smp "args" [dir suffix]
	local label=$1 v=$2 smp=$3 args=$4 dir=$OUT/run-$1${5:-}
	stage "bench $label${5:-} (smp $smp)"
	PAC_SMP=$smp PAC_TIMEOUT=1800 "$PAC_ROOT/scripts/boot.sh" "$dir" \
		"${KB[$v]}/arch/x86/boot/bzImage" "${KB[$v]}/initramfs.cpio.gz" \
		"pac.run=bench kunit.enable=0 pac.kernel=$label pac.iters=$ITERS pac.pages=$PAGES $args" ||
		{ tail -n 30 "$dir/serial.log"; die "bench boot $label failed (logs in $dir)"; }
	grep -q PAC-DONE "$dir/ktap.log" ||
		{ tail -n 30 "$dir/serial.log"; die "bench $label did not finish (logs in $dir)"; }
	sed -n "s/^# BENCH,/$smp,/p" "$dir/ktap.log" >>"$OUT/bench.csv"
	# Loads numbered BOOT:LOAD, so that paired rows meet only in one boot.
	local boot=${5:--1}
	sed -n "s/^# VMALLOC,\([^,]*\),/\1,${boot#-}:/p" "$dir/ktap.log" >>"$OUT/vmalloc.csv"
	sed -n "s/^# MACRO,\([^,]*\),/\1,${boot#-}:/p" "$dir/ktap.log" >>"$OUT/macro.csv"
	sed -n "s/^# MACROWORK,\([^,]*\),/\1,${boot#-}:/p" "$dir/ktap.log" >>"$OUT/macro_work.csv"
	[[ -n ${5:-} ]] ||
		echo "$label,$(grep -a -o 'allocated [0-9]* bytes of page_ext' "$dir/serial.log" | grep -o '[0-9]*' || echo 0)" >>"$OUT/page_ext.csv"
}
V="pac.vmask=$VMASK pac.vloops=$VLOOPS pac.vthreads=2 pac.vreps=$REPS pac.macro=$MACRO pac.xfsloops=$XLOOPS"
DEF="page_alias_check=purge page_alias_check_live=off"
# The default boots also pause tracking for every other load (column paused).
PAIRED="pac.vpaired=1"

run upstream upstream 2 "pac.policies=- $V"
run config-off off 2 "pac.policies=- $V"
run bootoff on 2 "page_alias_check=off pac.policies=- $V"
run default on 2 "$DEF pac.policies=off,purge $PAIRED $V"
run live on 2 "page_alias_check=purge page_alias_check_live=on pac.policies=purge $V"
run stacks on 2 "$DEF page_alias_check_stacks=on pac.policies= $V"
run epoch on 2 "$DEF page_alias_check_mode=epoch pac.policies=off,purge $V"
run smp1 on 1 "$DEF pac.policies=off,purge"
run smp4 on 4 "$DEF pac.policies=off,purge"
# More boots of the four columns the targets compare, CPA bench left out.
for ((b = 2; b <= BOOTS; b++)); do
	run upstream upstream 2 "pac.policies=- $V" "-$b"
	run config-off off 2 "pac.policies=- $V" "-$b"
	run bootoff on 2 "page_alias_check=off pac.policies=- $V" "-$b"
	run default on 2 "$DEF pac.policies=- $PAIRED $V" "-$b"
done

python3 "$PAC_ROOT/scripts/bench_report.py" "$OUT"
