/* SPDX-License-Identifier: Apache-2.0 */
/* Raw prctl/capget/capset, no libcap: no allocation (the runner runs this
 * in a vfork-style child that shares init's memory, runner.c), and the
 * effective/permitted/inheritable sets change in one capset call. */
#include "caps.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int sys_capget(struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	return (int)syscall(SYS_capget, &h, d);
}

static int sys_capset(const struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	return (int)syscall(SYS_capset, &h, d);
}

int caps_lock_bounding(struct tj_error *err)
{
	/* Securebits first: changing them needs CAP_SETPCAP, which goes next. */
	unsigned bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
			SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
			SECBIT_KEEP_CAPS_LOCKED |
			SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
	if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) < 0)
		return tj_error_set(err, errno, "lock securebits");

	/* Drop the bounding set up to the kernel's last cap, not a compiled-in
	 * list: a newer kernel may know more capabilities. PR_CAPBSET_DROP says
	 * EINVAL for the first number past the kernel's last one. */
	for (int c = 0; c < 64; c++) {
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break;
			return tj_error_set(err, errno, "drop capability %d from the bounding set", c);
		}
	}
	return 0;
}

int caps_keep_only(int keep, struct tj_error *err)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return tj_error_set(err, errno, "clear ambient capabilities");

	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = { 0 };
	if (keep >= 0)
		d[keep / 32].permitted = 1U << (keep % 32);
	if (sys_capset(d) < 0)
		return tj_error_set(err, errno, "clear effective/permitted/inheritable capabilities");
	return 0;
}

int caps_drop_all(struct tj_error *err)
{
	int r = caps_lock_bounding(err);
	return r < 0 ? r : caps_keep_only(-1, err);
}

int caps_raise(int cap, bool on)
{
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	if (cap < 0 || cap >= 32 * _LINUX_CAPABILITY_U32S_3)
		return -EINVAL;
	if (sys_capget(d) < 0)
		return -errno;
	if (on)
		d[cap / 32].effective |= 1U << (cap % 32);
	else
		d[cap / 32].effective &= ~(1U << (cap % 32));
	if (sys_capset(d) < 0)
		return -errno;
	return 0;
}
