# SPDX-License-Identifier: GPL-2.0
# Runs inside the test VM (busybox sh) from the 9p share: every selftest
# binary writes its TAP to results/<name>.tap.  The host parses them.
cd /mnt
export WAKEOFF_KO=/mnt/wakeoff.ko
mkdir -p results
echo "guest: $(uname -r), $(nproc) CPUs"
rc=0
# lockdown_test raises kernel lockdown, which nothing lowers again (and
# under which no unsigned module loads): it runs last.
for t in $(ls tests/* | grep -v '/lockdown_test$') $(ls tests/lockdown_test 2>/dev/null); do
	[ -e "$t" ] || continue
	name=$(basename "$t")
	echo "guest: running $name"
	"$t" >"results/$name.tap" 2>"results/$name.log"
	r=$?
	echo "guest: $name exited $r"
	[ $r -eq 0 ] || rc=1
done
# Nothing may stay loaded or have tainted the kernel with D, W or B.
lsmod | grep -q '^wakeoff ' && { echo "guest: wakeoff still loaded"; rmmod wakeoff; }
echo "guest: tainted=$(cat /proc/sys/kernel/tainted)"
exit $rc
