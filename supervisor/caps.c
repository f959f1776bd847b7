/* SPDX-License-Identifier: Apache-2.0 */
#include "caps.h"

#include <errno.h>
#include <linux/securebits.h>
#include <sys/capability.h>
#include <sys/prctl.h>

int caps_drop_all(struct tj_error *err)
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
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return tj_error_set(err, errno, "drop capability %d from the bounding set", (int)c);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return tj_error_set(err, errno, "clear ambient capabilities");

	cap_t empty = cap_init();
	if (!empty)
		return tj_error_set(err, errno, "cap_init");
	int r = cap_set_proc(empty);
	int e = errno;
	cap_free(empty);
	if (r < 0)
		return tj_error_set(err, e, "clear effective/permitted/inheritable capabilities");
	return 0;
}
