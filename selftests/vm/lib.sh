# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the wakeoff VM bench.  Sourced, not executed.

WO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WO_BUILD=${WO_BUILD:-$WO_ROOT/build}
# Downloaded kernels and packed initramfs images survive clean clones.
WO_CACHE=${WAKEOFF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wakeoff}

# The kernels under test, named by their Debian meta-packages so that a
# new ABI in the archive is picked up and an old one never pinned.
WO_KERNEL_METAS=${WAKEOFF_KERNELS:-"linux-image-amd64 linux-image-6.12-amd64"}

# Architectures: a kernel release ending in -arm64 is an arm64 kernel
# (Debian's flavour names), cross-built on this host and booted with
# qemu-system-aarch64; anything else is the host's own x86_64.
wo_arch() {
	case $1 in
	*-arm64) echo arm64 ;;
	*) echo amd64 ;;
	esac
}

# The flavour of a release without its version: amd64, rt-amd64, arm64.
wo_flavour() {
	echo "$1" | sed -E 's/^[0-9.]+[-+][^-]+-//'
}

# The kernel build dir of a release: the installed headers for x86_64; for
# arm64 the headers package unpacked into the cache by kernels.sh.
wo_kdir() {
	if [ "$(wo_arch "$1")" = arm64 ]; then
		echo "$WO_CACHE/kernels/$1/headers/usr/src/linux-headers-$1"
	else
		echo "/lib/modules/$1/build"
	fi
}

# wo_kmake RELEASE ARGS...: make against RELEASE's build dir (cross for arm64).
wo_kmake() {
	local rel=$1
	shift
	if [ "$(wo_arch "$rel")" = arm64 ]; then
		make -C "$(wo_kdir "$rel")" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- "$@"
	else
		make -C "$(wo_kdir "$rel")" "$@"
	fi
}

# Where the CLI and the selftests built for a release's architecture are:
# DIR/userspace/wakeoff and DIR/selftests/*.
wo_user_dir() {
	if [ "$(wo_arch "$1")" = arm64 ]; then
		echo "$WO_BUILD/arm64"
	else
		echo "$WO_BUILD"
	fi
}

# wo_user_build RELEASE: build them (statically; cross for arm64).
wo_user_build() {
	local d
	d=$(wo_user_dir "$1")
	if [ "$(wo_arch "$1")" = arm64 ]; then
		make -s -C "$WO_ROOT/userspace" CC=aarch64-linux-gnu-gcc \
			OUT="$d/userspace" "$d/userspace/wakeoff" &&
			make -s -C "$WO_ROOT/selftests" CC=aarch64-linux-gnu-gcc \
				OUT="$d/selftests" HARNESS="$WO_BUILD/kselftest"
	else
		make -s -C "$WO_ROOT/userspace" && make -s -C "$WO_ROOT/selftests"
	fi
}

# wo_share_dyn SHARE [RELEASE]: user_clock_test's dynamic reader with a
# libc and ld.so of the guest's architecture (its initramfs has none), in
# SHARE/dyn.
wo_share_dyn() {
	local d=$1/dyn f b
	b=$(wo_user_dir "${2:-}")/selftests
	[ -x "$b/wo_dyn_reader" ] || return 0
	mkdir -p "$d"
	cp "$b/wo_dyn_reader" "$d/"
	if [ "$(wo_arch "${2:-}")" = arm64 ]; then
		set -- /usr/aarch64-linux-gnu/lib/libc.so.6 /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1
	else
		set -- /lib/x86_64-linux-gnu/libc.so.6 /lib64/ld-linux-x86-64.so.2
	fi
	for f in "$@"; do
		[ -e "$f" ] && cp -L "$f" "$d/"
	done
	return 0
}

wo_log() { printf '[wakeoff] %s\n' "$*" >&2; }
wo_die() { printf '[wakeoff] error: %s\n' "$*" >&2; exit 1; }

_wo_apt_updated=
# Install Debian packages that are missing; needs root and apt.
wo_need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	command -v apt-get >/dev/null ||
		wo_die "missing packages ${missing[*]} and no apt-get to install them"
	[ "$(id -u)" = 0 ] ||
		wo_die "missing packages ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}"
	wo_log "installing: ${missing[*]}"
	if [ -z "$_wo_apt_updated" ]; then
		apt-get update -qq >&2 || wo_die "apt-get update failed"
		_wo_apt_updated=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >&2 || wo_die "apt-get install ${missing[*]} failed"
}

# wo_need_foreign_arch ARCH: let apt see ARCH's packages (dpkg
# --add-architecture), for apt-get download of arm64 kernels and busybox.
wo_need_foreign_arch() {
	dpkg --print-foreign-architectures | grep -qx "$1" && return 0
	[ "$(id -u)" = 0 ] ||
		wo_die "apt does not know $1 packages; run as root or: sudo dpkg --add-architecture $1 && sudo apt-get update"
	wo_log "adding dpkg architecture $1"
	dpkg --add-architecture "$1" || wo_die "dpkg --add-architecture $1 failed"
	apt-get update -qq >&2 || wo_die "apt-get update failed"
	_wo_apt_updated=1
}

# Print the kernel release that a linux-image meta-package points to.
wo_meta_release() {
	local pkg
	pkg=$(apt-cache depends --no-recommends --no-suggests "$1" 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$pkg" ] && [ -z "$_wo_apt_updated" ]; then
		apt-get update -qq >&2 && _wo_apt_updated=1
		pkg=$(apt-cache depends --no-recommends --no-suggests "$1" 2>/dev/null |
			awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	fi
	[ -n "$pkg" ] || wo_die "cannot resolve meta-package $1 with apt-cache"
	pkg=${pkg%:arm64}
	echo "${pkg#linux-image-}"
}

# wo_guest_health LABEL SHARE: TAP lines on stdout for what a finished
# guest left in SHARE: no BUG/WARNING/Oops/lockdep/KASAN/UBSAN/might-sleep
# line in its dmesg (the debug kernel's boot banner "RCU lockdep checking
# is enabled" is not one), and taint flags B, D and W clear.
wo_guest_health() {
	local label=$1 share=$2 bad taint
	[ -f "$share/dmesg.txt" ] || return 0
	bad=$(grep -E 'BUG:|WARNING:|Oops|general protection|lockdep|KASAN|UBSAN|Call Trace|RCU stall|soft lockup|possible circular|inconsistent lock|sleeping function called' \
		"$share/dmesg.txt" | grep -v 'RCU lockdep checking is enabled' | head -n 5)
	if [ -z "$bad" ]; then
		echo "ok - $label: dmesg has no BUG/WARNING/Oops/lockdep/KASAN/UBSAN line"
	else
		echo "not ok - $label: dmesg reports problems"
		echo "$bad" | sed 's/^/#   /'
	fi
	taint=$(cat "$share/tainted" 2>/dev/null || echo -1)
	# TAINT_BAD_PAGE (5), TAINT_DIE (7), TAINT_WARN (9)
	if [ "$taint" -ge 0 ] && [ $((taint & ((1 << 5) | (1 << 7) | (1 << 9)))) -eq 0 ]; then
		echo "ok - $label: kernel not tainted B/D/W (tainted=$taint)"
	else
		echo "not ok - $label: kernel tainted ($taint)"
	fi
}
