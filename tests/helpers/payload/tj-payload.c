/* SPDX-License-Identifier: Apache-2.0 */
/* tj-payload.so: stands for the native code a task would copy into a
 * writable directory and load (process.dlopen in node, ctypes.CDLL in
 * python). Its constructor does what such code is after: it reads the
 * process's environment block from memory, where no /proc guard sees it,
 * and prints TJ_SECRET. tests/security/tmp_noexec.sh loads it from /tmp
 * and /dev/shm. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

__attribute__((constructor)) static void tj_payload(void)
{
	const char *secret = "(none)";
	for (char **e = environ; e && *e; e++)
		if (strncmp(*e, "TJ_SECRET=", 10) == 0)
			secret = *e + 10;
	/* write(2), not stdio: the host runtime may never flush our buffer. */
	dprintf(STDOUT_FILENO, "payload loaded, TJ_SECRET=%s\n", secret);
}
