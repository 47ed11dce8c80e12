# SPDX-License-Identifier: GPL-2.0
# Host NMIs while guests run (the machine was started with --nmis N):
# every NMI must reach the host's own NMI handler, none may be lost or
# fatal, and the guests must not notice.  An NMI that hits the guest
# exits through the switcher's vector 2; one that hits the switch itself
# is noted and handled right after it.
group=nmi
. /tests/lib.sh

sent=$(cmdline_value kvmlite.nmis 0)
# NMIs the host kernel handled on CPU 0, which QEMU's "nmi" always hits
# (the "Uhhuh" message itself is rate limited, so it cannot be counted).
nmis() { awk '/^ *NMI:/ { print $2 }' /proc/interrupts; }

grep -q '^kvm_lite ' /proc/modules || modprobe kvm_lite
cd /tests/bin || exit 1
guests=$(ls t-*.bin | grep -v '^t-hostile-\|^t-irqchip-')
: > /tmp/nmi.out
rounds=0
# Keep guests running until every NMI has arrived (at most ~60 rounds).
while [ "$(nmis)" -lt "$sent" ] && [ "$rounds" -lt 60 ]; do
	./run-guests $guests >> /tmp/nmi.out 2>&1
	rounds=$((rounds + 1))
done
sleep 1	# let a late NMI's messages pass before printing results

check "guests ran while NMIs arrived ($rounds rounds)" \
	sh -c '[ "$(grep -c "^ok " /tmp/nmi.out)" -gt 0 ]'
check "no guest assertion failed with NMIs about" \
	sh -c '! grep -q "^not ok " /tmp/nmi.out'
grep '^not ok ' /tmp/nmi.out | sed 's/^/#   /' | head -5
check "all $sent NMIs reached the host's NMI handler (saw $(nmis))" \
	[ "$(nmis)" = "$sent" ]
