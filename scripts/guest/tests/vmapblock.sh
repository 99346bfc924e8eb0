#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The page_alias kselftest's fully used vmap_block scenario alone (KTAP).
# pac.vmapbug=1: this kernel's vm_unmap_aliases() misses such blocks (6.1
# without the 6.5 fix), the test requires the oracle to see it.
. /pac-lib.sh
pac_fault || exit 1
VMAP_BLOCK_BUG=$(arg pac.vmapbug) exec /bin/page_alias --vmap-block
