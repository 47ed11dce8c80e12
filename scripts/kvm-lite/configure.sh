#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# configure.sh SRCDIR OBJDIR - make OBJDIR/.config from our fragment,
# arch/x86/configs/kvm_lite.config, on top of i386 allnoconfig, and check
# that every option the fragment asks for really took (kconfig silently
# drops options whose dependencies are unmet).
#
# Runs kconfig only when the fragment changed since the last .config.
set -euo pipefail

src=$1
obj=$2
frag=$src/arch/x86/configs/kvm_lite.config
stamp=$obj/.kvm-lite-config

mkdir -p "$obj"
if [ -f "$obj/.config" ] && [ -f "$stamp" ] && cmp -s "$frag" "$stamp"; then
	exit 0
fi

echo "  CONFIG  allnoconfig + kvm_lite.config"
KCONFIG_ALLCONFIG=$frag make -s -C "$src" O="$obj" ARCH=i386 allnoconfig

bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n)
		name=${line%%=*}
		if grep -q "^$name=" "$obj/.config"; then
			echo "configure: $name should be off but is on" >&2
			bad=1
		fi ;;
	CONFIG_*=*)
		if ! grep -qx "$line" "$obj/.config"; then
			echo "configure: '$line' did not take (unmet dependency?)" >&2
			bad=1
		fi ;;
	esac
done < "$frag"
[ "$bad" = 0 ] || { rm -f "$obj/.config"; exit 1; }
cp "$frag" "$stamp"
