# SPDX-License-Identifier: GPL-2.0
# 'make profile': one guest-bench workload in a kvm-lite guest, for
# scripts/kvm-lite/gdbprof.py sampling the machine through QEMU's
# gdbstub.  kvmlite.profile=WORKLOAD:ARGS names it ("forkexec:5000" runs
# "guest-bench forkexec 5000").  The start and stop markers and the
# modules' symbols go straight to the console, where the profiler reads
# them as they happen (a suite's own output is shown only at its end).
group=profile
. /tests/lib.sh

bin=/tests/bin
work=$(cmdline_value kvmlite.profile forkexec:5000 | tr : ' ')
if [ ! -x $bin/guest-bench ]; then
	fail "profile: not the bench initramfs (make profile builds it)"
	exit 1
fi
grep -q '^kvm_lite ' /proc/modules || modprobe kvm_lite
grep '\[kvm' /proc/kallsyms | sed 's/^/ksym /' > /dev/console
cd /tmp || exit 1
$bin/mkguest guest.cpio $bin/guest-bench
# $m keeps the markers themselves out of the guest's command line, which
# the guest's kernel may print.
if $bin/lkvm run -k $bin/bzImage -i guest.cpio \
	-p "quiet -- \"m=PROFILE; echo \$m-START; guest-bench $work; echo \$m-STOP\"" \
	< /dev/null > /dev/console 2>&1; then
	ok "the workload '$work' ran in a kvm-lite guest"
else
	fail "the workload '$work' ran in a kvm-lite guest (lkvm: status $?)"
fi
