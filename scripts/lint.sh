#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make lint": checkpatch --strict on every patch of the series, sparse and
# W=1 on the new files (and sparse on the touched upstream files, compared
# with the pristine tree), kernel-doc on the headers and exported
# functions, docutils on the documentation.  Exits non-zero on any finding.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

need_pkgs sparse:sparse rst2html:python3-docutils
# scripts/spdxcheck.py, run by checkpatch
# (with Debian's python3: the modules come from Debian packages).
/usr/bin/python3 -c "import ply, git" 2>/dev/null ||
	need_pkgs /nonexistent-ply:python3-ply /nonexistent-git:python3-git
OUT=$("$PAC_ROOT/scripts/make-series.sh")
B=$("$PAC_ROOT/scripts/build-kernel.sh" on)
SRC=$(cat "$B/.pac-src")
LOG=$PAC_CACHE/lint
rm -rf "$LOG"
mkdir -p "$LOG"
bad=0

# Ignored, as explained in the cover letter: FILE_PATH_CHANGES (MAINTAINERS
# is updated once, in patch 1, for every file of the series) and AVOID_BUG
# (policy "bug" is the BUG() asked for in the 2007 thread, opt-in only).
stage "checkpatch --strict"
for p in "$OUT"/00[0-9][1-9]-*.patch; do
	if PATH=/usr/bin:$PATH perl "$SRC/scripts/checkpatch.pl" --strict --quiet --no-summary \
		--ignore FILE_PATH_CHANGES,AVOID_BUG "$p" >"$LOG/checkpatch.txt" 2>&1 &&
		[[ ! -s $LOG/checkpatch.txt ]]; then
		echo "  clean: $(basename "$p")"
	else
		echo "  FINDINGS: $(basename "$p")"
		sed 's/^/    /' "$LOG/checkpatch.txt"
		bad=1
	fi
done

NEW_OBJS="mm/page_alias_check.o mm/page_alias_check_report.o mm/page_alias_check_live.o mm/page_alias_check_kunit.o drivers/misc/page_alias_test.o"
TOUCHED_OBJS="mm/vmalloc.o mm/page_ext.o mm/page_alloc.o arch/x86/mm/tlb.o arch/x86/mm/pat/set_memory.o"
export CCACHE_DIR=${CCACHE_DIR:-$PAC_CACHE/ccache} CCACHE_BASEDIR=$PAC_CACHE CCACHE_NOHASHDIR=1
MK=(make -s -C "$SRC" O="$B" CC="ccache gcc" -j"$(nproc)")

stage "sparse (C=2) and W=1 on the new files"
"${MK[@]}" C=2 W=1 $NEW_OBJS >"$LOG/new.txt" 2>&1 || bad=1
if grep -E 'warning|error' "$LOG/new.txt"; then
	bad=1
else
	echo "  clean: $NEW_OBJS"
fi

stage "sparse on touched upstream files, against the pristine tree"
"${MK[@]}" C=2 $TOUCHED_OBJS 2>&1 | grep -E 'warning|error' |
	sed -E 's/:[0-9]+:[0-9]+:/:/' | sort >"$LOG/touched.txt" || true
BU=$PAC_CACHE/build/lint-upstream
UP=$PAC_CACHE/src-upstream
if [[ ! -e $UP/.git ]]; then
	git -C "$SRC" worktree prune
	git -C "$SRC" worktree add -q --detach "$UP" "$PAC_BASE_TAG"
fi
git -C "$UP" checkout -q -f --detach "$PAC_BASE_TAG"
mkdir -p "$BU"
grep -v PAGE_ALIAS "$B/.config" >"$BU/.config"
make -s -C "$UP" O="$BU" olddefconfig >/dev/null
make -s -C "$UP" O="$BU" CC="ccache gcc" -j"$(nproc)" prepare >/dev/null 2>&1
make -s -C "$UP" O="$BU" CC="ccache gcc" C=2 $TOUCHED_OBJS 2>&1 | grep -E 'warning|error' |
	sed -E 's/:[0-9]+:[0-9]+:/:/; s#src-upstream/#src/#' | sort >"$LOG/touched-upstream.txt" || true
if comm -23 "$LOG/touched.txt" "$LOG/touched-upstream.txt" | grep .; then
	echo "  new sparse warnings in touched files (above)"
	bad=1
else
	echo "  no new sparse warnings ($(wc -l <"$LOG/touched-upstream.txt") pre-existing)"
fi

stage "kernel-doc"
if perl "$SRC/scripts/kernel-doc" -none -Wall include/linux/page_alias_check.h \
	mm/page_alias_check.c mm/page_alias_check_live.c 2>&1 | tee "$LOG/kernel-doc.txt" | grep .; then
	bad=1
else
	echo "  clean: include/linux/page_alias_check.h mm/page_alias_check.c mm/page_alias_check_live.c"
fi

stage "docutils"
rst=$PAC_ROOT/Documentation/dev-tools/page_alias_check.rst
if [[ -f $rst ]] && rst2html --halt=warning "$rst" /dev/null 2>"$LOG/rst.txt"; then
	echo "  clean: Documentation/dev-tools/page_alias_check.rst"
else
	cat "$LOG/rst.txt" 2>/dev/null || echo "  missing $rst"
	bad=1
fi
((bad == 0)) || die "lint found problems (logs: $LOG)"
stage "lint clean"
