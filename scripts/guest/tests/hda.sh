#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# snd-hda-intel with snooping off (QEMU intel-hda + hda-duplex, booted with
# snd_hda_intel.snoop=0, KTAP): its DMA buffers (CORB/RIRB, BDLs, position
# buffer) are made write-combining with set_memory_wc() at probe and
# write-back again with set_memory_wb() at remove.  An unbind/bind loop
# under "warn" repeats both; no page_alias_check report may appear, and the
# checker must have checked the changes.  pac.hdaloops=N (20) rounds.
. /pac-lib.sh
stat() { sed -n "s/^$1: //p" /sys/kernel/debug/page_alias_check/stats 2>/dev/null; }
LOOPS=$(arg pac.hdaloops)
LOOPS=${LOOPS:-20}
drv=/sys/bus/pci/drivers/snd_hda_intel
n=0
echo "KTAP version 1"
echo "1..3"
dev=$(ls "$drv" 2>/dev/null | grep '^0000:' | head -n 1)
# The codec is probed from a work item: wait for it.
codec_up() {
	w=0
	while [ ! -e /proc/asound/card0/codec#0 ] && [ $w -lt 100 ]; do
		sleep 0.1
		w=$((w + 1))
	done
	[ -e /proc/asound/card0/codec#0 ]
}
if [ -z "$dev" ] || ! codec_up; then
	nok "hda_probed # no snd_hda_intel device with a codec (QEMU -device intel-hda -device hda-duplex)"
	nok "hda_unbind_bind_loop"
	nok "hda_no_report"
	exit 0
fi
if dmesg | grep -q 'Force to non-snoop mode'; then
	ok "hda_probed $dev non-snoop"
else
	nok "hda_probed # snooping is on (boot with snd_hda_intel.snoop=0)"
fi
echo "# policy: $(cat /sys/kernel/debug/page_alias_check/policy)"
# Only this test's kernel messages count: others may run before it.
log0=$(dmesg | wc -l)
checks0=$(stat checks)
clean0=$(stat checks_clean)
forced0=$(stat purges_forced)
reports0=$(stat reports)
i=0
failed=
while [ $i -lt "$LOOPS" ]; do
	i=$((i + 1))
	echo "$dev" >"$drv/unbind" || { failed="unbind $i"; break; }
	echo "$dev" >"$drv/bind" || { failed="bind $i"; break; }
	codec_up || { failed="no codec after bind $i"; break; }
done
checks=$(($(stat checks) - checks0))
echo "# $i rounds: checks +$checks clean +$(($(stat checks_clean) - clean0)) forced +$(($(stat purges_forced) - forced0)) reports +$(($(stat reports) - reports0))"
if [ -n "$failed" ]; then
	nok "hda_unbind_bind_loop # $failed"
elif [ "$checks" -lt "$LOOPS" ]; then
	nok "hda_unbind_bind_loop # only $checks checks in $LOOPS rounds: no set_memory_wc/wb seen"
else
	ok "hda_unbind_bind_loop"
fi
bugs=$(dmesg | tail -n +$((log0 + 1)) | grep -c 'page_alias_check: \(lazy alias\|live alias\|map mode\|freed while\|purge missed\|unflushed\)' || true)
if [ "$bugs" -eq 0 ]; then
	ok "hda_no_report"
else
	nok "hda_no_report # $bugs report lines"
fi
