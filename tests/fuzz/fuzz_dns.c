/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the relay resolver's parsers (supervisor/dns.c). The
 * same bytes go through the DNS answer parser (as the answer to a query
 * with the message's own ID, for A and AAAA, so the fuzzer only has to
 * find the question name), the resolv.conf parser with the search order
 * it gives, and the /etc/hosts lookup. Every address returned must be of
 * a known family and no count may exceed what was asked for. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "broker.n8n.svc.cluster.local"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_addr a[4];
	size_t n = 0;
	if (size >= 2) {
		uint16_t id = (uint16_t)(data[0] << 8 | data[1]);
		static const uint16_t types[] = { DNS_TYPE_A, DNS_TYPE_AAAA };
		for (size_t t = 0; t < 2; t++) {
			int r = dns_answer_parse(data, size, id, NAME, types[t], a, 3, &n);
			if ((r == 0) != (n > 0) || n > 3)
				abort();
			for (size_t i = 0; i < n; i++)
				if (a[i].family != (types[t] == DNS_TYPE_A ? AF_INET : AF_INET6))
					abort();
		}
	}

	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	struct dns_conf c;
	dns_conf_parse(text, size, &c);
	if (c.n_ns < 1 || c.n_ns > DNS_MAX_NS || c.n_search > DNS_MAX_SEARCH || c.ndots > 15 ||
	    c.timeout_s < 1 || c.timeout_s > 30 || c.attempts < 1 || c.attempts > 5)
		abort();
	for (size_t i = 0; i < c.n_search; i++)
		if (!dns_name_valid(c.search[i]))
			abort();
	char cand[1 + DNS_MAX_SEARCH][DNS_NAME_MAX];
	size_t nc = dns_candidates("broker", &c, cand, 1 + DNS_MAX_SEARCH);
	for (size_t i = 0; i < nc; i++) {
		uint8_t q[300];
		if (strlen(cand[i]) > 253 || dns_query_build(q, sizeof(q), 1, cand[i], DNS_TYPE_A) < 0)
			abort();
	}

	n = dns_hosts_lookup(text, size, "broker", a, 4);
	if (n > 4)
		abort();
	for (size_t i = 0; i < n; i++)
		if (a[i].family != AF_INET && a[i].family != AF_INET6)
			abort();
	free(text);
	return 0;
}
