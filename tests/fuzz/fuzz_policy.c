/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target for the policy parser and the BPF simulator (see
 * tests/fuzz/meson.build; seeds: corpus/policy, policies/, the Docker and
 * Podman profiles):
 *   CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address
 *   build-fuzz/tests/fuzz/fuzz_policy tests/fuzz/corpus/policy policies */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
