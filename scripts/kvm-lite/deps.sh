#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh BUILDDIR [bench] - install what building and testing kvm-lite
# needs, from Debian packages only.
#
#  - Build-machine packages are installed with apt-get, skipping those
#    already present.
#  - i386 packages (busybox for the test machine, zlib for lkvm, e2fsck
#    with its libraries and glibc's loader for checking guest disk
#    images inside the test machine) are downloaded into BUILDDIR/i386 with a private apt configuration and
#    unpacked there, so the machine's dpkg architecture list is never
#    changed.
#  - With 'bench': Debian's i386 QEMU (qemu-system-x86:i386) and every
#    package it depends on, downloaded into BUILDDIR/bench and unpacked
#    there, for the nested-TCG baseline of 'make bench'.  The i386 build
#    is needed because the test machine is a 32-bit CPU: the build
#    machine's amd64 QEMU cannot run in it.
#
# Package indexes fail transiently now and then: every apt step is retried.
set -euo pipefail

build=$(realpath -m "${1:-build}")
i386=$build/i386

host_pkgs="linux-source-6.12 qemu-system-x86 gcc gcc-multilib make flex bison
	   bc libelf-dev libssl-dev cpio ccache xz-utils patch kmod python3
	   dpkg-dev rsync"
i386_pkgs="busybox-static libfdt-dev zlib1g-dev
	   e2fsprogs libext2fs2 libcom-err2 libblkid1 libuuid1 libc6"
bench_pkgs="qemu-system-x86"

say() { echo "deps: $*"; }
die() { echo "deps: error: $*" >&2; exit 1; }

# retry N CMD...: run CMD up to N times, sleeping a little longer each time.
retry() {
	local n=$1 i
	shift
	for ((i = 1; i <= n; i++)); do
		"$@" && return 0
		[ "$i" -lt "$n" ] || break
		say "'$1' failed (attempt $i of $n); retrying in $((i * 5)) s"
		sleep $((i * 5))
	done
	return 1
}

missing_host_pkgs() {
	local p
	for p in $host_pkgs; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

apt_update_ok() {
	# apt-get update exits 0 even when some indexes failed; insist on a
	# clean run, but accept a partial one on the last attempt.
	apt-get update 2>&1 | tee /dev/stderr | grep -q '^[WE]: .*Failed' && return 1
	return 0
}

install_host_pkgs() {
	local missing

	missing=$(missing_host_pkgs)
	[ -n "$missing" ] || return 0
	[ "$(id -u)" = 0 ] || die "need root to install:" $missing
	say "installing" $missing
	retry 3 apt_update_ok || apt-get update || true
	# shellcheck disable=SC2086
	retry 3 env DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends $missing ||
		die "apt-get install failed for:" $missing
}

# A private apt setup that sees the machine's Debian sources plus i386.
i386_apt() {
	apt-get -o APT::Architecture=amd64 \
		-o APT::Architectures::=amd64 -o APT::Architectures::=i386 \
		-o Dir::State::Lists="$i386/apt/lists" \
		-o Dir::Cache="$i386/apt/cache" \
		-o Dir::Etc::SourceParts="$i386/apt/sources.list.d" \
		-o Dir::Etc::SourceList="$i386/apt/sources.list" \
		-o Debug::NoLocking=1 "$@"
}

debian_sources() {
	local f

	mkdir -p "$i386/apt/sources.list.d" "$i386/apt/lists/partial" \
		 "$i386/apt/cache/archives/partial"
	: > "$i386/apt/sources.list"
	grep -hs '^deb ' /etc/apt/sources.list |
		grep -i debian >> "$i386/apt/sources.list" || true
	for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
		[ -e "$f" ] || continue
		grep -qi 'debian' "$f" && cp "$f" "$i386/apt/sources.list.d/"
	done
	return 0
}

fetch_i386_pkgs() {
	local stamp=$i386/.unpacked p deb

	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$i386_pkgs" ] && return 0
	say "fetching i386 packages: $i386_pkgs"
	debian_sources
	# A mirror mid-sync can break one index (say, the security suite's)
	# for hours; the packages we need may well be in the others.
	retry 3 i386_apt update -qq ||
		say "warning: some i386 package indexes failed; trying the rest"
	mkdir -p "$i386/debs" "$i386/root"
	for p in $i386_pkgs; do
		(cd "$i386/debs" && retry 3 i386_apt download "$p:i386") ||
			die "could not download $p:i386"
	done
	for deb in "$i386"/debs/*.deb; do
		dpkg-deb -x "$deb" "$i386/root"
	done
	[ -x "$i386/root/bin/busybox" ] || die "busybox-static:i386 has no /bin/busybox"
	[ -x "$i386/root/sbin/e2fsck" ] || die "e2fsprogs:i386 has no /sbin/e2fsck"
	echo "$i386_pkgs" > "$stamp"
}

# The bench packages come with their whole dependency closure: apt is
# given an empty dpkg status and i386 as its only architecture, so it
# downloads everything qemu-system-x86 needs (nothing is installed).
fetch_bench_pkgs() {
	local dir=$build/bench stamp=$build/bench/.unpacked deb

	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$bench_pkgs" ] && return 0
	say "fetching i386 packages for make bench: $bench_pkgs (and dependencies)"
	rm -rf "$dir"
	mkdir -p "$dir/debs/partial" "$dir/root"
	: > "$dir/status"
	# shellcheck disable=SC2086
	retry 3 apt-get -qq -o APT::Architecture=i386 \
		-o APT::Architectures::=i386 \
		-o Dir::State::Lists="$i386/apt/lists" \
		-o Dir::State::status="$dir/status" \
		-o Dir::Cache="$i386/apt/cache" \
		-o Dir::Cache::archives="$dir/debs" \
		-o Dir::Etc::SourceParts="$i386/apt/sources.list.d" \
		-o Dir::Etc::SourceList="$i386/apt/sources.list" \
		-o Debug::NoLocking=1 \
		install -y --download-only --no-install-recommends $bench_pkgs ||
		die "could not download $bench_pkgs:i386 and its dependencies"
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/root"
	done
	[ -x "$dir/root/usr/bin/qemu-system-i386" ] ||
		die "qemu-system-x86:i386 has no /usr/bin/qemu-system-i386"
	echo "$bench_pkgs" > "$stamp"
}

install_host_pkgs
fetch_i386_pkgs
[ "${2:-}" != bench ] || fetch_bench_pkgs
