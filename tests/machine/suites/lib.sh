# SPDX-License-Identifier: GPL-2.0
# Helpers for the test machine's shell tests; see tests/lib/ktest.h for
# the C equivalent.  Every assertion prints exactly one result line.

group=${group:-test}

ok() { echo "ok - $group: $*"; }
fail() { echo "not ok - $group: $*"; }

# check DESCRIPTION COMMAND...: one assertion on a command's success.
check() {
	desc=$1
	shift
	if "$@" > /tmp/check.out 2>&1; then
		ok "$desc"
	else
		fail "$desc (failed: $*)"
		sed 's/^/#   /' /tmp/check.out | head -10
	fi
}

# check_not DESCRIPTION COMMAND...: the command must fail.
check_not() {
	desc=$1
	shift
	if "$@" > /tmp/check.out 2>&1; then
		fail "$desc (unexpectedly succeeded: $*)"
	else
		ok "$desc"
	fi
}

cmdline_value() {
	for word in $(cat /proc/cmdline); do
		case "$word" in "$1="*) echo "${word#*=}"; return ;; esac
	done
	echo "$2"
}
