#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb-check.sh --guest WORK: boot the kernel of WORK/wakeoff-dkms.release
# with WORK/wakeoff-dkms.ko (kept by the run below) and run load_test on it.
#
# deb-check.sh WORK [SHARE]: the Debian packages on this machine, as root,
# leaving it as it was: build them (make deb), install them with apt-get,
# check that DKMS built and installed wakeoff.ko for every kernel whose
# headers are present (vermagic and version of each), that /usr/bin/wakeoff
# is this tree's version and reports SHARE/results/cli_test.wo (recorded in
# a guest) exactly as the tree's CLI does, that "man wakeoff" renders, that
# systemd-analyze verifies the exporter unit and bash completes; keep the
# 6.1 DKMS module in WORK (for a guest boot); then purge and check nothing
# is left: dkms status, /usr/src/wakeoff-*, /var/lib/dkms/wakeoff,
# /lib/modules/*/updates/dkms/wakeoff.ko*, the package list. A run stopped
# half way (even in dpkg) leaves a marker; the next run purges what it left.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$WO_ROOT"

if [ "${1:-}" = --guest ]; then
	work=$(realpath -m "$2")
	[ -f "$work/wakeoff-dkms.ko" ] || wo_die "no $work/wakeoff-dkms.ko (run deb-check.sh $2 first)"
	rel=$(cat "$work/wakeoff-dkms.release")
	WO_KO=$work/wakeoff-dkms.ko selftests/vm/run-one.sh "$rel" load_test | tee "$work/guest.tap"
	cmp "$work/wakeoff-dkms.ko" "$WO_BUILD/one/$rel/vm/wakeoff.ko" ||
		wo_die "the guest did not get the DKMS-built module"
	grep -q '^not ok' "$work/guest.tap" && wo_die "load_test failed on the DKMS module"
	grep -Eq '^# (PASSED|Totals: pass:[1-9])' "$work/guest.tap" || wo_die "load_test passed nothing"
	exit 0
fi
work=$(realpath -m "$1") share=${2:-}
ver=$(cat VERSION)
deb=$work/deb
[ "$(id -u)" = 0 ] || wo_die "needs root (installs packages)"
# A run stopped while apt-get or DKMS worked leaves its packages half
# installed, which apt-get then refuses to touch; the marker says they are
# ours, dpkg --purge removes them in any state.
marker=/var/lib/wakeoff-deb-check.state
purge_pkgs() {
	local i
	# A stopped dpkg holds its lock for a moment after the signal.
	for i in $(seq 1 30); do
		dpkg --purge wakeoff wakeoff-dkms >&2 && break
		sleep 1
	done
	! dpkg-query -W wakeoff wakeoff-dkms >/dev/null 2>&1 || return 0
	# DKMS makes a signing key on its first build; it was not here before.
	[ "$(cat "$marker" 2>/dev/null)" != "mok_was=no" ] ||
		rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	rm -f "$marker"
}
if [ -f "$marker" ]; then
	echo "# an earlier run of this check was stopped: purging what it installed"
	purge_pkgs
fi
if dpkg-query -W -f='${Status}\n' wakeoff wakeoff-dkms 2>/dev/null | grep -q 'ok installed' ||
	compgen -G '/usr/src/wakeoff-*' >/dev/null; then
	wo_die "wakeoff is already installed here: not touching it"
fi
wo_need_pkgs man-db build-essential dpkg-dev debhelper dh-dkms lintian dkms
rm -rf "$work"
mkdir -p "$work"
t() { date +%s; }

# What "as it was" means: packages, DKMS state, module trees, DKMS's key.
snapshot() {
	dpkg-query -W -f='${Package} ${Version} ${Status}\n' | sort
	dkms status 2>/dev/null | grep -i wakeoff || true
	ls -d /usr/src/wakeoff-* /var/lib/dkms/wakeoff 2>/dev/null || true
	find /lib/modules/*/updates -name 'wakeoff.ko*' 2>/dev/null || true
	grep -l wakeoff /lib/modules/*/modules.dep 2>/dev/null || true
}
snapshot >"$work/before"
mok_was=$([ -e /var/lib/dkms/mok.key ] && echo yes || echo no)
trap 'purge_pkgs' EXIT
trap 'exit 130' INT TERM HUP

t0=$(t)
bash debian/make-deb.sh "$deb"
t1=$(t)
echo "# make deb: $((t1 - t0)) s"
echo "mok_was=$mok_was" >"$marker"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	"$deb"/wakeoff_"$ver"_*.deb "$deb"/wakeoff-dkms_"$ver"_all.deb
t2=$(t)
echo "# apt-get install (DKMS builds): $((t2 - t1)) s"

# DKMS: one module per kernel with headers, built for that kernel.
nk=0
for b in /lib/modules/*/build; do
	[ -d "$b" ] || continue
	k=${b#/lib/modules/}
	k=${k%/build}
	dkms status -m wakeoff -v "$ver" -k "$k" | grep -q ': installed' ||
		wo_die "dkms: wakeoff/$ver not installed for $k"
	ko=$(ls /lib/modules/"$k"/updates/dkms/wakeoff.ko* 2>/dev/null | head -n 1)
	[ -n "$ko" ] || wo_die "no wakeoff.ko under /lib/modules/$k/updates/dkms"
	modinfo -F vermagic "$ko" | grep -q "^$k " || wo_die "$ko: vermagic is not $k"
	[ "$(modinfo -F version "$ko")" = "$ver" ] || wo_die "$ko: version is not $ver"
	echo "$k: $ko (signer: $(modinfo -F signer "$ko"))"
	nk=$((nk + 1))
done
[ "$nk" -gt 0 ] || wo_die "no kernel headers under /lib/modules: nothing for DKMS"
echo "DKMS built and installed wakeoff for $nk kernels"
ko61=$(ls /lib/modules/6.1.*-amd64/updates/dkms/wakeoff.ko* 2>/dev/null | grep -v -- -rt- | head -n 1)
if [ -n "$ko61" ]; then
	case $ko61 in
	*.xz) xz -dc "$ko61" >"$work/wakeoff-dkms.ko" ;;
	*) cp "$ko61" "$work/wakeoff-dkms.ko" ;;
	esac
	echo "${ko61#/lib/modules/}" | cut -d/ -f1 >"$work/wakeoff-dkms.release"
fi

# The CLI: version, a guest's record file reported like the tree's CLI.
/usr/bin/wakeoff --version | grep -q "^wakeoff $ver " || wo_die "/usr/bin/wakeoff --version is not $ver"
if [ -n "$share" ]; then
	wo=$share/results/cli_test.wo
	[ -f "$wo" ] || wo_die "no $wo (did cli_test run?)"
	/usr/bin/wakeoff report --csv "$wo" >"$work/pkg.csv"
	"$WO_BUILD/userspace/wakeoff" report --csv "$wo" >"$work/tree.csv"
	diff -u "$work/tree.csv" "$work/pkg.csv"
	echo "report --csv of $wo: identical, $(wc -l <"$work/pkg.csv") rows"
fi
MANWIDTH=80 man wakeoff >"$work/man.txt" 2>"$work/man.err"
grep -q "wakeoff $ver" "$work/man.txt" && grep -q 'prometheus-textfile' "$work/man.txt" ||
	wo_die "man wakeoff: no version footer or export section"
echo "man wakeoff: $(wc -l <"$work/man.txt") lines"
systemd-analyze verify /lib/systemd/system/wakeoff-exporter.service
! systemctl is-enabled wakeoff-exporter.service >/dev/null 2>&1 ||
	wo_die "wakeoff-exporter.service is enabled; it ships disabled"
comp=$(bash -c '. /usr/share/bash-completion/completions/wakeoff
	COMP_WORDS=(wakeoff export --pro); COMP_CWORD=2; _wakeoff; echo "${COMPREPLY[*]}"')
[[ " $comp " == *" --prometheus-textfile "* ]] ||
	wo_die "bash completion of 'export --pro': '$comp'"

trap - EXIT
purge_pkgs
t3=$(t)
echo "# dpkg --purge: $((t3 - t2)) s"
snapshot >"$work/after"
diff -u "$work/before" "$work/after" || wo_die "the machine is not as it was (diff above)"
[ "$([ -e /var/lib/dkms/mok.key ] && echo yes || echo no)" = "$mok_was" ] ||
	wo_die "DKMS's signing key left behind"
echo "purged: no package, DKMS entry, source or module left"
