# SPDX-License-Identifier: GPL-2.0
# 'make bench': the guest's costs beside the host's, measured in one run
# on the same (TCG) CPU, in TSC cycles per operation, and their ratios.
group=bench
. /tests/lib.sh

grep -q '^kvm_lite ' /proc/modules || modprobe kvm_lite
cd /tests/bin || exit 1
{ ./host-bench; ./run-guests b-bench.bin; } > /tmp/bench.out 2>&1
sed -n 's/^\(# b-bench.bin: \)\?bench /bench /p' /tmp/bench.out > /tmp/bench.txt
check "the host and the guest benchmarks ran" \
	sh -c '[ "$(grep -c . /tmp/bench.txt)" -ge 7 ]'
awk '
	{ v[$2] = $3 }
	function row(what, g, h) {
		if (v[g] && v[h])
			printf "# %-44s %8d %8d  %6.2fx\n", what, v[g], v[h], v[g] / v[h]
	}
	END {
		printf "# %-44s %8s %8s  %7s\n", "cycles per operation", "guest", "host", "ratio"
		row("null hypercall vs host getppid", "guest-hypercall", "host-getppid")
		row("system call (direct trap) vs host getppid", "guest-syscall-direct", "host-getppid")
		row("system call (via the host) vs host getppid", "guest-syscall-exit", "host-getppid")
		row("page fault vs host page fault", "guest-page-fault", "host-page-fault")
		row("I/O exit to user space vs host getppid", "guest-io-exit", "host-getppid")
	}' /tmp/bench.txt
