# SPDX-License-Identifier: GPL-2.0
# page_alias_check: build, boot and test harness.  See README.
#
#   make run      build the kernel with the checker, boot it in QEMU and
#                 show it catching a stale lazy vmap alias
#   make check    every test suite; last line "N passed, N failed"
#   make xfs-stress  the XFS large-directory stress (seed scenario with XFS
#                 buffers), per layout (XFS_LAYOUTS="dir64k bs16k bs64k") and
#                 policy warn, purge, bug; STRESS_SECONDS=180
#   make check-debug  the debug-kernel suite and a KCSAN boot
#   make stress   TTM churn + test_vmalloc + CPU hotplug on the debug kernel
#                 (lockdep, KASAN, kmemleak); STRESS_SECONDS=60
#   make check-fresh  "make run" and "make check" in a fresh Debian 12 root
#                 (mmdebstrap; gcc, make, git, python3 only), cold, timed
#
# Variables: KSRC=<kernel tree> (default: Debian's linux-source-6.12),
#            KERNEL=6.1: Debian 12's own kernel (linux-source-6.1) instead,
#            PAC_CACHE=<dir> (default /var/tmp/pac), PAC_SUITES, PAC_INJECT.

SHELL := /bin/bash
PAC_KERNEL := $(or $(KERNEL),$(PAC_KERNEL),6.12)
export KSRC PAC_CACHE PAC_SUITES PAC_INJECT STRESS_SECONDS XFS_FILES XFS_LAYOUTS FRESH_TARGETS
export PAC_KERNEL

.PHONY: all run check tree kernel help
all: help

help:
	@sed -n '2,19p' Makefile | sed 's/^# \{0,1\}//'

tree:
	@scripts/prepare-tree.sh >/dev/null

kernel:
	@scripts/build-kernel.sh $(or $(VARIANT),on) >/dev/null

run:
	@scripts/run-demo.sh

check:
	@scripts/check.sh

# The README commands on a fresh machine, from a clean clone of HEAD.
.PHONY: check-fresh
check-fresh:
	@scripts/check-fresh.sh

.PHONY: check-debug
check-debug:
	@PAC_SUITES="debug kcsan" scripts/check.sh

# The stress suite of "make check" (25 s there), longer.
.PHONY: stress
stress:
	@PAC_SUITES=stress PAC_STRESS_SECONDS=$(or $(STRESS_SECONDS),60) scripts/check.sh

.PHONY: bench series series-check lint
bench:
	@scripts/bench.sh

series:
	@scripts/make-series.sh >/dev/null

series-check:
	@scripts/series-check.sh

lint:
	@scripts/lint.sh

# Uses the kernel of "make kernel" (build/on); builds it first if missing.
.PHONY: xfs-stress
xfs-stress:
	@test -f $(or $(PAC_CACHE),/var/tmp/pac)/build/on/arch/x86/boot/bzImage || scripts/build-kernel.sh on >/dev/null
	@scripts/xfs-stress.sh
