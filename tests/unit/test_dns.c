/* SPDX-License-Identifier: Apache-2.0 */
/* The relay resolver's parsers (supervisor/dns.c): numeric addresses, host
 * names, resolv.conf, /etc/hosts, the search order, DNS queries and
 * answers, hostile answers included. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "dns.h"

static const char *str(const struct dns_addr *a)
{
	static char buf[INET6_ADDRSTRLEN];
	return inet_ntop(a->family, a->a, buf, sizeof(buf));
}

static void test_numeric(void **s)
{
	(void)s;
	struct dns_addr a;
	assert_true(dns_parse_numeric("10.96.0.10", &a));
	assert_int_equal(a.family, AF_INET);
	assert_string_equal(str(&a), "10.96.0.10");
	assert_true(dns_parse_numeric("::1", &a));
	assert_int_equal(a.family, AF_INET6);
	assert_true(dns_parse_numeric("fd00::a:b", &a));
	assert_string_equal(str(&a), "fd00::a:b");
	assert_false(dns_parse_numeric("1.2.3", &a));
	assert_false(dns_parse_numeric("256.1.1.1", &a));
	assert_false(dns_parse_numeric("fe80::1%eth0", &a));
	assert_false(dns_parse_numeric("broker", &a));
	assert_false(dns_parse_numeric("", &a));
}

static void test_name_valid(void **s)
{
	(void)s;
	char l63[64], l64[65], long254[260];
	memset(l63, 'a', 63);
	l63[63] = '\0';
	memset(l64, 'a', 64);
	l64[64] = '\0';
	assert_true(dns_name_valid("broker"));
	assert_true(dns_name_valid("n8n-broker.n8n.svc.cluster.local"));
	assert_true(dns_name_valid("n8n-broker.n8n.svc.cluster.local."));
	assert_true(dns_name_valid("_srv.x"));
	assert_true(dns_name_valid(l63));
	assert_false(dns_name_valid(l64));
	assert_false(dns_name_valid(""));
	assert_false(dns_name_valid("."));
	assert_false(dns_name_valid("a..b"));
	assert_false(dns_name_valid(".a"));
	assert_false(dns_name_valid("a b"));
	assert_false(dns_name_valid("a/b"));
	assert_false(dns_name_valid("a\\.b"));
	/* 4 x 63 + 3 dots = 255 characters: too long; 253 fit. */
	snprintf(long254, sizeof(long254), "%s.%s.%s.%s", l63, l63, l63, l63);
	assert_false(dns_name_valid(long254));
	long254[253] = '\0';
	assert_true(dns_name_valid(long254));
}

static void test_conf(void **s)
{
	(void)s;
	struct dns_conf c;
	dns_conf_parse("", 0, &c);
	assert_int_equal(c.n_ns, 1);
	assert_string_equal(str(&c.ns[0]), "127.0.0.1");
	assert_int_equal(c.ndots, 1);
	assert_int_equal(c.timeout_s, 5);
	assert_int_equal(c.attempts, 2);
	assert_int_equal(c.n_search, 0);

	/* What a Kubernetes pod gets. */
	const char *k8s = "search n8n.svc.cluster.local svc.cluster.local cluster.local\n"
			  "nameserver 10.96.0.10\n"
			  "options ndots:5 timeout:1 attempts:3\n";
	dns_conf_parse(k8s, strlen(k8s), &c);
	assert_int_equal(c.n_ns, 1);
	assert_string_equal(str(&c.ns[0]), "10.96.0.10");
	assert_int_equal(c.n_search, 3);
	assert_string_equal(c.search[0], "n8n.svc.cluster.local");
	assert_string_equal(c.search[2], "cluster.local");
	assert_int_equal(c.ndots, 5);
	assert_int_equal(c.timeout_s, 1);
	assert_int_equal(c.attempts, 3);

	const char *odd = "# comment nameserver 9.9.9.9\n"
			  "; nameserver 8.8.8.8\n"
			  "nameserver bogus\n"
			  "nameserver\n"
			  "nameserver fe80::1%eth0\n"
			  "\tnameserver   1.1.1.1  # trailing\r\n"
			  "nameserver ::1\n"
			  "nameserver 2.2.2.2\n"
			  "nameserver 3.3.3.3\n"
			  "domain example.org\n"
			  "search a.example. b..bad c.example\n"
			  "options ndots:99 timeout:0 attempts:x rotate\n"
			  "options timeout:-1";
	dns_conf_parse(odd, strlen(odd), &c);
	assert_int_equal(c.n_ns, 3);
	assert_string_equal(str(&c.ns[0]), "1.1.1.1");
	assert_string_equal(str(&c.ns[1]), "::1");
	assert_string_equal(str(&c.ns[2]), "2.2.2.2");
	assert_int_equal(c.n_search, 2); /* the last search line; b..bad dropped */
	assert_string_equal(c.search[0], "a.example");
	assert_string_equal(c.search[1], "c.example");
	assert_int_equal(c.ndots, 15);
	assert_int_equal(c.timeout_s, 1);
	assert_int_equal(c.attempts, 2);

	const char *dom = "search x.example\ndomain y.example z.example\n";
	dns_conf_parse(dom, strlen(dom), &c);
	assert_int_equal(c.n_search, 1);
	assert_string_equal(c.search[0], "y.example");

	/* A NUL inside a line voids the line; the text after it is not read as
	 * a nameserver. */
	const char nul[] = "nameserver 5.5.5.5\0nameserver 6.6.6.6\nnameserver 7.7.7.7\n";
	dns_conf_parse(nul, sizeof(nul) - 1, &c);
	assert_int_equal(c.n_ns, 1);
	assert_string_equal(str(&c.ns[0]), "7.7.7.7");
}

static void test_hosts(void **s)
{
	(void)s;
	const char *h = "127.0.0.1 localhost\n"
			"::1 localhost ip6-localhost\n"
			"# 10.0.0.9 broker\n"
			"10.0.0.1\tBroker broker.n8n.svc.cluster.local # 10.0.0.8 broker\n"
			"10.0.0.2 other broker\n"
			"10.0.0.1 broker\n"
			"bogus broker\n"
			"10.0.0.3 notbroker broker2\n"
			"broker 10.0.0.4\n"
			"fd00::5 broker";
	struct dns_addr a[8];
	size_t n = dns_hosts_lookup(h, strlen(h), "broker", a, 8);
	assert_int_equal(n, 3);
	assert_string_equal(str(&a[0]), "10.0.0.1");
	assert_string_equal(str(&a[1]), "10.0.0.2");
	assert_string_equal(str(&a[2]), "fd00::5");
	assert_int_equal(dns_hosts_lookup(h, strlen(h), "BROKER.", a, 8), 3);
	assert_int_equal(dns_hosts_lookup(h, strlen(h), "broker", a, 2), 2);
	n = dns_hosts_lookup(h, strlen(h), "localhost", a, 8);
	assert_int_equal(n, 2);
	assert_string_equal(str(&a[1]), "::1");
	assert_int_equal(dns_hosts_lookup(h, strlen(h), "broker.n8n.svc.cluster.local", a, 8), 1);
	assert_int_equal(dns_hosts_lookup(h, strlen(h), "10.0.0.4", a, 8), 0);
	assert_int_equal(dns_hosts_lookup(h, strlen(h), "nothere", a, 8), 0);
	assert_int_equal(dns_hosts_lookup("", 0, "broker", a, 8), 0);
}

static void test_candidates(void **s)
{
	(void)s;
	struct dns_conf c;
	const char *k8s = "search n8n.svc.cluster.local svc.cluster.local cluster.local\n"
			  "nameserver 10.96.0.10\noptions ndots:5\n";
	dns_conf_parse(k8s, strlen(k8s), &c);
	char out[1 + DNS_MAX_SEARCH][DNS_NAME_MAX];
	size_t n = dns_candidates("broker", &c, out, 1 + DNS_MAX_SEARCH);
	assert_int_equal(n, 4);
	assert_string_equal(out[0], "broker.n8n.svc.cluster.local");
	assert_string_equal(out[1], "broker.svc.cluster.local");
	assert_string_equal(out[3], "broker");
	/* a service in another namespace: "broker.other" still below ndots */
	n = dns_candidates("broker.other", &c, out, 1 + DNS_MAX_SEARCH);
	assert_int_equal(n, 4);
	assert_string_equal(out[1], "broker.other.svc.cluster.local");
	/* enough dots: as is first */
	n = dns_candidates("a.b.c.d.e.f", &c, out, 1 + DNS_MAX_SEARCH);
	assert_int_equal(n, 4);
	assert_string_equal(out[0], "a.b.c.d.e.f");
	/* absolute: only itself */
	n = dns_candidates("broker.n8n.svc.cluster.local.", &c, out, 1 + DNS_MAX_SEARCH);
	assert_int_equal(n, 1);
	assert_string_equal(out[0], "broker.n8n.svc.cluster.local");
	/* max respected; no search list */
	assert_int_equal(dns_candidates("broker", &c, out, 2), 2);
	dns_conf_parse("", 0, &c);
	n = dns_candidates("broker", &c, out, 1 + DNS_MAX_SEARCH);
	assert_int_equal(n, 1);
	assert_string_equal(out[0], "broker");
	/* a search domain that would make the name too long is skipped */
	char name[250];
	memset(name, 'a', sizeof(name) - 1);
	for (size_t i = 60; i < sizeof(name) - 1; i += 61)
		name[i] = '.';
	name[sizeof(name) - 1] = '\0';
	dns_conf_parse(k8s, strlen(k8s), &c);
	n = dns_candidates(name, &c, out, 1 + DNS_MAX_SEARCH);
	assert_int_equal(n, 1);
	assert_string_equal(out[0], name);
}

static void test_query(void **s)
{
	(void)s;
	uint8_t b[64];
	int n = dns_query_build(b, sizeof(b), 0x1234, "ab.c.", DNS_TYPE_AAAA);
	static const uint8_t want[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
					2, 'a', 'b', 1, 'c', 0, 0, 28, 0, 1 };
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(b, want, sizeof(want));
	assert_int_equal(dns_query_build(b, sizeof(b), 1, "a..b", DNS_TYPE_A), -EINVAL);
	assert_int_equal(dns_query_build(b, sizeof(want) - 1, 0x1234, "ab.c", DNS_TYPE_AAAA), -ENOSPC);
}

/* ---- answers, built byte by byte ------------------------------------------ */

struct msg {
	uint8_t b[1024];
	size_t n;
};

static void put(struct msg *m, const void *p, size_t l)
{
	assert_true(m->n + l <= sizeof(m->b));
	memcpy(m->b + m->n, p, l);
	m->n += l;
}
static void put8(struct msg *m, unsigned v)
{
	uint8_t c = (uint8_t)v;
	put(m, &c, 1);
}
static void put16(struct msg *m, unsigned v)
{
	put8(m, v >> 8);
	put8(m, v & 0xff);
}
static void put_name(struct msg *m, const char *name)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);
		put8(m, (unsigned)l);
		put(m, name, l);
		name += l + (dot ? 1 : 0);
	}
	put8(m, 0);
}
/* header + question; returns the question name's offset (12) */
static void head(struct msg *m, unsigned id, unsigned flags, unsigned an, const char *q,
		 unsigned qtype)
{
	m->n = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, 1);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
	put_name(m, q);
	put16(m, qtype);
	put16(m, 1);
}
static void rr_hdr(struct msg *m, unsigned type, unsigned rdlen)
{
	put16(m, type);
	put16(m, 1);
	put16(m, 0);
	put16(m, 30);
	put16(m, rdlen);
}
static void rr_a(struct msg *m, unsigned ptr, const char *ip)
{
	put16(m, 0xc000 | ptr);
	rr_hdr(m, DNS_TYPE_A, 4);
	uint8_t a[4];
	inet_pton(AF_INET, ip, a);
	put(m, a, 4);
}

#define OK 0x8180 /* QR, RD, RA, NOERROR */
#define Q "broker.n8n.svc.cluster.local"

static int parse(const struct msg *m, uint16_t id, const char *name, uint16_t qtype,
		 struct dns_addr *a, size_t max, size_t *n)
{
	return dns_answer_parse(m->b, m->n, id, name, qtype, a, max, n);
}

static void test_answer_basic(void **s)
{
	(void)s;
	struct msg m;
	struct dns_addr a[4];
	size_t n;
	head(&m, 0x4242, OK, 2, Q, DNS_TYPE_A);
	rr_a(&m, 12, "10.96.7.8");
	rr_a(&m, 12, "10.96.7.9");
	assert_int_equal(parse(&m, 0x4242, Q, DNS_TYPE_A, a, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(str(&a[0]), "10.96.7.8");
	assert_string_equal(str(&a[1]), "10.96.7.9");
	assert_int_equal(parse(&m, 0x4242, Q, DNS_TYPE_A, a, 1, &n), 0);
	assert_int_equal(n, 1);
	/* the name is compared without case (0x20 randomisation) */
	assert_int_equal(parse(&m, 0x4242, "BROKER.n8n.svc.Cluster.Local", DNS_TYPE_A, a, 4, &n), 0);

	/* not ours: ID, question name, type, not a response */
	assert_int_equal(parse(&m, 0x4243, Q, DNS_TYPE_A, a, 4, &n), -EPROTO);
	assert_int_equal(parse(&m, 0x4242, "broker.svc.cluster.local", DNS_TYPE_A, a, 4, &n), -EPROTO);
	assert_int_equal(parse(&m, 0x4242, Q, DNS_TYPE_AAAA, a, 4, &n), -EPROTO);
	m.b[2] &= 0x7f;
	assert_int_equal(parse(&m, 0x4242, Q, DNS_TYPE_A, a, 4, &n), -EPROTO);

	/* AAAA */
	head(&m, 7, OK, 1, Q, DNS_TYPE_AAAA);
	put16(&m, 0xc00c);
	rr_hdr(&m, DNS_TYPE_AAAA, 16);
	uint8_t v6[16];
	inet_pton(AF_INET6, "fd00::17", v6);
	put(&m, v6, 16);
	assert_int_equal(parse(&m, 7, Q, DNS_TYPE_AAAA, a, 4, &n), 0);
	assert_int_equal(a[0].family, AF_INET6);
	assert_string_equal(str(&a[0]), "fd00::17");
}

static void test_answer_rcodes(void **s)
{
	(void)s;
	struct msg m;
	struct dns_addr a[4];
	size_t n;
	head(&m, 1, 0x8183, 0, Q, DNS_TYPE_A);
	assert_int_equal(parse(&m, 1, Q, DNS_TYPE_A, a, 4, &n), -ENOENT);
	head(&m, 1, 0x8182, 0, Q, DNS_TYPE_A);
	assert_int_equal(parse(&m, 1, Q, DNS_TYPE_A, a, 4, &n), -EAGAIN);
	head(&m, 1, 0x8185, 0, Q, DNS_TYPE_A);
	assert_int_equal(parse(&m, 1, Q, DNS_TYPE_A, a, 4, &n), -EAGAIN);
	head(&m, 1, OK, 0, Q, DNS_TYPE_A);
	assert_int_equal(parse(&m, 1, Q, DNS_TYPE_A, a, 4, &n), -ENODATA);
	head(&m, 1, OK | 0x0200, 0, Q, DNS_TYPE_A); /* TC, nothing usable */
	assert_int_equal(parse(&m, 1, Q, DNS_TYPE_A, a, 4, &n), -EAGAIN);
	/* an A record for some other name is not an answer */
	head(&m, 1, OK, 1, Q, DNS_TYPE_A);
	put_name(&m, "evil.example");
	rr_hdr(&m, DNS_TYPE_A, 4);
	put(&m, "\x01\x02\x03\x04", 4);
	assert_int_equal(parse(&m, 1, Q, DNS_TYPE_A, a, 4, &n), -ENODATA);
	assert_int_equal(n, 0);
}

static void test_answer_cname(void **s)
{
	(void)s;
	struct msg m;
	struct dns_addr a[4];
	size_t n;
	/* q CNAME x.example; unrelated A; x.example A 10.1.1.1 (records out of order) */
	head(&m, 9, OK, 3, Q, DNS_TYPE_A);
	put_name(&m, "y.example");
	rr_hdr(&m, DNS_TYPE_A, 4);
	put(&m, "\x05\x05\x05\x05", 4);
	size_t cname_rdata;
	put16(&m, 0xc00c);
	rr_hdr(&m, DNS_TYPE_CNAME, 11);
	cname_rdata = m.n;
	put_name(&m, "x.example");
	rr_a(&m, (unsigned)cname_rdata, "10.1.1.1");
	assert_int_equal(parse(&m, 9, Q, DNS_TYPE_A, a, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(str(&a[0]), "10.1.1.1");

	/* a CNAME loop ends after 8 hops with no address */
	head(&m, 9, OK, 2, "a.example", DNS_TYPE_A);
	put16(&m, 0xc00c);
	rr_hdr(&m, DNS_TYPE_CNAME, 11);
	size_t b_off = m.n;
	put_name(&m, "b.example");
	put16(&m, 0xc000 | (unsigned)b_off);
	rr_hdr(&m, DNS_TYPE_CNAME, 2);
	put16(&m, 0xc00c);
	assert_int_equal(parse(&m, 9, "a.example", DNS_TYPE_A, a, 4, &n), -ENODATA);
}

static void test_answer_hostile(void **s)
{
	(void)s;
	struct msg m;
	struct dns_addr a[4];
	size_t n;
	/* a pointer to itself, and one pointing forward */
	head(&m, 3, OK, 1, Q, DNS_TYPE_A);
	put16(&m, 0xc000 | (unsigned)m.n);
	rr_hdr(&m, DNS_TYPE_A, 4);
	put(&m, "\x01\x01\x01\x01", 4);
	assert_int_equal(parse(&m, 3, Q, DNS_TYPE_A, a, 4, &n), -EBADMSG);
	head(&m, 3, OK, 1, Q, DNS_TYPE_A);
	put16(&m, 0xc000 | (unsigned)(m.n + 2));
	put_name(&m, Q);
	rr_hdr(&m, DNS_TYPE_A, 4);
	put(&m, "\x01\x01\x01\x01", 4);
	assert_int_equal(parse(&m, 3, Q, DNS_TYPE_A, a, 4, &n), -EBADMSG);
	/* rdata past the end */
	head(&m, 3, OK, 1, Q, DNS_TYPE_A);
	rr_a(&m, 12, "1.1.1.1");
	m.n -= 1;
	assert_int_equal(parse(&m, 3, Q, DNS_TYPE_A, a, 4, &n), -EBADMSG);
	/* an A record of 5 bytes */
	head(&m, 3, OK, 1, Q, DNS_TYPE_A);
	put16(&m, 0xc00c);
	rr_hdr(&m, DNS_TYPE_A, 5);
	put(&m, "\x01\x01\x01\x01\x01", 5);
	assert_int_equal(parse(&m, 3, Q, DNS_TYPE_A, a, 4, &n), -EBADMSG);
	/* a good A record, then one of 5 bytes: refused, and no address
	 * returned with the error (the fuzzer found *n left at 1) */
	head(&m, 3, OK, 2, Q, DNS_TYPE_A);
	rr_a(&m, 12, "1.1.1.1");
	put16(&m, 0xc00c);
	rr_hdr(&m, DNS_TYPE_A, 5);
	put(&m, "\x01\x01\x01\x01\x01", 5);
	n = 7;
	assert_int_equal(parse(&m, 3, Q, DNS_TYPE_A, a, 4, &n), -EBADMSG);
	assert_int_equal(n, 0);
	/* a label holding a dot cannot pass for two labels */
	head(&m, 3, OK, 0, "a.b", DNS_TYPE_A);
	m.b[12] = 3; /* "\x03a.b\x00" instead of "\x01a\x01b\x00" */
	m.b[14] = '.';
	assert_int_equal(parse(&m, 3, "a.b", DNS_TYPE_A, a, 4, &n), -EBADMSG);
	/* header only, short, question cut */
	head(&m, 3, OK, 0, Q, DNS_TYPE_A);
	assert_int_equal(dns_answer_parse(m.b, 11, 3, Q, DNS_TYPE_A, a, 4, &n), -EBADMSG);
	assert_int_equal(dns_answer_parse(m.b, 20, 3, Q, DNS_TYPE_A, a, 4, &n), -EBADMSG);
	assert_int_equal(dns_answer_parse(m.b, m.n - 1, 3, Q, DNS_TYPE_A, a, 4, &n), -EBADMSG);
	/* more answers announced than present */
	head(&m, 3, OK, 5, Q, DNS_TYPE_A);
	rr_a(&m, 12, "1.1.1.1");
	assert_int_equal(parse(&m, 3, Q, DNS_TYPE_A, a, 4, &n), -EBADMSG);
	/* qdcount 2 */
	head(&m, 3, OK, 0, Q, DNS_TYPE_A);
	m.b[5] = 2;
	assert_int_equal(parse(&m, 3, Q, DNS_TYPE_A, a, 4, &n), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numeric),       cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_conf),          cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_candidates),    cmocka_unit_test(test_query),
		cmocka_unit_test(test_answer_basic),  cmocka_unit_test(test_answer_rcodes),
		cmocka_unit_test(test_answer_cname),  cmocka_unit_test(test_answer_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
