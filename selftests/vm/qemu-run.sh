#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-run.sh RELEASE INITRD SHARE_DIR TIMEOUT_SECONDS [SMP]
#
# Boot one cached Debian kernel under QEMU/TCG with SHARE_DIR as the 9p
# root of the tests; the guest runs SHARE_DIR/guest.sh.  The run counts
# as finished only if the guest's init reached its end (isa-debug-exit
# code 0x21 => QEMU exit 67, or under kernel lockdown, which refuses
# /dev/port, its console line saying so) and left guest.rc; a panic (oops and WARN
# are panics here; panic=-1 with -no-reboot ends QEMU with exit 0 after
# the console has been flushed), a hang or a timeout all fail.  The console
# goes to SHARE_DIR/console.log.  Exit status: guest.sh's, or 125 for a
# VM failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

rel=$1 initrd=$2 share=$3 limit=$4 smp=${5:-4}
# WAKEOFF_KERNEL_IMAGE: a kernel of our own (the debug build) instead.
kernel=${WAKEOFF_KERNEL_IMAGE:-$WO_CACHE/kernels/$rel/root/boot/vmlinuz-$rel}
[ -f "$kernel" ] || wo_die "no kernel image for $rel"
# Single-threaded TCG by default: with multi-threaded TCG, QEMU 7.2 lets a
# vCPU run a stale translation of kernel text that another vCPU is
# live-patching (static keys, text_poke_bp), and 6.12 oopses with
# "Oops: int3" in ttwu_do_activate when *any* sched tracepoint is toggled
# under load -- reproduced with tracefs alone, without wakeoff.  One host
# thread for all vCPUs keeps the patching coherent.
tcg_opts=${WAKEOFF_TCG_OPTS-,thread=single}
rm -f "$share/guest.rc" "$share/dmesg.txt" "$share/tainted" "$share/guest.log"

cmdline="loglevel=5 panic=-1 oops=panic panic_on_warn=1 softlockup_panic=1 ${WAKEOFF_CMDLINE:-}"
# PREEMPT_RT kernels disable a flooded UART's IRQ ("irq 4: nobody cared")
# and the console then crawls: no spurious-IRQ detection there.
case $(wo_flavour "$rel") in
rt-*) cmdline="$cmdline noirqdebug" ;;
esac
if [ "$(wo_arch "$rel")" = arm64 ]; then
	# virt has no isa-debug-exit and Debian's arm64 kernels no pvpanic:
	# init's poweroff and a panic (panic=-1, -no-reboot) both end QEMU
	# with 0, told apart by init's last console line and the panic's.
	# pauth-impdef: TCG's architected pointer-auth hash is what makes
	# -cpu max slow.
	timeout --kill-after=10 "$limit" qemu-system-aarch64 \
		-machine virt -accel "tcg$tcg_opts" -cpu max,pauth-impdef=on \
		-smp "$smp" -m "${WAKEOFF_VM_MEM:-1024}" \
		-nographic -no-reboot -nic none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyAMA0 $cmdline" \
		-virtfs "local,path=$share,mount_tag=share,security_model=none,id=share" \
		</dev/null >"$share/console.log" 2>&1
	qrc=$?
	# The same "init reached its end" as on x86: its last console line.
	[ $qrc -eq 0 ] && grep -q '^init: guest.sh exited' "$share/console.log" &&
		! grep -q 'Kernel panic' "$share/console.log" && qrc=67
else
	timeout --kill-after=10 "$limit" qemu-system-x86_64 \
		-machine q35 -accel "tcg$tcg_opts" -cpu max -smp "$smp" -m "${WAKEOFF_VM_MEM:-1024}" \
		-nographic -no-reboot -nic none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 $cmdline" \
		-virtfs "local,path=$share,mount_tag=share,security_model=none,id=share" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		</dev/null >"$share/console.log" 2>&1
	qrc=$?
fi

if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	wo_log "$rel: VM timed out after ${limit}s"
	exit 125
fi
# A guest under kernel lockdown cannot write /dev/port: its init marks
# the finish on the console instead and powers off (QEMU exit 0).
locked_finish() {
	[ $qrc -eq 0 ] &&
		grep -q 'init: finished, /dev/port refused by kernel lockdown' "$share/console.log" &&
		! grep -q 'Kernel panic' "$share/console.log"
}
if { [ $qrc -ne 67 ] && ! locked_finish; } || [ ! -f "$share/guest.rc" ]; then
	wo_log "$rel: VM did not finish (qemu exit $qrc); console tail:"
	tail -n 40 "$share/console.log" >&2
	exit 125
fi
exit "$(cat "$share/guest.rc")"
