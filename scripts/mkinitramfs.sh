#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest initramfs: static busybox, scripts/guest/init, the guest
# tests, our static selftest binaries (a directory in PAC_GUEST_BINS, such as
# build-selftests.sh --mm's "mm", becomes /<name>) and the kernel's modules.
# Usage: mkinitramfs.sh BUILD_DIR OUT.cpio.gz
set -euo pipefail
source "$(dirname "$0")/lib.sh"

B=$1 OUT=$2
need_boot_pkgs
root=$(mktemp -d "$PAC_CACHE/initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

stage "initramfs $OUT"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,tests,lib/modules,mnt}
cp /bin/busybox "$root/bin/busybox"
cp "$PAC_ROOT/scripts/guest/init" "$root/init"
cp "$PAC_ROOT/scripts/guest/lib.sh" "$root/pac-lib.sh"
cp "$PAC_ROOT"/scripts/guest/tests/*.sh "$root/tests/"
for f in ${PAC_GUEST_BINS:-}; do
	[[ -x $f ]] || die "guest binary $f missing"
	if [[ -d $f ]]; then
		cp -a "$f" "$root/$(basename "$f")"
		rm -f "$root/$(basename "$f")"/*.log
	else
		cp "$f" "$root/bin/"
	fi
done
if [[ -d $B/modinst/lib/modules ]]; then
	cp -a "$B/modinst/lib/modules/." "$root/lib/modules/"
fi
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
