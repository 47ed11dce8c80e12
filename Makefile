# SPDX-License-Identifier: GPL-2.0
#
# kvm-lite: build the host/guest kernel from Debian's linux-source-6.12
# with our files laid over it, build the test programs, and boot the
# TCG test machine.  See README.md.
#
#   make run      boot the test machine with kvm-lite loaded
#   make check    all tests; the last line is "N passed, N failed"
#   make bench    guest costs beside the host's and nested TCG's, as ratios
#   make kernel   just bzImage, kvm.ko and kvm-lite.ko
#   make unit     host-side unit tests only
#   make clean    remove build/ (the ccache cache survives)

B		:= $(CURDIR)/build
SRC		:= $(B)/linux
KBUILD		:= $(B)/kbuild
USR		:= $(B)/usr
I386		:= $(B)/i386/root
JOBS		?= $(shell echo $$(( $$(nproc) + 1 )))

BZIMAGE		:= $(KBUILD)/arch/x86/boot/bzImage
KERNEL_STAMP	:= $(B)/.kernel-built
INITRAMFS	:= $(B)/initramfs.cpio.gz

# Inputs of the kernel build: our overlay, the patch series, the scripts
# that apply them.  Prose (README.md, *.rst) does not rebuild anything.
KERNEL_INPUTS	:= $(shell find arch include virt patches -type f \
			! -name README.md 2>/dev/null) \
		   scripts/kvm-lite/prepare-tree.sh \
		   scripts/kvm-lite/configure.sh

KMAKE		= $(MAKE) -C $(SRC) O=$(KBUILD) ARCH=i386 \
		  CC="ccache gcc" HOSTCC="ccache gcc" -j$(JOBS) -s

# In-VM test programs: static i386 binaries built against our uapi.
TEST_CC		:= gcc -m32 -static -O2 -Wall -Wextra -Werror
TEST_CFLAGS	:= -I tests/lib -I $(USR)/include
TEST_PROGS	:= $(B)/tests/kvm-abi $(B)/tests/run-guests $(B)/tests/host-bench
# Flat 32-bit guest images for run-guests, one per tests/guest/t-*.c.
GUEST_CC	:= gcc -m32 -ffreestanding -fno-pic -fno-pie -no-pie \
		   -fno-stack-protector -fno-asynchronous-unwind-tables \
		   -nostdlib -O2 -Wall -Wextra -Werror -I tests/guest \
		   -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		   -T tests/guest/guest.lds
GUEST_RT	:= tests/guest/boot.S tests/guest/lib.c
GUEST_IMAGES	:= $(patsubst tests/guest/%.c,$(B)/guest/%.bin, \
			$(wildcard tests/guest/t-*.c tests/guest/b-*.c))
# lkvm, kvm-lite's launcher (kvmtool-lite/), static i386 with Debian's
# i386 zlib (from deps.sh) to read the bzImage's gzip payload.
LKVM		:= $(B)/lkvm
LKVM_SRCS	:= $(wildcard kvmtool-lite/*.c)
LKVM_CFLAGS	:= -I $(USR)/include -I $(I386)/usr/include
LKVM_LIBS	:= -L $(I386)/usr/lib/i386-linux-gnu -lz -lpthread
# What lkvm's tests need in the test machine: lkvm, the bzImage (to boot
# as a guest), the guest's init, initramfs maker and self-check program,
# fake bzImages' maker and the stub guest.
LKVM_FILES	:= $(LKVM) $(BZIMAGE) tests/lkvm/guest-init tests/lkvm/mkguest \
		   $(B)/lkvm-tests/guest-selfcheck \
		   $(B)/lkvm-tests/mkbzimage $(B)/lkvm-tests/stub.bin
# 'make bench' boots the test machine with the initramfs of 'make check'
# followed by a second archive: Debian's i386 QEMU (deps.sh BUILDDIR
# bench) for the nested-TCG baseline, and the workload program.
BENCH_INITRAMFS	:= $(B)/bench-initramfs.cpio.gz
BENCH_QEMU	:= $(B)/bench/.unpacked
BENCH_PROGS	:= $(B)/tests/guest-bench
UNIT_PROGS	:= $(patsubst tests/unit/%.c,$(B)/unit/%, \
			$(wildcard tests/unit/test-*.c))

MACHINE		:= tests/run-machine

.PHONY: all deps kernel tests lkvm initramfs unit check run bench profile clean
all: initramfs

deps:
	@scripts/kvm-lite/deps.sh $(B)

# The kernel is rebuilt only when one of our inputs changed: kbuild itself
# would take ~20 s to find that nothing changed.
kernel: $(KERNEL_STAMP)
$(KERNEL_STAMP): $(KERNEL_INPUTS) | deps
	@scripts/kvm-lite/prepare-tree.sh $(SRC)
	@scripts/kvm-lite/configure.sh $(SRC) $(KBUILD)
	@echo "  KBUILD  bzImage modules (i386, PAE)"
	@$(KMAKE) bzImage modules
	@$(KMAKE) headers_install INSTALL_HDR_PATH=$(USR) >/dev/null
	@touch $@

tests: $(TEST_PROGS)
$(B)/tests/kvm-abi: $(wildcard tests/abi/*.c tests/abi/*.h) \
		    tests/lib/ktest.h $(KERNEL_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(TEST_CC) $(TEST_CFLAGS) -o $@ $(filter %.c,$^)

$(B)/tests/run-guests: tests/guest/run-guests.c tests/guest/guest-abi.h \
		       tests/lib/ktest.h $(KERNEL_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(TEST_CC) $(TEST_CFLAGS) -I tests/guest -o $@ $<

$(B)/tests/host-bench: tests/bench/host-bench.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(TEST_CC) -o $@ $<

$(B)/tests/guest-bench: tests/bench/guest-bench.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(TEST_CC) -o $@ $<

$(B)/guest/%.bin: tests/guest/%.c $(GUEST_RT) tests/guest/guest.h tests/guest/guest-abi.h \
		  include/uapi/linux/kvm_lite.h \
		  tests/guest/guest.lds
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	@$(GUEST_CC) -o $(@:.bin=.elf) $(GUEST_RT) $< -lgcc
	@objcopy -O binary $(@:.bin=.elf) $@

lkvm: $(LKVM)
$(LKVM): $(LKVM_SRCS) $(wildcard kvmtool-lite/*.h) $(KERNEL_STAMP) | deps
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(TEST_CC) $(LKVM_CFLAGS) -o $@ $(LKVM_SRCS) $(LKVM_LIBS)

$(B)/lkvm-tests/mkbzimage: tests/lkvm/mkbzimage.c $(KERNEL_STAMP) | deps
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(TEST_CC) $(LKVM_CFLAGS) -o $@ $< $(LKVM_LIBS)

# Runs inside the Linux guest (mkguest puts it into the guest's /bin).
$(B)/lkvm-tests/guest-selfcheck: tests/lkvm/guest-selfcheck.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(TEST_CC) -o $@ $<

$(B)/lkvm-tests/stub.bin: tests/lkvm/stub.c tests/lkvm/stub.lds $(KERNEL_STAMP)
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	@$(GUEST_CC:tests/guest/guest.lds=tests/lkvm/stub.lds) \
		-I $(USR)/include -o $(@:.bin=.elf) $< -lgcc
	@objcopy -O binary $(@:.bin=.elf) $@

initramfs: $(INITRAMFS)
$(INITRAMFS): $(KERNEL_STAMP) $(TEST_PROGS) $(GUEST_IMAGES) $(LKVM_FILES) \
	      scripts/kvm-lite/mkinitramfs.sh scripts/kvm-lite/initramfs-lib.sh \
	      $(shell find tests/machine -type f) | deps
	@scripts/kvm-lite/mkinitramfs.sh $(B) $@ $(TEST_PROGS) $(GUEST_IMAGES) \
		$(LKVM_FILES)

# Host-side unit tests of pure C code, built for the build machine.
unit: $(UNIT_PROGS)
	@for t in $(UNIT_PROGS); do $$t || true; done
$(B)/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) tests/lib/ktest.h \
	    arch/x86/kvm/lite/desc.c arch/x86/kvm/lite/desc.h
	@mkdir -p $(dir $@)
	@$(CC) -O2 -Wall -Wextra -Werror -I tests/lib -I tests/unit -o $@ $<
$(B)/unit/test-lkvm-serial: kvmtool-lite/serial.c kvmtool-lite/lkvm.h

check: initramfs $(UNIT_PROGS)
	@tests/check $(B)

run: initramfs
	@$(MACHINE) --mode run --smp 2 $(B)

$(BENCH_QEMU): | deps
	@scripts/kvm-lite/deps.sh $(B) bench

$(BENCH_INITRAMFS): $(INITRAMFS) $(BENCH_QEMU) $(BENCH_PROGS) \
		    scripts/kvm-lite/mkbenchinitramfs.sh \
		    scripts/kvm-lite/initramfs-lib.sh
	@scripts/kvm-lite/mkbenchinitramfs.sh $(B) $@ $(INITRAMFS) $(BENCH_PROGS)

# Costs of the guest beside the host's and beside a nested QEMU TCG
# guest's, measured side by side in one run of the test machine (about a
# minute, most of it the nested TCG guest).  The figures are '#' lines;
# the last line is "N passed, N failed", as in 'make check'.
bench: $(BENCH_INITRAMFS)
	@$(MACHINE) --suite bench --label bench --mem 1024 --timeout 1800 \
		--initrd $(BENCH_INITRAMFS) $(B) > $(B)/bench.log; \
	grep '^#\|^not ok' $(B)/bench.log; \
	echo "$$(grep -c '^ok ' $(B)/bench.log) passed, $$(grep -c '^not ok ' $(B)/bench.log) failed"; \
	! grep -q '^not ok ' $(B)/bench.log

# Where the test machine's time goes while a kvm-lite guest runs one
# workload: PROFILE=WORKLOAD:ARGS (default forkexec:5000, see
# tests/bench/guest-bench.c), sampled through QEMU's gdbstub on port
# 1234 (scripts/kvm-lite/gdbprof.py).  Prints the hottest functions by
# ring: 0 host (and switcher), 1 guest kernel, 3 user space.
PROFILE		?= forkexec:5000
profile: $(BENCH_INITRAMFS)
	@rm -f $(B)/machine-profile.log
	@QEMU_EXTRA="-s" $(MACHINE) --suite profile --label profile \
		--mem 1024 --timeout 1800 --initrd $(BENCH_INITRAMFS) \
		--append "kvmlite.profile=$(PROFILE)" $(B) > $(B)/profile.out & \
	scripts/kvm-lite/gdbprof.py --log $(B)/machine-profile.log \
		--start PROFILE-START --stop PROFILE-STOP $(B)/kbuild/vmlinux; \
	status=$$?; wait; cat $(B)/profile.out; exit $$status

clean:
	rm -rf $(B)
