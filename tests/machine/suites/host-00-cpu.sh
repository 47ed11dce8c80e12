# SPDX-License-Identifier: GPL-2.0
# The test machine must be what kvm-lite is for: a CPU without hardware
# virtualization.  If QEMU ever hands us VMX or SVM, every later result
# would prove nothing, so this runs first.
group=cpu
. /tests/lib.sh

check_not "/proc/cpuinfo has no vmx flag" grep -qw vmx /proc/cpuinfo
check_not "/proc/cpuinfo has no svm flag" grep -qw svm /proc/cpuinfo
check "/proc/cpuinfo has the pae flag" grep -qw pae /proc/cpuinfo
check "the kernel is a 32-bit i686 kernel" sh -c '[ "$(uname -m)" = i686 ]'

want=$(cmdline_value kvmlite.smp 1)
have=$(grep -c '^processor' /proc/cpuinfo)
check "$want CPU(s) online as QEMU was told" [ "$have" = "$want" ]
