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

# The guest's CPU as the guest kernel shows it: no hardware
# virtualization to offer, and no SYSENTER (it would jump from the
# guest's user space to whatever the host's SYSENTER_CS names; kvm-lite
# hides it and the guest kernel clears it).
guest -- 'echo guest: cpuinfo $(grep -m 1 ^flags /proc/cpuinfo)'
flags=$(tr -d '\r' < out | sed -n 's/^guest: cpuinfo flags : //p')
if [ "$status" = 0 ] && [ -n "$flags" ]; then
	ok "the guest's /proc/cpuinfo has a flags line ($(echo $flags | wc -w) flags)"
else
	fail "the guest's /proc/cpuinfo has a flags line (status $status)"
	tail -n 15 out | show ""
fi
for flag in vmx svm sep; do
	case " $flags " in
	*" $flag "*) fail "the guest's CPU flags include $flag: $flags" ;;
	*) [ -n "$flags" ] && ok "the guest's CPU flags have no $flag" ||
		fail "the guest's CPU flags have no $flag (no flags line)" ;;
	esac
done

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

# Durability: what the guest wrote and synced is on the image even if
# lkvm dies right after (SIGKILL: no chance to flush anything of its
# own), and the file system on it is consistent.  The guest waits after
# its marker, so the kill finds it running.
dd if=/dev/zero of=dur.img bs=1M count=16 2>/dev/null
timeout -s KILL 300 $lkvm run -k $kernel -i guest.cpio -d dur.img -p 'quiet -- "mke2fs /dev/vda > /dev/null && mount /dev/vda /mnt && dd if=/dev/urandom of=/mnt/data bs=1k count=768 2>/dev/null && echo guest: wrote $(sha256sum /mnt/data) && sync && echo guest: synced && sleep 1000"' \
	> out 2> err < /dev/null &
pid=$!
for i in $(seq 180); do
	grep -q '^guest: synced' out && break
	kill -0 $pid 2>/dev/null || break
	sleep 1
done
kill -KILL $pid 2>/dev/null
wait $pid
status=$?
wrote=$(tr -d '\r' < out | sed -n 's/^guest: wrote \([0-9a-f]\{64\}\) .*/\1/p')
if [ "$status" = 137 ] && [ -n "$wrote" ] && grep -q '^guest: synced' out; then
	ok "the guest writes and syncs a file, and lkvm is killed (SIGKILL) while it runs"
else
	fail "the guest writes and syncs a file, then lkvm is killed (status $status, want 137)"
	tail -n 15 out | show ""
	tail -n 5 err | show "stderr: "
fi
e2fsck -fn dur.img > fsck.out 2>&1
fsck_status=$?
[ "$fsck_status" = 0 ] &&
	ok "the killed guest's file system is consistent (e2fsck -fn, on the host)" ||
	{ fail "the killed guest's file system is consistent (e2fsck -fn exit status $fsck_status)"
	  show "" fsck.out | head -n 20; }
guest -d dur.img -- 'mount -o ro /dev/vda /mnt && echo guest: read $(sha256sum /mnt/data)'
read=$(tr -d '\r' < out | sed -n 's/^guest: read \([0-9a-f]\{64\}\) .*/\1/p')
if [ "$status" = 0 ] && [ -n "$wrote" ] && [ "$read" = "$wrote" ]; then
	ok "after the kill, a new boot reads the synced file back intact (sha256 $read)"
else
	fail "after the kill, a new boot reads the synced file back intact (status $status; wrote ${wrote:-?}, read ${read:-?})"
	tail -n 15 out | show ""
	tail -n 5 err | show "stderr: "
fi

guest --rng -- 'echo guest: rng $(cat /sys/class/misc/hw_random/rng_current); echo guest: hwrng bytes $(dd if=/dev/hwrng bs=16 count=1 2>/dev/null | wc -c)'
booted "--rng: /dev/hwrng is virtio's" "^guest: rng virtio_rng"
booted "--rng: /dev/hwrng gives bytes" "^guest: hwrng bytes 16"

# tcp_both_ways: 1 MB of random bytes over TCP through the tap, guest to
# host and host to guest, with busybox nc on both sides, compared by
# sha256 end to end.  busybox nc quits as soon as its peer's half of the
# connection ends, so each receiver's stdin is a FIFO opened read-write:
# it never ends, and the receiver stops only when the sender is done.
tcp_both_ways() {
	dd if=/dev/urandom of=to-guest bs=1k count=1024 2>/dev/null
	down_want=$(sha256sum < to-guest | cut -d' ' -f1)
	rm -f hold from-guest
	mkfifo hold
	timeout -s KILL 300 nc -l -p 5001 <> hold > from-guest &
	lpid=$!
	guest -n tap:$tap -- 'ip link set eth0 up; ip addr add 10.98.0.2/24 dev eth0; mkfifo /tmp/hold; dd if=/dev/urandom of=/tmp/up bs=1k count=1024 2>/dev/null; echo guest: up $(sha256sum < /tmp/up); nc 10.98.0.1 5001 < /tmp/up && echo guest: sent; timeout 120 nc -l -p 5002 <> /tmp/hold > /tmp/down & sleep 1; echo guest: listening; wait $!; echo guest: down $(wc -c < /tmp/down) $(sha256sum < /tmp/down)' &
	gpid=$!
	for i in $(seq 180); do
		grep -q '^guest: listening' out 2>/dev/null && break
		kill -0 $gpid 2>/dev/null || break
		sleep 1
	done
	# The guest's listener may be a moment late: a refused connection
	# sends nothing, so trying again is safe.
	sent=""
	for i in 1 2 3 4 5; do
		grep -q '^guest: listening' out || break
		timeout 120 nc 10.98.0.2 5002 < to-guest 2> nc.err && { sent=yes; break; }
		sleep 1
	done
	wait $gpid
	status=$?
	kill $lpid 2>/dev/null
	wait $lpid 2>/dev/null

	up_want=$(tr -d '\r' < out | sed -n 's/^guest: up \([0-9a-f]\{64\}\) .*/\1/p')
	up_got=$(sha256sum < from-guest | cut -d' ' -f1)
	if [ -n "$up_want" ] && [ "$up_got" = "$up_want" ] &&
	   [ "$(wc -c < from-guest)" = 1048576 ]; then
		ok "TCP guest to host through the tap: 1 MB arrives intact (sha256 matches)"
	else
		fail "TCP guest to host: got $(wc -c < from-guest) bytes, sha256 $up_got, guest sent ${up_want:-nothing}"
		tail -n 15 out | show ""
	fi
	down_got=$(tr -d '\r' < out | sed -n 's/^guest: down 1048576 \([0-9a-f]\{64\}\) .*/\1/p')
	if [ -n "$sent" ] && [ "$down_got" = "$down_want" ]; then
		ok "TCP host to guest through the tap: 1 MB arrives intact (sha256 matches)"
	else
		fail "TCP host to guest: host nc ${sent:-failed}, guest got '$(grep '^guest: down' out | tr -d '\r')', want 1048576 $down_want"
		show "host nc: " nc.err
		tail -n 15 out | show ""
	fi
	booted "the guest that moved data over TCP powers off"
}

tap=lkvmtap1
if tunctl -t $tap > /dev/null 2>&1 && ip link set $tap up &&
   ip addr add 10.98.0.1/24 dev $tap; then
	guest -n tap:$tap -- 'ip link set eth0 up && ip addr add 10.98.0.2/24 dev eth0 && ping -c 3 -W 5 10.98.0.1 | grep -q 3.packets.received && echo guest: ping ok'
	booted "-n tap: the guest pings the host through the tap" "^guest: ping ok"
	tcp_both_ways
else
	fail "could not create tap $tap with tunctl"
fi

# The guest's self-check (tests/lkvm/guest-selfcheck.c): fork/exec/exit,
# system calls and memory, every result checked; then the guest kernel's
# own log must be clean.  Its lines are printed here as "guest: log:".
# Each pattern has a bracketed letter so that the command line, which
# the log quotes, does not match itself.
bad='WARNIN[G]:|BU[G]:|Oop[s]|Call Trac[e]|invalid opcod[e]|Firmware Bu[g]|Fata[l]'
# selfcheck HOW: boot with $extra, self-check, log check; HOW names it.
selfcheck() {
	guest -- "guest-selfcheck 300 1000 && echo guest: selfcheck passed; echo guest: mmu batches \$(cat /sys/module/kvm_lite_guest/parameters/mmu_batches); echo guest: lazy timer writes \$(cat /sys/module/kvm_lite_guest/parameters/timer_lazy_writes); dmesg > /tmp/log; echo guest: log lines \$(wc -l < /tmp/log); grep -E '$bad' /tmp/log | sed 's/^/guest: log: /'"
	if [ "$status" = 0 ] && grep -q '^guest: selfcheck passed' out; then
		ok "$1the guest's self-check passes: $(grep '^selfcheck: [0-9]' out | tr -d '\r' | sed 's/^selfcheck: //' | tr '\n' ';' | sed 's/;$//; s/;/; /g')"
	else
		fail "$1the guest's self-check (status $status)"
		grep -i 'selfcheck' out | show ""
		tail -n 15 out | show ""
		tail -n 5 err | show "stderr: "
	fi
	lines=$(tr -d '\r' < out | sed -n 's/^guest: log lines //p')
	if [ "${lines:-0}" -gt 0 ] && ! grep -q '^guest: log: ' out; then
		ok "$1the guest kernel's log ($lines lines) has no WARNING, BUG, Oops, Call Trace, invalid opcode, Firmware Bug or Fatal"
	else
		fail "$1the guest kernel's log has no WARNING, BUG, Oops, Call Trace, invalid opcode, Firmware Bug or Fatal (${lines:-no} lines read)"
		grep '^guest: log: ' out | head -n 40 | show ""
	fi
	batches=$(tr -d '\r' < out | sed -n 's/^guest: mmu batches //p')
	lazy=$(tr -d '\r' < out | sed -n 's/^guest: lazy timer writes //p')
}
extra=quiet
selfcheck ""
# A busy guest's ticks: most of its timer writes wait in the vCPU page
# for an exit the host has promised (timer_check_by) instead of exiting.
if [ "${lazy:-0}" -gt 0 ]; then
	ok "the guest left $lazy timer deadlines in its vCPU page without an exit"
else
	fail "the guest left timer deadlines in its vCPU page without an exit (${lazy:-no count})"
fi
if [ "$batches" = 0 ]; then
	ok "by default the guest batches no page-table stores"
else
	fail "by default the guest batches no page-table stores (${batches:-no count} sent)"
fi
# The same with lazy MMU mode batched into KVM_HC_LITE_MMU_BATCH.
extra="quiet kvm_lite_guest.mmu_batch=1"
selfcheck "kvm_lite_guest.mmu_batch=1: "
if [ "${batches:-0}" -gt 0 ]; then
	ok "kvm_lite_guest.mmu_batch=1: the guest sent $batches page-table batches"
else
	fail "kvm_lite_guest.mmu_batch=1: the guest sent page-table batches (${batches:-none})"
fi
extra=quiet

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
