#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the kernels under test available: for every meta-package in
# WAKEOFF_KERNELS, resolve the current ABI, install its headers (needed to
# build the module and for DKMS) and unpack the image package into the
# cache with dpkg-deb -x (no initramfs triggers, nothing in /boot).
# arm64 kernels (meta-packages named "<pkg>:arm64") are cross-built: their
# headers package is unpacked into the cache too, next to the common
# headers and kbuild tools of the same version that apt installs (they
# are architecture-independent and host binaries), and the guest gets
# busybox-static:arm64.  Prints one kernel release per line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

wo_need_pkgs qemu-system-x86 busybox-static cpio xz-utils kmod gcc make libc6-dev

# fetch DIR PKG...: apt-get download PKG... into DIR (root's apt cannot
# drop privileges to write there: -o APT::Sandbox::User=root).
fetch() {
	local dir=$1
	shift
	(cd "$dir" && rm -f ./*.deb &&
		apt-get download -q -o APT::Sandbox::User=root "$@" >&2) ||
		wo_die "apt-get download $* failed"
}

# arm64_headers REL DIR: the arm64 headers in DIR/headers, with the
# common headers and linux-kbuild they name installed on the host.
arm64_headers() {
	local rel=$1 dir=$2 deb deps kbuild
	[ -f "$dir/.headers" ] && return 0
	fetch "$dir" "linux-headers-$rel:arm64"
	deb=$(echo "$dir"/linux-headers-"$rel"_*.deb)
	deps=$(dpkg-deb -f "$deb" Depends)
	kbuild=$(echo "$deps" | tr ',' '\n' | awk '/linux-kbuild-/ { print $1 }')
	wo_need_pkgs $(echo "$deps" | tr ',' '\n' | awk '/linux-headers-.*-common/ { print $1 }') "$kbuild"
	rm -rf "$dir/headers"
	dpkg-deb -x "$deb" "$dir/headers"
	rm -f "$deb"
	# Its scripts and tools are relative links to ../../lib/<kbuild>.
	mkdir -p "$dir/headers/usr/lib"
	ln -sfn "/usr/lib/$kbuild" "$dir/headers/usr/lib/$kbuild"
	[ -f "$(wo_kdir "$rel")/Makefile" ] || wo_die "no Makefile in the arm64 headers of $rel"
	touch "$dir/.headers"
}

# The guest's busybox for arm64 kernels, in the cache.
arm64_busybox() {
	local dir=$WO_CACHE/arm64
	[ -x "$dir/root/bin/busybox" ] && return 0
	mkdir -p "$dir"
	fetch "$dir" busybox-static:arm64
	dpkg-deb -x "$dir"/busybox-static_*.deb "$dir/root"
	rm -f "$dir"/*.deb
	[ -x "$dir/root/bin/busybox" ] || wo_die "no bin/busybox in busybox-static:arm64"
}

for meta in $WO_KERNEL_METAS; do
	case $meta in
	*:arm64)
		wo_need_pkgs qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross
		wo_need_foreign_arch arm64
		arm64_busybox
		;;
	esac
	rel=$(wo_meta_release "$meta")
	dir="$WO_CACHE/kernels/$rel"
	mkdir -p "$dir"
	if [ "$(wo_arch "$rel")" = arm64 ]; then
		arm64_headers "$rel" "$dir"
		img="linux-image-$rel:arm64"
	else
		wo_need_pkgs "linux-headers-$rel"
		[ -d "/lib/modules/$rel/build" ] || wo_die "headers for $rel installed but /lib/modules/$rel/build is missing"
		img="linux-image-$rel"
	fi
	if [ ! -f "$dir/.unpacked" ]; then
		wo_log "downloading $img"
		fetch "$dir" "$img"
		dpkg-deb -x "$dir"/linux-image-"$rel"_*.deb "$dir/root"
		rm -f "$dir"/*.deb
		[ -f "$dir/root/boot/vmlinuz-$rel" ] || wo_die "no vmlinuz in $img"
		# The package ships no modules.dep: depmod makes it at install.
		depmod -b "$dir/root" "$rel" || wo_die "depmod for $rel failed"
		touch "$dir/.unpacked"
	fi
	echo "$rel"
done
