#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# initramfs.sh RELEASE OUT.cpio.gz
#
# Pack a minimal busybox initramfs for one cached Debian kernel: busybox,
# the kernel modules needed to mount the 9p test share (virtio_pci, 9p)
# and to report panics to QEMU (pvpanic-pci), and vm/init.  Everything
# the tests need lives on the 9p share, so the image only changes when
# the kernel or vm/init does.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# RELEASE "-": a kernel with virtio, 9p and all else built in (the debug
# kernel): no module at all.
rel=$1 out=$2
kroot="$WO_CACHE/kernels/$rel/root"
mdir="$kroot/lib/modules/$rel"
[ "$rel" = - ] || [ -f "$mdir/modules.dep" ] ||
	wo_die "kernel $rel is not unpacked (run kernels.sh)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,sbin,dev,proc,sys,mnt,tmp,lib/modules}
# arm64 kernels: busybox-static:arm64, unpacked by kernels.sh.
if [ "$(wo_arch "$rel")" = arm64 ]; then
	cp "$WO_CACHE/arm64/root/bin/busybox" "$tmp/bin/busybox"
else
	cp /bin/busybox "$tmp/bin/busybox"
fi
cp "$(dirname "$0")/init" "$tmp/init"
chmod 755 "$tmp/init"

# Resolve the load order: modules.dep lists, for each module, all of its
# dependencies; loading them in reverse order of that list works.
declare -A seen=()
order=()
add_module() {
	local name=$1 line path deps i
	line=$(grep -E "/${name//[-_]/[-_]}\.ko(\.xz|\.zst|\.gz)?:" "$mdir/modules.dep" || true)
	if [ -z "$line" ]; then
		grep -qE "/${name//[-_]/[-_]}\.ko" "$mdir/modules.builtin" ||
			wo_die "$rel: module $name neither modular nor built in"
		return 0
	fi
	path=${line%%:*}
	read -ra deps <<<"${line#*:}"
	for ((i = ${#deps[@]} - 1; i >= 0; i--)); do
		[ -n "${seen[${deps[i]}]:-}" ] && continue
		seen[${deps[i]}]=1
		order+=("${deps[i]}")
	done
	[ -n "${seen[$path]:-}" ] && return 0
	seen[$path]=1
	order+=("$path")
}
# Debian's arm64 kernels have no pvpanic (qemu-run.sh reads the console).
mods="virtio_pci 9pnet_virtio 9p pvpanic_pci"
[ "$(wo_arch "$rel")" = arm64 ] && mods="virtio_pci 9pnet_virtio 9p"
[ "$rel" = - ] || for m in $mods; do
	add_module "$m"
done

: >"$tmp/lib/modules/load.list"
for path in "${order[@]+"${order[@]}"}"; do
	base=$(basename "$path")
	case "$base" in
	*.ko.xz) xz -dc "$mdir/$path" >"$tmp/lib/modules/${base%.xz}"; base=${base%.xz} ;;
	*.ko.zst) zstd -qdc "$mdir/$path" >"$tmp/lib/modules/${base%.zst}"; base=${base%.zst} ;;
	*) cp "$mdir/$path" "$tmp/lib/modules/$base" ;;
	esac
	echo "$base" >>"$tmp/lib/modules/load.list"
done

(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
