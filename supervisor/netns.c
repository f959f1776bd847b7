/* SPDX-License-Identifier: Apache-2.0 */
#include "netns.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

/* Two ioctls on a throwaway datagram socket, not rtnetlink through libnl:
 * raising IFF_UP on lo is all we need, and linking libnl-3 + libnl-route-3
 * costs every launch their loading, relocation and constructors (libnl-route
 * registers dozens of caches at startup) in the supervisor and in both of its
 * forks. bench/README.md has the measurement. The kernel assigns
 * 127.0.0.1/8 and ::1 itself when lo comes up. */
int netns_loopback_up(struct tj_error *err)
{
	struct ifreq ifr;
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return tj_error_set(err, errno, "socket for setting lo up");
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", sizeof("lo"));
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return tj_error_set(err, errno, "get the flags of lo (SIOCGIFFLAGS)");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return tj_error_set(err, errno, "set lo up (SIOCSIFFLAGS)");
	return 0;
}
