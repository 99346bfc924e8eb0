#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XFS large-directory stress in QEMU: the 2007 seed scenario for real.  XFS
# maps each multi-page directory buffer with vm_map_ram() and drops it with
# vm_unmap_ram(), whose TLB flush is deferred; the freed pages go back to the
# allocator while a TTM-like churn (page_alias --churn) makes pages WC/UC.
#
# Per layout and policy (one boot each, with the opt-in stacks so that
# reports name the XFS code): an XFS image with one directory of XFS_FILES
# empty files (built on the host with a mkfs.xfs protofile), "find | wc -l"
# + drop_caches for STRESS_SECONDS, then checks:
#   warn   reports > 0, and a report's "last lazily unmapped by" stack names
#          vm_unmap_ram/xfs_buf; the system keeps running
#   purge  no report, aliases_found > 0, purges_forced > 0,
#          purges_skipped > aliases_found
#   bug    the kernel panics with the report (ktap_eval.py --expect-panic)
# and, after warn and purge, "xfs_repair -n" of the image on the host.
# Layouts (every multi-page buffer is a vm_map_ram() mapping):
#   dir64k  4 KiB blocks, 64 KiB directory blocks (16-page directory buffers)
#   bs16k   16 KiB blocks (block size > PAGE_SIZE, new in 6.12: needs large
#           folios, CONFIG_TRANSPARENT_HUGEPAGE): every metadata buffer of
#           a block or more is 4+ pages
#   bs64k   64 KiB blocks: 16 pages each
#
# Usage: xfs-stress.sh [--short] [--build DIR] [--results FILE] [POLICY...]
#   --short        STRESS_SECONDS defaults to 20 (else 180)
#   --build DIR    kernel build dir (default $PAC_CACHE/build/on); only read
#                  (but for its uapi headers, installed if missing)
#   --results FILE append "pass|fail|skip name" lines there (check.sh)
#   POLICY...      subset of: warn purge bug (default all three)
# Env: STRESS_SECONDS, XFS_FILES (100000), XFS_LAYOUTS ("dir64k bs16k
#      bs64k"), XFS_RECLAIM (seconds between extra drop_caches during a
#      walk, 2; 0: only between walks), PAC_MEM, PAC_SMP.
# Output under $PAC_CACHE/xfs/; the last line is "N passed, N failed[, ...]".
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SHORT=0 B=$PAC_CACHE/build/on RESULTS_OUT="" POLICIES=()
while (($#)); do
	case $1 in
	--short) SHORT=1 ;;
	--build) B=$2; shift ;;
	--results) RESULTS_OUT=$2; shift ;;
	warn | purge | bug) POLICIES+=("$1") ;;
	*) die "xfs-stress.sh: unknown argument '$1' (see the header of $0)" ;;
	esac
	shift
done
((${#POLICIES[@]})) || POLICIES=(warn purge bug)
if ((SHORT)); then SECS=${STRESS_SECONDS:-20}; else SECS=${STRESS_SECONDS:-180}; fi
FILES=${XFS_FILES:-100000}
read -r -a LAYOUTS <<<"${XFS_LAYOUTS:-dir64k bs16k bs64k}"
declare -A MKFS=([dir64k]="-n size=64k" [bs16k]="-b size=16k" [bs64k]="-b size=64k")
((${#LAYOUTS[@]})) || die "XFS_LAYOUTS is empty: expected some of ${!MKFS[*]}"
for l in "${LAYOUTS[@]}"; do
	[[ -n ${MKFS[$l]:-} ]] || die "XFS_LAYOUTS: unknown layout '$l' (expected some of dir64k bs16k bs64k)"
done
RECLAIM=${XFS_RECLAIM:-2}
[[ $RECLAIM =~ ^[0-9]+$ ]] || die "XFS_RECLAIM=$RECLAIM: expected seconds (0: off)"
if ! [[ $SECS =~ ^[0-9]+$ ]] || ((SECS < 5 || SECS > 3600)); then
	die "STRESS_SECONDS=$SECS: expected 5..3600"
fi
if ! [[ $FILES =~ ^[0-9]+$ ]] || ((FILES < 1 || FILES > 200000)); then
	die "XFS_FILES=$FILES: expected 1..200000"
fi

need_pkgs mkfs.xfs:xfsprogs xfs_repair:xfsprogs gcc:gcc python3:python3 flock:util-linux \
	/usr/lib/x86_64-linux-gnu/libc.a:libc6-dev /usr/include/linux/ioctl.h:linux-libc-dev
need_boot_pkgs

X=$PAC_CACHE/xfs
mkdir -p "$X"
# One run at a time: a second one (say, make check beside make xfs-stress)
# would overwrite the images under the first one's QEMU.
exec 9>"$X/.lock"
if ! flock -n 9; then
	stage "waiting for another xfs-stress.sh run ($X/.lock)"
	flock -w 1800 9 || die "another xfs-stress.sh still holds $X/.lock"
fi
RESULTS=$X/results.txt
: >"$RESULTS"

# ---- kernel and guest binaries ------------------------------------------
# Snapshot the kernel: the build dir may be rebuilt while we run.
[[ -f $B/arch/x86/boot/bzImage && -f $B/.pac-src ]] ||
	die "no kernel in $B: build it first (make kernel)"
SRC=$(cat "$B/.pac-src")
grep -q '^CONFIG_XFS_FS=y' "$B/.config" || die "$B/.config has no CONFIG_XFS_FS=y"
cp "$B/arch/x86/boot/bzImage" "$X/bzImage"

# page_alias from this tree (it has --churn); kselftest.h from the kernel.
stage "page_alias (static) from $PAC_ROOT"
[[ -d $B/usr/include/drm ]] || make -s -C "$SRC" O="$B" ARCH=x86_64 headers >/dev/null ||
	die "make headers failed in $B"
gcc -static -O2 -Wall -pthread -I"$SRC/tools/testing/selftests/page_alias" -isystem "$B/usr/include" \
	-o "$X/page_alias" "$PAC_ROOT/tools/testing/selftests/page_alias/page_alias.c" ||
	die "page_alias build failed"
PAC_GUEST_BINS=$X/page_alias "$PAC_ROOT/scripts/mkinitramfs.sh" "$B" "$X/initramfs.cpio.gz"

# ---- images ------------------------------------------------------------
for l in "${LAYOUTS[@]}"; do
	# shellcheck disable=SC2086
	xfs_dir_image "$X" "$l" "$FILES" ${MKFS[$l]}
done

# ---- runs ----------------------------------------------------------------
# Keyed by "layout-policy".
declare -A SUM FSCK WALL
field() { sed -n "s/.*[ :]$2=\([^ ]*\).*/\1/p" <<<"${SUM[$1]:-}" | head -n 1; }

run_policy() {
	local l=$1 p=$2 k=$1-$2 run rc=0 t0 t1 opts=() fsck
	run=$X/run-$k
	mkdir -p "$run"
	cp --sparse=always "$X/$l.img" "$run/vda.img"
	stage "boot xfs-$k: ${SECS}s find + drop_caches over $FILES files (mkfs.xfs ${MKFS[$l]}), TTM churn"
	t0=$(date +%s)
	PAC_TIMEOUT=$((SECS + 240)) \
		PAC_QEMU_EXTRA="-drive file=$run/vda.img,if=virtio,format=raw" \
		"$PAC_ROOT/scripts/boot.sh" "$run" "$X/bzImage" "$X/initramfs.cpio.gz" \
		"pac.run=xfs pac.layout=$l page_alias_check=$p page_alias_check_stacks=on kunit.enable=0 pac.stress=$SECS pac.files=$FILES pac.reclaim=$RECLAIM" || rc=$?
	t1=$(date +%s)
	WALL[$k]=$((t1 - t0))
	stage "parse xfs-$k (qemu exit $rc, ${WALL[$k]}s)"
	case $p in
	warn)
		# Cache mode changes: diagnostics, no "BUG:" line at all.
		opts=(--expect-log 'page_alias_check: lazy alias pfn:[0-9a-f]+ unflushed:[0-9]+ policy:warn, purged'
			--expect-log 'last lazily unmapped by:\n(?:.*\n){0,20}?.*\b(?:vm_unmap_ram|xfs_buf_[a-z_]+)\+') ;;
	purge)
		opts=(--forbid-log 'BUG: page_alias_check') ;;
	bug)
		opts=(--expect-panic 'BUG: page_alias_check: unflushed alias pfn:[0-9a-f]+ unflushed:[0-9]+ policy:bug(.|\n)*last lazily unmapped by:\n(?:.*\n){0,20}?.*\b(?:vm_unmap_ram|xfs_buf_[a-z_]+)\+(.|\n)*kernel BUG at .*mm/page_alias_check_report.c') ;;
	esac
	evaluate "$run" "xfs-$k" "$RESULTS" "${opts[@]}"
	SUM[$k]=$(tr -d '\r' <"$run/ktap.log" | grep -a '# xfs-summary:' | tail -n 1 || true)
	if [[ $p == bug ]]; then
		FSCK[$k]="not checked: $(tr -d '\r' <"$run/serial.log" |
			sed -n 's/^\[ *\([0-9.]*\)\] Kernel panic - not syncing: \(.*\)/panic "\2" at uptime \1 s/p' |
			head -n 1 || true)"
		return 0
	fi
	if xfs_repair -n "$run/vda.img" >"$run/xfs_repair.log" 2>&1; then
		fsck=clean
		echo "pass xfs-$k:xfs_repair_clean" >>"$RESULTS"
	else
		fsck="NOT clean (exit $?, $run/xfs_repair.log)"
		echo "fail xfs-$k:xfs_repair_clean" >>"$RESULTS"
		echo "  FAIL xfs-$k:xfs_repair_clean: $(grep -m1 -i 'error\|corrupt\|bad' "$run/xfs_repair.log" || true)"
	fi
	FSCK[$k]=$fsck
}

# Whose lazy unmaps left the aliases that the reports name: in each "last
# lazily unmapped by:" stack, the vmalloc API called and its caller.
unmappers() {
	tr -d '\r' <"$1" | sed 's/^\[[^]]*\] //' | awk '
		/^last lazily unmapped by:/ { s = 1; next }
		s && /^ *[A-Za-z_0-9.]+\+0x/ {
			f = $1; sub(/\+.*/, "", f)
			if (s == 2) { n[api "<-" f]++; s = 0 }
			else if (f ~ /^(vm_unmap_ram|vunmap|vfree|vfree_atomic|__vfree|kvfree)$/) { api = f; s = 2 }
			next
		}
		s { n[(s == 2 ? api : "?") "<-?"]++; s = 0 }
		END { for (f in n) { printf "%s x%d  ", f, n[f]; any = 1 } if (!any) printf "none" }'
}

RUNS=()
for l in "${LAYOUTS[@]}"; do
	for p in "${POLICIES[@]}"; do
		run_policy "$l" "$p"
		RUNS+=("$l-$p")
	done
done

# ---- summary ---------------------------------------------------------------
echo
printf '%-12s %9s %6s %7s %6s %11s %7s %6s %8s %8s %7s %6s %s\n' run dir_bytes files passes \
	secs lazy_unmaps aliases pages forced skipped reports wall fsck
for k in "${RUNS[@]}"; do
	printf '%-12s %9s %6s %7s %6s %11s %7s %6s %8s %8s %7s %5ss %s\n' "$k" \
		"$(field "$k" dir_bytes)" "$(field "$k" files)" "$(field "$k" passes)" \
		"$(field "$k" seconds)" "$(field "$k" lazy_unmaps)" "$(field "$k" aliases_found)" \
		"$(field "$k" alias_pages)" "$(field "$k" purges_forced)" "$(field "$k" purges_skipped)" \
		"$(field "$k" reports)" "${WALL[$k]}" "${FSCK[$k]}"
done
for k in "${RUNS[@]}"; do
	if [[ -n ${SUM[$k]:-} ]]; then
		echo "  $k: $(field "$k" drops) drop_caches; TTM churn $(field "$k" churn_ops) ops, $(field "$k" churn_dirty_ops) of them hit a page with an unflushed alias"
	fi
	echo "  $k: reports name these lazy unmaps: $(unmappers "$X/run-$k/serial.log")"
done
echo "  logs: $X/run-<layout>-<policy>/{serial,ktap}.log"

pass=$(grep -c '^pass ' "$RESULTS" || true)
fail=$(grep -c '^fail ' "$RESULTS" || true)
skip=$(grep -c '^skip ' "$RESULTS" || true)
if [[ -n $RESULTS_OUT ]]; then
	# Inside check.sh, whose last line is the only closing line.
	cat "$RESULTS" >>"$RESULTS_OUT"
	echo "  xfs-stress: pass $pass, fail $fail, skip $skip"
elif ((skip)); then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
((fail == 0))
