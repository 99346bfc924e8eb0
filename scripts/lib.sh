# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the page_alias_check harness scripts. Source, do not run.

PAC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Stable paths outside the clone, so ccache hits survive fresh CI clones.
PAC_CACHE=${PAC_CACHE:-/var/tmp/pac}
# The Debian kernel to build on (make ... KERNEL=6.1): 6.12 or 6.1.  Each
# other than 6.12 has a cache of its own below PAC_CACHE (tree, builds,
# runs) and the patches of patches/<version>/ in place of those of the
# same name in patches/.
PAC_KERNEL=${PAC_KERNEL:-6.12}
case $PAC_KERNEL in
6.12) ;;
6.1) [[ $PAC_CACHE == */linux-6.1 ]] || PAC_CACHE=$PAC_CACHE/linux-6.1 ;;
*)
	printf 'page_alias_check: error: KERNEL must be 6.12 or 6.1, not %s\n' "$PAC_KERNEL" >&2
	exit 1
	;;
esac
PAC_SRC=${PAC_SRC:-$PAC_CACHE/src}
PAC_BASE_TAG=pac-base
PAC_T0=${PAC_T0:-$(date +%s)}
export PAC_ROOT PAC_CACHE PAC_SRC PAC_T0 PAC_KERNEL
# depmod (modules_install) and other tools live in sbin, which a non-login
# root shell (CI) may not have on its PATH.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac

stage() {
	local now
	now=$(date +%s)
	printf '==> [%4ds] %s\n' "$((now - PAC_T0))" "$*" >&2
}

die() {
	printf 'page_alias_check: error: %s\n' "$*" >&2
	exit 1
}

# Install missing Debian packages. $1.. are "command:package" pairs or
# "file:package" pairs (a path starting with /).
need_pkgs() {
	local missing=() why=() spec what pkg
	for spec in "$@"; do
		what=${spec%%:*}
		pkg=${spec#*:}
		if [[ $what == /* ]]; then
			[[ -e $what ]] && continue
		else
			command -v "$what" >/dev/null 2>&1 && continue
		fi
		[[ " ${missing[*]} " == *" $pkg "* ]] || missing+=("$pkg")
		why+=("$what")
	done
	((${#missing[@]})) || return 0
	stage "installing packages: ${missing[*]} (for ${why[*]})"
	if [[ $(id -u) -ne 0 ]]; then
		die "missing packages ${missing[*]} (for ${why[*]}) and not root: install them first"
	fi
	local log=$PAC_CACHE/apt.log
	{ mkdir -p "$PAC_CACHE" && : >"$log"; } 2>/dev/null || log=$(mktemp)
	if ! command -v apt-get >/dev/null 2>&1; then
		die "missing packages ${missing[*]} (for ${why[*]}) and no apt-get: install them first"
	fi
	if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
		die "missing packages ${missing[*]} (for ${why[*]}): apt-get install failed: $(grep -E '^(E|W): ' "$log" | tail -n 1 | cut -c1-160) (log: $log)"
	fi
}

# The packages every kernel build needs.
need_build_pkgs() {
	need_pkgs flex:flex bison:bison bc:bc ccache:ccache cpio:cpio \
		pahole:dwarves /usr/include/libelf.h:libelf-dev \
		/usr/include/openssl/ssl.h:libssl-dev perl:perl xz:xz-utils \
		rsync:rsync depmod:kmod
}

need_boot_pkgs() {
	need_pkgs qemu-system-x86_64:qemu-system-x86 /bin/busybox:busybox-static \
		cpio:cpio timeout:coreutils
}

# evaluate RUN NAME RESULTS [ktap_eval.py options...]: judge one boot into
# RESULTS.  Failures are in RESULTS; a broken evaluator (exit 2) is a
# failure of its own there, never a boot that silently counts nothing.
evaluate() {
	local run=$1 name=$2 results=$3 rc=0
	shift 3
	python3 "$PAC_ROOT/scripts/ktap_eval.py" "$run" --name "$name" \
		--results "$results" "$@" || rc=$?
	if ((rc > 1)); then
		echo "fail $name:evaluator" >>"$results"
		echo "  FAIL $name:evaluator (ktap_eval.py exit $rc, see above)"
	fi
	return 0
}

# guest_kernel VARIANT [--mm]: build kernel VARIANT, the guest's test
# programs (--mm: with the upstream mm kselftests) and the initramfs
# BUILD/initramfs.cpio.gz that boot.sh boots; prints BUILD.
guest_kernel() {
	local v=$1 b bins
	shift
	# Called in $(...), where errexit does not reach: fail explicitly.
	b=$("$PAC_ROOT/scripts/build-kernel.sh" "$v") || return 1
	bins=$("$PAC_ROOT/scripts/build-selftests.sh" "$@" "$b") || return 1
	PAC_GUEST_BINS=$bins "$PAC_ROOT/scripts/mkinitramfs.sh" "$b" \
		"$b/initramfs.cpio.gz" >&2 || return 1
	echo "$b"
}

# An XFS image DIR/NAME.img with one directory /dir of FILES empty files
# (a mkfs.xfs protofile), for the XFS stress and make bench.  mkfs.xfs
# (xfsprogs >= 5.19) refuses file systems under 300 MB: 320 MiB sparse
# files.  Rebuilt only when the parameters or xfsprogs change.
xfs_dir_image() { # DIR NAME FILES MKFS_OPTS...
	local dir=$1 name=$2 files=$3 img=$1/$2.img size=320M key
	shift 3
	need_pkgs mkfs.xfs:xfsprogs xfs_repair:xfsprogs
	key="$size $files $* $(mkfs.xfs -V)"
	if [[ -f $img && -f $img.key && $(cat "$img.key") == "$key" ]]; then
		return 0
	fi
	stage "image $name: mkfs.xfs $* with /dir of $files empty files (protofile)"
	: >"$dir/empty"
	{
		echo /dev/null
		echo "0 0"
		echo "d--755 0 0"
		echo "dir d--755 0 0"
		awk -v n="$files" -v e="$dir/empty" \
			'BEGIN { for (i = 0; i < n; i++) printf "file-%06d ---644 0 0 %s\n", i, e }'
		echo '$'
		echo '$'
	} >"$dir/$name.proto"
	rm -f "$img" "$img.key"
	truncate -s "$size" "$img"
	# xfsprogs 6.1's protofile code warns "Transaction block reservation
	# exceeded" for big directories; xfs_repair -n below proves the result.
	mkfs.xfs -q "$@" -p "$dir/$name.proto" "$img" >"$dir/$name.mkfs.log" 2>&1 ||
		{ tail -n 5 "$dir/$name.mkfs.log" >&2; die "mkfs.xfs $* failed"; }
	xfs_repair -n "$img" >"$dir/$name.repair.log" 2>&1 ||
		{ tail -n 5 "$dir/$name.repair.log" >&2; die "fresh image $name is not clean"; }
	echo "$key" >"$img.key"
}

# The patches to apply, in name order: patches/*.patch, each replaced by
# the one of the same name in patches/$PAC_KERNEL/ if there is one, and that
# directory's own patches.  One path per line.
pac_patches() {
	local d=$PAC_ROOT/patches/$PAC_KERNEL name
	[[ $PAC_KERNEL != 6.12 && -d $d ]] || d=""
	find "$PAC_ROOT/patches" ${d:+"$d"} -maxdepth 1 -name '*.patch' -printf '%f\n' |
		sort -u | while read -r name; do
			if [[ -n $d && -e $d/$name ]]; then
				echo "$d/$name"
			else
				echo "$PAC_ROOT/patches/$name"
			fi
		done
}

# vmap_block_fix FILE: does FILE (a tree's mm/vmalloc.c) carry 6.5's
# "mm/vmalloc: prevent stale TLBs in fully utilized blocks" (fc1e0d980037)?
# Without it _vm_unmap_aliases() walks the per-CPU free lists of
# vmap_blocks (list_for_each_entry_rcu(vb, &vbq->free, ...)), which a
# fully used block is not on; with it, an xarray of all blocks
# (xa_for_each).  Prints "absent" or "present"; fails if it finds neither.
vmap_block_fix() {
	local body
	body=$(awk '/^static void _vm_unmap_aliases\(/ { on = 1 } on { print } on && /^}/ { exit }' "$1") ||
		return 1
	if grep -q 'list_for_each_entry_rcu(vb, &vbq->free,' <<<"$body"; then
		echo absent
	elif grep -q 'xa_for_each(' <<<"$body"; then
		echo present
	else
		printf 'page_alias_check: error: %s: _vm_unmap_aliases() walks neither the per-CPU free lists nor an xarray of vmap_blocks: cannot tell whether the 6.5 vmap_block fix is there\n' "$1" >&2
		return 1
	fi
}
