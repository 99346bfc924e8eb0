#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make series-check": build every prefix of the series with the checker on
# (options of later patches are not requested yet), then the whole series
# with CONFIG_PAGE_ALIAS_CHECK=n.  Each step is an incremental build of the
# series worktree (ccache shared with the main tree).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

OUT=$("$PAC_ROOT/scripts/make-series.sh")
WT=$PAC_CACHE/sc/src
mapfile -t commits < <(git -C "$WT" rev-list --reverse "$PAC_BASE_TAG..$(cat "$OUT/HEAD")")
n=${#commits[@]}
((n > 0)) || die "empty series"
i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	git -C "$WT" checkout -q -f --detach "$c"
	stage "series-check $i/$n: $(git -C "$WT" log -1 --format=%s "$c")"
	PAC_BUILD_SRC=$WT PAC_BUILD_DIR=$PAC_CACHE/sc/build/on PAC_LENIENT_CONFIG=1 \
		"$PAC_ROOT/scripts/build-kernel.sh" on >/dev/null ||
		die "patch $i/$n does not build with CONFIG_PAGE_ALIAS_CHECK=y"
done
stage "series-check: whole series with CONFIG_PAGE_ALIAS_CHECK=n"
PAC_BUILD_SRC=$WT PAC_BUILD_DIR=$PAC_CACHE/sc/build/off \
	"$PAC_ROOT/scripts/build-kernel.sh" off >/dev/null ||
	die "the series does not build with CONFIG_PAGE_ALIAS_CHECK=n"
stage "series-check: all $n prefixes build, and the series builds with the option off"
