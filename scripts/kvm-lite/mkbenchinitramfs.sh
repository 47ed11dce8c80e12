#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkbenchinitramfs.sh BUILDDIR OUTPUT BASE [PROGRAM...] - the test
# machine's root file system for 'make bench': the initramfs BASE that
# 'make check' uses, followed by a second archive with Debian's i386 QEMU
# (from 'deps.sh BUILDDIR bench') in /opt/qemu and the PROGRAMs in
# /tests/bin.  The kernel unpacks concatenated archives one after the
# other, so BASE itself stays as small as it is.
#
# /opt/qemu holds what qemu-system-i386 opens for a '-kernel' boot with
# '-vga none -nic none': the binary, its TCG accelerator (a module in
# Debian's build), the shared libraries both need (followed through
# DT_NEEDED), SeaBIOS, linuxboot_dma.bin and kvmvapic.bin.  QEMU looks
# for its firmware in ../share beside the binary; the wrapper
# /opt/qemu/qemu-system-i386 sets the library and module paths.
set -euo pipefail

. "$(dirname "$0")/initramfs-lib.sh"

build=$1
out=$2
base=$3
shift 3
deb=$build/bench/root
root=$build/bench/initramfs
q=$root/opt/qemu

[ -x "$deb/usr/bin/qemu-system-i386" ] ||
	{ echo "mkbenchinitramfs: no i386 QEMU; run 'deps.sh $build bench'" >&2; exit 1; }

rm -rf "$root"
mkdir -p "$q/bin" "$q/lib/qemu" "$q/share/qemu" "$q/share/seabios" \
	 "$root/lib" "$root/tests/bin"
cp "$deb/usr/bin/qemu-system-i386" "$q/bin/"
cp "$deb/usr/lib/i386-linux-gnu/qemu/accel-tcg-i386.so" "$q/lib/qemu/"
cp "$deb/usr/share/seabios/bios-256k.bin" "$q/share/seabios/"
cp "$deb/usr/share/qemu/linuxboot_dma.bin" "$deb/usr/share/qemu/kvmvapic.bin" \
   "$q/share/qemu/"
# The program interpreter the binary names.
cp -L "$deb/lib/ld-linux.so.2" "$root/lib/"

# needed ELF: the DT_NEEDED libraries of ELF.
needed() {
	readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}

todo="$(needed "$q/bin/qemu-system-i386") $(needed "$q/lib/qemu/accel-tcg-i386.so")"
while [ -n "$todo" ]; do
	next=""
	for lib in $todo; do
		[ -e "$q/lib/$lib" ] && continue
		found=""
		for dir in lib/i386-linux-gnu usr/lib/i386-linux-gnu lib usr/lib; do
			if [ -e "$deb/$dir/$lib" ]; then
				found=$deb/$dir/$lib
				break
			fi
		done
		[ -n "$found" ] ||
			{ echo "mkbenchinitramfs: $lib not found in $deb" >&2; exit 1; }
		cp -L "$found" "$q/lib/$lib"
		next="$next $(needed "$q/lib/$lib")"
	done
	todo=$next
done

cat > "$q/qemu-system-i386" <<'EOF'
#!/bin/sh
# Debian's i386 qemu-system-i386 with its own libraries.
LD_LIBRARY_PATH=/opt/qemu/lib QEMU_MODULE_DIR=/opt/qemu/lib/qemu exec /opt/qemu/bin/qemu-system-i386 "$@"
EOF
chmod +x "$q/qemu-system-i386"
pack_initramfs "$root" "$out" "$@"
cat "$base" "$out.tmp" > "$out"
rm "$out.tmp"
