/* SPDX-License-Identifier: Apache-2.0 */
/* A stand-in for libFuzzer's main when the fuzz targets are built as plain
 * tests (meson -Dfuzz=false, the default): feeds every file named on the
 * command line (directories: every file in them) to LLVMFuzzerTestOneInput,
 * then every prefix of it and copies with single bytes flipped, so the
 * parsers' error paths run under ASan/UBSan in CI too. Deterministic.
 * With -Dfuzz=true the same target links libFuzzer instead. */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long runs;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	static uint8_t buf[1 << 20], mut[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	runs++;
	/* Truncations: every prefix length in steps that keep big files cheap. */
	size_t step = n / 64 + 1;
	for (size_t l = 0; l < n; l += step) {
		LLVMFuzzerTestOneInput(buf, l);
		runs++;
	}
	/* Byte flips: structural characters turned into others. */
	static const uint8_t repl[] = { '"', '{', '[', ':', ',', '0', 'x', '\\', 0, 0xff };
	for (size_t i = 0; i < n; i += step) {
		memcpy(mut, buf, n);
		mut[i] = repl[i % sizeof(repl)];
		LLVMFuzzerTestOneInput(mut, n);
		runs++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0, files = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]);
			files++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
			if (e->d_name[0] == '.' || stat(p, &st) < 0 || !S_ISREG(st.st_mode))
				continue;
			bad |= run_file(p);
			files++;
		}
		if (d)
			closedir(d);
	}
	printf("1..1\n%s 1 - %s: %d files, %lu inputs\n", bad || !files ? "not ok" : "ok",
	       argv[0], files, runs);
	return 0;
}
