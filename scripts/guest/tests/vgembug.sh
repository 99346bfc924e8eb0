#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Boot with page_alias_check=bug: vgem getting a page with a lazy alias
# must stop the kernel.
exec /bin/page_alias --vgem-bug
