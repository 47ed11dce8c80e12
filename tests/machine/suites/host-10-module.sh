# SPDX-License-Identifier: GPL-2.0
# kvm-lite.ko registers with KVM as its vendor backend: loading creates
# /dev/kvm, unloading leaves nothing behind, and reloading works.
group=module
. /tests/lib.sh

loaded() { grep -q "^$1 " /proc/modules; }

check "modprobe kvm_lite succeeds" modprobe kvm_lite
check "kvm_lite is loaded" loaded kvm_lite
check "kvm is loaded as its dependency" loaded kvm
check "/dev/kvm is the misc device 10:232" \
	sh -c '[ -c /dev/kvm ] && [ "$(stat -c %t:%T /dev/kvm)" = a:e8 ]'
check "the kernel log names the backend" \
	sh -c 'dmesg | grep -q "kvm_lite: registered"'
check "kvm.ko lists kvm_lite as its holder" test -e /sys/module/kvm/holders/kvm_lite

check "rmmod kvm_lite succeeds" rmmod kvm_lite
check "rmmod kvm succeeds once no backend uses it" rmmod kvm
check_not "kvm_lite is gone" loaded kvm_lite
check_not "kvm is gone" loaded kvm
check_not "/dev/kvm is gone" test -e /dev/kvm

check "modprobe kvm_lite works a second time" modprobe kvm_lite
check "/dev/kvm is back" test -c /dev/kvm
check_not "loading kvm-lite.ko twice is refused" \
	insmod "$(find /lib/modules -name kvm-lite.ko)"
