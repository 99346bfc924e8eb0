#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The page_alias kselftest (KTAP on stdout), after pac_fault (pac.fault=).
. /pac-lib.sh
pac_fault || exit 1
# pac.vmapbug=1: a kernel without the 6.5 vmap_block fix (see vmapblock.sh).
VMAP_BLOCK_BUG=$(arg pac.vmapbug) CHURN_SECONDS=${CHURN_SECONDS:-4} exec /bin/page_alias
