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

# checkpatch --strict on every patch, ignoring what make lint ignores
# (FILE_PATH_CHANGES and AVOID_BUG: see the cover letter).  A base other
# than 6.12 is a Debian source package imported without upstream history:
# checkpatch cannot look up the upstream commit a backport names there.
ign=FILE_PATH_CHANGES,AVOID_BUG
[[ $PAC_KERNEL == 6.12 ]] || ign+=,UNKNOWN_COMMIT_ID
stage "series-check: checkpatch --strict --ignore $ign"
bad=0
for p in "$OUT"/[0-9][0-9][0-9][0-9]-*.patch; do
	[[ $p == */0000-cover-letter.patch ]] && continue
	cp=$(perl "$PAC_SRC/scripts/checkpatch.pl" --strict --no-tree -q \
		--ignore "$ign" "$p" 2>&1) || true
	if [[ -n $cp ]]; then
		printf '  FINDINGS: %s\n%s\n' "${p##*/}" "$(sed 's/^/    /' <<<"$cp")" >&2
		bad=1
	fi
done
((bad == 0)) || die "checkpatch findings in the series ($OUT)"
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
