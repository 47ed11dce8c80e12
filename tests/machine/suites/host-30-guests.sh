# SPDX-License-Identifier: GPL-2.0
# Real guests through the switcher: flat 32-bit programs (tests/guest/)
# run by the raw-ioctl harness run-guests, first with user-space
# interrupt handling, then the ones that need the in-kernel irqchip.
# Hostile guests are host-31's, guests on several vCPUs host-32's.
group=guests
. /tests/lib.sh

grep -q '^kvm_lite ' /proc/modules || modprobe kvm_lite
cd /tests/bin || exit 1
/tests/bin/run-guests $(ls t-*.bin | grep -v '^t-irqchip-\|^t-hostile-')
irqchip=$(ls t-irqchip-*.bin 2>/dev/null)
[ -z "$irqchip" ] || /tests/bin/run-guests --irqchip $irqchip
