# SPDX-License-Identifier: Apache-2.0
"""Measurement-only builds of taskjail, for the per-step breakdown.

Each variant is the current supervisor/ source with one change applied to a
private copy (never to the tree), compiled with the same flags meson uses
(-std=gnu11 -O2 -g), so `bench/run --variants ...` can time them interleaved
against the shipped binary and read a step's cost as a difference from one
run. Variants named no-* REMOVE a protection: they exist only to price it and
must never ship. A patch that no longer applies is reported and skipped.
"""
import os
import re
import shutil
import subprocess

# netns_loopback_up without libnl: SIOCGIFFLAGS/SIOCSIFFLAGS on an AF_INET
# datagram socket, what `ip link set lo up` boils down to for one flag.
IOCTL_NETNS = r'''/* SPDX-License-Identifier: Apache-2.0 */
#include "netns.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int netns_loopback_up(struct tj_error *err)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return tj_error_set(err, errno, "socket for lo");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		int e = errno;
		close(fd);
		return tj_error_set(err, e, "SIOCGIFFLAGS lo");
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
		int e = errno;
		close(fd);
		return tj_error_set(err, e, "SIOCSIFFLAGS lo");
	}
	close(fd);
	return 0;
}
'''


# Set by bench/run before building: a BPF file of policies/default.json made by
# mkbpf with the same libseccomp attributes as supervisor/seccomp.c.
PRECOMPILED_BPF = None

# Measurement only: what a launch costs when the policy's BPF is already
# compiled (read from a file) instead of built by libseccomp in every launch.
# The JSON is still parsed (the answer table needs it); libseccomp stays linked.
LOAD_BPF_FN = r'''
static int bench_load_bpf(struct sock_filter **prog, size_t *len, struct tj_error *err)
{
	int fd = open(BENCH_BPF_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tj_error_set(err, errno, "bench: open %s", BENCH_BPF_PATH);
	struct sock_filter *buf = malloc(65536);
	ssize_t n = buf ? read(fd, buf, 65536) : -1;
	close(fd);
	if (n <= 0 || n % 8)
		return tj_error_set(err, EIO, "bench: read %s", BENCH_BPF_PATH);
	*prog = buf;
	*len = (size_t)n / 8;
	return 0;
}

int seccomp_prepare('''


def _precompiled(src):
    p = os.path.join(src, "supervisor/seccomp.c")
    text = open(p).read()
    old = "if ((r = compile(&b, &s->shadow, &s->shadow_len, NULL, err)) < 0)"
    if old not in text or "int seccomp_prepare(" not in text or not PRECOMPILED_BPF:
        raise ValueError("supervisor/seccomp.c: pattern not found or no precompiled BPF")
    text = text.replace(old, "if ((r = bench_load_bpf(&s->shadow, &s->shadow_len, err)) < 0)")
    text = text.replace("int seccomp_prepare(", LOAD_BPF_FN, 1)
    text = text.replace('#include "bpfsim.h"', '#include <fcntl.h>\n#define BENCH_BPF_PATH "%s"\n#include "bpfsim.h"'
                        % PRECOMPILED_BPF, 1)
    open(p, "w").write(text)


def _sub(path, old, new, count=1):
    def f(src):
        p = os.path.join(src, path)
        text = open(p).read()
        if old not in text:
            raise ValueError(f"{path}: pattern not found: {old[:60]!r}")
        open(p, "w").write(text.replace(old, new, count))
    return f


def _write(path, text):
    def f(src):
        open(os.path.join(src, path), "w").write(text)
    return f


# name -> (description, [source edits], link mode, drop libnl)
VARIANTS = {
    "dyn": ("control: the shipped source, built by hand like meson does", [], "dynamic", False),
    "static": ("statically linked (cJSON 1.7.15 built from source: Debian ships no libcjson.a)",
               [], "static", False),
    "ioctl-lo": ("lo up with two ioctls instead of libnl; libnl not linked",
                 [_write("supervisor/netns.c", IOCTL_NETNS)], "dynamic", True),
    "static-ioctl-lo": ("static + ioctl lo up", [_write("supervisor/netns.c", IOCTL_NETNS)], "static", True),
    "semistatic": ("libseccomp, libcap, libnl linked from their Debian .a; cJSON and libc dynamic",
                   [], "semistatic", False),
    "semistatic-ioctl-lo": ("semistatic + ioctl lo up", [_write("supervisor/netns.c", IOCTL_NETNS)],
                            "semistatic", True),
    "vfork-runner": ("init starts the runner with vfork() (shared memory until execve) instead of fork()",
                     [_sub("supervisor/init.c", "pid_t runner = fork();", "pid_t runner = vfork();")],
                     "dynamic", False),
    "static-vfork-runner": ("static + vfork() runner",
                            [_sub("supervisor/init.c", "pid_t runner = fork();", "pid_t runner = vfork();")],
                            "static", False),
    "seccomp-opt1": ("libseccomp's default filter layout (linear) instead of SCMP_FLTATR_CTL_OPTIMIZE=2 (binary tree)",
                     [_sub("supervisor/seccomp.c", "SCMP_FLTATR_CTL_OPTIMIZE, 2)", "SCMP_FLTATR_CTL_OPTIMIZE, 1)")],
                     "dynamic", False),
    "seccomp-precompiled": ("MEASUREMENT ONLY: the default policy's BPF read from a file (made by mkbpf "
                            "with the same libseccomp attributes) instead of compiled per launch",
                            [_precompiled], "dynamic", False),
    "static-seccomp-precompiled": ("MEASUREMENT ONLY: static + the policy's BPF read from a file",
                                   [_precompiled], "static", False),
    "no-devremount": ("MEASUREMENT ONLY: /dev node binds without the nosuid,noexec remount",
                      [_sub("supervisor/mounts.c", "if (extra && mount(NULL, dst,",
                            "if (0 && extra && mount(NULL, dst,")], "dynamic", False),
    "no-procmasks": ("MEASUREMENT ONLY: no /proc masks, no read-only /proc/sys",
                     [_sub("supervisor/mounts.c", "for (size_t i = 0; i < ELEMENTSOF(proc_masked_files); i++) {",
                           "for (size_t i = 0; i < 0; i++) {"),
                      _sub("supervisor/mounts.c", "for (size_t i = 0; i < ELEMENTSOF(proc_masked_dirs); i++) {",
                           "for (size_t i = 0; i < 0; i++) {"),
                      _sub("supervisor/mounts.c", "if (mount(NEWROOT \"/proc/sys\", NEWROOT \"/proc/sys\", NULL, MS_BIND | MS_REC, NULL) < 0 ||",
                           "if (0 && (mount(NEWROOT \"/proc/sys\", NEWROOT \"/proc/sys\", NULL, MS_BIND | MS_REC, NULL) < 0) &&")],
                     "dynamic", False),
    "no-dev": ("MEASUREMENT ONLY: no /dev at all",
               [_sub("supervisor/mounts.c", "if ((r = setup_dev(err)) < 0 || (r = setup_proc(err)) < 0)",
                     "if ((r = setup_proc(err)) < 0)")], "dynamic", False),
    "no-caps": ("MEASUREMENT ONLY: capabilities not dropped (securebits, bounding set, capset)",
                [_sub("supervisor/init.c", "if (caps_drop_all(&err) < 0)", "if (0 && caps_drop_all(&err) < 0)")],
                "dynamic", False),
}


def sources(src):
    text = open(os.path.join(src, "meson.build")).read()
    gen = "supervisor/syscall_names_gen.c"  # a build-time program, run by build()
    return sorted(set(re.findall(r"'(supervisor/[A-Za-z0-9_]+\.c)'", text)) - {gen})


def build(name, srcroot, outroot, cjson_dir, version="0.1.0"):
    """Builds variant `name`; returns the binary path. Raises on failure."""
    desc, edits, link, drop_nl = VARIANTS[name]
    work = os.path.abspath(os.path.join(outroot, name))
    cjson_dir = os.path.abspath(cjson_dir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    shutil.copytree(os.path.join(srcroot, "supervisor"), os.path.join(work, "supervisor"))
    shutil.copy2(os.path.join(srcroot, "meson.build"), work)
    for e in edits:
        e(work)
    cflags = ["-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-Wno-format-truncation",  # no -Werror: patched copies may warn
              "-D_GNU_SOURCE", "-D_FILE_OFFSET_BITS=64", f'-DTJ_VERSION="{version}"',
              '-DTJ_DATADIR="/usr/local/share/taskjail"', "-iquote", "supervisor",
              "-I/usr/include/libnl3", "-I/usr/include/cjson"]
    libs = ["-lseccomp", "-lcap"]
    if not drop_nl:
        libs += ["-lnl-route-3", "-lnl-3"]
    if link == "static":
        cflags.insert(0, f"-I{cjson_dir}")  # <cjson/cJSON.h> from the same source as the .a
        libs = ["-static"] + libs + [f"{cjson_dir}/libcjson.a", "-lpthread", "-lm"]
    elif link == "semistatic":
        libs = ["-Wl,-Bstatic"] + libs + ["-Wl,-Bdynamic", "-lcjson"]
    else:
        libs += ["-lcjson"]
    # The binary looks for ../profiles and ../policies next to itself.
    for sub in ("profiles", "policies"):
        link = os.path.join(outroot, sub)
        if not os.path.lexists(link):
            os.symlink(os.path.join(os.path.abspath(srcroot), sub), link)
    srcs = sources(work)
    if os.path.exists(os.path.join(work, "supervisor/syscall_names_gen.c")):
        # supervisor/syscall_names.h, as meson's custom_target makes it
        subprocess.run(["cc", "-o", "syscall_names_gen", "supervisor/syscall_names_gen.c", "-lseccomp"],
                       cwd=work, check=True)
        subprocess.run(["./syscall_names_gen", "native", "supervisor/syscall_names.h"], cwd=work, check=True)
    out = os.path.join(work, "taskjail")
    r = subprocess.run(["cc", *cflags, "-o", out, *srcs, *libs], cwd=work, text=True,
                       capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(f"variant {name}: build failed: {r.stderr.strip()[-400:]}")
    return out
