# SPDX-License-Identifier: GPL-2.0
# KVM ABI conformance of the kvm-lite backend (tests/abi/).
group=abi
. /tests/lib.sh

grep -q '^kvm_lite ' /proc/modules || modprobe kvm_lite
/tests/bin/kvm-abi
