# SPDX-License-Identifier: GPL-2.0
# lkvm boots the test machine's own bzImage as a kvm-lite guest, with
# an initramfs made here (tests/lkvm/mkguest) from the machine's busybox
# and tests/lkvm/guest-init, which runs the command after "--" on the
# kernel command line and powers off.  Until the bzImage carries
# kvm-lite guest support, lkvm refuses it and this suite is skipped.
group=lkvm-guest
. /tests/lib.sh

grep -q '^kvm_lite ' /proc/modules || modprobe kvm_lite
bin=/tests/bin
lkvm=$bin/lkvm
kernel=$bin/bzImage
work=/tmp/lkvm-guest
rm -rf $work
mkdir -p $work
cd $work || exit 1

# Without /dev/kvm lkvm stops right after checking the kernel.
unshare -m sh -c "mount -t tmpfs none /dev && exec $lkvm run -k $kernel" \
	> out 2> err < /dev/null
if grep -q 'lacks kvm-lite guest support' err; then
	ok "the test machine's bzImage is refused with one line: $(cat err) # SKIP no guest support in the bzImage yet"
	exit 0
fi

# The guest's initramfs: busybox and the init script.
$bin/mkguest guest.cpio

# guest [LKVM-OPTIONS...] -- COMMAND: boot the guest to run COMMAND in
# its init; status in $status, output in out and err.
guest() {
	args=""
	while [ "$1" != "--" ]; do
		args="$args $1"
		shift
	done
	shift
	# shellcheck disable=SC2086
	timeout -s KILL 300 $lkvm run -k $kernel -i guest.cpio $args \
		-p "$extra -- \"$*\"" > out 2> err < "${stdin:-/dev/null}"
	status=$?
	return $status
}

# show PREFIX FILE...: quote guest output, with its panic lines defused
# (the runner takes "Kernel panic" in the log for the host's own).
show() {
	prefix=$1
	shift
	cat "$@" | sed -e 's/Kernel panic/Kernel-panic/g' -e "s/^/#   $prefix/"
}

# booted DESCRIPTION [PATTERN]: exit status 0, and PATTERN in the output.
booted() {
	if [ "$status" = 0 ] && grep -q -- "${2:-^guest: powering off}" out; then
		ok "$1"
		return
	fi
	fail "$1 (status $status)"
	tail -n 15 out | show ""
	tail -n 5 err | show "stderr: "
}

extra=""
guest -- 'echo guest: uname $(uname -r)'
# Whether the guest gets to its init at all is the guest kernel's
# business, not lkvm's: until it does, say why and skip the rest.
if ! grep -q '^guest: init up' out; then
	why=$(head -n 1 err | sed 's/Kernel panic - not syncing: /panic: /')
	ok "boots the guest to its init # SKIP the guest kernel does not reach init yet (exit status $status: $why)"
	exit 0
fi
booted "boots the guest to its init, which powers off: exit status 0"
booted "the guest runs the same kernel as the host" "^guest: uname $(uname -r)"
booted "the guest kernel says it runs on kvm-lite" "kvm-lite"

extra=quiet
guest --console virtio -- 'echo guest: on $(cat /sys/class/tty/console/active)'
booted "--console virtio: the guest's console is hvc0" "guest: on hvc0"

# Typed once the guest waits for it: the 8250 driver empties the
# receiver when it starts, as it would on hardware.
mkfifo typed
stdin=typed
guest -- 'echo guest: reading; read line; echo guest: read $line' &
pid=$!
stdin=""

exec 3> typed
for i in $(seq 120); do
	grep -q '^guest: reading' out 2>/dev/null && break
	sleep 1
done
echo "typed-on-the-host" >&3
wait $pid
status=$?
exec 3>&-
booted "stdin reaches the guest's console" "^guest: read typed-on-the-host"

dd if=/dev/zero of=disk.img bs=1M count=8 2>/dev/null
guest -d disk.img -- 'mke2fs /dev/vda > /dev/null && mount /dev/vda /mnt && echo kept-on-disk > /mnt/f && umount /mnt && echo guest: written'
booted "the guest makes a file system on /dev/vda and writes a file" "^guest: written"
guest -d disk.img -- 'mount /dev/vda /mnt && echo guest: found $(cat /mnt/f)'
booted "a second boot reads the file back" "^guest: found kept-on-disk"

guest --rng -- 'echo guest: rng $(cat /sys/class/misc/hw_random/rng_current); echo guest: hwrng bytes $(dd if=/dev/hwrng bs=16 count=1 2>/dev/null | wc -c)'
booted "--rng: /dev/hwrng is virtio's" "^guest: rng virtio_rng"
booted "--rng: /dev/hwrng gives bytes" "^guest: hwrng bytes 16"

tap=lkvmtap1
if tunctl -t $tap > /dev/null 2>&1 && ip link set $tap up &&
   ip addr add 10.98.0.1/24 dev $tap; then
	guest -n tap:$tap -- 'ip link set eth0 up && ip addr add 10.98.0.2/24 dev eth0 && ping -c 3 -W 5 10.98.0.1 | grep -q 3.packets.received && echo guest: ping ok'
	booted "-n tap: the guest pings the host through the tap" "^guest: ping ok"
else
	fail "could not create tap $tap with tunctl"
fi

# Two guests at once.
timeout -s KILL 300 $lkvm run -k $kernel -i guest.cpio -p 'quiet -- "echo guest: one"' \
	> out1 2> err1 < /dev/null &
pid1=$!
timeout -s KILL 300 $lkvm run -k $kernel -i guest.cpio -p 'quiet -- "echo guest: two"' \
	> out2 2> err2 < /dev/null &
pid2=$!
wait $pid1
s1=$?
wait $pid2
s2=$?
[ "$s1" = 0 ] && [ "$s2" = 0 ] && grep -q '^guest: one' out1 &&
	grep -q '^guest: two' out2 && ok "two guests run at once" ||
	{ fail "two guests run at once (status $s1, $s2)"; show "" err1 err2; }

guest -- 'echo c > /proc/sysrq-trigger'
[ "$status" = 2 ] &&
	[ "$(cat err)" = "lkvm: guest crashed: Kernel panic - not syncing: sysrq triggered crash" ] &&
	ok "a guest panic: exit status 2, the panic line as the reason" ||
	{ fail "a guest panic (status $status)"; show "" err; }

dd if=/dev/zero of=disk.img bs=1M count=1 2>/dev/null
guest -d disk.img -- 'if dd if=/dev/vda bs=8 count=1 2>/dev/null | grep -q REBOOTED; then echo guest: second boot; else echo REBOOTED | dd of=/dev/vda conv=fsync 2>/dev/null; reboot -f; fi'
booted "a guest reboot boots it again" "^guest: second boot"
grep -q '^lkvm: guest rebooting$' err && ok "lkvm says the guest rebooted" ||
	fail "lkvm says the guest rebooted"
