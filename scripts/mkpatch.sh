#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Developer helper: turn edits of upstream files in $PAC_SRC into a patch.
# Usage: mkpatch.sh patches/NNNN-name.patch "Subject line" file...
# The patch is the diff of those files against pac-base.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

out=$1 subject=$2
shift 2
(($#)) || die "usage: mkpatch.sh OUT SUBJECT FILE..."
{
	echo "Subject: $subject"
	echo
	git -C "$PAC_SRC" diff --no-color "$PAC_BASE_TAG" -- "$@"
} >"$out.tmp"
grep -q '^diff --git' "$out.tmp" || { rm -f "$out.tmp"; die "no changes in $*"; }
mv "$out.tmp" "$out"
echo "wrote $out"
