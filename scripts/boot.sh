#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a test kernel under QEMU TCG and collect its logs.
# Usage: boot.sh RUN_DIR BZIMAGE INITRD "KERNEL ARGS"
# Env:   PAC_SMP (2), PAC_MEM (1G), PAC_TIMEOUT seconds (300), PAC_QEMU_EXTRA
# Writes RUN_DIR/serial.log (kernel console), RUN_DIR/ktap.log (tests),
# RUN_DIR/qemu.rc.  Exit status: QEMU's, 124 on timeout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

RUN=$1 KERNEL=$2 INITRD=$3 ARGS=$4
need_boot_pkgs
mkdir -p "$RUN"
rm -f "$RUN"/serial.log "$RUN"/ktap.log "$RUN"/qemu.rc
# shellcheck disable=SC2206
extra=(${PAC_QEMU_EXTRA:-})
set +e
timeout --foreground -k 5 "${PAC_TIMEOUT:-300}" \
	qemu-system-x86_64 -accel tcg,thread=multi -cpu max \
	-smp "${PAC_SMP:-2}" -m "${PAC_MEM:-1G}" \
	-nographic -no-reboot -display none -monitor none \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 log_buf_len=4M oops=panic panic=-1 panic_on_warn=0 $ARGS" \
	-serial "file:$RUN/serial.log" -serial "file:$RUN/ktap.log" \
	"${extra[@]}" </dev/null >"$RUN/qemu.out" 2>&1
rc=$?
set -e
echo "$rc" >"$RUN/qemu.rc"
exit "$rc"
