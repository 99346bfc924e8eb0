#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the page_alias kselftest statically, through the kernel's own
# selftests Makefile (make -C tools/testing/selftests TARGETS=page_alias).
# With --mm, also the upstream mm kselftests that build statically with
# Debian's packages and run in the busybox initramfs in seconds (see
# MM_TESTS), test_vmalloc.sh, and a static bash for it.
# Usage: build-selftests.sh [--mm] BUILD_DIR   (prints the guest binaries'
#        paths; with --mm also the directory that becomes the guest's /mm)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# tools/testing/selftests/mm programs run by scripts/guest/tests/mmselftests.sh
# (PAC_MM_TESTS overrides the list).  Left out: map_populate (socketpair():
# the test kernels have no CONFIG_NET), hugetlb/THP/KSM/userfaultfd/NUMA/
# gup_test/hmm tests (options the test kernels do not have), protection_keys
# (no PKU), soft-dirty (no CONFIG_MEM_SOFT_DIRTY), compaction_test and
# virtual_address_range (minutes under TCG).
MM_TESTS=${PAC_MM_TESTS:-"map_fixed_noreplace mremap_test mremap_dontunmap
	mlock2-tests mlock-random-test on-fault-limit mdwe_test mseal_test seal_elf
	madv_populate mkdirty droppable"}

MM=0
if [[ ${1:-} == --mm ]]; then
	MM=1
	shift
fi
B=${1:-}
[[ -n $B && -f $B/.pac-src ]] || die "usage: build-selftests.sh [--mm] BUILD_DIR (a build-kernel.sh build directory)"
SRC=$(cat "$B/.pac-src")
need_pkgs /usr/include/linux/ioctl.h:linux-libc-dev
out=$B/kselftest
mkdir -p "$out"
bins=""
# The tree's own uapi headers (DRM's among them): Debian's linux-libc-dev
# is older and has none of DRM.
stage "uapi headers of $SRC"
if ! make -s -C "$SRC" O="$B" ARCH=x86_64 headers >"$out/headers.log" 2>&1; then
	tail -n 20 "$out/headers.log" >&2
	die "make headers failed; log: $out/headers.log"
fi
KHDR="-isystem $B/usr/include"
# The upstream variant's pristine tree has no page_alias selftest.
if [[ -d $SRC/tools/testing/selftests/page_alias ]]; then
	stage "kselftest page_alias (static)"
	if ! make -s -C "$SRC/tools/testing/selftests" TARGETS=page_alias \
		O="$out" OUTPUT="$out" KHDR_INCLUDES="$KHDR" LDFLAGS=-static >"$out/build.log" 2>&1; then
		tail -n 20 "$out/build.log" >&2
		die "kselftest build failed; log: $out/build.log"
	fi
	for name in page_alias page_alias_bench; do
		bin=$(find "$out" -name "$name" -type f -perm -u+x | head -n 1)
		[[ -n $bin ]] || die "kselftest $name not built; log: $out/build.log"
		bins="$bins $bin"
	done
fi
# The guest's module loader (see scripts/guest/pac_insmod.c).
gcc -static -O2 -Wall -o "$out/pac_insmod" "$PAC_ROOT/scripts/guest/pac_insmod.c"
bins="$bins $out/pac_insmod"
gcc -static -O2 -Wall -o "$out/pac_modload" "$PAC_ROOT/scripts/guest/pac_modload.c"
bins="$bins $out/pac_modload"
# shellcheck disable=SC2086
gcc -static -O2 -Wall $KHDR -o "$out/pac_macro" "$PAC_ROOT/scripts/guest/pac_macro.c"
bins="$bins $out/pac_macro"

if ((MM)); then
	# Static libcap for mlock-random-test; bash for test_vmalloc.sh.
	need_pkgs /usr/lib/x86_64-linux-gnu/libcap.a:libcap-dev \
		/bin/bash-static:bash-static
	mm=$out/mm
	mkdir -p "$mm"
	stage "kselftests mm (static): $(echo $MM_TESTS)"
	: >"$mm/build.log"
	targets=()
	for t in $MM_TESTS; do targets+=("$mm/$t"); done
	if ! make -s -C "$SRC/tools/testing/selftests/mm" OUTPUT="$mm" \
		KHDR_INCLUDES="$KHDR" LDFLAGS=-static \
		"${targets[@]}" >>"$mm/build.log" 2>&1; then
		grep -E 'error' "$mm/build.log" | head -n 20 >&2 || true
		die "mm kselftest build failed; log: $mm/build.log"
	fi
	for t in "${targets[@]}"; do
		[[ -x $t ]] || die "mm kselftest ${t##*/} not built; log: $mm/build.log"
		! readelf -l "$t" | grep -q 'program interpreter' ||
			die "mm kselftest ${t##*/} is not static; log: $mm/build.log"
	done
	cp "$SRC/tools/testing/selftests/mm/test_vmalloc.sh" "$mm/"
	cp /bin/bash-static "$mm/bash"
	echo "$MM_TESTS" | tr -s ' \t\n' '\n' | sed '/^$/d' >"$mm/tests.list"
	bins="$bins $mm"
fi
echo "$bins"
