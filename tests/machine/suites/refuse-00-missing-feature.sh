# SPDX-License-Identifier: GPL-2.0
# Booted on a CPU model without a feature kvm-lite needs (FXSR, or SEP,
# whose MSRs hold the host's CR3 while a guest runs): kvm-lite must
# refuse to load with one clear message, and leave no /dev/kvm behind.
group=refuse
. /tests/lib.sh

missing=""
for f in fxsr sep; do
	grep -qw "$f" /proc/cpuinfo || { missing=$f; break; }
done
check "/proc/cpuinfo lacks fxsr or sep (the machine is set up right: ${missing:-neither})" \
	test -n "$missing"
check_not "modprobe kvm_lite fails" modprobe kvm_lite
check_not "kvm_lite is not loaded" grep -q '^kvm_lite ' /proc/modules
check_not "/dev/kvm does not exist" test -e /dev/kvm
check "the kernel log says which feature is missing ('$missing')" \
	sh -c "dmesg | grep -q \"kvm_lite: this CPU lacks '$missing'\""
# busybox modprobe tries finit_module, then init_module: two attempts,
# each of which must say the same one line and nothing else.
check "kvm-lite prints nothing but its refusal" \
	sh -c '! dmesg | grep "kvm_lite:" | grep -v "lacks '"'$missing'"'"'
check "KVM's core never saw the backend (no 'kvm:' errors)" \
	sh -c '! dmesg | grep -q "^\[[ 0-9.]*\] kvm:"'
