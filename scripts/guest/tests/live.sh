#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The live-mapping tests of the page_alias kselftest alone (KTAP on stdout).
exec /bin/page_alias --live
