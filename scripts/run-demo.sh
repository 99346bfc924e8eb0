#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make run": build the kernel with page_alias_check, boot it in QEMU and
# show the checker catching a stale lazy vmap alias: a page is vmapped,
# written, vunmapped (TLB flush deferred), freed, reallocated and made
# write-combining like a TTM pool page.  Prints the report and the counters.
# Env: POLICY=warn|purge|bug (default warn).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

POLICY=${POLICY:-warn}
case $POLICY in warn | purge | bug) ;; *) die "POLICY must be warn, purge or bug, not '$POLICY'" ;; esac
B=$(guest_kernel on)
RUN=$PAC_CACHE/runs/demo
# Stacks are opt-in (cost); the demo turns them on to show who unmapped.
stage "boot: page_alias_check=$POLICY page_alias_check_stacks=on, seed scenario"
rc=0
"$PAC_ROOT/scripts/boot.sh" "$RUN" "$B/arch/x86/boot/bzImage" "$B/initramfs.cpio.gz" \
	"pac.run=demo kunit.enable=0 page_alias_check=$POLICY page_alias_check_stacks=on" || rc=$?
echo
echo "---- kernel log: page_alias_check ----"
grep -a 'page_alias_check: enabled' "$RUN/serial.log" | sed 's/^\[[^]]*\] //' || true
tr -d '\r' <"$RUN/serial.log" | sed 's/^\[[^]]*\] //' |
	awk '/^=+$/ { if (show) exit; start = 1; next } start && /page_alias_check: (lazy alias|[a-z ]*alias pfn:)|BUG: page_alias_check:/ { show = 1; print "=================================================================="} show { print }' || true
echo "=================================================================="
echo "---- test output ----"
sed -n '/PAC-BEGIN/,/PAC-DONE/p' "$RUN/ktap.log" | grep -v '^PAC-'
echo "---- logs: $RUN/serial.log $RUN/ktap.log (qemu exit $rc) ----"
if [[ $POLICY == bug ]]; then
	grep -q 'Kernel panic' "$RUN/serial.log" || die "policy bug: the kernel did not stop"
else
	grep -q '^ok 1 ' "$RUN/ktap.log" || die "the alias was not caught (see $RUN/serial.log)"
fi
