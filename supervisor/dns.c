/* SPDX-License-Identifier: Apache-2.0 */
#include "dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

bool dns_parse_numeric(const char *s, struct dns_addr *out)
{
	struct dns_addr a = { 0 };
	if (inet_pton(AF_INET, s, a.a) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, s, a.a) == 1)
		a.family = AF_INET6;
	else
		return false;
	*out = a;
	return true;
}

static bool label_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_';
}

bool dns_name_valid(const char *name)
{
	size_t len = strlen(name);
	if (len && name[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return false;
	size_t label = 0;
	for (size_t i = 0; i < len; i++) {
		if (name[i] == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (!label_char((unsigned char)name[i]) || ++label > 63) {
			return false;
		}
	}
	return label > 0;
}

/* ---- line-oriented files -------------------------------------------------- */

/* Splits [p, end) into whitespace-separated tokens, at most max, each
 * copied (NUL-terminated) into tok[i] when it fits in DNS_NAME_MAX;
 * longer tokens become "" (they match nothing we look for). */
static size_t split(const char *p, const char *end, char tok[][DNS_NAME_MAX], size_t max)
{
	size_t n = 0;
	while (p < end && n < max) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		const char *s = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (p == s)
			break;
		size_t l = (size_t)(p - s);
		if (l < DNS_NAME_MAX) {
			memcpy(tok[n], s, l);
			tok[n][l] = '\0';
		} else {
			tok[n][0] = '\0';
		}
		n++;
	}
	return n;
}

/* The next line of [*p, end) without its comment (from `comment` chars). */
static bool next_line(const char **p, const char *end, const char *comment, const char **ls,
		      const char **le)
{
	if (*p >= end)
		return false;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	const char *e = nl ? nl : end;
	*ls = *p;
	*le = *ls;
	while (*le < e && **le && !strchr(comment, **le))
		(*le)++;
	if (*le < e && !**le) /* a NUL: binary junk, nothing on this line */
		*le = *ls;
	*p = nl ? nl + 1 : end;
	return true;
}

static unsigned clamp_opt(const char *v, unsigned lo, unsigned hi, unsigned dflt)
{
	char *e;
	errno = 0;
	unsigned long x = strtoul(v, &e, 10);
	if (errno || e == v || *e || *v == '-' || *v == '+')
		return dflt;
	return x < lo ? lo : x > hi ? hi : (unsigned)x;
}

void dns_conf_parse(const char *text, size_t len, struct dns_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->ndots = 1;
	c->timeout_s = 5;
	c->attempts = 2;
	const char *p = text, *end = text + len, *ls, *le;
	char tok[1 + DNS_MAX_SEARCH][DNS_NAME_MAX];
	while (next_line(&p, end, "#;", &ls, &le)) {
		size_t n = split(ls, le, tok, 1 + DNS_MAX_SEARCH);
		if (n < 2)
			continue;
		if (strcmp(tok[0], "nameserver") == 0) {
			if (c->n_ns < DNS_MAX_NS && dns_parse_numeric(tok[1], &c->ns[c->n_ns]))
				c->n_ns++;
		} else if (strcmp(tok[0], "search") == 0 || strcmp(tok[0], "domain") == 0) {
			c->n_search = 0;
			size_t last = strcmp(tok[0], "domain") == 0 ? 2 : n;
			for (size_t i = 1; i < last; i++) {
				size_t l = strlen(tok[i]);
				if (l && tok[i][l - 1] == '.')
					tok[i][--l] = '\0';
				if (dns_name_valid(tok[i]))
					memcpy(c->search[c->n_search++], tok[i], l + 1);
			}
		} else if (strcmp(tok[0], "options") == 0) {
			for (size_t i = 1; i < n; i++) {
				if (strncmp(tok[i], "ndots:", 6) == 0)
					c->ndots = clamp_opt(tok[i] + 6, 0, 15, c->ndots);
				else if (strncmp(tok[i], "timeout:", 8) == 0)
					c->timeout_s = clamp_opt(tok[i] + 8, 1, 30, c->timeout_s);
				else if (strncmp(tok[i], "attempts:", 9) == 0)
					c->attempts = clamp_opt(tok[i] + 9, 1, 5, c->attempts);
			}
		}
	}
	if (c->n_ns == 0) {
		c->ns[0].family = AF_INET;
		memcpy(c->ns[0].a, "\x7f\0\0\x01", 4);
		c->n_ns = 1;
	}
}

/* Compares a name with a query name, ignoring case and one trailing dot on
 * either side. */
static bool name_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

static bool add_addr(struct dns_addr *out, size_t max, size_t *n, const struct dns_addr *a)
{
	for (size_t i = 0; i < *n; i++)
		if (out[i].family == a->family && memcmp(out[i].a, a->a, sizeof(a->a)) == 0)
			return true;
	if (*n >= max)
		return false;
	out[(*n)++] = *a;
	return true;
}

size_t dns_hosts_lookup(const char *text, size_t len, const char *name, struct dns_addr *out,
			size_t max)
{
	size_t n = 0;
	const char *p = text, *end = text + len, *ls, *le;
	char tok[2][DNS_NAME_MAX];
	while (next_line(&p, end, "#", &ls, &le)) {
		if (split(ls, le, tok, 1) < 1)
			continue;
		struct dns_addr a;
		if (!dns_parse_numeric(tok[0], &a))
			continue;
		/* The names, one at a time (a line may hold many aliases). */
		const char *q = ls;
		while (q < le && *q != ' ' && *q != '\t')
			q++;
		while (q < le) {
			while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			const char *s = q;
			while (q < le && *q != ' ' && *q != '\t' && *q != '\r')
				q++;
			size_t l = (size_t)(q - s);
			if (l == 0 || l >= DNS_NAME_MAX)
				continue;
			memcpy(tok[1], s, l);
			tok[1][l] = '\0';
			if (name_eq(tok[1], name)) {
				if (!add_addr(out, max, &n, &a))
					return n;
				break;
			}
		}
	}
	return n;
}

size_t dns_candidates(const char *name, const struct dns_conf *c, char out[][DNS_NAME_MAX],
		      size_t max)
{
	size_t len = strlen(name), n = 0;
	if (len == 0 || len >= DNS_NAME_MAX || max == 0)
		return 0;
	if (name[len - 1] == '.') {
		memcpy(out[0], name, len - 1);
		out[0][len - 1] = '\0';
		return 1;
	}
	unsigned dots = 0;
	for (size_t i = 0; i < len; i++)
		dots += name[i] == '.';
	bool as_is_first = dots >= c->ndots;
	if (as_is_first)
		memcpy(out[n++], name, len + 1);
	for (size_t i = 0; i < c->n_search && n < max; i++) {
		size_t sl = strlen(c->search[i]);
		if (len + 1 + sl > 253)
			continue;
		memcpy(out[n], name, len);
		out[n][len] = '.';
		memcpy(out[n] + len + 1, c->search[i], sl + 1);
		n++;
	}
	if (!as_is_first && n < max)
		memcpy(out[n++], name, len + 1);
	return n;
}

/* ---- DNS messages (RFC 1035) ---------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int dns_query_build(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype)
{
	if (!dns_name_valid(name))
		return -EINVAL;
	size_t len = strlen(name);
	if (name[len - 1] == '.')
		len--;
	/* header + (len + 2) name bytes + qtype + qclass */
	size_t total = 12 + len + 2 + 4;
	if (cap < total)
		return -ENOSPC;
	memset(buf, 0, 12);
	put16(buf, id);
	buf[2] = 0x01; /* RD */
	put16(buf + 4, 1);
	uint8_t *o = buf + 12;
	const char *s = name, *e = name + len;
	while (s < e) {
		const char *dot = memchr(s, '.', (size_t)(e - s));
		size_t l = (size_t)((dot ? dot : e) - s);
		*o++ = (uint8_t)l;
		memcpy(o, s, l);
		o += l;
		s += l + (dot ? 1 : 0);
	}
	*o++ = 0;
	put16(o, qtype);
	put16(o + 2, 1); /* IN */
	return (int)total;
}

/* Reads the (possibly compressed) name at *off into out as dotted text;
 * advances *off past it in the record. A pointer must point before the
 * label that holds it, so every jump goes strictly backwards and the walk
 * ends; labels may not hold '.' or NUL (they would fake label bounds when
 * compared as text). */
static int read_name(const uint8_t *m, size_t len, size_t *off, char out[DNS_NAME_MAX])
{
	size_t p = *off, o = 0, end_after = 0;
	bool jumped = false;
	for (int hops = 0;; hops++) {
		if (p >= len || hops > 127)
			return -EBADMSG;
		uint8_t l = m[p];
		if (l == 0) {
			if (!jumped)
				end_after = p + 1;
			break;
		}
		if ((l & 0xc0) == 0xc0) {
			if (p + 1 >= len)
				return -EBADMSG;
			size_t target = (size_t)(l & 0x3f) << 8 | m[p + 1];
			if (target >= p)
				return -EBADMSG;
			if (!jumped)
				end_after = p + 2;
			jumped = true;
			p = target;
			continue;
		}
		if (l & 0xc0)
			return -EBADMSG; /* extended label types: not used in answers */
		if (p + 1 + l > len || o + l + 1 >= DNS_NAME_MAX)
			return -EBADMSG;
		if (o)
			out[o++] = '.';
		for (size_t i = 0; i < l; i++) {
			uint8_t ch = m[p + 1 + i];
			if (ch == '.' || ch == '\0')
				return -EBADMSG;
			out[o++] = (char)ch;
		}
		p += 1 + (size_t)l;
	}
	out[o] = '\0';
	*off = end_after;
	return 0;
}

#define MAX_RECORDS 64
#define MAX_CNAME_HOPS 8

struct rr {
	size_t owner_off, rdata_off;
	uint16_t type, rdlen;
};

int dns_answer_parse(const uint8_t *m, size_t len, uint16_t id, const char *name,
		     uint16_t qtype, struct dns_addr *out, size_t max, size_t *n)
{
	*n = 0;
	if (len < 12)
		return -EBADMSG;
	if (get16(m) != id || !(m[2] & 0x80) || (m[2] & 0x78) != 0)
		return -EPROTO; /* not our ID, not a response, not a standard query */
	if (get16(m + 4) != 1)
		return -EPROTO;
	unsigned rcode = m[3] & 0x0f;
	bool tc = m[2] & 0x02;
	size_t off = 12;
	char qn[DNS_NAME_MAX], cur[DNS_NAME_MAX], owner[DNS_NAME_MAX];
	if (read_name(m, len, &off, qn) < 0 || off + 4 > len)
		return -EBADMSG;
	if (!name_eq(qn, name) || get16(m + off) != qtype || get16(m + off + 2) != 1)
		return -EPROTO;
	off += 4;
	if (rcode == 3)
		return -ENOENT;
	if (rcode != 0)
		return -EAGAIN;

	struct rr rr[MAX_RECORDS];
	size_t an = get16(m + 6), nrr = 0;
	for (size_t i = 0; i < an && i < MAX_RECORDS; i++) {
		struct rr r = { .owner_off = off };
		if (read_name(m, len, &off, owner) < 0 || off + 10 > len)
			return tc ? -EAGAIN : -EBADMSG;
		r.type = get16(m + off);
		uint16_t class = get16(m + off + 2);
		r.rdlen = get16(m + off + 8);
		r.rdata_off = off + 10;
		if (r.rdata_off + r.rdlen > len)
			return tc ? -EAGAIN : -EBADMSG;
		off = r.rdata_off + r.rdlen;
		if (class == 1)
			rr[nrr++] = r;
	}

	/* Follow the CNAME chain from the question's name. */
	size_t ql = strlen(qn);
	memcpy(cur, qn, ql + 1);
	for (int hop = 0; hop < MAX_CNAME_HOPS; hop++) {
		bool moved = false;
		for (size_t i = 0; i < nrr && !moved; i++) {
			size_t o = rr[i].owner_off;
			if (rr[i].type != DNS_TYPE_CNAME || read_name(m, len, &o, owner) < 0 ||
			    !name_eq(owner, cur))
				continue;
			o = rr[i].rdata_off;
			char target[DNS_NAME_MAX];
			if (read_name(m, len, &o, target) < 0 || o != rr[i].rdata_off + rr[i].rdlen)
				return -EBADMSG;
			memcpy(cur, target, strlen(target) + 1);
			moved = true;
		}
		if (!moved)
			break;
	}

	size_t want = qtype == DNS_TYPE_A ? 4 : 16;
	for (size_t i = 0; i < nrr; i++) {
		size_t o = rr[i].owner_off;
		if (rr[i].type != qtype || read_name(m, len, &o, owner) < 0 || !name_eq(owner, cur))
			continue;
		if (rr[i].rdlen != want) {
			*n = 0; /* a failed parse returns no address */
			return -EBADMSG;
		}
		struct dns_addr a = { .family = qtype == DNS_TYPE_A ? AF_INET : AF_INET6 };
		memcpy(a.a, m + rr[i].rdata_off, want);
		if (!add_addr(out, max, n, &a))
			break;
	}
	if (*n)
		return 0;
	return tc ? -EAGAIN : -ENODATA;
}
