/* SPDX-License-Identifier: Apache-2.0 */
#include "resolver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sysio.h"
#include "util.h"

#define HOSTS_PATH "/etc/hosts"
#define RESOLV_PATH "/etc/resolv.conf"
#define FILE_MAX (1u << 20)

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static socklen_t ns_sockaddr(const struct dns_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(53);
		memcpy(&in->sin_addr, a->a, 4);
		return sizeof(*in);
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(53);
	memcpy(&in6->sin6_addr, a->a, 16);
	return sizeof(*in6);
}

/* One try of (name, A) and (name, AAAA) at one nameserver. Returns 0 with
 * addresses, -ENOENT/-ENODATA when the server says the name has none,
 * -ETIMEDOUT or another -errno for "ask the next one". The socket is
 * connect()ed, so the kernel drops datagrams from any other source; the
 * random IDs and the echoed question stop answers to other queries. */
static int ask(const struct dns_addr *ns, unsigned timeout_s, const char *name,
	       struct dns_addr *out, size_t max, size_t *n)
{
	struct sockaddr_storage ss;
	socklen_t sl = ns_sockaddr(ns, &ss);
	_cleanup_close_ int fd = socket(ns->family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0)
		return -errno;
	static const uint16_t types[2] = { DNS_TYPE_A, DNS_TYPE_AAAA };
	uint16_t ids[2];
	if (getrandom(ids, sizeof(ids), 0) != sizeof(ids))
		return -EIO;
	if (ids[0] == ids[1])
		ids[1] ^= 1;
	uint8_t q[2][300];
	int ql[2];
	for (int i = 0; i < 2; i++) {
		ql[i] = dns_query_build(q[i], sizeof(q[i]), ids[i], name, types[i]);
		if (ql[i] < 0)
			return ql[i];
		if (send(fd, q[i], (size_t)ql[i], 0) < 0)
			return -errno;
	}
	int res[2] = { 1, 1 }; /* 1: no answer yet */
	struct dns_addr got[2][8];
	size_t ngot[2] = { 0, 0 };
	long long deadline = now_ms() + (long long)timeout_s * 1000;
	while (res[0] == 1 || res[1] == 1) {
		long long left = deadline - now_ms();
		if (left <= 0)
			break;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int pr = poll(&pfd, 1, (int)left);
		if (pr < 0 && errno != EINTR)
			return -errno;
		if (pr <= 0)
			continue;
		uint8_t m[DNS_MSG_MAX];
		ssize_t r = recv(fd, m, sizeof(m), 0);
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno; /* ECONNREFUSED: nothing listens there */
		}
		for (int i = 0; i < 2; i++) {
			if (res[i] != 1)
				continue;
			int pr2 = dns_answer_parse(m, (size_t)r, ids[i], name, types[i], got[i], 8,
						   &ngot[i]);
			if (pr2 == -EPROTO || pr2 == -EBADMSG)
				continue; /* not (a usable) answer to this query: wait on */
			res[i] = pr2;
			break;
		}
	}
	*n = 0;
	for (int i = 0; i < 2; i++)
		for (size_t j = 0; j < ngot[i] && res[i] == 0 && *n < max; j++)
			out[(*n)++] = got[i][j];
	if (*n)
		return 0;
	/* Both queries answered "no such name/record": the name has none. */
	bool none[2];
	for (int i = 0; i < 2; i++)
		none[i] = res[i] == -ENOENT || res[i] == -ENODATA;
	if (none[0] && none[1])
		return res[0] == -ENOENT && res[1] == -ENOENT ? -ENOENT : -ENODATA;
	if (res[0] == 1 || res[1] == 1)
		return -ETIMEDOUT;
	return res[0] < 0 && !none[0] ? res[0] : res[1];
}

static const char *why(int r)
{
	switch (r) {
	case -ENOENT:
		return "no such name (NXDOMAIN)";
	case -ENODATA:
		return "no A or AAAA record";
	case -ETIMEDOUT:
		return "no answer (timeout)";
	case -EAGAIN:
		return "server failure or refusal";
	default:
		return strerror(-r);
	}
}

int resolver_lookup(const char *host, struct dns_addr *out, size_t max, size_t *n,
		    struct tj_error *err)
{
	*n = 0;
	if (max == 0)
		return tj_error_setx(err, EINVAL, "resolve %s: no room", host);
	if (dns_parse_numeric(host, &out[0])) {
		*n = 1;
		return 0;
	}
	if (!dns_name_valid(host))
		return tj_error_setx(err, EINVAL,
				     "resolve '%s': not a numeric address nor a valid host name", host);
	_cleanup_free_ char *hosts = NULL;
	size_t hl = 0;
	int hr = sysio_read_file("hosts", HOSTS_PATH, FILE_MAX, &hosts, &hl, NULL);
	if (hr == 0 && (*n = dns_hosts_lookup(hosts, hl, host, out, max)) > 0)
		return 0;

	_cleanup_free_ char *rc = NULL;
	size_t rl = 0;
	int rr = sysio_read_file("resolv.conf", RESOLV_PATH, FILE_MAX, &rc, &rl, NULL);
	struct dns_conf c;
	dns_conf_parse(rr == 0 ? rc : "", rr == 0 ? rl : 0, &c);
	char cand[1 + DNS_MAX_SEARCH][DNS_NAME_MAX];
	size_t nc = dns_candidates(host, &c, cand, 1 + DNS_MAX_SEARCH);
	int last = -ENOENT;
	char last_ns[INET6_ADDRSTRLEN] = "";
	for (size_t i = 0; i < nc; i++) {
		int r = -ETIMEDOUT;
		for (unsigned a = 0; a < c.attempts; a++) {
			for (size_t s = 0; s < c.n_ns; s++) {
				r = ask(&c.ns[s], c.timeout_s, cand[i], out, max, n);
				if (r == 0)
					return 0;
				inet_ntop(c.ns[s].family, c.ns[s].a, last_ns, sizeof(last_ns));
				if (r == -ENOENT || r == -ENODATA)
					goto next_name; /* an answer: no use asking again */
			}
		}
next_name:
		/* A definite "no" for one candidate is less telling than a
		 * failure: report the failure if there was one. */
		if (last == -ENOENT || last == -ENODATA)
			last = r;
	}
	return tj_error_setx(err, EHOSTUNREACH,
			     "resolve %s: not in %s%s; DNS (%s, %zu name%s tried, last nameserver %s): %s",
			     host, HOSTS_PATH, hr < 0 ? " (unreadable)" : "",
			     rr < 0 ? RESOLV_PATH " unreadable, so 127.0.0.1" : RESOLV_PATH, nc,
			     nc == 1 ? "" : "s", last_ns[0] ? last_ns : "-", why(last));
}
