#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make series": turn the overlay and patches/ into a git format-patch
# series against the recorded base, one commit per patches/series/NN.txt
# (Subject:, Files: overlay files, Patches: files in patches/, then the
# commit message), with the cover letter from patches/series/cover.txt.
# Checks that every overlay file and every patch is used exactly once and
# that "git am" of the result onto a pristine tree reproduces it.
# Output: $PAC_CACHE/series/*.patch (path printed).
# KERNEL=6.1: patches/6.1/series/NN.txt are added to (or replace) those of
# patches/series/, and a patch named there is taken from patches/6.1/ if
# it is there (00: the 6.1-only backports, 09: the 6.5 vmalloc fix).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SER=$PAC_ROOT/patches/series
KP=""
[[ $PAC_KERNEL == 6.12 ]] || KP=$PAC_ROOT/patches/$PAC_KERNEL
OUT=${SERIES_OUT:-$PAC_CACHE/series}
# Same depth as $PAC_CACHE/src, so ccache hits across the two (make series-check).
WT=$PAC_CACHE/sc/src
AUTHOR="page_alias_check developers <pac@localhost>"
export GIT_AUTHOR_NAME="page_alias_check developers" GIT_AUTHOR_EMAIL=pac@localhost
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
export GIT_AUTHOR_DATE="2026-11-25T12:00:00+0000" GIT_COMMITTER_DATE="2026-11-25T12:00:00+0000"

SRC=$("$PAC_ROOT/scripts/prepare-tree.sh")
field() { sed -n "s/^$1: *//p;/^\$/q" "$2"; }
# The series' message files, in order; those of $KP/series win.
messages() {
	local n
	find "$SER" ${KP:+"$KP/series"} -maxdepth 1 -name '[0-9][0-9].txt' -printf '%f\n' 2>/dev/null |
		sort -u | while read -r n; do
			if [[ -n $KP && -f $KP/series/$n ]]; then
				echo "$KP/series/$n"
			else
				echo "$SER/$n"
			fi
		done
}
# A patch named in a message file, relative to $PAC_ROOT.
patch_path() {
	if [[ -n $KP && -f $KP/$1 ]]; then
		echo "${KP#"$PAC_ROOT"/}/$1"
	else
		echo "patches/$1"
	fi
}

worktree() { # path: a clean detached worktree at pac-base
	local wt=$1
	if [[ ! -e $wt/.git ]]; then
		rm -rf "$wt"
		mkdir -p "$(dirname "$wt")"
		git -C "$SRC" worktree prune
		git -C "$SRC" worktree add -q --detach "$wt" "$PAC_BASE_TAG"
	fi
	git -C "$wt" checkout -q -f --detach "$PAC_BASE_TAG"
	git -C "$wt" clean -q -fdx
}

stage "series: commits in $WT"
worktree "$WT"
used=$(mktemp)
trap 'rm -f "$used"' EXIT
mapfile -t msgs < <(messages)
for msg in "${msgs[@]}"; do
	subject=$(field Subject "$msg")
	[[ -n $subject ]] || die "$msg: no Subject:"
	for f in $(field Files "$msg"); do
		[[ -f $PAC_ROOT/$f ]] || die "$msg: overlay file $f missing"
		mkdir -p "$WT/$(dirname "$f")"
		cp "$PAC_ROOT/$f" "$WT/$f"
		echo "$f" >>"$used"
	done
	for p in $(field Patches "$msg"); do
		pp=$(patch_path "$p")
		[[ -f $PAC_ROOT/$pp ]] || die "$msg: patch $p missing"
		git -C "$WT" apply --whitespace=error-all "$PAC_ROOT/$pp" ||
			die "$msg: patch $p does not apply"
		echo "$pp" >>"$used"
	done
	git -C "$WT" add -A -f  # Debian's .gitignore ignores everything
	{ echo "$subject"; echo; sed '1,/^$/d' "$msg"; } |
		git -C "$WT" commit -q --author="$AUTHOR" -F -
done

# Everything in the overlay and patches/ must be in the series, once.
(
	cd "$PAC_ROOT"
	git ls-files --cached --others --exclude-standard -- arch mm include drivers \
		tools Documentation kernel lib | while read -r f; do [[ -f $f ]] && echo "$f"; done
	pac_patches | sed "s#^$PAC_ROOT/##"
	[[ -z $KP ]] || find "${KP#"$PAC_ROOT"/}/fix" -name '*.patch' 2>/dev/null
) | sort >"$used.all"
sort "$used" >"$used.s"
dups=$(uniq -d "$used.s")
[[ -z $dups ]] || die "used twice in patches/series: $dups"
missing=$(comm -23 "$used.all" "$used.s")
rm -f "$used.all" "$used.s"
[[ -z $missing ]] || die "not in any patches/series/NN.txt: $missing"

stage "series: format-patch to $OUT"
rm -rf "$OUT"
mkdir -p "$OUT"
git -C "$WT" format-patch -q --cover-letter --base="$PAC_BASE_TAG" \
	-o "$OUT" "$PAC_BASE_TAG"..HEAD
cover=$(ls "$OUT"/0000-cover-letter.patch)
python3 - "$cover" "$SER/cover.txt" <<'PY'
import sys
cover, text = sys.argv[1], open(sys.argv[2]).read()
subject, body = text.split('\n', 1)
c = open(cover).read()
c = c.replace('*** SUBJECT HERE ***', subject.strip()).replace('*** BLURB HERE ***', body.strip())
open(cover, 'w').write(c)
PY
git -C "$WT" rev-parse HEAD >"$OUT/HEAD"

stage "series: git am onto pristine $(cat "$SRC/.git/pac-origin")"
AM=$PAC_CACHE/sc/am
worktree "$AM"
# Every patch but the cover letter (a 6.1 series has ten).
mapfile -t series < <(find "$OUT" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-cover-letter.patch' | sort)
git -C "$AM" am -q --whitespace=error-all "${series[@]}" ||
	{ git -C "$AM" am --abort || true; die "git am of the series failed"; }
[[ $(git -C "$AM" rev-parse HEAD^{tree}) == $(git -C "$WT" rev-parse HEAD^{tree}) ]] ||
	die "git am result differs from the series"
git -C "$SRC" diff --quiet "$(cat "$OUT/HEAD")" -- . ':!*.orig' 2>/dev/null ||
	stage "note: $SRC differs from the series head (uncommitted overlay edits?)"
stage "series ready: $(ls "$OUT"/*.patch | wc -l) files in $OUT"
git -C "$WT" log --reverse --format='  %s' "$PAC_BASE_TAG"..HEAD >&2
echo "$OUT"
