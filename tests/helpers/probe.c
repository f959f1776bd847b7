/* SPDX-License-Identifier: Apache-2.0 */
/* probe: small checks the integration tests run inside and outside the
 * sandbox. Each prints one line and exits 0 when the check could be made.
 *   probe fds                 open fds other than 0-2 ("none" if none)
 *   probe lo                  "lo UP" / "lo DOWN" and the other interfaces
 *   probe connect ADDR PORT   "connected" or the errno name
 *   probe listen PORT SECS    listen on 127.0.0.1:PORT, print "listening",
 *                             accept one connection or time out
 *   probe unix-abstract NAME  connect to an abstract unix socket
 *   probe banner ADDR PORT    connect, print the first line the peer sends
 *   probe gai NAME            getaddrinfo(NAME): the addresses or the error
 *                             (built static as probe-static: glibc's static
 *                             getaddrinfo without its NSS modules)
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case ECONNREFUSED: return "ECONNREFUSED";
	case ENETUNREACH: return "ENETUNREACH";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	default: return strerror(e);
	}
}

static int do_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) {
		perror("opendir");
		return 1;
	}
	int self = dirfd(d), n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		int fd = atoi(e->d_name);
		if (fd <= 2 || fd == self)
			continue;
		char p[64], t[256] = "";
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		ssize_t l = readlink(p, t, sizeof(t) - 1);
		if (l > 0)
			t[l] = 0;
		printf("%s%d=%s", n++ ? " " : "", fd, t);
	}
	printf("%s\n", n ? "" : "none");
	closedir(d);
	return 0;
}

static int do_lo(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { 0 };
	strcpy(ifr.ifr_name, "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		printf("lo error %s\n", ename(errno));
		return 1;
	}
	printf("lo %s", (ifr.ifr_flags & IFF_UP) ? "UP" : "DOWN");
	struct if_nameindex *ni = if_nameindex();
	for (struct if_nameindex *p = ni; p && p->if_name; p++)
		if (strcmp(p->if_name, "lo") != 0)
			printf(" other=%s", p->if_name);
	printf("\n");
	if (ni)
		if_freenameindex(ni);
	return 0;
}

static int do_connect(const char *addr, int port, bool banner)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct sockaddr *sa;
	socklen_t len;
	int fam;
	if (inet_pton(AF_INET, addr, &a4.sin_addr) == 1) {
		sa = (struct sockaddr *)&a4, len = sizeof(a4), fam = AF_INET;
	} else if (inet_pton(AF_INET6, addr, &a6.sin6_addr) == 1) {
		sa = (struct sockaddr *)&a6, len = sizeof(a6), fam = AF_INET6;
	} else {
		printf("bad address\n");
		return 1;
	}
	int s = socket(fam, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0) {
		printf("%s\n", ename(errno));
		return 0;
	}
	if (connect(s, sa, len) < 0 && errno != EINPROGRESS) {
		printf("%s\n", ename(errno));
		return 0;
	}
	struct pollfd p = { .fd = s, .events = POLLOUT };
	if (poll(&p, 1, 2000) != 1) {
		printf("ETIMEDOUT\n");
		return 0;
	}
	int e = 0;
	socklen_t el = sizeof(e);
	getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &el);
	if (e || !banner) {
		printf("%s\n", e ? ename(e) : "connected");
		return 0;
	}
	char buf[256];
	size_t n = 0;
	struct pollfd r = { .fd = s, .events = POLLIN };
	while (n < sizeof(buf) - 1 && !memchr(buf, '\n', n) && poll(&r, 1, 3000) == 1) {
		ssize_t k = read(s, buf + n, sizeof(buf) - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	printf("%s\n", n ? buf : "no banner");
	return 0;
}

static int do_gai(const char *name)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	int g = getaddrinfo(name, NULL, &hints, &res);
	if (g) {
		printf("gai error: %s\n", gai_strerror(g));
		return 0;
	}
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		char h[INET6_ADDRSTRLEN] = "?";
		if (a->ai_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)a->ai_addr)->sin_addr, h, sizeof(h));
		else if (a->ai_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)a->ai_addr)->sin6_addr, h, sizeof(h));
		printf("%s%s", a == res ? "" : " ", h);
	}
	printf("\n");
	freeaddrinfo(res);
	return 0;
}

static int do_listen(int port, int secs)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 8) < 0) {
		printf("listen error %s\n", ename(errno));
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	struct pollfd p = { .fd = s, .events = POLLIN };
	if (poll(&p, 1, secs * 1000) == 1) {
		int c = accept(s, NULL, NULL);
		if (c >= 0) {
			(void)!write(c, "hello\n", 6);
			close(c);
		}
		printf("accepted\n");
	} else
		printf("no connection\n");
	return 0;
}

static int do_unix_abstract(const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	if (n > sizeof(a.sun_path) - 2)
		n = sizeof(a.sun_path) - 2;
	memcpy(a.sun_path + 1, name, n);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (connect(s, (struct sockaddr *)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) < 0)
		printf("%s\n", ename(errno));
	else
		printf("connected\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "fds") == 0)
		return do_fds();
	if (argc >= 2 && strcmp(argv[1], "lo") == 0)
		return do_lo();
	if (argc >= 4 && strcmp(argv[1], "connect") == 0)
		return do_connect(argv[2], atoi(argv[3]), false);
	if (argc >= 4 && strcmp(argv[1], "banner") == 0)
		return do_connect(argv[2], atoi(argv[3]), true);
	if (argc >= 3 && strcmp(argv[1], "gai") == 0)
		return do_gai(argv[2]);
	if (argc >= 4 && strcmp(argv[1], "listen") == 0)
		return do_listen(atoi(argv[2]), atoi(argv[3]));
	if (argc >= 3 && strcmp(argv[1], "unix-abstract") == 0)
		return do_unix_abstract(argv[2]);
	fprintf(stderr, "usage: probe fds|lo|connect ADDR PORT|banner ADDR PORT|listen PORT SECS|unix-abstract NAME|gai NAME\n");
	return 2;
}
