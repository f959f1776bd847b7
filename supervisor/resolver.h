/* SPDX-License-Identifier: Apache-2.0 */
/* Host names for the relay (the n8n broker's address), without NSS: a
 * numeric address as is, else /etc/hosts, else DNS A and AAAA queries over
 * UDP to /etc/resolv.conf's nameservers (search list, ndots, timeout,
 * attempts). The same in the dynamic and the static build, so what is
 * tested is what ships. Why not getaddrinfo: in a static binary (-Dstatic)
 * glibc 2.36 has its files and dns modules built in (measured: it resolves
 * in a root with no .so), but it dlopens any other module the host's
 * nsswitch.conf names (strace: libnss_resolve.so.2 for "hosts: resolve"),
 * i.e. the host's glibc inside a static binary linked against another one,
 * which glibc does not support. Not handled: nsswitch.conf, mDNS, DNS over TCP
 * (an answer with more addresses than fit in UDP uses those that came),
 * IPv6 scope ids. */
#pragma once
#include <stddef.h>

#include "dns.h"
#include "error.h"

/* Fills out with up to max addresses of host (IPv4 from DNS before IPv6;
 * /etc/hosts in file order). Errors name the host, the files read and what
 * DNS answered. */
int resolver_lookup(const char *host, struct dns_addr *out, size_t max, size_t *n,
		    struct tj_error *err);
