# SPDX-License-Identifier: GPL-2.0
# Hostile guests (tests/guest/t-hostile-*.c): each attacks the world
# switch and must end the way it announced (a status of 0, or e.g.
# "expect: shutdown"), and after each a known-good guest must still run
# in the same process.  The exit storm (a million exits) gets its own,
# longer, time limit.  Ordinary guests run beside them all along and must
# not notice.  Then VMs are killed while their vCPUs are in the guest,
# and the host must not mind.
group=hostile
. /tests/lib.sh

# Guests that show kvm-lite bugs not fixed yet (run them by hand); name
# them here, with the bug, to keep 'make check' meaningful meanwhile.
known_bugs=""

grep -q '^kvm_lite ' /proc/modules || modprobe kvm_lite
cd /tests/bin || exit 1
hostile=$(ls t-hostile-*.bin | grep -v '^t-hostile-exit-storm')
for bug in $known_bugs; do
	hostile=$(echo "$hostile" | grep -vx "$bug")
done
# A bystander: ordinary guests keep running, in their own VMs, for as
# long as the hostile ones do; not one of their checks may fail.
bystander() {
	while [ ! -e /tmp/hostile.done ]; do
		/tests/bin/run-guests t-user.bin t-faults.bin t-vcpu-page.bin
	done
}
rm -f /tmp/hostile.done
bystander > /tmp/bystander.out 2>&1 &
bystander_pid=$!

/tests/bin/run-guests $hostile
[ ! -e t-hostile-exit-storm.bin ] ||
	/tests/bin/run-guests --timeout 300 t-hostile-exit-storm.bin

touch /tmp/hostile.done
wait "$bystander_pid"
check "bystander guests ran beside the hostile ones ($(grep -c '^ok .*status 0' /tmp/bystander.out) runs)" \
	grep -q '^ok .*finished with status 0' /tmp/bystander.out
check "no bystander check failed while hostile guests ran" \
	sh -c '! grep -q "^not ok" /tmp/bystander.out'
grep '^not ok' /tmp/bystander.out | sed 's/^/#   /' | head -5

# run-guests ARGS... killed by SIGKILL half a second in, while its
# guests spin; then a new guest must run.
killed_mid_run() {
	/tests/bin/run-guests "$@" > /dev/null 2>&1 &
	pid=$!
	sleep 0.5
	kill -9 "$pid"
	wait "$pid"
	[ $? = 137 ] || { echo "run-guests ended before the kill"; return 1; }
	/tests/bin/run-guests t-hello.bin | grep '^ok .*finished with status 0'
}
check "a VM killed while its vCPU spins in the guest leaves the host fine" \
	killed_mid_run t-hostile-cli-loop.bin
check "a VM killed while its two vCPUs spin in the guest leaves the host fine" \
	killed_mid_run --vcpus 2 t-hostile-cli-loop.bin

# The hole guests again, beside a CPU hog: with two CPUs their vCPUs now
# move between host CPUs, and each CPU has its own pages in the hole.
# What the guest finds through sgdt must stay that CPU's, at every exit.
hole_rounds() {
	(while [ ! -e /tmp/hog.done ]; do :; done) &
	hog=$!
	rounds=0 bad=0
	while [ $rounds -lt 10 ]; do
		/tests/bin/run-guests t-hostile-hole.bin \
			t-hostile-hole-exec.bin t-hostile-hole-map.bin \
			> /tmp/hole.out 2>&1
		grep -q '^not ok' /tmp/hole.out && bad=$((bad + 1)) &&
			grep '^not ok' /tmp/hole.out | sed 's/^/#   /' | head -5
		rounds=$((rounds + 1))
	done
	touch /tmp/hog.done
	wait "$hog"
	rm -f /tmp/hog.done
	[ $bad = 0 ]
}
check "the hole guests, 10 rounds beside a CPU hog: every check holds" \
	hole_rounds
