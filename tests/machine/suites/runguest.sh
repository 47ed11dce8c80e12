# SPDX-License-Identifier: GPL-2.0
# 'make run' after its self-check: start a kvm-lite guest, the test
# machine's own bzImage booted by lkvm with the initramfs of
# tests/lkvm/mkguest.
#
#   sh /tests/runguest.sh shell   the guest's shell on the console (a
#                                 terminal); leaving it powers the guest
#                                 off and comes back here
#   sh /tests/runguest.sh demo    no terminal: the guest prints uname and
#                                 its CPU's model name, writes a file to
#                                 a virtio disk and reads it back, and
#                                 powers off; result lines, then one
#                                 closing "guest demo: PASSED" or
#                                 "guest demo: FAILED" line
group=guest
. /tests/lib.sh

bin=/tests/bin
work=/tmp/runguest
rm -rf $work
mkdir -p $work
cd $work || exit 1

grep -q '^kvm_lite ' /proc/modules || modprobe kvm_lite
if ! $bin/mkguest guest.cpio; then
	fail "mkguest could not pack the guest's initramfs"
	echo "guest demo: FAILED"
	exit 1
fi

case "$1" in
shell)
	echo "Starting a kvm-lite guest (lkvm run -k $bin/bzImage -i guest.cpio)."
	echo "Its shell follows; 'exit' or 'poweroff' powers the guest off and"
	echo "comes back to the test machine.  Ctrl-A Ctrl-A x kills lkvm."
	# The guest's own shell gets the guest's console as its terminal,
	# so that Ctrl-C and job control work in it.
	setsid cttyhack $bin/lkvm run -k $bin/bzImage -i guest.cpio \
		-p 'quiet -- "setsid cttyhack sh -l"'
	echo "lkvm exited with status $?; back in the test machine."
	exit 0
	;;
demo)
	;;
*)
	echo "usage: runguest.sh shell|demo" >&2
	exit 2
	;;
esac

dd if=/dev/zero of=disk.img bs=1M count=8 2>/dev/null
echo "# lkvm run -k $bin/bzImage -i guest.cpio -d disk.img: the guest's console follows"
# The guest's "guest: ..." lines are its init's; the disk is written,
# unmounted, and read back from a fresh mount.
timeout -s KILL 300 $bin/lkvm run -k $bin/bzImage -i guest.cpio -d disk.img \
	-p 'quiet -- "echo guest: uname $(uname -a); echo guest: cpu $(grep -m 1 ^model.name /proc/cpuinfo); mke2fs /dev/vda > /dev/null && mount /dev/vda /mnt && echo written-by-the-guest > /mnt/hello && umount /mnt && mount -o ro /dev/vda /mnt && echo guest: disk says $(cat /mnt/hello)"' \
	< /dev/null > out 2> err
status=$?
# Shown with its panic lines defused: the runner takes "Kernel panic"
# for the test machine's own.
tr -d '\r' < out | sed -e 's/Kernel panic/Kernel-panic/g' -e 's/^/  | /'
sed -e 's/Kernel panic/Kernel-panic/g' -e 's/^/  | /' err

{
	[ "$status" = 0 ] && grep -q '^guest: powering off' out &&
		ok "lkvm booted the guest, which powered off (exit status 0)" ||
		fail "lkvm booted the guest, which powered off (exit status $status)"
	line=$(tr -d '\r' < out | grep '^guest: uname ')
	[ -n "$line" ] && ok "${line#guest: }" || fail "the guest printed no uname"
	line=$(tr -d '\r' < out | sed -n 's/^guest: cpu model name : //p')
	[ -n "$line" ] && ok "the guest's CPU: $line" ||
		fail "the guest printed no CPU model name"
	grep -q '^guest: disk says written-by-the-guest' out &&
		ok "virtio-blk: the guest wrote a file to /dev/vda and read it back" ||
		fail "virtio-blk: the guest wrote a file to /dev/vda and read it back"
} > results
cat results
if grep -q '^not ok ' results; then
	echo "guest demo: FAILED"
	exit 1
fi
echo "guest demo: PASSED"
