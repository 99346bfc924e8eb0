#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot with page_alias_check=bug: the seed scenario must stop the kernel.
exec /bin/page_alias --bug
