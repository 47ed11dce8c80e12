#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh BUILDDIR OUTPUT [TEST-PROGRAM...] - the test machine's
# root file system: busybox (Debian's busybox-static:i386), our modules
# installed with depmod so 'modprobe kvm_lite' works, the init script and
# the tests from tests/machine/, and the test programs.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/kvm-lite/initramfs-lib.sh"
build=$1
out=$2
shift 2
root=$build/initramfs

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,root,etc,lib,tests/bin}
cp "$build/i386/root/bin/busybox" "$root/bin/busybox"

# e2fsck (Debian's e2fsprogs:i386, dynamically linked: there is no
# static build) with glibc's loader and the libraries it needs, where
# the loader looks for them, so tests can check a guest's ext2 image.
i386lib=$build/i386/root/lib/i386-linux-gnu
mkdir -p "$root/lib/i386-linux-gnu"
cp "$build/i386/root/sbin/e2fsck" "$root/sbin/e2fsck"
ln -s i386-linux-gnu/ld-linux.so.2 "$root/lib/ld-linux.so.2"
for lib in ld-linux.so.2 libc.so.6 libext2fs.so.2 libcom_err.so.2 \
	   libe2p.so.2 libblkid.so.1 libuuid.so.1; do
	for dir in "$i386lib" "$build/i386/root/usr/lib/i386-linux-gnu"; do
		[ -e "$dir/$lib" ] || continue
		cp -L "$dir/$lib" "$root/lib/i386-linux-gnu/$lib"
		break
	done
	[ -e "$root/lib/i386-linux-gnu/$lib" ] ||
		{ echo "mkinitramfs: $lib missing; run 'make deps'" >&2; exit 1; }
done

make -s -C "$build/linux" O="$build/kbuild" ARCH=i386 \
	INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 modules_install >/dev/null

cp "$top/tests/machine/init" "$root/init"
cp -r "$top/tests/machine/rootfs/." "$root/"
cp "$top"/tests/machine/suites/*.sh "$root/tests/"
pack_initramfs "$root" "$out" "$@"
mv "$out.tmp" "$out"
