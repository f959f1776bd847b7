#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Bind destinations are paths inside the sandbox. While the new root is
# assembled they are created below it on the host's file system, so a
# destination that leaves it ("..", or a symlink the binds put there)
# would create directories on the host, owned by the sandbox's uid.
. "$TJ_SRC/tests/lib.sh"
name=tj-escape.$$.$RANDOM
host=/var/tmp/$name
rm -rf "$host"

# 1. "..": the new root was assembled at /tmp, so the old code made
# /tmp/../var/tmp/NAME, which is the host's /var/tmp/NAME.
mkdir "/tmp/../var/tmp/$name"
check "bare: /tmp/../var/tmp/NAME is the host's $host" test -d "$host"
rmdir "$host"

for spec in "/usr:/../var/tmp/$name" "/usr:/../../$name" "/usr:/a/../../var/tmp/$name"; do
	dst=${spec#/usr:}
	out=$(tj --bind-ro "$spec" -- /bin/true 2>&1); rc=$?
	is "--bind-ro $spec: exit 125" "$rc" 125
	is "... says the destination leaves the root" "$out" \
		"taskjail: --bind-ro '$spec': destination '$dst' leaves the sandbox root ('..' above /)"
	check "... the host has no $host" test ! -e "$host"
done
out=$(tj --bind-rw "/usr:/../var/tmp/$name" -- /bin/true 2>&1); rc=$?
is "--bind-rw with '..' above /: exit 125" "$rc" 125
check "... the host has no $host" test ! -e "$host"
out=$(tj --bind-ro "/usr:/usr/.." -- /bin/true 2>&1); rc=$?
is "--bind-ro /usr:/usr/.. (that is /): exit 125" "$rc" 125
is "... binding onto / is refused" "$out" "taskjail: --bind-ro '/usr:/usr/..': binding onto / is not allowed"

# Inside the root, ".", "//" and ".." are normalised, not refused.
out=$(tj --bind-ro "/usr:/a/./b//../c/" -- /bin/sh -c 'ls -d /a/c/bin && ls -a /a' 2>&1); rc=$?
is "--bind-ro /usr:/a/./b//../c/: exit 0" "$rc" 0
is "... bound at /a/c, nothing else made" "$(printf '%s' "$out" | tr '\n' ' ')" "/a/c/bin . .. c"

# The same in a profile.
cat > "$TJ_WORK/escape.json" <<JSON
{ "binds": [ "/usr", { "src": "/usr", "dst": "/../var/tmp/$name" } ] }
JSON
out=$(tj --profile "$TJ_WORK/escape.json" -- /bin/true 2>&1); rc=$?
is "profile dst '/../var/tmp/NAME': exit 125" "$rc" 125
is "... names the file and the JSON path" "$out" \
	"taskjail: profile $TJ_WORK/escape.json: \$.binds[1]: destination '/../var/tmp/$name' leaves the sandbox root ('..' above /)"
check "... the host has no $host" test ! -e "$host"
echo '{ "binds": [ "/usr:/x/../../var/tmp/'"$name"'" ] }' > "$TJ_WORK/escape2.json"
out=$(tj --profile "$TJ_WORK/escape2.json" -- /bin/true 2>&1); rc=$?
is "profile \"SRC:DST\" with '..' above /: exit 125" "$rc" 125
check "... the host has no $host" test ! -e "$host"

# 2. A symlink bound at its own path is recreated in the new root; an
# absolute one (-> /var/tmp) named the host's /var/tmp while the root was
# assembled, so a bind below it created $host. Now it resolves inside the
# new root, where /var/tmp does not exist.
ln -s /var/tmp "$TJ_WORK/lnk"
out=$(tj --bind-ro "$TJ_WORK/lnk" --bind-ro "/usr:$TJ_WORK/lnk/$name" -- /bin/true 2>&1); rc=$?
is "bind below an absolute symlink to the host's /var/tmp: exit 125" "$rc" 125
like "... the destination is not found inside the new root" "$out" \
	"^taskjail: bind destination $TJ_WORK/lnk/$name: open $TJ_WORK/lnk: No such file or directory"
check "... the host has no $host" test ! -e "$host"
# A symlink that stays inside the new root still works as it will inside.
ln -s /data "$TJ_WORK/rel"
out=$(tj --bind-ro "$TJ_WORK/rel" --bind-ro "/usr:/data" --bind-ro "/etc:$TJ_WORK/rel/share" -- /bin/cat /data/share/hostname 2>&1); rc=$?
is "bind below a symlink to /data inside the new root: exit 0" "$rc" 0
is "... lands in /data" "$out" "$(cat /etc/hostname)"
# 3. A symlink inside the new root that leads to the root itself (here
# /proc/self/root, recreated as a link to "/"): a bind there replaced the
# root, and /tmp, /dev and /proc were then built through the bound tree's
# own symlinks: a dev -> /proc/self/cwd in it wrote null, zero, fd, shm ...
# into the caller's working directory (third review, F1).
mkdir -p "$TJ_WORK/x2/tmp" "$TJ_WORK/x2/proc" "$TJ_WORK/cwd"
ln -s /proc/self/cwd "$TJ_WORK/x2/dev"
chmod -R a+rwX "$TJ_WORK/x2" "$TJ_WORK/cwd"
# (A symlink to "/" bound at its own path is recreated as that link; the
# original finding used /proc/self/root, which is below /proc and refused
# by itself now, see 5.)
ln -s / "$TJ_WORK/rootlink"
out=$(cd "$TJ_WORK/cwd" && tj --bind-ro "$TJ_WORK/rootlink" --bind-ro "$TJ_WORK/x2:$TJ_WORK/rootlink" -- /bin/true 2>&1); rc=$?
is "bind onto the root through a symlink: exit 125" "$rc" 125
like "... says why" "$out" "is the sandbox's root"
is "... nothing written in the caller's directory" "$(ls -A "$TJ_WORK/cwd")" ""
out=$(tj --bind-ro "$TJ_WORK/rootlink" --bind-ro "/:$TJ_WORK/rootlink" -- /bin/ls / 2>&1); rc=$?
is "the host's / bound as the sandbox's root through a symlink: exit 125" "$rc" 125
# 4. An optional bind at /tmp whose source is missing leaves the usual /tmp.
printf '{"binds":["/usr","/bin","/lib",{"src":"/lib64","optional":true},{"src":"/no/such/dir","dst":"/tmp","optional":true}]}' \
	>"$TJ_WORK/opt-tmp.json"
out=$(tj --profile "$TJ_WORK/opt-tmp.json" -- /bin/sh -c 'touch /tmp/x && echo writable' 2>&1)
is "optional /tmp bind with a missing source: /tmp is still a tmpfs" "$out" "writable"
# 5. Below /tmp, /dev and /proc: /tmp's tmpfs is mounted before the binds,
# so a bind below /tmp is there; /dev and /proc are built after them and
# would cover a bind without a word (the old code: "No such file"), so
# one there is refused.
mkdir -p "$TJ_WORK/below" && echo below-data >"$TJ_WORK/below/f" && chmod -R a+rX "$TJ_WORK/below"
out=$(tj --bind-ro "$TJ_WORK/below:/tmp/d/e" -- /bin/sh -c 'cat /tmp/d/e/f && touch /tmp/x && echo tmp-writable' 2>&1)
is "a bind below /tmp is seen, /tmp stays a writable tmpfs" "$(printf '%s' "$out" | tr '\n' ' ')" "below-data tmp-writable"
out=$(tj --bind-ro "$TJ_WORK/below/f:/tmp/f" -- /bin/cat /tmp/f 2>&1)
is "a file bound at /tmp/f is seen" "$out" "below-data"
for dst in /dev/f /dev /proc/f /proc; do
	out=$(tj --bind-ro "$TJ_WORK/below/f:$dst" -- /bin/true 2>&1); rc=$?
	is "a bind at $dst: exit 125" "$rc" 125
	like "... says /dev and /proc are built by taskjail" "$out" "bind destination $dst: taskjail builds /dev and /proc itself"
done
# 6. The same places reached through a symlink a bind brought in (a -> /):
# the string checks cannot see them; the result is checked (red-team
# review: /b/a/dev/x was hidden, /b/a/tmp covered /tmp without noexec).
mkdir -p "$TJ_WORK/b6" && ln -s / "$TJ_WORK/b6/a" && chmod -R a+rX "$TJ_WORK/b6"
for place in dev/x proc/x tmp; do
	out=$(tj --bind-ro "$TJ_WORK/b6:/b" --bind-ro "$TJ_WORK/below:/b/a/$place" -- /bin/true 2>&1); rc=$?
	is "a bind at /b/a/$place (a -> / inside the sandbox): exit 125" "$rc" 125
	like "... says it reached /${place%%/*} through a symlink" "$out" "a bind reached /${place%%/*} through a symlink"
done
check "bare: /b/a/dev would be the sandbox's /dev (a is a link to /)" test "$(readlink "$TJ_WORK/b6/a")" = /
rm -rf "$host"
done_testing
