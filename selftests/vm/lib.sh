# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the wakeoff VM bench.  Sourced, not executed.

WO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WO_BUILD=${WO_BUILD:-$WO_ROOT/build}
# Downloaded kernels and packed initramfs images survive clean clones.
WO_CACHE=${WAKEOFF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wakeoff}

# The kernels under test, named by their Debian meta-packages so that a
# new ABI in the archive is picked up and an old one never pinned.
WO_KERNEL_METAS=${WAKEOFF_KERNELS:-"linux-image-amd64 linux-image-6.12-amd64"}

# wo_share_dyn SHARE: user_clock_test's dynamic reader with the host's
# libc and ld.so (the guest's initramfs has none), in SHARE/dyn.
wo_share_dyn() {
	local d=$1/dyn f
	[ -x "$WO_BUILD/selftests/wo_dyn_reader" ] || return 0
	mkdir -p "$d"
	cp "$WO_BUILD/selftests/wo_dyn_reader" "$d/"
	for f in /lib/x86_64-linux-gnu/libc.so.6 /lib64/ld-linux-x86-64.so.2; do
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
