/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Interface of drivers/misc/page_alias_test.c, a test driver that allocates,
 * maps and changes the caching of pages the way DRM/TTM and AGP do, for
 * tools/testing/selftests/page_alias/.
 */
#ifndef _UAPI_LINUX_PAGE_ALIAS_TEST_H
#define _UAPI_LINUX_PAGE_ALIAS_TEST_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PALIAS_MAX_PAGES		4096

/* Caching of a buffer, and who sets it that way. */
enum palias_mode {
	PALIAS_MODE_TTM_WC = 1,	/* alloc_pages + set_pages_array_wc */
	PALIAS_MODE_TTM_UC = 2,	/* alloc_pages + set_pages_array_uc */
	PALIAS_MODE_AGP_UC = 3,	/* alloc_page + set_memory_uc (direct map) */
};

/* How a lazy kernel alias of pages is made and torn down. */
enum palias_alias {
	PALIAS_ALIAS_VMAP = 1,		/* vmap() + write + vunmap() */
	PALIAS_ALIAS_VM_MAP_RAM = 2,	/* vm_map_ram() + vm_unmap_ram() */
	PALIAS_ALIAS_VMALLOC = 3,	/* vmalloc() + write + vfree() */
	/* vmalloc() + write + vfree_atomic() */
	PALIAS_ALIAS_VFREE_ATOMIC = 4,
	/*
	 * SEED only, 1..64 pages: vm_map_ram() chunks until one vmap_block
	 * is fully used (a filler page in every chunk but one in its middle,
	 * which maps the pages and is written), vm_unmap_ram() of that
	 * chunk; the rest stay mapped until the caching change is done.
	 */
	PALIAS_ALIAS_VMAP_BLOCK_FULL = 5,
};

struct palias_alloc {
	__u32 pages;	/* 1..PALIAS_MAX_PAGES */
	__u32 mode;	/* enum palias_mode */
	__u32 flags;	/* must be 0 */
	__u32 pad;	/* must be 0 */
};

struct palias_alias_req {
	__u32 pages;	/* 1..PALIAS_MAX_PAGES */
	__u32 alias;	/* enum palias_alias */
	__u32 flags;	/* PALIAS_ALIAS_KEEP or 0 */
	__u32 pad;	/* must be 0 */
};

/*
 * palias_alias_req.flags: alias the file's own pages, allocated at the first
 * such call and kept until close, instead of fresh pages that are freed:
 * a lazy backlog whose pages never reach another owner (VMAP and
 * VM_MAP_RAM only; later calls may not ask for more pages than the first).
 */
#define PALIAS_ALIAS_KEEP	1

/* Make lazy aliases, free the pages, reallocate, set the caching. */
struct palias_seed {
	__u32 pages;	/* 1..PALIAS_MAX_PAGES */
	__u32 alias;	/* enum palias_alias */
	__u32 mode;	/* enum palias_mode */
	__u32 flags;	/* must be 0 */
	/*
	 * 0..PALIAS_MAX_SPACER pages of vmalloc space held before the alias is
	 * made: a retry moves a vmap() or vmalloc() alias to another address
	 * (small vm_map_ram() aliases come from per-CPU blocks).  A driver
	 * built as a module cannot hold space: -EOPNOTSUPP if not 0.
	 */
	__u32 spacer;
};

#define PALIAS_MAX_SPACER	64

/*
 * What the last ALLOC or SEED saw.  The first five fields are the checker's
 * word; the oracle fields are not: they come from reads through the stale
 * alias addresses and from kretprobes on the kernel TLB flush functions.
 */
struct palias_verdict {
	__u32 pages;		/* pages in the buffer */
	__u32 reused;		/* of them, pages that carried the lazy alias */
	__u32 dirty_before;	/* pages with unflushed aliases before CPA */
	__u32 dirty_after;	/* ... after CPA (must be 0 unless off) */
	__u32 checker;		/* 1 if page_alias_check tracks pages */
	__u32 oracle;		/* 1 if the oracle below ran (CONFIG_KRETPROBES) */
	__u32 live_unmapped;	/* alias pages readable right after the unmap */
	/* Reused pages readable through the old alias (stale TLB) just before the change */
	__u32 live;
	__u32 live_clean;	/* of them, pages the checker called clean */
	/* Of them, covered by a completed TLB flush while still write-back */
	__u32 flushed;
	__u32 flushed_other;	/* ... first by another task's flush */
	__u32 purges;		/* vm_unmap_aliases() calls in the change */
	__u32 missed;		/* probe hits lost: the oracle is incomplete */
	/* Of the live pages, readable after the first vm_unmap_aliases() returned */
	__u32 live_after_purge;
	__u32 alias_page;	/* low 16 bits of the alias address's page number */
};

/* Time set_pages_array_wc() + set_pages_array_wb() rounds in the kernel. */
struct palias_bench {
	__u32 pages;		/* in: 1..PALIAS_MAX_PAGES */
	__u32 iters;		/* in: 1..PALIAS_MAX_ITERS */
	__u64 median_ns;	/* out: per round */
	__u64 p99_ns;
	__u64 mean_ns;
};

#define PALIAS_MAX_ITERS	100000

/* Live kernel mappings of a buffer, legal and not (page_alias_check_live). */
enum palias_live {
	/* set_pages_array_wc, then a WC vmap: legal */
	PALIAS_LIVE_TTM_WC_VMAP = 1,
	/* a WB vmap live while set_pages_array_wc */
	PALIAS_LIVE_WB_VMAP_THEN_WC = 2,
	/* a WC vmap live while set_pages_array_wb */
	PALIAS_LIVE_WC_VMAP_THEN_WB = 3,
	/* set_pages_array_wc, then a PAGE_KERNEL vmap */
	PALIAS_LIVE_WB_VMAP_OF_WC = 4,
	/* vmap, free the pages, vunmap */
	PALIAS_LIVE_FREE_MAPPED = 5,
	/* vmap with VM_MAP_PUT_PAGES, vfree: legal */
	PALIAS_LIVE_PUT_PAGES = 6,
	/* vmalloc, write, vfree: legal */
	PALIAS_LIVE_VMALLOC = 7,
};

struct palias_live_req {
	__u32 scenario;	/* enum palias_live */
	__u32 pages;	/* 1..PALIAS_MAX_PAGES */
	__u32 flags;	/* must be 0 */
	__u32 mapped;	/* out: live mappings of page 0 while mapped */
};

/*
 * Hand fresh pages with a lazy alias to another kernel user (a DRM driver
 * such as vgem): make the alias, free the pages and watch them.  The next
 * set_pages_array_wc() or _uc() of this task is the change VERDICT
 * reports on: pages it got that were handed off (by pfn), and the oracle's
 * reads and flushes around it.  Call VERDICT while that user still holds
 * the pages; FREE (or close) ends the watch.
 */
struct palias_handoff {
	__u32 pages;	/* 1..PALIAS_MAX_PAGES */
	__u32 alias;	/* enum palias_alias */
	__u32 flags;	/* must be 0 */
	__u32 pad;	/* must be 0 */
};

#define PALIAS_IOC_MAGIC	0xa7
#define PALIAS_IOC_ALLOC	_IOW(PALIAS_IOC_MAGIC, 1, struct palias_alloc)
#define PALIAS_IOC_FREE		_IO(PALIAS_IOC_MAGIC, 2)
#define PALIAS_IOC_ALIAS	\
	_IOW(PALIAS_IOC_MAGIC, 3, struct palias_alias_req)
#define PALIAS_IOC_SEED		_IOW(PALIAS_IOC_MAGIC, 4, struct palias_seed)
#define PALIAS_IOC_VERDICT	\
	_IOR(PALIAS_IOC_MAGIC, 5, struct palias_verdict)
#define PALIAS_IOC_BENCH	_IOWR(PALIAS_IOC_MAGIC, 6, struct palias_bench)
#define PALIAS_IOC_LIVE		\
	_IOWR(PALIAS_IOC_MAGIC, 7, struct palias_live_req)
#define PALIAS_IOC_HANDOFF	\
	_IOW(PALIAS_IOC_MAGIC, 8, struct palias_handoff)

#endif /* _UAPI_LINUX_PAGE_ALIAS_TEST_H */
