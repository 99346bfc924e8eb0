#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Put the page_alias_check overlay and patches/ onto a pristine kernel tree.
#
# The pristine tree is imported once into a git repository at a stable path
# ($PAC_SRC, tag pac-base).  Every run recomputes the result from pac-base
# (overlay files copied, patches/ applied with "git apply", no fuzz) in a
# staging directory and copies only the files whose content changed, so
# repeated runs are reproducible and do not defeat incremental builds.
#
# Usage: prepare-tree.sh [--pristine]   (--pristine: reset to pac-base only)
# Env:   KSRC=<kernel tree>  use that tree instead of Debian's linux-source-6.12
#        PAC_KERNEL=6.1  Debian's linux-source-6.1 and patches/6.1/ (lib.sh)
#        PAC_EXTRA_PATCHES="file ..."  applied after patches/ (a 6.1 fix)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PRISTINE=0
[[ ${1:-} == --pristine ]] && PRISTINE=1

OVERLAY_DIRS=(arch mm include drivers tools Documentation kernel lib)

debian_tarball() {
	local tb
	tb=$(ls "/usr/src/linux-source-$PAC_KERNEL.tar.xz" 2>/dev/null || true)
	if [[ -z $tb ]]; then
		need_pkgs "/usr/src/linux-source-$PAC_KERNEL.tar.xz:linux-source-$PAC_KERNEL"
		tb=/usr/src/linux-source-$PAC_KERNEL.tar.xz
	fi
	echo "$tb"
}

is_kernel_tree() {
	[[ -f $1/Makefile && -f $1/mm/vmalloc.c && -f $1/arch/x86/mm/pat/set_memory.c && -f $1/Kconfig ]] &&
		grep -q '^VERSION = ' "$1/Makefile"
}

kernel_version() {
	make -s -C "$1" kernelversion 2>/dev/null ||
		awk '/^VERSION/{v=$3}/^PATCHLEVEL/{p=$3}/^SUBLEVEL/{s=$3}END{print v"."p"."s}' "$1/Makefile"
}

# Import a pristine tree into $PAC_SRC as a git repository tagged pac-base.
import_tree() {
	local from=$1 desc=$2 tmp=$PAC_SRC.tmp
	stage "importing $desc into $PAC_SRC (once)"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	if [[ -d $from ]]; then
		cp -a "$from/." "$tmp/"
	else
		tar -xf "$from" -C "$tmp" --strip-components=1
	fi
	is_kernel_tree "$tmp" || { rm -rf "$tmp"; die "$desc is not a kernel source tree"; }
	rm -rf "$tmp/.git"
	(
		cd "$tmp"
		git init -q
		# No background "git gc --auto": it would outlive us holding
		# the caller's build lock and slow the build down.
		git config gc.auto 0
		git -c core.autocrlf=false add -A -f
		git -c user.name=page_alias_check -c user.email=pac@localhost \
			commit -q -m "$desc"
		git tag "$PAC_BASE_TAG"
	)
	echo "$desc" >"$tmp/.git/pac-origin"
	rm -rf "$PAC_SRC"
	mv "$tmp" "$PAC_SRC"
}

ensure_base() {
	local origin desc ver
	if [[ -n ${KSRC:-} ]]; then
		[[ -d $KSRC ]] || die "KSRC=$KSRC: no such directory"
		KSRC=$(cd "$KSRC" && pwd)
		is_kernel_tree "$KSRC" || die "KSRC=$KSRC is not a kernel source tree (no Makefile, mm/vmalloc.c or arch/x86/mm/pat/set_memory.c)"
		ver=$(kernel_version "$KSRC")
		desc="Linux $ver from KSRC=$KSRC"
		PAC_SRC=$PAC_CACHE/src-ksrc-$(echo "$KSRC" | md5sum | cut -c1-8)
		origin=$(cat "$PAC_SRC/.git/pac-origin" 2>/dev/null || true)
		[[ $origin == "$desc" ]] || import_tree "$KSRC" "$desc"
	else
		local tb debver pkg=linux-source-$PAC_KERNEL
		tb=$(debian_tarball)
		debver=$(dpkg-query -W -f '${Version}' "$pkg" 2>/dev/null || echo unknown)
		origin=$(cat "$PAC_SRC/.git/pac-origin" 2>/dev/null || true)
		if [[ $origin != *"$pkg $debver)" ]]; then
			local x=$PAC_CACHE/extract
			rm -rf "$x"
			mkdir -p "$x"
			stage "extracting $tb"
			tar -xf "$tb" -C "$x"
			ver=$(kernel_version "$x/$pkg")
			import_tree "$x/$pkg" "Linux $ver (Debian $pkg $debver)"
			rm -rf "$x"
		fi
	fi
	echo "$PAC_SRC"
}

overlay_files() {
	local d
	cd "$PAC_ROOT"
	for d in "${OVERLAY_DIRS[@]}"; do
		[[ -d $d ]] || continue
		if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
			git ls-files --cached --others --exclude-standard -- "$d"
		else
			find "$d" -type f
		fi
	done | sort -u | while read -r f; do [[ -f $f ]] && echo "$f"; done
}

main() {
	local src p f
	src=$(ensure_base)
	PAC_SRC=$src
	stage_dir=$(mktemp -d "$PAC_CACHE/stage.XXXXXX")
	trap 'rm -rf "$stage_dir"' EXIT
	: >"$stage_dir/.files"

	if ((!PRISTINE)); then
		stage "copying overlay and applying patches/"
		overlay_files >"$stage_dir/.overlay"
		while read -r f; do
			if git -C "$src" cat-file -e "$PAC_BASE_TAG:$f" 2>/dev/null; then
				die "overlay file $f exists upstream: change it with a patch in patches/ instead"
			fi
			mkdir -p "$stage_dir/$(dirname "$f")"
			cp "$PAC_ROOT/$f" "$stage_dir/$f"
			echo "$f" >>"$stage_dir/.files"
		done <"$stage_dir/.overlay"

		for f in ${PAC_EXTRA_PATCHES:-}; do
			[[ -f $f ]] || die "PAC_EXTRA_PATCHES: no such patch: $f"
		done
		mapfile -t plist < <(pac_patches)
		# shellcheck disable=SC2206
		plist+=(${PAC_EXTRA_PATCHES:-})
		for p in "${plist[@]}"; do
			git apply --numstat "$p" | cut -f3 | while read -r f; do
				[[ -e $stage_dir/$f ]] && continue
				mkdir -p "$stage_dir/$(dirname "$f")"
				git -C "$src" show "$PAC_BASE_TAG:$f" >"$stage_dir/$f" 2>/dev/null ||
					rm -f "$stage_dir/$f"
				echo "$f" >>"$stage_dir/.files"
			done
			if ! (cd "$stage_dir" && git apply --whitespace=error-all "$p") 2>"$stage_dir/.err"; then
				echo "page_alias_check: error: patch $(basename "$p") does not apply to $(cat "$src/.git/pac-origin"):" >&2
				sed 's/^/    /' "$stage_dir/.err" >&2
				exit 1
			fi
		done
	fi

	# Copy what changed; put back what we no longer touch.
	sort -u -o "$stage_dir/.files" "$stage_dir/.files"
	local n=0
	while read -r f; do
		if [[ -e $stage_dir/$f ]]; then
			if ! cmp -s "$stage_dir/$f" "$src/$f"; then
				mkdir -p "$src/$(dirname "$f")"
				cp "$stage_dir/$f" "$src/$f"
				n=$((n + 1))
			fi
		elif [[ -e $src/$f ]]; then
			rm -f "$src/$f"
			n=$((n + 1))
		fi
	done <"$stage_dir/.files"
	git -C "$src" status --porcelain --untracked-files=all --ignored=matching -z |
		while IFS= read -r -d '' line; do
			f=${line:3}
			grep -qxF -- "$f" "$stage_dir/.files" && continue
			if [[ ${line:0:2} == '??' || ${line:0:2} == '!!' ]]; then
				# A wholly untracked directory is listed as "dir/".
				(cd "$src" && find "$f" -type f) | while read -r g; do
					grep -qxF -- "$g" "$stage_dir/.files" || rm -f "$src/$g"
				done
			else
				git -C "$src" checkout -q "$PAC_BASE_TAG" -- "$f"
			fi
		done
	stage "tree ready: $src ($(cat "$src/.git/pac-origin"); $n files updated)"
	echo "$src"
}

main
