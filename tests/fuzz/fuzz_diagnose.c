/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the /proc/self/status and /proc/self/mountinfo readers
 * of `taskjail check` (diagnose.c). They get the bytes without a NUL: any
 * input must be read within its length. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diagnose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: ASan sees a read past the end. */
	char *text = malloc(size ? size : 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	struct diag_facts h = { 0 };
	diagnose_parse_status(text, size, &h);
	diagnose_parse_mountinfo(text, size, &h);
	if (h.proc_masked && strlen(h.proc_masked_example) >= sizeof(h.proc_masked_example))
		abort();
	struct diag_finding f;
	for (int p = 0; p < DIAG_N_PROBES; p++)
		diagnose_probe(&h, (enum diag_probe)p, h.seccomp_filters > 0 ? h.seccomp_filters % 140 : 1, &f);
	free(text);
	return 0;
}
