// SPDX-License-Identifier: GPL-2.0
/*
 * Load and unload a module N times, each load right after a vmalloc user
 * freed pages with lazy kernel aliases on the same CPU, so that module
 * memory (made read-only by set_memory_ro() during the load) lands on such
 * pages as it does by chance on a busy system.  The freeing is done by
 * /dev/page_alias_test's PALIAS_IOC_ALIAS (vmalloc, write, vfree, as XFS
 * buffers and module loading itself do); without the device the loads run
 * alone.
 *
 * Usage: pac_modload MODULE.ko NAME LOOPS [PAGES]
 * Prints "loads L failed F prepared P"; exit 0 unless a load failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../include/uapi/linux/page_alias_test.h"

int main(int argc, char **argv)
{
	struct palias_alias_req ar = { .alias = PALIAS_ALIAS_VMALLOC };
	unsigned long i, loops, failed = 0, prepared = 0;
	cpu_set_t cpu0;
	int dev, fd;

	if (argc < 4) {
		fprintf(stderr, "usage: %s MODULE.ko NAME LOOPS [PAGES]\n", argv[0]);
		return 2;
	}
	loops = strtoul(argv[3], NULL, 0);
	ar.pages = argc > 4 ? strtoul(argv[4], NULL, 0) : 32;
	/* The freed pages wait on this CPU's per-cpu lists. */
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	sched_setaffinity(0, sizeof(cpu0), &cpu0);
	dev = open("/dev/page_alias_test", O_RDWR | O_CLOEXEC);
	for (i = 0; i < loops; i++) {
		if (dev >= 0 && ioctl(dev, PALIAS_IOC_ALIAS, &ar) == 0)
			prepared++;
		fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0)) {
			fprintf(stderr, "load %lu: %s\n", i, strerror(errno));
			failed++;
		} else if (syscall(SYS_delete_module, argv[2], O_NONBLOCK)) {
			fprintf(stderr, "unload %lu: %s\n", i, strerror(errno));
			failed++;
		}
		if (fd >= 0)
			close(fd);
	}
	printf("loads %lu failed %lu prepared %lu\n", loops, failed, prepared);
	return failed ? 1 : 0;
}
