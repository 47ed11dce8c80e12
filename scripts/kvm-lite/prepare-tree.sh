#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# prepare-tree.sh SRCDIR - turn Debian's linux-source-6.12 into our tree.
#
# 1. Extract /usr/src/linux-source-6.12.tar.xz into SRCDIR (once; again
#    only when the patch series changes, because a removed patch cannot be
#    un-applied reliably).
# 2. Apply patches/series, in order.
# 3. Lay our new files (arch/ include/ virt/ Documentation/) over it,
#    copying only files whose content changed, so kbuild's mtime-based
#    dependencies rebuild exactly what an edit touches.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
src=$1
tarball=${KVM_LITE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
overlay_dirs="arch include virt Documentation"

die() { echo "prepare-tree: $*" >&2; exit 1; }

[ -r "$tarball" ] || die "$tarball missing (run 'make deps')"

series_id() {
	( cd "$top/patches" && cat series $(grep -v '^#' series) ) | sha1sum | cut -c1-40
}

# Files a patch touches, so they can be re-dated after a re-extraction.
patched_files() {
	sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$top"/patches/*.patch
}

extract_and_patch() {
	local old_files=""

	[ -d "$src" ] && old_files=$(cat "$src/.kvm-lite-patched-files" 2>/dev/null || true)
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	echo "  EXTRACT $tarball"
	tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
	grep -v '^#' "$top/patches/series" | while read -r p; do
		[ -n "$p" ] || continue
		echo "  PATCH   $p"
		patch -d "$src.tmp" -p1 --quiet --no-backup-if-mismatch \
			< "$top/patches/$p" || die "patch $p does not apply"
	done
	# Anything a patch touched now or before must look newer than the
	# objects built from it, or kbuild would keep stale objects.
	for f in $old_files $(patched_files); do
		[ -e "$src.tmp/$f" ] && touch "$src.tmp/$f"
	done
	patched_files > "$src.tmp/.kvm-lite-patched-files"
	series_id > "$src.tmp/.kvm-lite-series"
	rm -rf "$src"
	mv "$src.tmp" "$src"
}

overlay() {
	local d f

	cd "$top"
	for d in $overlay_dirs; do
		[ -d "$d" ] || continue
		find "$d" -type f ! -name 'README.md' ! -name '*.orig' | while read -r f; do
			if ! cmp -s "$f" "$src/$f"; then
				mkdir -p "$src/$(dirname "$f")"
				cp "$f" "$src/$f"
				echo "  OVERLAY $f"
			fi
		done
	done
}

if [ ! -f "$src/.kvm-lite-series" ] ||
   [ "$(cat "$src/.kvm-lite-series")" != "$(series_id)" ]; then
	extract_and_patch
fi
overlay
