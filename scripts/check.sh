#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every test suite of page_alias_check in QEMU and print
# "N passed, N failed[, N skipped]" as the last line.
# Env: PAC_SUITES="kunit boot-off ..." to run a subset; PAC_INJECT=panic|hang|fail|truncate|report
#      makes the main boot fail on purpose (to see the harness catch it);
#      PAC_STRESS_SECONDS (25): length of the stress suite's stress.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DEFAULT_SUITES="harness kunit ordinary epoch boot-param-off boot-bad-params kernel-off selftests live-off bug real xfs lint debug stress"
ALL_SUITES="$DEFAULT_SUITES kcsan vmap-block"
# KERNEL=6.1 (Debian 12's own kernel): the suites that test the checker on
# that kernel, and vmap-block, its vm_unmap_aliases() stale-TLB bug; the
# others test the harness, the debug kernels or 6.12-only users (README).
if [[ $PAC_KERNEL == 6.1 ]]; then
	DEFAULT_SUITES="kunit vmap-block selftests epoch boot-param-off boot-bad-params kernel-off bug"
fi
SUITES=${PAC_SUITES:-$DEFAULT_SUITES}
for s in $SUITES; do
	[[ " $ALL_SUITES " == *" $s "* ]] || die "unknown suite '$s' in PAC_SUITES (known: $ALL_SUITES)"
done
case ${PAC_INJECT:-} in '' | panic | hang | fail | truncate | report) ;; *) die "PAC_INJECT must be panic, hang, fail, truncate or report, not '$PAC_INJECT'" ;; esac
STRESS_SECS=${PAC_STRESS_SECONDS:-25}
[[ $STRESS_SECS =~ ^[0-9]+$ ]] && ((STRESS_SECS >= 5 && STRESS_SECS <= 3600)) ||
	die "PAC_STRESS_SECONDS must be 5..3600, not '$STRESS_SECS'"

OUT=$PAC_CACHE/runs
mkdir -p "$OUT"
RESULTS=$OUT/results.txt
: >"$RESULTS"
SRC=""
declare -A KDIR

# require_results NAME TEST...: boot NAME passed each TEST (by name): a
# test that was not run, or ran under another name, fails.
require_results() {
	local name=$1 t
	shift
	for t in "$@"; do
		if grep -qx "pass $name:$t" "$RESULTS"; then
			echo "pass $name:expected_$t" >>"$RESULTS"
		else
			echo "fail $name:expected_$t" >>"$RESULTS"
			echo "  FAIL $name: no passed $t ($OUT/$name/ktap.log)"
		fi
	done
}

# Build a kernel variant and its initramfs once per run (in this shell).
prepare() {
	local v=$1
	[[ -n ${KDIR[$v]:-} ]] && return 0
	local mm=()
	# The upstream mm kselftests run on these.
	[[ $v == debug || $v == upstream ]] && mm=(--mm)
	KDIR[$v]=$(guest_kernel "$v" "${mm[@]}")
}

# vmapbug VARIANT: build VARIANT and set VMAPFIX[VARIANT] to whether its
# mm/vmalloc.c has the 6.5 vmap_block fix (build-kernel.sh records it:
# "absent" or "present") and VMAPBUG to the boot argument that tells the
# tests to expect the stale-TLB bug (" pac.vmapbug=1", or "").  Not in
# $(...): prepare must record the build in this shell.
declare -A VMAPFIX
VMAPBUG=""
vmapbug() {
	local v=$1 st
	prepare "$v"
	if [[ -z ${VMAPFIX[$v]:-} ]]; then
		st=$(cat "${KDIR[$v]}/.pac-vmap-block-fix" 2>/dev/null || echo unknown)
		case $st in
		absent)
			stage "kernel $v: mm/vmalloc.c lacks the 6.5 vmap_block fix (_vm_unmap_aliases() walks only the per-CPU free lists): the tests expect the stale-TLB bug (pac.vmapbug=1)"
			;;
		present)
			stage "kernel $v: mm/vmalloc.c has the 6.5 vmap_block fix: vm_unmap_aliases() must flush fully used vmap_blocks"
			;;
		*)
			die "kernel $v: cannot tell whether $(cat "${KDIR[$v]}/.pac-src")/mm/vmalloc.c has the 6.5 vmap_block fix"
			;;
		esac
		VMAPFIX[$v]=$st
	fi
	VMAPBUG=""
	[[ ${VMAPFIX[$v]} == present ]] || VMAPBUG=" pac.vmapbug=1"
}

# boot NAME VARIANT "ARGS" [ktap_eval options...]
boot() {
	local name=$1 variant=$2 args=$3 b ird rc=0
	shift 3
	prepare "$variant"
	b=${KDIR[$variant]}
	ird=$b/initramfs.cpio.gz
	stage "boot $name ($variant): $args"
	"$PAC_ROOT/scripts/boot.sh" "$OUT/$name" "$b/arch/x86/boot/bzImage" "$ird" "$args" || rc=$?
	stage "parse $name (qemu exit $rc)"
	evaluate "$OUT/$name" "$name" "$RESULTS" \
		--kunitpy "$(cat "$b/.pac-src")/tools/testing/kunit/kunit.py" "$@"
}

# The suites as upstream's tooling runs them: kunit.py configures an x86_64
# kernel from mm/page_alias_check.kunitconfig alone, builds it (ccache;
# about 6 min cold) and boots it in QEMU, 2 vCPUs for the race cases.
kunit_py() {
	local src b=$PAC_CACHE/build/kunitpy log=$OUT/kunitpy.log rc=0 line
	if [[ $PAC_KERNEL != 6.12 ]]; then
		stage "kunit.py: 6.12 only (the boots above ran the suites on $PAC_KERNEL)"
		return 0
	fi
	need_pkgs qemu-system-x86_64:qemu-system-x86
	src=$("$PAC_ROOT/scripts/prepare-tree.sh")
	stage "kunit.py run --arch=x86_64 --kunitconfig=mm/page_alias_check.kunitconfig"
	(cd "$src" && CCACHE_DIR=${CCACHE_DIR:-$PAC_CACHE/ccache} CCACHE_BASEDIR=$PAC_CACHE \
		CCACHE_NOHASHDIR=1 python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
		--kunitconfig=mm/page_alias_check.kunitconfig --build_dir="$b" \
		--jobs="$(($(nproc) + 1))" --timeout=900 --qemu_args="-smp 2" \
		--make_options="CC=ccache gcc") >"$log" 2>&1 || rc=$?
	line=$(grep -a -o 'Testing complete\..*' "$log" | tail -n 1 || true)
	echo "  kunit.py: ${line:-no summary} (exit $rc)"
	if ((rc == 0)) && [[ $line =~ passed:\ ([0-9]+) ]] && ((BASH_REMATCH[1] > 0)); then
		echo "pass kunitpy:page_alias_check" >>"$RESULTS"
	else
		echo "fail kunitpy:page_alias_check" >>"$RESULTS"
		echo "  FAIL kunitpy:page_alias_check: $log"
		tail -n 20 "$log" | sed 's/^/    /'
	fi
}

# The harness must catch each kind of failure: run a broken boot, then
# record a pass only if the evaluator failed it for the right reason.
# harness_catches NAME TIMEOUT "ARGS" WANT [ktap_eval options...]: WANT is
# an extended regex that the evaluator's output or the guest's KTAP must
# match (the reason, not just any failure).
harness_catches() {
	local name=$1 timeout=$2 args=$3 want=$4 b ird log hit rc run=$OUT/harness-$1
	shift 4
	prepare on
	b=${KDIR[on]}
	ird=$b/initramfs.cpio.gz
	stage "harness self-test: $name must fail"
	PAC_TIMEOUT=$timeout "$PAC_ROOT/scripts/boot.sh" "$run" \
		"$b/arch/x86/boot/bzImage" "$ird" "$args" || true
	log=$run/eval.txt
	rc=0
	python3 "$PAC_ROOT/scripts/ktap_eval.py" "$run" --name "injected-$name" \
		--results /dev/null "$@" >"$log" 2>&1 || rc=$?
	hit=$(cat "$log" "$run/ktap.log" 2>/dev/null | tr -d '\r' | grep -E -- "$want" || true)
	if ((rc == 0)); then
		echo "fail harness:catches_$name" >>"$RESULTS"
		echo "  FAIL harness:catches_$name (evaluator passed a broken boot)"
	elif ((rc == 1)) && grep -q 'last 40 lines' "$log" && [[ -n $hit ]]; then
		echo "pass harness:catches_$name" >>"$RESULTS"
		echo "  caught: $(sed 's/^ *//' <<<"${hit%%$'\n'*}")"
	else
		echo "fail harness:catches_$name" >>"$RESULTS"
		echo "  FAIL harness:catches_$name (no serial tail, or no /$want/: $log)"
	fi
}

# The guest's CPA self-test verdict (scripts/guest/lib.sh cpa_verdict) on
# logs of a pass, a failure and a test that never finished: only the pass
# may read "ok.".
harness_cpa_verdict() {
	local out
	out=$(
		cd "$PAC_ROOT/scripts/guest"
		for log in "CPA self-test:|ok." "CPA self-test:|CPA lookup of 1000 failed" \
			"CPA self-test:| 4k 262 large 0" "CPA self-test:|foo: all ok."; do
			dmesg() { tr '|' '\n' <<<"$log" | sed 's/^/[    1.0] /'; }
			# shellcheck source=scripts/guest/lib.sh
			. ./lib.sh
			printf '%s;' "$(cpa_verdict)"
		done
	)
	if [[ $out == "ok.;CPA lookup of 1000 failed;;;" ]]; then
		echo "pass harness:cpa_verdict_needs_ok" >>"$RESULTS"
	else
		echo "fail harness:cpa_verdict_needs_ok" >>"$RESULTS"
		echo "  FAIL harness:cpa_verdict_needs_ok: verdicts '$out'"
	fi
}

# Triage must compare on the same kernel with only the checker off: a
# failure that this kernel has anyway becomes a skip, one that only the
# checker causes stays a failure, one that no rerun repeats becomes a skip
# (guest test mmtriage.sh; on any other kernel, the upstream one, the first
# would stay a failure).
harness_triage() {
	local run=$OUT/harness-triage args="pac.run=mmtriage kunit.enable=0 page_alias_check=warn"
	local res=$OUT/harness-triage-results.txt
	prepare on
	stage "harness: triage of failing mm kselftests"
	"$PAC_ROOT/scripts/boot.sh" "$run" "${KDIR[on]}/arch/x86/boot/bzImage" \
		"${KDIR[on]}/initramfs.cpio.gz" "$args" || true
	: >"$res"
	evaluate "$run" triage "$res" >/dev/null
	(RESULTS=$res triage_mm_failures triage on "$args" mmtriage) | sed 's/^/  /'
	if grep -qx 'skip triage:mm_fails_on_this_kernel' "$res" &&
		grep -qx 'fail triage:mm_fails_with_checker' "$res" &&
		grep -qx 'skip triage:mm_fails_once' "$res"; then
		echo "pass harness:triage_same_kernel_checker_off" >>"$RESULTS"
	else
		echo "fail harness:triage_same_kernel_checker_off" >>"$RESULTS"
		echo "  FAIL harness:triage_same_kernel_checker_off: $(grep mm_ "$res" | tr '\n' ' ')"
	fi
}

# A broken evaluator is a failure of its own, not a boot that counts
# nothing: feed it a run it cannot read (serial.log a directory).
harness_evaluator_breaks() {
	local run=$OUT/harness-evaluator res=$OUT/harness-evaluator/results.txt
	rm -rf "$run"
	mkdir -p "$run/serial.log"
	: >"$res"
	evaluate "$run" broken "$res" >"$run/eval.txt" 2>&1
	if grep -qx 'fail broken:evaluator' "$res"; then
		echo "pass harness:catches_evaluator_exception" >>"$RESULTS"
		echo "  caught: $(grep -m1 'FAIL broken:evaluator' "$run/eval.txt")"
	else
		echo "fail harness:catches_evaluator_exception" >>"$RESULTS"
		echo "  FAIL harness:catches_evaluator_exception: $(tail -n 3 "$run/eval.txt")"
	fi
}

# expect_error NAME REGEX CMD...: CMD must fail with an error matching REGEX.
expect_error() {
	local name=$1 re=$2 out rc=0
	shift 2
	out=$("$@" 2>&1) || rc=$?
	if ((rc != 0)) && grep -qE -- "$re" <<<"$out"; then
		echo "pass harness:$name" >>"$RESULTS"
		echo "  rejected: $(grep -E -m1 -- "$re" <<<"$out")"
	else
		echo "fail harness:$name" >>"$RESULTS"
		echo "  FAIL harness:$name (exit $rc): $out" | head -n 5
	fi
}

# fake_path DIR TOOL...: DIR becomes a PATH with every command of this
# machine but TOOL..., and an apt-get that always fails.
fake_path() {
	local dir=$1 d f
	shift
	mkdir -p "$dir"
	for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
		[[ -d $d ]] || continue
		for f in "$d"/*; do
			[[ -x $f && ! -e $dir/${f##*/} ]] && ln -s "$f" "$dir/${f##*/}"
		done
	done
	for f in "$@" apt-get; do rm -f "$dir/$f"; done
	printf '#!/bin/sh\necho "E: stub apt-get $*: no network" >&2\nexit 100\n' >"$dir/apt-get"
	chmod +x "$dir/apt-get"
}

# Kill a build in the middle (SIGKILL to make and its compilers, as a crash
# or a lost session would), build again: it must succeed and the kernel boot.
harness_interrupted_build() {
	local b src log pid i killed=0 rc=0
	prepare on
	b=${KDIR[on]}
	src=$(cat "$b/.pac-src")
	log=$OUT/harness-interrupt.log
	stage "harness: a build killed mid-way, then built again"
	# One changed file: a compile (ccache) and the vmlinux link, ~20 s.
	touch "$src/mm/page_alias_check_report.c"
	setsid "$PAC_ROOT/scripts/build-kernel.sh" on >/dev/null 2>"$log" &
	pid=$!
	for ((i = 0; i < 240; i++)); do
		grep -q '] build (on)' "$log" && break
		sleep 0.5
	done
	sleep 4
	# Still compiling or linking (not merely an unreaped process)?
	if pgrep -g "$pid" -x make >/dev/null; then
		kill -KILL -- -"$pid" 2>/dev/null || true
		killed=1
	fi
	wait "$pid" 2>/dev/null || true
	echo "--- killed: $killed; build again" >>"$log"
	"$PAC_ROOT/scripts/build-kernel.sh" on >/dev/null 2>>"$log" || rc=$?
	if ((killed && rc == 0)) && [[ $b/arch/x86/boot/bzImage -nt $src/mm/page_alias_check_report.c ]]; then
		echo "pass harness:interrupted_build_rebuilds" >>"$RESULTS"
		boot harness-after-interrupt on "pac.run=boot kunit.enable=0 page_alias_check=warn"
	else
		echo "fail harness:interrupted_build_rebuilds" >>"$RESULTS"
		echo "  FAIL harness:interrupted_build_rebuilds (killed mid-build: $killed, rebuild exit $rc; log $log)"
		tail -n 5 "$log" | sed 's/^/  | /'
	fi
}

# Every command the host scripts run exists on a fresh machine or is
# installed by need_pkgs (scripts/host_commands.py); a script calling a
# command that is neither must be caught.
harness_host_commands() {
	local tmp log=$OUT/host-commands.txt
	stage "harness: host commands on a fresh machine or installed"
	if python3 "$PAC_ROOT/scripts/host_commands.py" >"$log" 2>&1; then
		echo "pass harness:host_commands_installed" >>"$RESULTS"
		echo "  $(tail -n 1 "$log")"
	else
		echo "fail harness:host_commands_installed" >>"$RESULTS"
		echo "  FAIL harness:host_commands_installed:"
		sed 's/^/  | /' "$log"
	fi
	tmp=$(mktemp -d)
	printf '#!/bin/bash\nset -euo pipefail\nx=$(zstd -d <"$1" | wc -l)\n' >"$tmp/uses-zstd.sh"
	expect_error host_commands_catches_uninstalled "uses-zstd.sh:3: 'zstd' is neither on a fresh machine" \
		python3 "$PAC_ROOT/scripts/host_commands.py" "$tmp/uses-zstd.sh"
	rm -rf "$tmp"
}

# Bad input to the scripts: a clear error, a non-zero exit, nothing changed.
harness_bad_input() {
	local tmp before
	tmp=$(mktemp -d)
	"$PAC_ROOT/scripts/prepare-tree.sh" >/dev/null	# a fresh machine has no tree yet
	# The missing-tool cases remove one tool each: the rest must be there
	# (a fresh machine has none of them yet).
	need_build_pkgs
	need_boot_pkgs
	before=$(git -C "$PAC_SRC" status --porcelain --ignored=matching | md5sum)
	expect_error bad_ksrc 'KSRC=.* is not a kernel source tree' \
		env KSRC="$tmp" "$PAC_ROOT/scripts/prepare-tree.sh"
	expect_error bad_ksrc_missing 'KSRC=.*: no such directory' \
		env KSRC="$tmp/none" "$PAC_ROOT/scripts/prepare-tree.sh"
	expect_error bad_suite "unknown suite 'bogus'" env PAC_SUITES=bogus "$PAC_ROOT/scripts/check.sh"
	expect_error bad_kernel 'KERNEL must be 6.12 or 6.1, not 5.10' \
		env PAC_KERNEL=5.10 "$PAC_ROOT/scripts/prepare-tree.sh"
	expect_error bad_inject 'PAC_INJECT must be' env PAC_INJECT=crash "$PAC_ROOT/scripts/check.sh"
	expect_error bad_variant "unknown VARIANT 'fast'" "$PAC_ROOT/scripts/build-kernel.sh" fast
	expect_error bad_policy "POLICY must be warn, purge or bug" env POLICY=loud "$PAC_ROOT/scripts/run-demo.sh"
	expect_error bad_bench_iters 'BENCH_ITERS must be' env BENCH_ITERS=x "$PAC_ROOT/scripts/bench.sh"
	# A patch that does not apply: named, with the failing hunk; tree untouched.
	git -C "$PAC_ROOT" ls-files -z | (cd "$PAC_ROOT" && xargs -0 cp --parents -t "$tmp")
	sed -i '0,/^ /s/^ \(.*\)$/ \1 CORRUPTED/' "$tmp/patches/0002-mm-vmalloc-record-lazy-unmaps.patch"
	expect_error bad_patch 'patch 0002-mm-vmalloc-record-lazy-unmaps.patch does not apply' \
		"$tmp/scripts/prepare-tree.sh"
	# A needed tool missing and apt-get failing (a stub): one line naming
	# the package, non-zero exit.
	fake_path "$tmp/nobuildtools" flex
	expect_error missing_tool_build 'missing packages flex \(for flex\): apt-get install failed: E: stub' \
		env PATH="$tmp/nobuildtools" PAC_CACHE="$tmp/cache" "$PAC_ROOT/scripts/build-kernel.sh" on
	fake_path "$tmp/noqemu" qemu-system-x86_64
	expect_error missing_tool_boot 'missing packages qemu-system-x86 \(for qemu-system-x86_64\): apt-get install failed' \
		env PATH="$tmp/noqemu" PAC_CACHE="$tmp/cache" "$PAC_ROOT/scripts/boot.sh" "$tmp/run" x y ""
	rm -rf "$tmp/cache"
	# A build directory that cannot be created, or is read-only: an error
	# before any work, nothing created anywhere.
	: >"$tmp/file"
	expect_error bad_build_dir_uncreatable "cannot create build directory $tmp/file/build" \
		env PAC_CACHE="$tmp/cache" PAC_BUILD_DIR="$tmp/file/build" "$PAC_ROOT/scripts/build-kernel.sh" on
	mkdir -p "$tmp/ro"
	if mount -t tmpfs -o ro,size=1m tmpfs "$tmp/ro" 2>/dev/null; then
		expect_error bad_build_dir_read_only "build directory $tmp/ro is not writable" \
			env PAC_CACHE="$tmp/cache" PAC_BUILD_DIR="$tmp/ro" "$PAC_ROOT/scripts/build-kernel.sh" on
		umount "$tmp/ro"
	else
		echo "skip harness:bad_build_dir_read_only" >>"$RESULTS"
		echo "  SKIP harness:bad_build_dir_read_only (cannot mount a read-only tmpfs here)"
	fi
	if [[ ! -e $tmp/cache && -z $(ls -A "$tmp/ro") && -f $tmp/file && ! -s $tmp/file ]]; then
		echo "pass harness:bad_build_dir_changes_nothing" >>"$RESULTS"
	else
		echo "fail harness:bad_build_dir_changes_nothing" >>"$RESULTS"
		echo "  FAIL harness:bad_build_dir_changes_nothing: $(find "$tmp/cache" "$tmp/ro" 2>/dev/null | head -n 3)"
	fi
	if [[ $(git -C "$PAC_SRC" status --porcelain --ignored=matching | md5sum) == "$before" ]]; then
		echo "pass harness:bad_input_leaves_tree_alone" >>"$RESULTS"
	else
		echo "fail harness:bad_input_leaves_tree_alone" >>"$RESULTS"
		echo "  FAIL harness:bad_input_leaves_tree_alone"
	fi
	rm -rf "$tmp"
}

# Each live-mapping detection must have a test that fails without it: boot
# with page_alias_check_live=off; each bug case must fail for the missing
# detection ("not detected", not an earlier step), each legal case pass.
live_off() {
	local b ird ktap name line want=(live_wb_vmap_then_wc_caught
		live_wc_vmap_then_wb_caught live_wb_vmap_of_wc_page_caught
		live_freed_while_mapped_caught)
	local legal=(live_ttm_wc_vmap_legal live_vm_map_put_pages_legal live_vmalloc_legal)
	prepare on
	b=${KDIR[on]}
	ird=$b/initramfs.cpio.gz
	stage "boot live-off (on): the live detections must fail"
	"$PAC_ROOT/scripts/boot.sh" "$OUT/live-off" "$b/arch/x86/boot/bzImage" "$ird" \
		"pac.run=live kunit.enable=0 page_alias_check=warn page_alias_check_live=off" || true
	ktap=$OUT/live-off/ktap.log
	for name in "${want[@]}" "${legal[@]}"; do
		line="ok [0-9]+ $name"
		[[ " ${want[*]} " == *" $name "* ]] && line="not ok [0-9]+ $name: not detected"
		if tr -d '\r' <"$ktap" | grep -qE "^$line\$"; then
			echo "pass live-off:${name}_without_live" >>"$RESULTS"
		else
			echo "fail live-off:${name}_without_live" >>"$RESULTS"
			echo "  FAIL live-off:$name: no \"$line\" with page_alias_check_live=off"
			tail -n 20 "$ktap" | sed 's/^/  | /'
		fi
	done
	if grep -qE 'page_alias_check: enabled, .*live mappings' "$OUT/live-off/serial.log" ||
		! grep -qE 'page_alias_check: enabled, .* 0 bytes per page' "$OUT/live-off/serial.log"; then
		echo "fail live-off:no_live_tracking" >>"$RESULTS"
		echo "  FAIL live-off: live tracking enabled (or page_ext used) despite page_alias_check_live=off"
	else
		echo "pass live-off:no_live_tracking" >>"$RESULTS"
	fi
}

# An mm kselftest that fails under the checker is run again, MM_REPS times
# in one boot of the same kernel with the same arguments, once booted with
# page_alias_check=off and once as before.  One that fails booted off too is
# not ours: its result becomes a skip that says so.  One that fails only
# with the checker stays a failure.  One that passes every rerun both ways
# did not reproduce (upstream's droppable test, whose 2 MiB must all be
# reclaimed within 10 s, failed once in CI under DEBUG_PAGEALLOC and passed
# 80 runs in a row after): a skip that prints how often it was rerun.
# The reruns ask the tests alone, never the checker.
# triage_mm_failures NAME VARIANT "ARGS" [GUEST_TESTS]: the reruns run
# GUEST_TESTS (mmselftests).
MM_REPS=3
triage_mm_failures() {
	local name=$1 variant=$2 args=$3 tests=${4:-mmselftests} fails t off on only
	fails=$(sed -n "s/^fail $name:\(mm_[A-Za-z0-9_]*\)$/\1/p" "$RESULTS")
	[[ -n $fails ]] || return 0
	stage "$name: $(echo $fails) failed; $MM_REPS runs each booted off, then as before"
	only=$(echo $fails | tr ' ' ',')
	args=$(sed "s/pac.run=[^ ]*/pac.run=$tests/" <<<"$args")
	args="$args pac.mmonly=$only pac.mmreps=$MM_REPS"
	off=$OUT/$name-checker-off
	on=$OUT/$name-rerun
	mm_rerun "$off" "$variant" "$(sed 's/\(^\| \)page_alias_check=[a-z]*//g' <<<"$args") page_alias_check=off" checker-off
	mm_rerun "$on" "$variant" "$args" rerun
	for t in $fails; do
		if grep -qx "fail checker-off:$t" "$off/results.txt"; then
			sed -i "s/^fail $name:$t\$/skip $name:$t/" "$RESULTS"
			echo "  SKIP $name:$t: fails with page_alias_check=off too ($(mm_reps "$off" "$t")), not the checker"
		elif ! grep -qx "pass checker-off:$t" "$off/results.txt"; then
			echo "  FAIL $name:$t stays a failure: no result with page_alias_check=off ($off)"
		elif grep -qx "pass rerun:$t" "$on/results.txt"; then
			sed -i "s/^fail $name:$t\$/skip $name:$t/" "$RESULTS"
			echo "  SKIP $name:$t: did not reproduce: rerun $MM_REPS times with the checker" \
				"and $MM_REPS times without, all passed"
		else
			echo "  FAIL $name:$t stays a failure: with the checker again $(mm_reps "$on" "$t")," \
				"none of $MM_REPS without"
		fi
	done
}

# mm_rerun DIR VARIANT "ARGS" LABEL: boot the reruns, results in
# DIR/results.txt as "pass LABEL:test".
mm_rerun() {
	PAC_TIMEOUT=900 "$PAC_ROOT/scripts/boot.sh" "$1" "${KDIR[$2]}/arch/x86/boot/bzImage" \
		"${KDIR[$2]}/initramfs.cpio.gz" "$3" || true
	: >"$1/results.txt"
	evaluate "$1" "$4" "$1/results.txt" >/dev/null
}

# mm_reps DIR TEST: "F of N runs failed" from the guest's count.
mm_reps() {
	sed -n "s/^# mm-reps: $2 runs=\([0-9]*\) failed=\([0-9]*\)$/\2 of \1 runs failed/p" "$1/ktap.log" |
		grep . || echo "failed"
}

if [[ -n ${PAC_INJECT:-} ]]; then
	boot injected on "pac.run=boot pac.inject=$PAC_INJECT kunit.enable=0"
	SUITES=""
fi

for s in $SUITES; do
	case $s in
	harness)
		# Its own tools (a fresh machine lacks them).
		need_pkgs pgrep:procps mount:mount umount:mount shfmt:shfmt
		harness_host_commands
		harness_bad_input
		harness_interrupted_build
		harness_catches panic 30 "pac.run=boot pac.inject=panic kunit.enable=0" 'problem: kernel panic'
		harness_catches hang 30 "pac.run=boot pac.inject=hang kunit.enable=0" 'problem: hang'
		harness_catches fail 30 "pac.run=boot pac.inject=fail kunit.enable=0" 'FAIL injected-fail:injected_failure'
		harness_catches truncated 30 "pac.run=boot pac.inject=truncate kunit.enable=0" \
			'problem: guest truncated: 1 of 3 results'
		harness_evaluator_breaks
		harness_cpa_verdict
		harness_triage
		harness_catches unannounced_report 30 "pac.run=boot pac.inject=report kunit.enable=0" \
			'problem: console shows "BUG: page_alias_check"'
		# Either oracle fact may be the first to fail: an unrelated
		# flush can cover the alias, and then only the missing
		# vm_unmap_aliases() call shows (seen once in 30 runs).
		harness_catches no_checker_never_purges 400 \
			"pac.run=selftests pac.fault=nopurge kunit.enable=0 page_alias_check=off" \
			'not ok [0-9]+ vmap_ttm_wc_16_no_checker_alias_unnoticed: (a live alias was not flushed before its page changed|no vm_unmap_aliases\(\) in the change)'
		# Strict mode: every epoch case skips, so the suite ran nothing.
		harness_catches kunit_all_skipped 120 "pac.run=boot kunit.filter_glob=page_alias_check.epoch*" \
			'problem: KUnit suite page_alias_check: all [0-9]+ cases skipped' --kunit page_alias_check
		# A checker that records no unmap, or never purges: the page_alias
		# kselftest must say why it fails, from its oracle.  (Strict
		# mode's "purge missed" net still flushes the alias; the oracle
		# sees that the check itself never purged.)
		harness_catches checker_records_nothing 400 \
			"pac.run=selftests pac.fault=norecord kunit.enable=0 page_alias_check=purge" \
			'not ok [0-9]+ vmap_ttm_wc_16_purge_alias_caught: the checker called a live alias clean'
		harness_catches checker_never_purges 400 \
			"pac.run=selftests pac.fault=nopurge kunit.enable=0 page_alias_check=purge" \
			'not ok [0-9]+ vmap_ttm_wc_16_purge_alias_caught: no vm_unmap_aliases\(\) in the change'
		# Resuming paused tracking without flushing: the alias of an
		# unrecorded unmap reads clean (the verdict names the first of
		# the two symptoms it sees) and stays live at the change.
		harness_catches resume_without_flush 300 \
			"pac.run=pause pac.fault=noresumeflush kunit.enable=0 page_alias_check=purge page_alias_check_live=off" \
			'not ok [0-9]+ resume_flushes_aliases_of_paused_unmaps: (a live alias was not flushed|the checker called a live alias clean)'
		# The same broken checker with vgem as the pages' new owner.
		harness_catches vgem_checker_never_purges 400 \
			"pac.run=vgem pac.fault=nopurge kunit.enable=0 page_alias_check=purge" \
			'not ok [0-9]+ vgem_vmap_16_purge_alias_caught: no vm_unmap_aliases\(\) in the change'
		;;
	kunit)
		# The report rule: a lazy alias at a cache mode change is a
		# diagnostic ("lazy alias", no "BUG:"), at a permission-only
		# change silent unless asked for, for page_alias_check_range()
		# callers a bug; live aliases, map conflicts, frees while
		# mapped and purge misses are bugs.
		# Stacks on (opt-in) so that reports show both stacks; the
		# default configuration runs the suite in check-debug.
		boot kunit on "pac.run=boot page_alias_check=warn page_alias_check_stacks=on" \
			--kunit page_alias_check --kunit page_alias_check_live \
			--expect-log 'page_alias_check: lazy alias pfn:[0-9a-f]+ unflushed:1 policy:warn, purged\n.*change_page_attr: write-back -> uncached-minus' \
			--expect-log '^(\[[ 0-9.]+\] )?kunit permission on request: 1 of 1 pages' \
			--forbid-log '^(\[[ 0-9.]+\] )?kunit permission: 1 of 1 pages' \
			--forbid-log 'BUG: page_alias_check: unflushed alias pfn:.*\n.*change_page_attr' \
			--expect-log 'BUG: page_alias_check: unflushed alias pfn:[0-9a-f]+ unflushed:1 policy:warn\n.*kunit range without purge: 1 of 1 pages' \
			--expect-log 'BUG: page_alias_check: purge missed alias pfn:' \
			--expect-log 'BUG: page_alias_check: live alias pfn:[0-9a-f]+ mapped:1 policy:warn' \
			--expect-log 'change_page_attr: write-back -> uncached-minus .*: page becomes uncached while 1 live kernel mapping\(s\) are write-back' \
			--expect-log 'BUG: page_alias_check: map mode conflict pfn:' \
			--expect-log 'kernel mapping made write-back while the direct map of the page is write-combining' \
			--expect-log 'BUG: page_alias_check: freed while mapped pfn:[0-9a-f]+ mapped:1' \
			--expect-log 'last mapped by:' \
			--expect-log 'last lazily unmapped by:' \
			--expect-log 'page_alias_check: enabled, policy warn, strict mode, 16 bytes per page, live mappings, stacks'
		kunit_py
		;;
	ordinary)
		# Module loading (set_memory_ro) and fork/exec on recycled
		# vmalloc pages: no "BUG:" line under the Kconfig default policy
		# nor under warn, no BUG() under bug; with report_permission=Y
		# the same loop reports its permission-change lazy aliases (so
		# the loop does meet them), still without "BUG:".
		boot ordinary-default on "pac.run=ordinary kunit.enable=0" \
			--forbid-log 'BUG:'
		boot ordinary-warn on "pac.run=ordinary kunit.enable=0 page_alias_check=warn" \
			--forbid-log 'BUG:'
		boot ordinary-bug on "pac.run=ordinary kunit.enable=0 page_alias_check=bug" \
			--forbid-log 'BUG:'
		boot ordinary-report-permission on "pac.run=ordinary kunit.enable=0 page_alias_check=warn pac.report_perm=1" \
			--forbid-log 'BUG:' \
			--expect-log 'page_alias_check: lazy alias pfn:[0-9a-f]+ unflushed:[0-9]+ policy:warn, purged\n.*change_page_attr: write-back -> write-back'
		;;
	epoch)
		# Only the epoch KUnit case: in epoch mode any full flush by
		# anyone cleans pages, so the other "dirty right after vunmap"
		# cases race with the system (the epoch case retries instead).
		# Epoch mode trusts vmalloc: on a kernel without the vmap_block
		# fix its churn can meet that bug and read a live alias clean
		# (vmap-block shows that miss on purpose).  Such a tree runs it
		# on the kernel with the fix (variant "fixed").
		ev=on
		vmapbug on
		if [[ ${VMAPFIX[on]} == absent ]]; then
			ev=fixed
			stage "epoch: on the fixed kernel (epoch mode trusts vmalloc; this tree's vmalloc misses fully used vmap_blocks)"
			vmapbug fixed
		fi
		boot epoch "$ev" "pac.run=boot,selftests kunit.filter_glob=page_alias_check.epoch* page_alias_check=warn page_alias_check_mode=epoch$VMAPBUG" \
			--kunit page_alias_check \
			--expect-log 'page_alias_check: enabled, policy warn, epoch mode'
		;;
	boot-param-off)
		boot boot-param-off on "pac.run=boot pac.expect=off page_alias_check=off kunit.enable=0" \
			--forbid-log 'page_alias_check: enabled'
		;;
	boot-bad-params)
		# Mixed case, unknown word, empty value: a warning and the defaults.
		boot boot-bad-params on "pac.run=boot kunit.enable=0 page_alias_check=WaRn page_alias_check_stacks=maybe page_alias_check_mode=" \
			--expect-log 'invalid page_alias_check=WaRn \(expected off, purge, warn or bug\), using warn' \
			--expect-log 'invalid page_alias_check_stacks=maybe \(expected on or off\), using off' \
			--expect-log 'invalid page_alias_check_mode= \(expected strict or epoch\), using strict' \
			--expect-log 'page_alias_check: enabled, policy warn, strict mode, 8 bytes per page, live mappings\r?$'
		# Trailing junk; each occurrence is parsed (and rejected) in turn.
		boot boot-bad-params-junk on "pac.run=boot kunit.enable=0 page_alias_check=purge,bug page_alias_check=warnx page_alias_check_mode=epochx page_alias_check_stacks=offline page_alias_check_live=1x" \
			--expect-log 'invalid page_alias_check=purge,bug' \
			--expect-log 'invalid page_alias_check=warnx \(expected off, purge, warn or bug\), using warn' \
			--expect-log 'invalid page_alias_check_mode=epochx \(expected strict or epoch\), using strict' \
			--expect-log 'invalid page_alias_check_stacks=offline \(expected on or off\), using off' \
			--expect-log 'invalid page_alias_check_live=1x \(expected on or off\), using on' \
			--expect-log 'page_alias_check: enabled, policy warn, strict mode, 8 bytes per page, live mappings\r?$'
		;;
	kernel-off)
		boot kernel-off off "pac.run=boot pac.expect=absent kunit.enable=0"
		;;
	selftests)
		vmapbug on
		boot selftests on "pac.run=selftests kunit.enable=0 page_alias_check=purge$VMAPBUG"
		boot selftests-kernel-off off "pac.run=selftests kunit.enable=0"
		# Tracking paused and resumed at run time (live tracking off:
		# it refuses to pause).
		boot selftests-pause on "pac.run=pause kunit.enable=0 page_alias_check=purge page_alias_check_live=off"
		;;
	live-off)
		live_off
		;;
	vmap-block)
		# A lazy alias in a fully used vmap_block (the kselftest's
		# vmap_block_full scenario, its oracle reading through the old
		# address after vm_unmap_aliases()).  6.1 misses such blocks:
		# strict mode must report the purge miss and flush, epoch mode
		# and policy off must miss it (off leaves the alias live, but
		# not in epoch mode: its purges end in a full flush); with the
		# backport of the 6.5 fix (variant "fixed") the purge flushes
		# and nothing reports.
		# 6.12 runs the scenario in the selftests suite.
		# Whether the bug is there is read from the tree built
		# (vmapbug): a 6.1 that picks up the fix runs the fixed
		# expectations on its own kernel and skips the bug's.
		[[ $PAC_KERNEL == 6.1 ]] || { stage "vmap-block: KERNEL=6.1 only (6.12: selftests suite)"; continue; }
		vmapbug on
		fixed=on
		if [[ ${VMAPFIX[on]} == absent ]]; then
			boot vmap-block on "pac.run=vmapblock kunit.enable=0 page_alias_check=warn$VMAPBUG" \
				--expect-log 'BUG: page_alias_check: purge missed alias pfn:[0-9a-f]+ unflushed:[0-9]+\n.*vm_unmap_aliases\(\) returned but no TLB flush covered'
			require_results vmap-block vmap_block_full_off_alias_left_live \
				vmap_block_full_purge_purge_missed_caught vmap_block_full_warn_purge_missed_caught
			boot vmap-block-epoch on "pac.run=vmapblock kunit.enable=0 page_alias_check=warn page_alias_check_mode=epoch$VMAPBUG" \
				--forbid-log 'purge missed'
			require_results vmap-block-epoch vmap_block_full_off_alias_flushed \
				vmap_block_full_purge_purge_missed_unnoticed vmap_block_full_warn_purge_missed_unnoticed
			fixed=fixed
			vmapbug fixed
			if [[ ${VMAPFIX[fixed]} == present ]]; then
				echo "pass vmap-block:fixed_variant_has_fix" >>"$RESULTS"
			else
				echo "fail vmap-block:fixed_variant_has_fix" >>"$RESULTS"
				echo "  FAIL vmap-block: variant fixed still lacks the vmap_block fix (patches/$PAC_KERNEL/fix/)"
			fi
		else
			echo "skip vmap-block:stale_tlb_bug_caught" >>"$RESULTS"
			echo "  SKIP vmap-block: this tree already has the vmap_block fix, no bug to catch; its kernel must flush silently"
		fi
		boot vmap-block-fixed "$fixed" "pac.run=vmapblock kunit.enable=0 page_alias_check=warn$VMAPBUG" \
			--forbid-log 'BUG:'
		require_results vmap-block-fixed vmap_block_full_off_alias_flushed \
			vmap_block_full_purge_purged_silently vmap_block_full_warn_purged_silently
		# The test can fail: on the fixed kernel, told to expect the bug.
		run=$OUT/vmap-block-fixed-expect-bug
		stage "vmap-block: the fixed kernel must fail a test that expects the bug"
		"$PAC_ROOT/scripts/boot.sh" "$run" "${KDIR[$fixed]}/arch/x86/boot/bzImage" \
			"${KDIR[$fixed]}/initramfs.cpio.gz" \
			"pac.run=vmapblock kunit.enable=0 page_alias_check=warn pac.vmapbug=1" || true
		if tr -d '\r' <"$run/ktap.log" | grep -qE '^not ok [0-9]+ vmap_block_full_warn_purge_missed_caught: vm_unmap_aliases\(\) flushed the alias'; then
			echo "pass vmap-block:fixed_kernel_fails_expecting_bug" >>"$RESULTS"
		else
			echo "fail vmap-block:fixed_kernel_fails_expecting_bug" >>"$RESULTS"
			echo "  FAIL vmap-block: the fixed kernel passed a test expecting the bug ($run/ktap.log)"
		fi
		;;
	bug)
		boot bug on "pac.run=bug kunit.enable=0 page_alias_check=bug" \
			--expect-panic 'BUG: page_alias_check: unflushed alias pfn:[0-9a-f]+ unflushed:[0-9]+ policy:bug(.|\n)*kernel BUG at .*mm/page_alias_check_report.c'
		# Under "warn", a report of a bug honours panic_on_warn.
		boot bug-panic-on-warn on "pac.run=live kunit.enable=0 page_alias_check=warn page_alias_check_live=on panic_on_warn=1" \
			--expect-panic 'BUG: page_alias_check: live alias pfn:[0-9a-f]+ (.|\n)*Kernel panic - not syncing: page_alias_check: panic_on_warn set'
		;;
	real)
		# Real in-tree users (scripts/config/real.config), under warn:
		# vgem gets pages with a lazy alias (off, purge, warn), then its
		# dumb buffers churn beside vmap churn; snd-hda-intel without
		# snooping, bound and unbound.  Then vgem under bug.
		PAC_QEMU_EXTRA="-audiodev none,id=snd0 -device intel-hda -device hda-duplex,audiodev=snd0" \
			boot real on "pac.run=vgem,hda kunit.enable=0 page_alias_check=warn snd_hda_intel.snoop=0"
		boot real-vgem-bug on "pac.run=vgembug kunit.enable=0 page_alias_check=bug" \
			--expect-panic 'BUG: page_alias_check: unflushed alias pfn:[0-9a-f]+ unflushed:[0-9]+ policy:bug(.|\n)*kernel BUG at .*mm/page_alias_check_report.c(.|\n)*drm_gem_shmem_get_pages'
		;;
	debug)
		# make check-debug: lockdep, KASAN, kmemleak, DEBUG_VM,
		# PAGE_TABLE_CHECK, CPA_DEBUG; upstream tests must not report.
		# cpa-test (CONFIG_CPA_DEBUG) makes kernel text RWX on purpose.
		# Our KUnit suite plus the mm ones of 6.12.  slub_test's
		# test_leak_destroy leaks an object on purpose (kmemleak lists it).
		# "[!t]*": every built-in suite but TTM's (their own boot below).
		PAC_TIMEOUT=900 boot debug-kunit debug "pac.run=boot,selftests,kmemleak kunit.filter_glob=[!t]* page_alias_check=warn kmemleak=on pac.kmemleak_known=test_leak_destroy" \
			--kunit page_alias_check --kunit slub_test --kunit usercopy \
			--kunit damon --kunit damon-operations --kunit damon-sysfs \
			--allow-warning 'CPA detected W\^X violation'
		# TTM's suites (real set_pages_array_uc/wc users) alone, under
		# warn: no "BUG:" line at all (live-mapping, map-mode and
		# purge-missed reports are BUG: lines; a "lazy alias" diagnostic
		# would be a real alias of a page vfree() left).  Two cases
		# test TTM's own WARN_ON()s on bad arguments (no vma manager,
		# a ticket with no_wait): only those two are allowed.
		PAC_TIMEOUT=900 boot debug-ttm-kunit debug "pac.run=boot kunit.filter_glob=ttm* page_alias_check=warn" \
			--kunit ttm_device --kunit ttm_pool --kunit ttm_resource \
			--kunit ttm_tt --kunit ttm_bo --kunit ttm_bo_validate \
			--forbid-log 'BUG:' --allow-warning 'CPA detected W\^X violation' \
			--allow-warning 'WARNING: CPU: .* at \S*(drivers/gpu/drm/ttm/ttm_device\.c:192 ttm_device_init|include/drm/ttm/ttm_bo\.h:287 ttm_bo_reserve)\+'
		# KASAN's suite reports on purpose: only its own reports pass.
		PAC_TIMEOUT=900 boot debug-kasan-kunit debug "pac.run=kasankunit kunit.filter_glob=kasan page_alias_check=warn" \
			--kunit kasan --allow-report 'BUG: KASAN' \
			--forbid-log 'BUG: page_alias_check' --allow-warning 'CPA detected W\^X violation'
		args="pac.run=mmselftests,upstream kunit.enable=0 page_alias_check=warn kmemleak=on"
		PAC_TIMEOUT=900 boot debug-upstream debug "$args" \
			--forbid-log 'BUG: page_alias_check' --allow-warning 'CPA detected W\^X violation'
		triage_mm_failures debug-upstream debug "$args"
		# DEBUG_PAGEALLOC: every free unmaps the page from the direct map
		# and vmalloc flushes each unmap at once: no lazy aliases left for
		# our KUnit cases and selftest, KASAN's suite faults on freed
		# pages, test_vmalloc is ~10x slower.  The mm kselftests and a
		# short test_vmalloc without full_fit and long_busy_list (their
		# setup alone vfree()s 30000 areas, each one flushed: minutes).
		args="pac.run=mmselftests,upstream kunit.enable=0 page_alias_check=warn kmemleak=on debug_pagealloc=on pac.vloops=200 pac.vmask=1977"
		PAC_TIMEOUT=900 boot debug-pagealloc debug "$args" \
			--forbid-log 'BUG: page_alias_check' --allow-warning 'CPA detected W\^X violation'
		triage_mm_failures debug-pagealloc debug "$args"
		;;
	kcsan)
		# make check-debug: the KUnit suites, the selftest churn and the
		# stress mode under KCSAN.  A data race reported in the checker's
		# code fails; KCSAN reports elsewhere in the kernel are upstream's.
		# The stress boot alone: it requires no report since boot.
		kcsan_ours='^(\[[ 0-9.]+\] )?BUG: KCSAN: data-race in (?!.*(pac_|page_alias_check))'
		PAC_TIMEOUT=1800 boot kcsan kcsan \
			"pac.run=boot,selftests kunit.filter_glob=page_alias_check* page_alias_check=warn" \
			--kunit page_alias_check --kunit page_alias_check_live \
			--allow-report "$kcsan_ours" --allow-warning 'CPA detected W\^X violation'
		PAC_TIMEOUT=1800 boot kcsan-stress kcsan \
			"pac.run=stress pac.stress=30 kunit.enable=0 page_alias_check=purge" \
			--forbid-log 'BUG: page_alias_check' \
			--allow-report "$kcsan_ours" --allow-warning 'CPA detected W\^X violation'
		cat "$OUT/kcsan/serial.log" "$OUT/kcsan-stress/serial.log" | grep -c 'BUG: KCSAN' |
			sed 's/^/  KCSAN reports (all outside the checker): /' || true
		;;
	stress)
		# churn + test_vmalloc + cpu hotplug on the debug kernel, policy
		# purge (any report is a bug), then purge: nothing tracked; kmemleak.
		PAC_TIMEOUT=$((600 + 2 * STRESS_SECS)) boot stress debug \
			"pac.run=stress,kmemleak pac.stress=$STRESS_SECS kunit.enable=0 page_alias_check=purge kmemleak=on" \
			--forbid-log 'BUG: page_alias_check' --allow-warning 'CPA detected W\^X violation'
		grep -h '^# \(stress\|cpu hotplug\|test_vmalloc\|churn\|after purge\|lockdep\)' "$OUT/stress/ktap.log" | sed 's/^/  /' || true
		# The real users, longer: vgem's churn for the stress time per
		# policy, snd-hda-intel 5 rounds a second.  On the checker kernel:
		# on the debug one every bind takes 30 s (ACPI _PRT evaluation
		# runs into AE_AML_LOOP_TIMEOUT under TCG).
		PAC_TIMEOUT=$((600 + 3 * STRESS_SECS)) \
			PAC_QEMU_EXTRA="-audiodev none,id=snd0 -device intel-hda -device hda-duplex,audiodev=snd0" \
			boot stress-real on "pac.run=vgem,hda pac.churn=$STRESS_SECS pac.hdaloops=$((5 * STRESS_SECS)) kunit.enable=0 page_alias_check=warn snd_hda_intel.snoop=0"
		grep -h '^# \(vgem churn\|[0-9]* rounds\)' "$OUT/stress-real/ktap.log" | sed 's/^/  /' || true
		grep -h '^#   \(pages_tracked\|lazy_unmaps\|aliases_found\|purges_forced\|purge_missed\|reports\):' "$OUT/stress/ktap.log" |
			tr -s ' ' | tr '\n' ' ' | sed 's/^# /  counters: /;s/ # /, /g;s/ $/\n/' || true
		;;
	lint)
		stage "lint: checkpatch, sparse, W=1, kernel-doc, docutils"
		if "$PAC_ROOT/scripts/lint.sh" >"$OUT/lint.log" 2>&1; then
			echo "pass lint:all" >>"$RESULTS"
			grep -E '^  (clean|no new)' "$OUT/lint.log" || true
		else
			echo "fail lint:all" >>"$RESULTS"
			tail -n 40 "$OUT/lint.log"
			echo "  full log: $OUT/lint.log"
		fi
		;;
	xfs)
		# XFS directory buffers as the lazy aliases, ~20 s per policy
		# (warn, purge, bug); results go straight to $RESULTS.
		prepare on
		stage "xfs: scripts/xfs-stress.sh --short"
		before=$(wc -l <"$RESULTS")
		rc=0
		"$PAC_ROOT/scripts/xfs-stress.sh" --short --build "${KDIR[on]}" \
			--results "$RESULTS" || rc=$?
		if ((rc)) && (($(wc -l <"$RESULTS") == before)); then
			echo "fail xfs:xfs-stress.sh" >>"$RESULTS"
			echo "  FAIL xfs:xfs-stress.sh (exit $rc before any result)"
		fi
		;;
	esac
done

pass=$(grep -c '^pass ' "$RESULTS" || true)
fail=$(grep -c '^fail ' "$RESULTS" || true)
skip=$(grep -c '^skip ' "$RESULTS" || true)
stage "results: $RESULTS"
if ((skip)); then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
((fail == 0))
