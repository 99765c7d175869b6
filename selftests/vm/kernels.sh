#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the kernels under test available: for every meta-package in
# WAKEOFF_KERNELS, resolve the current ABI, install its headers (needed to
# build the module and for DKMS) and unpack the image package into the
# cache with dpkg-deb -x (no initramfs triggers, nothing in /boot).
# Prints one kernel release per line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

wo_need_pkgs qemu-system-x86 busybox-static cpio xz-utils kmod gcc make libc6-dev

for meta in $WO_KERNEL_METAS; do
	rel=$(wo_meta_release "$meta")
	wo_need_pkgs "linux-headers-$rel"
	[ -d "/lib/modules/$rel/build" ] || wo_die "headers for $rel installed but /lib/modules/$rel/build is missing"
	dir="$WO_CACHE/kernels/$rel"
	if [ ! -f "$dir/.unpacked" ]; then
		mkdir -p "$dir"
		wo_log "downloading linux-image-$rel"
		(cd "$dir" && rm -f ./*.deb && apt-get download -q "linux-image-$rel" >&2) ||
			wo_die "apt-get download linux-image-$rel failed"
		dpkg-deb -x "$dir"/linux-image-"$rel"_*.deb "$dir/root"
		rm -f "$dir"/*.deb
		[ -f "$dir/root/boot/vmlinuz-$rel" ] || wo_die "no vmlinuz in linux-image-$rel"
		# The package ships no modules.dep: depmod makes it at install.
		depmod -b "$dir/root" "$rel" || wo_die "depmod for $rel failed"
		touch "$dir/.unpacked"
	fi
	echo "$rel"
done
