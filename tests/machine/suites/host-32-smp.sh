# SPDX-License-Identifier: GPL-2.0
# Guests side by side: several vCPUs in one VM, each in a thread of its
# own (run-guests --vcpus 2, and 4, more than the machine has CPUs),
# with and without the in-kernel irqchip; and several VMs at once, one
# process each (run-guests --parallel).  On a 2-CPU machine they really
# run at the same time; on one CPU they take turns.
group=smp
. /tests/lib.sh

grep -q '^kvm_lite ' /proc/modules || modprobe kvm_lite
cd /tests/bin || exit 1
/tests/bin/run-guests --vcpus 2 t-smp-counter.bin t-smp-memslot.bin \
	t-smp-tlb.bin t-hello.bin t-signal.bin
/tests/bin/run-guests --vcpus 4 t-smp-counter.bin
/tests/bin/run-guests --irqchip --vcpus 2 t-irqchip-smp-ipi.bin
/tests/bin/run-guests --parallel t-user.bin t-hostile-stack-storm.bin \
	t-smp-counter.bin t-memslot.bin
