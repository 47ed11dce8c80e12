# SPDX-License-Identifier: GPL-2.0
# Development aid (not part of make check): boot the kvm-lite guest once
# with lkvm and show its whole console.  tests/run-machine --suite dev
group=dev
. /tests/lib.sh
grep -q '^kvm_lite ' /proc/modules || modprobe kvm_lite
work=/tmp/dev; mkdir -p $work/root/bin $work/root/proc $work/root/sys \
	$work/root/dev $work/root/tmp
cd $work || exit 1
cp /bin/busybox root/bin/busybox
cp /tests/bin/guest-init root/init
(cd root && find . | cpio -o -H newc > ../guest.cpio 2>/dev/null)
timeout -s KILL 200 /tests/bin/lkvm run -k /tests/bin/bzImage -i guest.cpio \
	-p "${DEV_CMDLINE:-} -- \"uname -a; cat /proc/cpuinfo | head -20; dmesg | tail -5\"" \
	> out 2> err < /dev/null
status=$?
sed 's/^/# /' out | tail -n 400
sed 's/^/# stderr: /' err
dmesg | sed -n "/kvm_lite: registered/,\$p" | sed "s/^/# host: /"
[ "$status" = 0 ] && ok "dev: guest booted and powered off" || fail "dev: status $status"
