#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configure and build a test kernel out of tree with ccache.
#
# Usage: build-kernel.sh VARIANT
#   on        checker built in, KUnit suite and test driver (default policy)
#   off       same config with CONFIG_PAGE_ALIAS_CHECK=n
#   upstream  the pristine tree (pac-base), same base config: the reference
#   debug     "on" plus lockdep, KASAN, kmemleak, DEBUG_VM
#   kcsan     "on" plus KCSAN (the data race detector)
#   fixed     "on" plus the upstream fixes of patches/$PAC_KERNEL/fix/ (KERNEL=6.1:
#             the 6.5 vmap_block stale-TLB fix), in the same source tree
# Env: EXTRA_CONFIG="file ..." more fragments; JOBS; PAC_CACHE; KSRC;
#      PAC_BUILD_SRC/PAC_BUILD_DIR: tree and build dir to use;
#      PAC_LENIENT_CONFIG=1: ignore requested options unknown to the tree.
# Prints the build directory on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

VARIANT=${1:-on}
CFG=$PAC_ROOT/scripts/config
case $VARIANT in
on) FRAGS=("$CFG/qemu-x86_64.config" "$PAC_ROOT/kernel/configs/page_alias_check.config"
	"$PAC_ROOT/tools/testing/selftests/page_alias/config" "$CFG/tests.config" "$CFG/real.config") ;;
off) FRAGS=("$CFG/qemu-x86_64.config" "$CFG/tests.config" "$CFG/real.config" "$CFG/checker-off.config") ;;
upstream) FRAGS=("$CFG/qemu-x86_64.config" "$CFG/upstream.config" "$CFG/real.config") ;;
debug) FRAGS=("$CFG/qemu-x86_64.config" "$PAC_ROOT/kernel/configs/page_alias_check.config"
	"$PAC_ROOT/tools/testing/selftests/page_alias/config" "$CFG/tests.config"
	"$CFG/real.config" "$CFG/debug.config") ;;
kcsan) FRAGS=("$CFG/qemu-x86_64.config" "$PAC_ROOT/kernel/configs/page_alias_check.config"
	"$PAC_ROOT/tools/testing/selftests/page_alias/config" "$CFG/tests.config"
	"$CFG/real.config" "$CFG/kcsan.config") ;;
fixed) FRAGS=("$CFG/qemu-x86_64.config" "$PAC_ROOT/kernel/configs/page_alias_check.config"
	"$PAC_ROOT/tools/testing/selftests/page_alias/config" "$CFG/tests.config" "$CFG/real.config")
	# The tree of "on" with the fixes on top: only the files they touch
	# change (and change back for the next "on" build), so ccache hits.
	fixes=$(find "$PAC_ROOT/patches/$PAC_KERNEL/fix" -name '*.patch' 2>/dev/null | sort | tr '\n' ' ')
	[[ $PAC_KERNEL != 6.12 && -n $fixes ]] || die "VARIANT fixed: no patches/$PAC_KERNEL/fix/*.patch (KERNEL=6.1 has them)"
	export PAC_EXTRA_PATCHES=$fixes ;;
*) die "unknown VARIANT '$VARIANT' (expected on, off, upstream, debug, kcsan or fixed)" ;;
esac
for f in ${EXTRA_CONFIG:-}; do
	[[ -f $f ]] || die "EXTRA_CONFIG: no such fragment: $f"
	FRAGS+=("$(realpath "$f")")
done
for f in "${FRAGS[@]}"; do [[ -f $f ]] || die "missing config fragment $f"; done

# Before any work: a build directory we cannot use changes nothing.
B=${PAC_BUILD_DIR:-$PAC_CACHE/build/$VARIANT}
mkdir -p "$B" 2>/dev/null || die "cannot create build directory $B"
[[ -d $B && -w $B ]] || die "build directory $B is not writable"
B=$(cd "$B" && pwd)
# One build per directory: a second one (make bench beside make check)
# waits instead of writing the same objects.
exec 8>"$B/.build.lock"
if ! flock -n 8; then
	stage "waiting for another build in $B"
	flock -w 3600 8 || die "another build still holds $B/.build.lock"
fi

need_build_pkgs

if [[ -n ${PAC_BUILD_SRC:-} ]]; then
	# A tree prepared by someone else (make series-check).
	SRC=$PAC_BUILD_SRC
else
	SRC=$("$PAC_ROOT/scripts/prepare-tree.sh" 8>&-)
fi
if [[ $VARIANT == upstream ]]; then
	# A worktree of pac-base beside the patched tree: same files, no series.
	main_src=$SRC
	SRC=$PAC_CACHE/src-upstream
	if [[ ! -e $SRC/.git ]]; then
		git -C "$main_src" worktree prune
		git -C "$main_src" worktree add -q --detach "$SRC" "$PAC_BASE_TAG"
	fi
	git -C "$SRC" checkout -q --detach "$PAC_BASE_TAG"
	git -C "$SRC" clean -q -fdx
fi

export CCACHE_DIR=${CCACHE_DIR:-$PAC_CACHE/ccache}
export CCACHE_BASEDIR=$PAC_CACHE CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export KBUILD_BUILD_TIMESTAMP="2024-01-01" KBUILD_BUILD_USER=pac KBUILD_BUILD_HOST=qemu
JOBS=${JOBS:-$(($(nproc) + 1))}
MK=(make -s -C "$SRC" O="$B" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" -j"$JOBS")

stage "config ($VARIANT): tinyconfig + ${FRAGS[*]##*/}"
tmpcfg=$(mktemp -d "$PAC_CACHE/cfg.XXXXXX")
trap 'rm -rf "$tmpcfg"' EXIT
"${MK[@]}" O="$tmpcfg" tinyconfig >/dev/null
# From $tmpcfg: merge_config.sh makes its temporary files in the current
# directory, and a killed build would leave them in the caller's.
(cd "$tmpcfg" && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$tmpcfg" "$tmpcfg/.config" "${FRAGS[@]}" >"$tmpcfg/merge.log")
"${MK[@]}" O="$tmpcfg" olddefconfig >/dev/null

# Fail loudly when olddefconfig dropped or changed a requested option.
bad=0
while IFS= read -r line; do
	line=${line%%#*}
	[[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]] || continue
	opt=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
	# Series prefixes: options of later patches do not exist yet.
	if [[ -n ${PAC_LENIENT_CONFIG:-} ]] &&
		! grep -rqx --include='Kconfig*' "config ${opt#CONFIG_}" "$SRC"; then
		continue
	fi
	if [[ $val == n ]]; then
		grep -q "^$opt=" "$tmpcfg/.config" && { echo "  $opt: requested n, got $(grep "^$opt=" "$tmpcfg/.config")" >&2; bad=1; }
	else
		got=$(grep "^$opt=" "$tmpcfg/.config" || echo "$opt unset")
		[[ $got == "$opt=$val" ]] || { echo "  $opt: requested $val, got '$got'" >&2; bad=1; }
	fi
done < <(cat "${FRAGS[@]}")
((bad == 0)) || die "config: requested options missing from .config (unmet dependencies?)"

if ! cmp -s "$tmpcfg/.config" "$B/.config"; then
	cp "$tmpcfg/.config" "$B/.config"
fi

# A build killed mid-way (SIGKILL, power loss) can leave truncated objects
# that look up to date to make: drop whatever it wrote, ccache rebuilds it.
running=$B/.pac-build-running
if [[ -e $running ]]; then
	stage "the last build in $B did not finish: removing the files it wrote"
	find "$B" -type f -newer "$running" ! -path "$B/.config" -delete
fi
touch "$running"
stage "build ($VARIANT) in $B (-j$JOBS, ccache)"
if ! "${MK[@]}" bzImage modules >"$B/build.log" 2>&1; then
	grep -E 'error|Error' "$B/build.log" | head -n 30 >&2 || true
	tail -n 20 "$B/build.log" >&2
	die "kernel build ($VARIANT) failed; full log: $B/build.log"
fi
grep -E 'warning:' "$B/build.log" | head -n 20 >&2 || true
mkdir -p "$B/modinst"
rm -rf "$B/modinst/lib"
# modules.dep comes from the host's depmod (kmod); without it busybox
# modprobe/modinfo in the guest find nothing (test_vmalloc.sh then says the
# module is not enabled), so a failed install is a failed build.
if ! "${MK[@]}" INSTALL_MOD_PATH="$B/modinst" INSTALL_MOD_STRIP=1 modules_install >"$B/modinst.log" 2>&1; then
	tail -n 20 "$B/modinst.log" >&2
	die "modules_install ($VARIANT) failed; full log: $B/modinst.log"
fi
kver=$(cat "$B/include/config/kernel.release")
[[ -e $B/modinst/lib/modules/$kver/modules.dep ]] ||
	die "modules_install ($VARIANT) wrote no modules.dep in $B/modinst/lib/modules/$kver (is depmod from kmod installed?); log: $B/modinst.log"
rm -f "$running"
stage "built $B/arch/x86/boot/bzImage"
echo "$SRC" >"$B/.pac-src"
# Whether this kernel has the 6.5 vmap_block fix (make check: the tests
# expect the stale-TLB bug only where it is), read from what was built.
vmap_block_fix "$SRC/mm/vmalloc.c" >"$B/.pac-vmap-block-fix" 2>/dev/null ||
	echo unknown >"$B/.pac-vmap-block-fix"
echo "$B"
