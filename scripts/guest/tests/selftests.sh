#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The page_alias kselftest (KTAP on stdout), after pac_fault (pac.fault=).
. /pac-lib.sh
pac_fault || exit 1
CHURN_SECONDS=${CHURN_SECONDS:-4} exec /bin/page_alias
