/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the policy parser (crun and systemd fuzz every parser).
 * Built two ways:
 *  - with -Dfuzz=true and clang: a libFuzzer target
 *      CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address
 *      build-fuzz/tests/fuzz/fuzz_policy tests/fuzz/corpus policies
 *  - otherwise: a plain driver that runs every file (or every file in every
 *    directory) named on the command line once, so CI exercises the target
 *    on the corpus without clang. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bpfsim.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tj_error err = { 0 };
	struct policy *p = NULL;
	if (policy_parse((const char *)data, size, "fuzz", &p, &err) == 0) {
		/* walk what was parsed, so a bad pointer shows up under ASan */
		for (size_t i = 0; i < p->n_rules; i++) {
			const struct policy_rule *r = &p->rules[i];
			(void)policy_rule_applies(r, "x86_64", 6, 1);
			for (size_t n = 0; n < r->n_names; n++)
				(void)strlen(r->names[n]);
		}
		policy_free(p);
	} else if (!strstr(err.msg, "policy fuzz: ")) {
		abort(); /* every error names the file */
	}
	/* The simulator must survive any program: treat the input as BPF. */
	struct seccomp_data d = { .nr = 1, .arch = 0xc000003e };
	(void)bpfsim_run((const struct sock_filter *)data, size / sizeof(struct sock_filter), &d);
	return 0;
}

#ifndef TJ_LIBFUZZER
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0, count = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]);
			count++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
			bad |= run_file(p);
			count++;
		}
		if (d)
			closedir(d);
	}
	printf("1..1\nok 1 - fuzz_policy ran %d inputs\n", count);
	return bad;
}
#endif
