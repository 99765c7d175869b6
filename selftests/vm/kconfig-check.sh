#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kconfig-check.sh KDIR WORKDIR LABEL
#
# What module/compat/ promises for kernels we cannot boot, checked by
# compiling against KDIR with a forced-include header that changes what
# the kernel headers see (it is read after kconfig.h/autoconf.h):
#  - CONFIG_KPROBES=n, CONFIG_KRETPROBES=n, CONFIG_SCHED_INFO=n,
#    CONFIG_UPROBES=n each still build (W=1 -Werror, modpost included);
#    the hooks then report "missing" at run time (register_* fail);
#  - a kernel older than the minimum fails with the #error naming it, and
#    an architecture other than x86_64/arm64 with wo_arch.h's (the compat
#    headers alone, against stand-in headers).
# Compile-only: such a module is never loaded.  One "ok - LABEL: ..." or
# "not ok - LABEL: ..." line per check on stdout.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kdir=$1 work=$2 label=$3
rm -rf "$work"
mkdir -p "$work"
fail=0

# build NAME HEADER-LINES...: the module built with those lines forced in.
build() {
	local name=$1 src=$work/$1
	shift
	mkdir -p "$src"
	cp -a "$WO_ROOT/Kbuild" "$WO_ROOT/VERSION" "$WO_ROOT/module" "$src/"
	printf '%s\n' "$@" >"$src/override.h"
	make -C "$kdir" M="$src" W=1 KCFLAGS="-Werror -include $src/override.h" \
		modules >"$src/build.log" 2>&1
}

ok() {
	if [ "$1" = 0 ]; then
		echo "ok - $label: $2"
	else
		echo "not ok - $label: $2"
		fail=1
	fi
}

off() {
	local o
	for o in "$@"; do echo "#undef CONFIG_$o"; done
}

build kprobes-off "$(off KPROBES KRETPROBES KRETPROBE_ON_RETHOOK KPROBES_ON_FTRACE OPTPROBES)"
ok $? "builds with CONFIG_KPROBES=n"
build kretprobes-off "$(off KRETPROBES KRETPROBE_ON_RETHOOK)"
ok $? "builds with CONFIG_KRETPROBES=n"
build sched-info-off "$(off SCHED_INFO)"
ok $? "builds with CONFIG_SCHED_INFO=n"
build uprobes-off "$(off UPROBES)"
ok $? "builds with CONFIG_UPROBES=n"

# A 5.19 kernel: wo_compat.h alone, against stand-in headers (the real
# version.h has no include guard, so it cannot be overridden in a build).
fake=$work/too-old/include
mkdir -p "$fake/linux"
: >"$fake/linux/kprobes.h"
: >"$fake/linux/sched.h"
cat >"$fake/linux/version.h" <<'EOF2'
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + (c))
#define LINUX_VERSION_CODE KERNEL_VERSION(5, 19, 0)
EOF2
echo '#include "compat/wo_compat.h"' |
	gcc -fsyntax-only -x c -DCONFIG_TRACEPOINTS -DCONFIG_STACKTRACE \
		-I "$fake" -I "$WO_ROOT/module" - >"$work/too-old/build.log" 2>&1
rc=$?
grep -q '#error "wakeoff needs Linux 6.1 or newer' "$work/too-old/build.log"
ok $((rc == 0 || $? != 0)) "a 5.19 kernel fails the build with #error naming 6.1"

# No kernel headers of another architecture here: the arch header alone,
# as any file of the module includes it, with neither CONFIG_X86_64 nor
# CONFIG_ARM64 defined.
echo '#include "compat/wo_arch.h"' |
	gcc -fsyntax-only -x c -I "$WO_ROOT/module" - >"$work/arch.log" 2>&1
rc=$?
grep -q '#error "wakeoff supports x86_64 and arm64' "$work/arch.log"
ok $((rc == 0 || $? != 0)) "another architecture fails with wo_arch.h's #error"

exit $fail
