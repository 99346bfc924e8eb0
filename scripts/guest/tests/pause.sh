#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Tracking paused and resumed at run time (debugfs "enabled"; KTAP from the
# page_alias kselftest), after pac_fault (pac.fault=).  Boot with
# page_alias_check_live=off: live tracking refuses to pause.
. /pac-lib.sh
pac_fault || exit 1
CHURN=$(arg pac.churn)
CHURN_SECONDS=${CHURN:-4} exec /bin/page_alias --pause
