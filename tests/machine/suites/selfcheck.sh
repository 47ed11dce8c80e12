# SPDX-License-Identifier: GPL-2.0
# The short self-check 'make run' shows: is kvm-lite up and answering?
group=selfcheck
. /tests/lib.sh

check "modprobe kvm_lite" modprobe kvm_lite
check "/dev/kvm exists" test -c /dev/kvm
/tests/bin/kvm-abi > /tmp/abi.out 2>&1
check "the KVM ABI conformance test passes ($(grep -c '^ok ' /tmp/abi.out) assertions)" \
	sh -c '! grep -q "^not ok" /tmp/abi.out'
grep '^not ok' /tmp/abi.out | sed 's/^/#   /'
/tests/bin/run-guests /tests/bin/t-hello.bin > /tmp/hello.out 2>&1
check "a guest runs natively in ring 1 through the world switch" \
	grep -q '^ok - t-hello.bin: the guest kernel runs natively, in ring 1' /tmp/hello.out
