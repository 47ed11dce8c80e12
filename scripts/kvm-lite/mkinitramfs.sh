#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh BUILDDIR OUTPUT [TEST-PROGRAM...] - the test machine's
# root file system: busybox (Debian's busybox-static:i386), our modules
# installed with depmod so 'modprobe kvm_lite' works, the init script and
# the tests from tests/machine/, and the test programs.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
out=$2
shift 2
root=$build/initramfs

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,root,etc,lib,tests/bin}
cp "$build/i386/root/bin/busybox" "$root/bin/busybox"

make -s -C "$build/linux" O="$build/kbuild" ARCH=i386 \
	INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 modules_install >/dev/null

cp "$top/tests/machine/init" "$root/init"
cp -r "$top/tests/machine/rootfs/." "$root/"
cp "$top"/tests/machine/suites/*.sh "$root/tests/"
for prog in "$@"; do
	cp "$prog" "$root/tests/bin/"
done
chmod -R a+rX "$root"

echo "  CPIO    $out"
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet --reproducible) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
