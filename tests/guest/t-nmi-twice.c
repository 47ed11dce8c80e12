// SPDX-License-Identifier: GPL-2.0
/*
 * NMI blocking for a guest that knows nothing of kvm-lite.  Its NMI
 * handler ends with a native iret, which no trap reports; kvm-lite
 * infers the return from the guest's stack at the next exit.  So: an
 * NMI requested inside the handler must wait until the handler is done,
 * and one requested after it must arrive at once.
 */
#include "guest.h"

static volatile u32 nmis, nested_nmis, in_handler;

static void nmi_hook(struct trap_frame *f)
{
	if (f->vector != 2)
		return;
	nmis++;
	if (in_handler)
		nested_nmis++;
	if (nmis == 1) {
		/* Ask for another while this one is being handled. */
		in_handler = 1;
		outb(PORT_NMI, 1);
		outl(PORT_ECHO, 0);	/* an exit: a chance to deliver */
		in_handler = 0;
	}
}

int guest_main(void)
{
	set_gate(2, trap_entry_2, 0);
	trap_hook = nmi_hook;

	outb(PORT_NMI, 1);
	check_eq(nested_nmis, 0, "an NMI waits while the NMI handler runs");
	outl(PORT_ECHO, 0);		/* an exit after the handler's iret */
	check_eq(nmis, 2, "the waiting NMI arrives once the handler is done");

	outb(PORT_NMI, 1);
	outl(PORT_ECHO, 0);
	check_eq(nmis, 3, "a later NMI arrives as well");
	guest_exit(0);
	return 0;
}
