/* SPDX-License-Identifier: Apache-2.0 */
#include "caps.h"

#include <errno.h>
#include <linux/securebits.h>
#include <sys/capability.h>
#include <sys/prctl.h>

int caps_limit(int keep, struct tj_error *err)
{
	/* Securebits first: changing them needs CAP_SETPCAP, which goes next. */
	unsigned bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
			SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
			SECBIT_KEEP_CAPS_LOCKED |
			SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
	if (cap_set_secbits(bits) < 0)
		return tj_error_set(err, errno, "lock securebits");

	/* Drop the bounding set up to the kernel's last cap, not libcap's
	 * compiled-in list: a newer kernel may know more capabilities. */
	for (cap_value_t c = 0; c < 64; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break;
		}
		if (c == keep)
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return tj_error_set(err, errno, "drop capability %d from the bounding set", (int)c);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return tj_error_set(err, errno, "clear ambient capabilities");

	cap_t c = cap_init();
	if (!c)
		return tj_error_set(err, errno, "cap_init");
	cap_value_t k = keep;
	int r = keep >= 0 ? cap_set_flag(c, CAP_PERMITTED, 1, &k, CAP_SET) : 0;
	if (r == 0)
		r = cap_set_proc(c);
	int e = errno;
	cap_free(c);
	if (r < 0)
		return tj_error_set(err, e, "clear effective/permitted/inheritable capabilities");
	return 0;
}

int caps_drop_all(struct tj_error *err)
{
	return caps_limit(-1, err);
}

int caps_clear(struct tj_error *err)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return tj_error_set(err, errno, "clear ambient capabilities");
	cap_t c = cap_init();
	if (!c)
		return tj_error_set(err, errno, "cap_init");
	int r = cap_set_proc(c);
	int e = errno;
	cap_free(c);
	if (r < 0)
		return tj_error_set(err, e, "clear effective/permitted/inheritable capabilities");
	return 0;
}

int caps_raise(int cap, bool on)
{
	cap_t c = cap_get_proc();
	if (!c)
		return -errno;
	cap_value_t v = cap;
	int r = cap_set_flag(c, CAP_EFFECTIVE, 1, &v, on ? CAP_SET : CAP_CLEAR);
	if (r == 0)
		r = cap_set_proc(c);
	int e = errno;
	cap_free(c);
	return r < 0 ? -e : 0;
}
