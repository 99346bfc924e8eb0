// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark (make bench): loops where vmalloc is incidental, timed with
 * CLOCK_MONOTONIC.
 *   fork   fork(), the child exits at once, waitpid(): each child's stack
 *          is vmalloc'd (VMAP_STACK) and freed lazily once the per-CPU
 *          stack cache is full, so two children at a time are kept alive;
 *   module finit_module() and delete_module() of MODULE.ko (module memory
 *          is vmalloc'd and set read-only with set_memory_ro());
 *   dir    readdir() and fstatat() of every entry of DIR, then drop_caches,
 *          as "find DIR" does: on XFS with 64 KiB directory blocks every
 *          block is a vm_map_ram() buffer, dropped with vm_unmap_ram();
 *   vgem   a 16-page dumb buffer of vgem (/dev/dri/cardN): create, map,
 *          mmap, write, munmap, destroy.  vgem makes the pages
 *          write-combining at the mmap (set_pages_array_wc()) and
 *          write-back at the munmap: two attribute changes per cycle.
 *
 * Usage: pac_macro fork LOOPS | pac_macro module MODULE.ko NAME LOOPS |
 *        pac_macro dir DIR LOOPS | pac_macro vgem LOOPS
 * Prints "ops N secs S ops_per_sec R"; exit 0 unless an operation failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/drm_mode.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int spawn(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return pid;
}

/* Two children in flight, so that exits free stacks while forks take them. */
static int fork_loop(unsigned long loops)
{
	pid_t a = spawn(), b;
	unsigned long i;
	int st;

	if (a < 0)
		return -1;
	for (i = 1; i < loops; i++) {
		b = spawn();
		if (b < 0 || waitpid(a, &st, 0) != a)
			return -1;
		a = b;
	}
	return waitpid(a, &st, 0) == a ? 0 : -1;
}

static int module_loop(const char *ko, const char *name, unsigned long loops)
{
	unsigned long i;
	int fd;

	for (i = 0; i < loops; i++) {
		fd = open(ko, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0)) {
			perror(ko);
			return -1;
		}
		close(fd);
		if (syscall(SYS_delete_module, name, O_NONBLOCK)) {
			perror(name);
			return -1;
		}
	}
	return 0;
}

static int drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	int ok = fd >= 0 && write(fd, "3", 1) == 1;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* One pass: every entry read and stat'ed, then the caches dropped. */
static int dir_pass(const char *path)
{
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(path);

	if (!d) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d)))
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
			perror(de->d_name);
			closedir(d);
			return -1;
		}
	closedir(d);
	return drop_caches();
}

static int dir_loop(const char *path, unsigned long loops)
{
	unsigned long i;

	for (i = 0; i < loops; i++)
		if (dir_pass(path))
			return -1;
	return 0;
}

/*
 * The test kernels have no DRM driver but vgem (scripts/config/real.config):
 * card0 is vgem's.
 */
static int vgem_open(void)
{
	int fd = open("/dev/dri/card0", O_RDWR);

	if (fd < 0)
		perror("/dev/dri/card0");
	return fd;
}

static int vgem_cycle(int fd)
{
	struct drm_mode_create_dumb c = { .width = 1024, .height = 16, .bpp = 32 };
	struct drm_mode_destroy_dumb d = { 0 };
	struct drm_mode_map_dumb m = { 0 };
	void *p = MAP_FAILED;
	int ret = -1;

	if (ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c)) {
		perror("DRM_IOCTL_MODE_CREATE_DUMB");
		return -1;
	}
	m.handle = c.handle;
	d.handle = c.handle;
	if (ioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &m))
		perror("DRM_IOCTL_MODE_MAP_DUMB");
	else
		p = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
	if (p != MAP_FAILED) {
		memset(p, 0x5a, c.size);
		munmap(p, c.size);
		ret = 0;
	}
	ioctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &d);
	return ret;
}

static int vgem_loop(unsigned long loops)
{
	int fd = vgem_open(), ret = 0;
	unsigned long i;

	if (fd < 0)
		return -1;
	for (i = 0; i < loops && !ret; i++)
		ret = vgem_cycle(fd);
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned long loops;
	double t0, t;
	int ret;

	if (argc == 3 && !strcmp(argv[1], "fork")) {
		loops = strtoul(argv[2], NULL, 0);
		t0 = now();
		ret = fork_loop(loops);
	} else if (argc == 5 && !strcmp(argv[1], "module")) {
		loops = strtoul(argv[4], NULL, 0);
		t0 = now();
		ret = module_loop(argv[2], argv[3], loops);
	} else if (argc == 4 && !strcmp(argv[1], "dir")) {
		loops = strtoul(argv[3], NULL, 0);
		/* The first pass may find the directory cached: not timed. */
		if (dir_pass(argv[2]))
			return 1;
		t0 = now();
		ret = dir_loop(argv[2], loops);
	} else if (argc == 3 && !strcmp(argv[1], "vgem")) {
		loops = strtoul(argv[2], NULL, 0);
		t0 = now();
		ret = vgem_loop(loops);
	} else {
		fprintf(stderr, "usage: %s fork LOOPS | module MODULE.ko NAME LOOPS |\n"
			"       dir DIR LOOPS | vgem LOOPS\n", argv[0]);
		return 2;
	}
	t = now() - t0;
	if (ret || !loops) {
		fprintf(stderr, "%s: failed after %.2f s\n", argv[1], t);
		return 1;
	}
	printf("ops %lu secs %.3f ops_per_sec %.3f\n", loops, t, loops / t);
	return 0;
}
