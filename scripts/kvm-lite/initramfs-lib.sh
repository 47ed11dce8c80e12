# SPDX-License-Identifier: GPL-2.0
# Sourced by mkinitramfs.sh and mkbenchinitramfs.sh.

# pack_initramfs ROOT OUT [PROGRAM...]: put the PROGRAMs in ROOT/tests/bin
# and pack ROOT into OUT.tmp, a gzipped newc cpio whose bytes depend only
# on the files (sorted, reproducible), so that an unchanged tree packs
# the same.  The caller moves OUT.tmp into place.
pack_initramfs() {
	local root=$1 out=$2 prog
	shift 2

	for prog in "$@"; do
		cp "$prog" "$root/tests/bin/"
	done
	chmod -R a+rX "$root"
	echo "  CPIO    $out"
	(cd "$root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet --reproducible) | gzip -1 > "$out.tmp"
}
