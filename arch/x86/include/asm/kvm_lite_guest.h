/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_KVM_LITE_GUEST_H
#define _ASM_X86_KVM_LITE_GUEST_H

#ifdef CONFIG_KVM_LITE_GUEST
/* Called from i386_start_kernel() when hardware_subarch says kvm-lite. */
void __init kvm_lite_guest_early_setup(void);
/* arch/x86/lite/mmu.c: lazy MMU mode batched into hypercalls */
void __init kvm_lite_setup_mmu_ops(void);
/* arch/x86/lite/timer.c: TMICT writes left in the vCPU page */
struct kvm_lite_vcpu_page;
extern struct kvm_lite_vcpu_page kvm_lite_vcpu;
void __init kvm_lite_timer_setup(void);
bool kvm_lite_timer_write(u32 reg, u32 v);
#endif

#endif /* _ASM_X86_KVM_LITE_GUEST_H */
