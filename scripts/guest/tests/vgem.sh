#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vgem, a real DRM driver, as the owner of pages with a lazy alias, and its
# dumb buffer churn beside vmap churn (KTAP from the page_alias kselftest),
# after pac_fault (pac.fault=).  pac.churn=SECONDS (4) per churn policy.
. /pac-lib.sh
pac_fault || exit 1
CHURN=$(arg pac.churn)
CHURN_SECONDS=${CHURN:-4} exec /bin/page_alias --vgem
