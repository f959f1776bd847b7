/* SPDX-License-Identifier: Apache-2.0 */
/* The /proc guard's walker against the kernel, on a scratch tree (no
 * procfs, no privileges): for every path, pg_walk_path() from the tree's
 * root must reach the same object, or fail with the same errno, as
 * openat2(RESOLVE_IN_ROOT) from there, which is the kernel's own lookup
 * with ".." and absolute symlinks kept inside that root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procguard/internal.h"

static char tree[] = "/tmp/tj-walk.XXXXXX";
static int root = -1;

static void mk(const char *what, const char *path, const char *target)
{
	int r = 0;
	if (!strcmp(what, "dir"))
		r = mkdirat(root, path, 0755);
	else if (!strcmp(what, "file"))
		r = close(openat(root, path, O_CREAT | O_WRONLY, 0644));
	else
		r = symlinkat(target, root, path);
	assert_int_equal(r, 0);
}

static int setup(void **s)
{
	(void)s;
	assert_non_null(mkdtemp(tree));
	root = open(tree, O_PATH | O_DIRECTORY | O_CLOEXEC);
	mk("dir", "d", NULL);
	mk("dir", "d/e", NULL);
	mk("file", "d/f", NULL);
	mk("link", "a", "d");
	mk("link", "abs", "/d/e");
	mk("link", "up", "../../../../d");
	mk("link", "loop1", "loop2");
	mk("link", "loop2", "loop1");
	mk("link", "dangling", "nowhere");
	mk("link", "tofile", "d/f");
	char name[32], target[32];
	for (int i = 0; i < 41; i++) { /* chainN -> chainN+1 -> ... -> d */
		snprintf(name, sizeof(name), "chain%d", i);
		snprintf(target, sizeof(target), i == 40 ? "d" : "chain%d", i + 1);
		mk("link", name, target);
	}
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tree);
	return system(cmd) == 0 ? 0 : -1;
}

/* The kernel's answer: a (dev, ino) or -errno. Two answers are transient
 * and asked again: EAGAIN (a rename or mount somewhere on the machine raced
 * a ".." lookup; openat2(2) asks callers to retry) and ELOOP on a chain of
 * exactly 40 links (when a mount or umount elsewhere makes the kernel's RCU
 * walk restart in ref-walk mode, the links counted before the restart
 * still count: seen on 6.18 with launches running beside, 12 runs in 150).
 * A true ELOOP is the answer of every try: five in a row settle it. */
static int kernel(const char *path, struct stat *st)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT};
	int fd = -1, eloops = 0, e = EAGAIN;
	for (int i = 0; i < 1000 && eloops < 5; i++) {
		if ((fd = (int)sys_openat2(root, path, &how)) >= 0)
			break;
		e = errno;
		if (e == ELOOP)
			eloops++;
		else if (e != EAGAIN)
			break;
	}
	if (fd < 0)
		return e == ELOOP || (e == EAGAIN && eloops) ? -ELOOP : -e;
	fstat(fd, st);
	close(fd);
	return 0;
}

static int walker(const char *path, struct stat *st)
{
	struct procguard pg = {.root_fd = root, .proc_fd = -1};
	pg.walk = calloc(1, sizeof(*pg.walk));
	struct pg_req rq = {.pg = &pg, .tid = getpid(), .flags = O_PATH};
	int fd = pg_walk_path(&rq, root, root, false, path);
	free(pg.walk);
	if (fd < 0)
		return fd;
	fstat(fd, st);
	close(fd);
	return 0;
}

static void same(const char *path)
{
	struct stat a = {0}, b = {0};
	int k = kernel(path, &a), w = walker(path, &b);
	if (k != w || (k == 0 && (a.st_dev != b.st_dev || a.st_ino != b.st_ino)))
		fail_msg("%s: kernel %d (ino %lu), walker %d (ino %lu)", path, k,
			 (unsigned long)a.st_ino, w, (unsigned long)b.st_ino);
}

static void test_corpus(void **s)
{
	(void)s;
	static const char *const paths[] = {
		"d/f", "/d/f", "a/f", "a/../a/f", "a/e/../f", "abs", "abs/..", "/abs/../f",
		"up/f", "../../d/f", "/../../d", "d/../../../../d/e", "loop1", "loop1/x",
		"dangling", "dangling/x", "tofile", "tofile/", "tofile/x", "d/f/..", "d/f/.",
		"d//e///", "./d/./e", "nope", "nope/x", "d/nope/../f", "chain0", "chain0/e",
		"chain1/e", "chain2/f", "", ".", "/", "..", "d/e/../../a/e/../f",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (paths[i][0])
			same(paths[i]);
}

/* Long padded paths: the kernel takes the plain runs (walk_chunk); the
 * answers must not change. */
static void test_padded(void **s)
{
	(void)s;
	static const char *const tails[] = {"f", "nope", "a/f", "chain0/e", "chain1/f", "tofile/x"};
	char path[PATH_MAX];
	for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
		for (int pads = 0; pads < 300; pads += 37) {
			size_t n = 0;
			n += (size_t)snprintf(path + n, sizeof(path) - n, "d/");
			for (int i = 0; i < pads && n + 16 < sizeof(path); i++)
				n += (size_t)snprintf(path + n, sizeof(path) - n, i % 2 ? "e/../" : "./");
			snprintf(path + n, sizeof(path) - n, "../%s", tails[t]);
			same(path);
			/* the same behind a symlink and an absolute restart */
			char p2[PATH_MAX + 8];
			snprintf(p2, sizeof(p2), "a/e/../../%s", path);
			same(p2);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_padded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
