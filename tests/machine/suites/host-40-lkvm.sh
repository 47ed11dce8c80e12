# SPDX-License-Identifier: GPL-2.0
# lkvm, kvm-lite's launcher (kvmtool-lite/): every bad input is refused
# with one clear line and exit status 1; the stub guest (tests/lkvm/)
# boots through lkvm's protected-mode entry and drives its devices; a
# crash is exit status 2 with its reason.  Fake bzImages come from
# mkbzimage, so none of this waits for the Linux guest.
group=lkvm
. /tests/lib.sh

grep -q '^kvm_lite ' /proc/modules || modprobe kvm_lite
bin=/tests/bin
lkvm=$bin/lkvm
mk=$bin/mkbzimage
work=/tmp/lkvm
rm -rf $work
mkdir -p $work
cd $work || exit 1

# show PREFIX FILE...: quote output, with the stub's panic line defused
# (the runner takes "Kernel panic" in the log for the host's own).
show() {
	prefix=$1
	shift
	cat "$@" | sed -e 's/Kernel panic/Kernel-panic/g' -e "s/^/#   $prefix/"
}

# run_lkvm ARGS...: run lkvm with a time limit; status in $status,
# stdout in out, stderr in err.  With $as_nobody set, as user nobody
# (root reads and writes any file whatever its mode); the arguments
# must then have no spaces.
run_lkvm() {
	if [ -n "$as_nobody" ]; then
		timeout -s KILL 120 su -s /bin/sh nobody -c "$lkvm $*" \
			> out 2> err < /dev/null
	else
		timeout -s KILL 120 $lkvm "$@" > out 2> err < /dev/null
	fi
	status=$?
}

# refused DESCRIPTION MESSAGE ARGS...: exit status 1 and exactly one
# line on stderr, MESSAGE.
refused() {
	desc=$1 want=$2
	shift 2
	run_lkvm "$@"
	if [ "$status" = 1 ] && [ "$(cat err)" = "$want" ] &&
	   [ "$(wc -l < err)" = 1 ]; then
		ok "refuses $desc"
		return
	fi
	fail "refuses $desc (status $status)"
	echo "#   want: $want"
	sed 's/^/#   got:  /' err | head -5
}

# expect DESCRIPTION FILE PATTERN: a line of FILE matches PATTERN.
expect() {
	if grep -q -- "$3" "$2"; then
		ok "$1"
	else
		fail "$1 (no '$3' in $2)"
		tail -n 15 out | show ""
		tail -n 5 err | show "stderr: "
	fi
}

$mk --code $bin/stub.bin --note 1 stub.bz
$mk nonote.bz
$mk --note 2 abi2.bz
$mk --note 1 --note-in-sections sections.bz
$mk --note 1 --protocol 0x206 old.bz
$mk --note 1 --zimage zimage.bz
$mk --note 1 --raw-payload raw.bz
dd if=/dev/zero of=disk.img bs=512 count=64 2>/dev/null
echo "the stub reads this" | dd of=disk.img conv=notrunc 2>/dev/null
dd if=/dev/zero of=odd.img bs=1000 count=1 2>/dev/null
# Files only root may read or write, for the refusals run as nobody.
cp stub.bz root-only.bz
cp disk.img root-only.img
chmod 600 root-only.bz root-only.img
grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/nonexistent:/bin/sh' >> /etc/passwd
# The machine's own bzImage, cut short: a whole setup header, no payload.
head -c 65536 $bin/bzImage > truncated.bz
: > empty.bz

# --- the command line ---
run_lkvm --help
[ "$status" = 0 ] && grep -q '^usage: lkvm run' out && grep -q '^exit status' out &&
	grep -q '32..2048 MB' out && ok "--help prints usage, the memory range and exit statuses" ||
	fail "--help (status $status)"
run_lkvm version
[ "$status" = 0 ] && grep -q 'kvm-lite guest ABI 1' out &&
	ok "version names the guest ABI" || fail "version (status $status)"
refused "no command" "lkvm: no command (see lkvm --help)"
refused "an unknown command" "lkvm: unknown command 'start' (see lkvm --help)" start
refused "run without -k" "lkvm: run: no kernel given (-k BZIMAGE)" run
refused "an unknown option" "lkvm: unknown option '--frobnicate' (see lkvm --help)" \
	run -k stub.bz --frobnicate
refused "an option without its argument" "lkvm: option '-m' needs an argument" \
	run -k stub.bz -m
refused "--console other than serial or virtio" \
	"lkvm: --console 'vga': expected serial or virtio" run -k stub.bz --console vga
refused "-m 0" "lkvm: -m 0: guest memory must be 32..2048 MB" run -k stub.bz -m 0
refused "-m 100000" "lkvm: -m 100000: guest memory must be 32..2048 MB" \
	run -k stub.bz -m 100000
refused "-m 31, just below the range" "lkvm: -m 31: guest memory must be 32..2048 MB" \
	run -k stub.bz -m 31
refused "-m 2049, just above the range" \
	"lkvm: -m 2049: guest memory must be 32..2048 MB" run -k stub.bz -m 2049
refused "-m that is not a number" "lkvm: -m '12x': not a number of megabytes" \
	run -k stub.bz -m 12x
refused "-n without tap:" "lkvm: -n 'eth0': expected tap:IFNAME" run -k stub.bz -n eth0

# --- the kernel ---
refused "a missing kernel" \
	"lkvm: cannot read kernel '/nonexistent': No such file or directory" \
	run -k /nonexistent
as_nobody=1
refused "a kernel it may not read (as nobody, mode 600)" \
	"lkvm: cannot read kernel 'root-only.bz': Permission denied" \
	run -k root-only.bz
as_nobody=""
refused "a directory as kernel" "lkvm: cannot read kernel '/tmp': Is a directory" \
	run -k /tmp
refused "a file that is not a bzImage" \
	"lkvm: '$lkvm' is not a bzImage (no \"HdrS\" setup header)" run -k $lkvm
refused "an empty file as kernel" \
	"lkvm: 'empty.bz' is not a bzImage (no \"HdrS\" setup header)" run -k empty.bz
refused "a truncated bzImage" \
	"lkvm: 'truncated.bz' is truncated: its payload lies outside the file" \
	run -k truncated.bz
refused "a bzImage without kvm-lite guest support" \
	"lkvm: 'nonote.bz' lacks kvm-lite guest support (no \"kvm-lite\" ELF note in its vmlinux)" \
	run -k nonote.bz
refused "a kernel of another guest ABI" \
	"lkvm: 'abi2.bz' speaks kvm-lite guest ABI 2; this lkvm speaks 1" run -k abi2.bz
refused "boot protocol 2.06" \
	"lkvm: 'old.bz' uses boot protocol 2.06; lkvm needs 2.07 or later" run -k old.bz
refused "a zImage" "lkvm: 'zimage.bz' is a zImage, not a bzImage (not loaded high)" \
	run -k zimage.bz
refused "a payload it cannot inflate" \
	"lkvm: 'raw.bz': cannot check for kvm-lite guest support: its payload is not gzip-compressed (lkvm reads gzip only)" \
	run -k raw.bz
refused "a missing initrd" \
	"lkvm: cannot read initrd '/nonexistent': No such file or directory" \
	run -k stub.bz -i /nonexistent

# --- disk and network ---
refused "a missing disk image" \
	"lkvm: cannot open disk image '/nonexistent.img': No such file or directory" \
	run -k stub.bz -d /nonexistent.img
refused "a directory as disk image" \
	"lkvm: cannot open disk image '/tmp': Is a directory" run -k stub.bz -d /tmp
refused "a disk image whose size is not a multiple of 512" \
	"lkvm: disk image 'odd.img': its size (1000 bytes) is not a multiple of 512" \
	run -k stub.bz -d odd.img
refused "a character device as disk image" \
	"lkvm: disk image '/dev/null' is not a file or block device" \
	run -k stub.bz -d /dev/null
as_nobody=1
refused "a disk image it may not open (as nobody, mode 600)" \
	"lkvm: cannot open disk image 'root-only.img': Permission denied" \
	run -k stub.bz -d root-only.img
as_nobody=""
# The guest writes to its disk: an image lkvm can only read is refused.
mkdir -p ro
unshare -m sh -c "mount -t tmpfs none ro && cp disk.img ro/disk.img &&
	mount -o remount,ro ro && exec $lkvm run -k stub.bz -d ro/disk.img" \
	> out 2> err < /dev/null
status=$?
[ "$status" = 1 ] &&
	[ "$(cat err)" = "lkvm: cannot open disk image 'ro/disk.img': Read-only file system" ] &&
	ok "refuses a disk image on a read-only file system" ||
	{ fail "a disk image on a read-only file system (status $status)"; show "" err; }
refused "a tap interface that does not exist" \
	"lkvm: -n tap:nosuchtap0: no such network interface" run -k stub.bz -n tap:nosuchtap0
check_not "no tap interface was created by that" test -e /sys/class/net/nosuchtap0
refused "an empty interface name" "lkvm: -n tap:: not a valid interface name" \
	run -k stub.bz -n tap:
refused "a network interface that is not a tap (lo)" \
	"lkvm: -n tap:lo: cannot attach to the tap interface: Invalid argument" \
	run -k stub.bz -n tap:lo
unshare -m sh -c "mount -t tmpfs none /dev && exec $lkvm run -k stub.bz -n tap:lo" \
	> out 2> err < /dev/null
status=$?
[ "$status" = 1 ] &&
	[ "$(cat err)" = "lkvm: -n tap:lo: cannot open /dev/net/tun: No such file or directory" ] &&
	ok "refuses -n without /dev/net/tun" ||
	{ fail "no /dev/net/tun (status $status)"; show "" err; }

# --- /dev/kvm, in a mount namespace of its own ---
unshare -m sh -c "mount -t tmpfs none /dev && exec $lkvm run -k sections.bz" \
	> out 2> err < /dev/null
status=$?
[ "$status" = 1 ] &&
	[ "$(cat err)" = "lkvm: cannot open /dev/kvm: No such file or directory" ] &&
	ok "refuses a machine without /dev/kvm (after accepting a note found through section headers)" ||
	{ fail "no /dev/kvm (status $status)"; show "" err; }
unshare -m sh -c "mount -t tmpfs none /sys/module && exec $lkvm run -k stub.bz" \
	> out 2> err < /dev/null
status=$?
[ "$status" = 1 ] &&
	[ "$(cat err)" = "lkvm: /dev/kvm is not provided by kvm-lite (no /sys/module/kvm_lite); lkvm runs only on kvm-lite" ] &&
	ok "refuses a /dev/kvm that is not kvm-lite's" ||
	{ fail "/dev/kvm not kvm-lite (status $status)"; show "" err; }

# --- the stub guest, booted through kvm-lite ---

# stub_ended DESCRIPTION: the stub powered off: exit status 0.  While
# kvm-lite lacks KVM_HC_LITE_SYSTEM_EVENT the stub says so and ends in
# a triple fault instead; that is a skip, not a failure.
stub_ended() {
	if [ "$status" = 0 ]; then
		ok "$1: powered off, exit status 0"
	elif [ "$status" = 2 ] && grep -q "SYSTEM_EVENT returned -1000" out; then
		ok "$1 # SKIP kvm-lite has no KVM_HC_LITE_SYSTEM_EVENT yet"
	else
		fail "$1 (status $status)"
		tail -n 10 out | show ""
		tail -n 5 err | show "stderr: "
	fi
}

no_failures() {
	if grep -q FAILED out; then
		fail "$1"
		grep FAILED out | sed 's/^/#   /'
	else
		ok "$1"
	fi
}

run_lkvm run -k stub.bz -m 64 -d disk.img --rng -i nonote.bz \
	-p "stub.action=poweroff foo=bar"
expect "the stub guest boots at 1 MB in protected mode" out \
	'^stub: hello from the stub guest'
expect "the kernel command line names the console and virtio-mmio devices, then -p" out \
	'^stub: cmdline: console=ttyS0 earlyprintk=serial noreplace-smp virtio_mmio.device=0x200@0xd0000000:5 virtio_mmio.device=0x200@0xd0000200:6 stub.action=poweroff foo=bar$'
expect "boot_params carry HdrS, subarch, loader type, e820, MP table" out \
	'^stub: MP table checksums ok'
no_failures "every check of the stub passes"
expect "the e820 table ends at -m" out '^stub: memory 64 MB$'
expect "the initrd is loaded and announced" out \
	"^stub: initrd $(wc -c < nonote.bz) bytes: "
expect "virtio-rng fills a buffer" out '^stub: rng gave 16 bytes, not all zero$'
expect "virtio-blk reports the image's capacity" out '^stub: blk capacity 64 sectors$'
expect "virtio-blk reads the image" out '^stub: blk sector 0 says: the stub reads this$'
expect "virtio-blk answers GET_ID" out '^stub: blk id lkvm-vda$'
dd if=disk.img bs=512 skip=1 count=1 2>/dev/null > sector1
expect "virtio-blk writes reach the image" sector1 'written by the stub'
expect "MMIO where no device is reads as all ones" out \
	'^stub: empty MMIO reads as 0xffffffff$'
expect "the 8250's interrupt arrives through KVM's IOAPIC (MP table's pin 4)" out \
	'^stub: serial interrupt through the IOAPIC ok$'
expect "virtio's interrupt arrives through its irqfd" out \
	'^stub: virtio interrupt through the irqfd ok$'
stub_ended "the stub guest"

run_lkvm run -k stub.bz -m 32
expect "-m 32, the smallest guest, boots" out '^stub: memory 32 MB$'
run_lkvm run -k stub.bz -m 2048
expect "-m 2048, the largest guest, boots" out '^stub: memory 2048 MB$'

run_lkvm run -k stub.bz -p stub.action=panic
[ "$status" = 2 ] &&
	[ "$(cat err)" = "lkvm: guest crashed: Kernel panic - not syncing: stub panic" ] &&
	ok "a guest panic is exit status 2 with the panic line as reason" ||
	{ fail "guest panic (status $status)"; show "" err; }
run_lkvm run -k stub.bz -p stub.action=fault
[ "$status" = 2 ] && [ "$(head -n 1 err)" = "lkvm: guest crashed: triple fault" ] &&
	ok "a triple fault is exit status 2, reason 'triple fault'" ||
	{ fail "triple fault (status $status)"; show "" err; }

# KVM_SYSTEM_EVENT_CRASH: the reason is the panic line the guest prints
# after the call, or, if it says nothing within a second, the event.
for how in crash crash-quiet; do
	run_lkvm run -k stub.bz -p stub.action=$how
	if grep -q "SYSTEM_EVENT returned -1000" out; then
		ok "$how: a reported crash is exit status 2 # SKIP kvm-lite has no KVM_HC_LITE_SYSTEM_EVENT yet"
		continue
	fi
	want="lkvm: guest crashed: Kernel panic - not syncing: stub crash, told late"
	[ $how = crash-quiet ] && want="lkvm: guest crashed: the guest reported a crash"
	[ "$status" = 2 ] && [ "$(cat err)" = "$want" ] &&
		ok "$how: a reported crash is exit status 2 with its reason" ||
		{ fail "$how: a reported crash (status $status)"; show "" err; }
done

echo "typed-into-ttyS0" | timeout -s KILL 60 $lkvm run -k stub.bz \
	-p stub.action=echo > out 2> err
status=$?
expect "stdin reaches the guest through the 8250" out "^stub: got 'typed-into-ttyS0'$"

# A file as stdin (epoll cannot watch it) into virtio-console.
echo "typed-into-hvc0" > typed
timeout -s KILL 60 $lkvm run -k stub.bz --console virtio -p stub.action=echo \
	< typed > out 2> err
expect "stdin (a file) reaches the guest through virtio-console" out \
	"^stub: virtio-console got 'typed-into-hvc0'$"

run_lkvm run -k stub.bz --console virtio
expect "--console virtio: console=hvc0 on the command line" out \
	'^stub: cmdline: console=hvc0 noreplace-smp virtio_mmio.device=0x200@0xd0000000:5$'
expect "--console virtio: virtio-console output reaches stdout" out \
	'^stub: hello through virtio-console$'
stub_ended "the stub guest with a virtio console"

# Network: a persistent tap, made by busybox's tunctl.
tap=lkvmtap0
if tunctl -t $tap > /dev/null 2>&1 && ip link set $tap up &&
   ip addr add 10.99.0.1/24 dev $tap; then
	rx=$(cat /sys/class/net/$tap/statistics/rx_packets)
	# ARP requests for the guest's address come out of the tap.
	(sleep 1; ping -c 5 -W 1 10.99.0.2 > /dev/null 2>&1) &
	ping_pid=$!
	run_lkvm run -k stub.bz -n tap:$tap -p stub.action=net
	kill $ping_pid 2>/dev/null
	expect "virtio-net offers its MAC" out '^stub: net mac 52:54:0:4c:4b:1$'
	expect "virtio-net sends a frame" out '^stub: net sent a frame ok$'
	[ "$(cat /sys/class/net/$tap/statistics/rx_packets)" -gt "$rx" ] &&
		ok "the frame arrives on the host's tap" ||
		fail "the frame arrives on the host's tap"
	expect "virtio-net receives the host's ARP request" out \
		'^stub: net received 42 bytes, ethertype 806$'
	stub_ended "the stub guest with a network"
else
	fail "could not create tap $tap with tunctl"
fi

# Two guests at once.
dd if=/dev/zero of=disk2.img bs=512 count=64 2>/dev/null
timeout -s KILL 120 $lkvm run -k stub.bz -d disk.img > out1 2> err1 < /dev/null &
pid1=$!
timeout -s KILL 120 $lkvm run -k stub.bz -d disk2.img > out2 2> err2 < /dev/null &
pid2=$!
wait $pid1
s1=$?
wait $pid2
s2=$?
cat out1 out2 > out
if [ "$(grep -c '^stub: blk write sector 1 ok$' out)" = 2 ]; then
	ok "two guests run at once"
else
	fail "two guests run at once (status $s1 and $s2)"
	show "" err1 err2
fi
status=$s1
[ "$s1" = "$s2" ] || status="$s1/$s2"
stub_ended "two guests at once"

# Reboot: the stub marks its disk and asks for a reset; lkvm starts the
# guest over, and the second boot sees the mark and powers off.
dd if=/dev/zero of=disk.img bs=512 count=64 2>/dev/null
run_lkvm run -k stub.bz -d disk.img -p stub.action=reboot
if grep -q "SYSTEM_EVENT returned -1000" out; then
	ok "a guest reboot starts it over # SKIP kvm-lite has no KVM_HC_LITE_SYSTEM_EVENT yet"
else
	[ "$status" = 0 ] && grep -q '^lkvm: guest rebooting$' err &&
		grep -q '^stub: this is the boot after a reboot$' out &&
		ok "a guest reboot starts it over" ||
		{ fail "a guest reboot starts it over (status $status)"; show "" err; }
fi

# SIGTERM ends lkvm cleanly while the guest waits for input.
mkfifo input
$lkvm run -k stub.bz -p stub.action=echo < input > out 2> err &
pid=$!
exec 3> input
for i in 1 2 3 4 5 6 7 8 9 10; do
	grep -q 'type a line' out && break
	sleep 1
done
# SIGUSR1 dumps the vCPU's state and the guest goes on.
kill -USR1 $pid
for i in 1 2 3 4 5; do
	grep -q '^lkvm: debug: ioapic' err && break
	sleep 1
done
grep -q '^lkvm: debug: eip 0x' err && grep -q '^lkvm: debug: lapic tpr' err &&
	grep -q '^lkvm: debug: ioapic irr' err && kill -0 $pid &&
	ok "SIGUSR1 prints the vCPU's registers, LAPIC and IOAPIC, and lkvm runs on" ||
	{ fail "SIGUSR1 dump"; show "" err; }
: > err
kill -TERM $pid
wait $pid
status=$?
exec 3>&-
[ "$status" = 1 ] && [ "$(cat err)" = "lkvm: stopped by Terminated" ] &&
	ok "SIGTERM stops lkvm with exit status 1 and one line" ||
	{ fail "SIGTERM (status $status)"; show "" err; }
