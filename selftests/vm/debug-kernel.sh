#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh [--cached]
#
# Build (once) a debug kernel from Debian's linux-source-6.1:
# x86_64_defconfig + kvm_guest.config (virtio, 9p built in: the initramfs
# needs no module) + debug.config (KASAN, KMEMLEAK, PROVE_LOCKING, UBSAN,
# DEBUG_ATOMIC_SLEEP, ...) + what wakeoff needs (KPROBES, FTRACE,
# DEBUG_INFO_BTF, SCHEDSTATS).  The result is cached under
# $WO_CACHE/debug-6.1/<linux-source version>/ with the bzImage and the
# trimmed O= tree that out-of-tree module builds need (KDIR=.../out).
# Prints that directory.  With --cached, only print it if it is built
# (exit 1 otherwise), never build.  About 35 min on 2 cores (nice 19).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cached_only=
[ "${1:-}" = --cached ] && cached_only=1

ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
if [ -z "$ver" ]; then
	[ -n "$cached_only" ] && exit 1
	wo_need_pkgs linux-source-6.1
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
fi
dir=$WO_CACHE/debug-6.1/$ver
if [ -f "$dir/.built" ]; then
	echo "$dir"
	exit 0
fi
[ -n "$cached_only" ] && exit 1

wo_need_pkgs flex bison libelf-dev bc dwarves pahole libssl-dev cpio perl \
	python3 xz-utils make gcc
rm -rf "$dir"
mkdir -p "$dir"
wo_log "unpacking linux-source-6.1 $ver into $dir"
tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$dir"
mv "$dir/linux-source-6.1" "$dir/src"
mk() { make -C "$dir/src" O="$dir/out" "$@"; }
mk x86_64_defconfig kvm_guest.config debug.config >"$dir/config.log"
"$dir/src/scripts/config" --file "$dir/out/.config" \
	-e KPROBES -e KRETPROBES -e FTRACE -e FUNCTION_TRACER -e KPROBE_EVENTS \
	-e BPF_SYSCALL -e DEBUG_INFO_BTF -e SCHEDSTATS -e DEBUG_FS -e MODULES -e MODULE_UNLOAD \
	-e HOTPLUG_CPU -e KALLSYMS_ALL -e DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
	-d DEBUG_INFO_REDUCED -d DEBUG_INFO_BTF_MODULES -d MODULE_SIG \
	-d DEBUG_KMEMLEAK_DEFAULT_OFF -e DEBUG_KMEMLEAK_AUTO_SCAN
mk olddefconfig >>"$dir/config.log"
for opt in KASAN DEBUG_KMEMLEAK PROVE_LOCKING UBSAN DEBUG_ATOMIC_SLEEP KPROBES \
	KRETPROBES FTRACE DEBUG_INFO_BTF SCHEDSTATS DEBUG_FS MODULE_UNLOAD \
	HOTPLUG_CPU 9P_FS NET_9P_VIRTIO VIRTIO_PCI; do
	grep -qx "CONFIG_$opt=y" "$dir/out/.config" || wo_die "debug config lacks CONFIG_$opt=y"
done

wo_log "building the debug kernel (nice 19, -j$(nproc)); log: $dir/build.log"
t0=$(date +%s)
nice -n 19 make -C "$dir/src" O="$dir/out" -j"$(nproc)" bzImage modules \
	>"$dir/build.log" 2>&1 || { tail -n 30 "$dir/build.log" >&2; wo_die "kernel build failed"; }
secs=$(($(date +%s) - t0))
cp "$dir/out/arch/x86/boot/bzImage" "$dir/bzImage"
cp "$dir/out/.config" "$dir/config"
cat "$dir/out/include/config/kernel.release" >"$dir/release"
# Keep what `make -C out M=... modules` needs (headers, generated files,
# scripts, objtool, Module.symvers), drop the objects and vmlinux (GBs).
find "$dir/out" -path "$dir/out/scripts" -prune -o -path "$dir/out/tools" -prune -o \
	\( -name '*.o' -o -name '*.a' -o -name '*.ko' -o -name '.tmp_*' \) -print0 |
	xargs -0 rm -rf
rm -f "$dir/out/vmlinux" "$dir/out/vmlinux.o" "$dir/out/arch/x86/boot/compressed/vmlinux"
echo "$secs" >"$dir/build-seconds"
touch "$dir/.built"
wo_log "debug kernel $(cat "$dir/release") built in ${secs} s"
echo "$dir"
