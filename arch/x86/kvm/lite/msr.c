// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-lite MSRs.
 *
 * A ring-1 guest cannot execute rdmsr or wrmsr, so every guest MSR access
 * traps and ends up here (or in kvm_{get,set}_msr_common()).  User space
 * reaches the same functions through KVM_GET_MSRS/KVM_SET_MSRS with
 * host_initiated set.  The rule for this file: KVM_GET_MSR_INDEX_LIST
 * must only name MSRs that KVM_GET_MSRS can read back, so every MSR that
 * KVM's common code lists but leaves to the backend is handled here.
 */
#include "lite.h"

#include <asm/msr-index.h>
#include "x86.h"
#include "cpuid.h"
#include "pmu.h"

/*
 * MSRs that KVM can emulate for some backend but that make no sense on a
 * CPU without VT-x/AMD-V.  Everything else in KVM's emulated list is
 * handled by common code for us.
 */
bool lite_has_emulated_msr(struct kvm *kvm, u32 index)
{
	switch (index) {
	case MSR_IA32_VMX_BASIC ... MSR_IA32_VMX_VMFUNC:	/* no nested VMX */
	case MSR_IA32_SMBASE:			/* built without SMM */
	case MSR_IA32_MCG_EXT_CTL:		/* needs LMCE (VMX only) */
	case MSR_AMD64_VIRT_SPEC_CTRL:		/* an SVM interface */
	case MSR_AMD64_TSC_RATIO:		/* no TSC scaling */
		return false;
	default:
		return true;
	}
}

/*
 * IA32_FEATURE_CONTROL: nothing to enable (no VMX, no SGX, no LMCE),
 * so only the lock bit may be set, and only until it is.
 */
static int lite_set_feature_control(struct vcpu_lite *lite,
				    struct msr_data *msr)
{
	if (msr->data & ~FEAT_CTL_LOCKED)
		return 1;
	if ((lite->feature_control & FEAT_CTL_LOCKED) && !msr->host_initiated)
		return 1;
	lite->feature_control = msr->data;
	return 0;
}

int lite_get_msr(struct kvm_vcpu *vcpu, struct msr_data *msr)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	switch (msr->index) {
	case MSR_IA32_SYSENTER_CS:
		msr->data = lite->sysenter_cs;
		break;
	case MSR_IA32_SYSENTER_ESP:
		msr->data = lite->sysenter_esp;
		break;
	case MSR_IA32_SYSENTER_EIP:
		msr->data = lite->sysenter_eip;
		break;
	case MSR_STAR:
		msr->data = lite->star;
		break;
	case MSR_IA32_FEAT_CTL:
		msr->data = lite->feature_control;
		break;
	/*
	 * No branch tracing and no speculation controls are passed through;
	 * both read as their reset value of zero.
	 */
	case MSR_IA32_DEBUGCTLMSR:
	case MSR_IA32_SPEC_CTRL:
		msr->data = 0;
		break;
	default:
		return kvm_get_msr_common(vcpu, msr);
	}
	return 0;
}

int lite_set_msr(struct kvm_vcpu *vcpu, struct msr_data *msr)
{
	struct vcpu_lite *lite = to_lite(vcpu);

	switch (msr->index) {
	/*
	 * SYSENTER targets ring 0, where a guest never runs; the values are
	 * kept for save/restore, and the feature is hidden from CPUID.
	 */
	case MSR_IA32_SYSENTER_CS:
		lite->sysenter_cs = msr->data;
		break;
	case MSR_IA32_SYSENTER_ESP:
		lite->sysenter_esp = msr->data;
		break;
	case MSR_IA32_SYSENTER_EIP:
		lite->sysenter_eip = msr->data;
		break;
	case MSR_STAR:
		lite->star = msr->data;
		break;
	case MSR_IA32_FEAT_CTL:
		return lite_set_feature_control(lite, msr);
	case MSR_IA32_DEBUGCTLMSR:
	case MSR_IA32_SPEC_CTRL:
		return msr->data ? 1 : 0;
	default:
		return kvm_set_msr_common(vcpu, msr);
	}
	return 0;
}

/* No VMX capability MSRs and no microcode interface to report. */
int lite_get_feature_msr(u32 msr, u64 *data)
{
	return KVM_MSR_RET_UNSUPPORTED;
}

/*
 * A guest PMU would need perf counters the host schedules around world
 * switches; kvm-lite offers none (enable_pmu is forced off), but KVM
 * still wants a complete set of PMU callbacks.
 */
static struct kvm_pmc *lite_pmu_rdpmc_ecx_to_pmc(struct kvm_vcpu *vcpu,
						  unsigned int idx, u64 *mask)
{
	return NULL;
}

static struct kvm_pmc *lite_pmu_msr_idx_to_pmc(struct kvm_vcpu *vcpu, u32 msr)
{
	return NULL;
}

static bool lite_pmu_is_valid_msr(struct kvm_vcpu *vcpu, u32 msr)
{
	return false;
}

static int lite_pmu_get_msr(struct kvm_vcpu *vcpu, struct msr_data *msr)
{
	return 1;
}

static int lite_pmu_set_msr(struct kvm_vcpu *vcpu, struct msr_data *msr)
{
	return 1;
}

static void lite_pmu_refresh(struct kvm_vcpu *vcpu)
{
}

static void lite_pmu_init(struct kvm_vcpu *vcpu)
{
}

struct kvm_pmu_ops lite_pmu_ops = {
	.rdpmc_ecx_to_pmc = lite_pmu_rdpmc_ecx_to_pmc,
	.msr_idx_to_pmc = lite_pmu_msr_idx_to_pmc,
	.is_valid_msr = lite_pmu_is_valid_msr,
	.get_msr = lite_pmu_get_msr,
	.set_msr = lite_pmu_set_msr,
	.refresh = lite_pmu_refresh,
	.init = lite_pmu_init,
	.EVENTSEL_EVENT = ARCH_PERFMON_EVENTSEL_EVENT,
	.MAX_NR_GP_COUNTERS = 0,
	.MIN_NR_GP_COUNTERS = 0,
};
