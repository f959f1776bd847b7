/* SPDX-License-Identifier: Apache-2.0 */
/* The pure half of the relay's host-name resolver (resolver.c does the
 * I/O): /etc/hosts and /etc/resolv.conf parsing, the search-list order,
 * DNS A/AAAA query building and answer parsing. What n8n's broker needs in
 * Kubernetes is a service name answered by /etc/hosts or the cluster DNS;
 * see resolver.h for why not getaddrinfo. All input here is untrusted: every read
 * is bounds-checked, name compression pointers may only point backwards. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_MAX_NS 3          /* nameservers used, as glibc (MAXNS) */
#define DNS_MAX_SEARCH 6      /* search domains used, as glibc (MAXDNSRCH) */
#define DNS_NAME_MAX 254      /* 253 characters + NUL */
#define DNS_MSG_MAX 1232      /* UDP answers read (no EDNS: 512 expected) */
#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_AAAA 28

struct dns_addr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t a[16];
};

struct dns_conf {
	struct dns_addr ns[DNS_MAX_NS];
	size_t n_ns;
	char search[DNS_MAX_SEARCH][DNS_NAME_MAX];
	size_t n_search;
	unsigned ndots;     /* default 1, at most 15 */
	unsigned timeout_s; /* per try; default 5, 1..30 */
	unsigned attempts;  /* rounds over the nameservers; default 2, 1..5 */
};

/* A numeric IPv4 or IPv6 address (no scope id). */
bool dns_parse_numeric(const char *s, struct dns_addr *out);

/* A host name we send to DNS: labels of 1-63 letters, digits, '-' or '_',
 * at most 253 characters, one optional trailing dot. */
bool dns_name_valid(const char *name);

/* resolv.conf(5) as glibc reads it, as far as a resolver needs:
 * nameserver (numeric; the first DNS_MAX_NS), search/domain (the last line
 * wins), options ndots:/timeout:/attempts:. Unknown or malformed lines are
 * ignored, as glibc does. No nameserver means 127.0.0.1. Never fails. */
void dns_conf_parse(const char *text, size_t len, struct dns_conf *c);

/* The addresses /etc/hosts gives `name` (any of a line's names, case
 * insensitive), in file order, duplicates dropped; at most max. */
size_t dns_hosts_lookup(const char *text, size_t len, const char *name, struct dns_addr *out,
			size_t max);

/* The names to query, in order (resolv.conf(5)): a name ending in '.' as
 * is only; one with at least ndots dots first as is, then with each search
 * domain; otherwise with each search domain first. Returns the count. */
size_t dns_candidates(const char *name, const struct dns_conf *c, char out[][DNS_NAME_MAX],
		      size_t max);

/* A recursive query for (name, qtype, IN). Returns its length, or -EINVAL
 * for an invalid name, -ENOSPC when cap is too small. */
int dns_query_build(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype);

/* Parses the answer to the query (id, name, qtype): the question must be
 * echoed; CNAMEs are followed inside the answer section (8 hops); A/AAAA
 * records of the final name are returned (at most max). Returns 0 with
 * *n > 0, or:
 *   -EPROTO   not an answer to this query (ID, QR bit, opcode, question)
 *   -EBADMSG  malformed (truncated record, bad pointer, bad rdata length)
 *   -ENOENT   NXDOMAIN
 *   -ENODATA  no such record (NOERROR, no address)
 *   -EAGAIN   server failure, refusal, or truncated without an address */
int dns_answer_parse(const uint8_t *msg, size_t len, uint16_t id, const char *name,
		     uint16_t qtype, struct dns_addr *out, size_t max, size_t *n);
