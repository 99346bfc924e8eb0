#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the page_alias kselftest statically, through the kernel's own
# selftests Makefile (make -C tools/testing/selftests TARGETS=page_alias).
# Usage: build-selftests.sh BUILD_DIR   (prints the guest binaries' paths)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

B=$1
SRC=$(cat "$B/.pac-src")
need_pkgs /usr/include/linux/ioctl.h:linux-libc-dev
out=$B/kselftest
stage "kselftest page_alias (static)"
mkdir -p "$out"
if ! make -s -C "$SRC/tools/testing/selftests" TARGETS=page_alias \
	O="$out" OUTPUT="$out" LDFLAGS=-static >"$out/build.log" 2>&1; then
	tail -n 20 "$out/build.log" >&2
	die "kselftest build failed; log: $out/build.log"
fi
bins=""
for name in page_alias page_alias_bench; do
	bin=$(find "$out" -name "$name" -type f -perm -u+x | head -n 1)
	[[ -n $bin ]] || die "kselftest $name not built; log: $out/build.log"
	bins="$bins $bin"
done
# The guest's module loader (see scripts/guest/pac_insmod.c).
gcc -static -O2 -Wall -o "$out/pac_insmod" "$PAC_ROOT/scripts/guest/pac_insmod.c"
echo "$bins $out/pac_insmod"
