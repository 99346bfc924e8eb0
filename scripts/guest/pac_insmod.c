// SPDX-License-Identifier: GPL-2.0
/*
 * Load a module once with finit_module() and report its init's result.
 * busybox insmod retries a failed init with init_module(), which runs
 * test modules such as test_vmalloc (whose init always fails) twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int fd;
	long ret;

	if (argc < 2) {
		fprintf(stderr, "usage: %s MODULE.ko [PARAMS]\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	ret = syscall(SYS_finit_module, fd, argc > 2 ? argv[2] : "", 0);
	printf("%s: init returned %ld%s%s\n", argv[1], ret,
	       ret ? ": " : "", ret ? strerror(errno) : "");
	return 0;
}
