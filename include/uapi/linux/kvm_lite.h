/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm-lite: the user-visible ABI of KVM's third x86 backend, for 32-bit
 * CPUs without VT-x or AMD-V.  See Documentation/virt/kvm/x86/lite.rst.
 *
 * Everything a VMM does goes through the ordinary /dev/kvm ioctls of
 * <linux/kvm.h>; this header only names the values kvm-lite puts into
 * fields that KVM leaves to its backends.
 */
#ifndef _UAPI_LINUX_KVM_LITE_H
#define _UAPI_LINUX_KVM_LITE_H

/*
 * Values of kvm_run.fail_entry.hardware_entry_failure_reason when KVM_RUN
 * stops with KVM_EXIT_FAIL_ENTRY.  The high half spells "LT" so that a VMM
 * printing the number can tell it did not come from VMX or SVM.
 */
#define KVM_LITE_ENTRY_FAIL_BASE		0x4c540000ULL
/* KVM's MMU offered no PAE root to run the guest on (a kvm-lite bug). */
#define KVM_LITE_ENTRY_FAIL_NO_ROOT		(KVM_LITE_ENTRY_FAIL_BASE + 2)

#endif /* _UAPI_LINUX_KVM_LITE_H */
