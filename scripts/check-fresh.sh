#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make check-fresh": the two README commands as a new user runs them on a
# fresh machine.  Builds a minimal Debian 12 root with mmdebstrap (from the
# machine's own apt sources) holding only what a fresh machine has (gcc,
# make, git, python3), clones the committed HEAD of this repository into it
# and runs "make run" and then "make check" there with empty caches,
# printing how long each took.  Not part of "make check": about 35 minutes.
#
# Env: FRESH_TARGETS ("run check"): the make targets to run, in order;
#      FRESH_ROOT: where to build the root ($PAC_CACHE/fresh/root).
# Also writes the fresh root's command list to $PAC_CACHE/fresh/commands.txt
# and compares it with scripts/config/fresh-machine-commands.txt, the list
# that scripts/host_commands.py trusts.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

TARGETS=${FRESH_TARGETS:-run check}
for t in $TARGETS; do
	case $t in run | check | lint | stress | check-debug) ;;
	*) die "FRESH_TARGETS: unknown target '$t' (expected run, check, lint, stress or check-debug)" ;;
	esac
done
[[ $(id -u) -eq 0 ]] || die "check-fresh needs root (chroot, mounts)"
[[ -z $(git -C "$PAC_ROOT" status --porcelain) ]] ||
	stage "note: uncommitted or untracked changes are not in the clone (it takes HEAD)"

FRESH=$PAC_CACHE/fresh
ROOT=${FRESH_ROOT:-$FRESH/root}
LOG=$FRESH/log
# The root is deleted and mounted on: only a directory of its own.
case $ROOT in
/* ) ;;
*) die "FRESH_ROOT must be an absolute path, not '$ROOT'" ;;
esac
ROOT=${ROOT%/}
[[ $ROOT != / && ! -e $ROOT || -e $ROOT/.pac-fresh-root ]] ||
	die "FRESH_ROOT=$ROOT exists and is not a root made by check-fresh (no .pac-fresh-root): refusing to delete it"
# A fresh machine: Debian 12 and these, nothing else (env/machines).
BASE_PKGS=gcc,make,git,python3,ca-certificates

need_pkgs mmdebstrap:mmdebstrap mount:mount umount:mount flock:util-linux

sources=/etc/apt/sources.list.d/debian.sources
[[ -f $sources ]] || sources=/etc/apt/sources.list
[[ -f $sources ]] || die "no apt sources on this machine ($sources)"

cleanup() {
	local m
	for m in dev/pts dev proc sys tmp; do
		if mountpoint -q "$ROOT/$m" 2>/dev/null; then
			umount -l "$ROOT/$m" || echo "check-fresh: warning: cannot unmount $ROOT/$m" >&2
		fi
	done
	return 0
}

mkdir -p "$FRESH" "$LOG"
# One run at a time: a second one would unmount and delete the first's root.
exec 9>"$FRESH/.lock"
flock -n 9 || die "another check-fresh run holds $FRESH/.lock"
trap cleanup EXIT
cleanup
if grep -q " $ROOT/" /proc/self/mounts; then
	die "still mounted under $ROOT: $(grep " $ROOT/" /proc/self/mounts | cut -d' ' -f2 | tr '\n' ' ')"
fi
rm -rf --one-file-system "$ROOT"
stage "mmdebstrap: Debian bookworm, variant apt, + ${BASE_PKGS//,/ } in $ROOT"
t0=$(date +%s)
if ! mmdebstrap --variant=apt --include="$BASE_PKGS" bookworm "$ROOT" "$sources" \
	>"$LOG/mmdebstrap.log" 2>&1; then
	tail -n 20 "$LOG/mmdebstrap.log" >&2
	die "mmdebstrap failed; log: $LOG/mmdebstrap.log"
fi
touch "$ROOT/.pac-fresh-root"
stage "root built in $(($(date +%s) - t0)) s"

# What a fresh machine can run, for host_commands.py.
chroot "$ROOT" /bin/bash -c 'for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
	[ -d "$d" ] && ls -1 "$d"; done' | sort -u >"$FRESH/commands.txt"
missing=$(comm -23 <(grep -v '^#' "$PAC_ROOT/scripts/config/fresh-machine-commands.txt" | sort -u) \
	"$FRESH/commands.txt")
[[ -z $missing ]] ||
	die "scripts/config/fresh-machine-commands.txt lists commands a fresh root lacks: $(echo $missing)"

mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
mount -t proc proc "$ROOT/proc"
mount -t sysfs sysfs "$ROOT/sys"
mount -t tmpfs tmpfs "$ROOT/tmp"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
git clone -q --no-local "$PAC_ROOT" "$ROOT/work/main"
stage "cloned $(git -C "$ROOT/work/main" log -1 --format='%h %s' | cut -c1-60)"

summary=()
rc=0
for t in $TARGETS; do
	stage "fresh root: make $t (log: $LOG/make-$t.log)"
	t0=$(date +%s)
	trc=0
	chroot "$ROOT" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c 'cd /work/main && make "$1"' _ "$t" >"$LOG/make-$t.log" 2>&1 || trc=$?
	secs=$(($(date +%s) - t0))
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LOG/make-$t.log" | tail -n 1 || true)
	summary+=("make $t: exit $trc in $((secs / 60)) min $((secs % 60)) s${last:+ ($last)}")
	stage "${summary[-1]}"
	if ((trc)); then
		tail -n 40 "$LOG/make-$t.log" | sed 's/^/  | /' >&2
		rc=1
		break
	fi
done
echo "fresh root ($(date -u +%F)):"
printf '  %s\n' "${summary[@]}"
exit $rc
