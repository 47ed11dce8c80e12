# SPDX-License-Identifier: GPL-2.0
# Helpers for the test machine's shell tests; see tests/lib/ktest.h for
# the C equivalent.  Every assertion prints exactly one result line.

group=${group:-test}

ok() { echo "ok - $group: $*"; }
fail() { echo "not ok - $group: $*"; }

# assert WANT DESCRIPTION COMMAND...: one assertion that COMMAND
# succeeds (WANT=pass) or fails (WANT=fail).
assert() {
	want=$1 desc=$2
	shift 2
	if "$@" > /tmp/check.out 2>&1; then got=pass; else got=fail; fi
	if [ "$got" = "$want" ]; then
		ok "$desc"
		return
	fi
	if [ "$want" = pass ]; then
		fail "$desc (failed: $*)"
	else
		fail "$desc (unexpectedly succeeded: $*)"
	fi
	sed 's/^/#   /' /tmp/check.out | head -10
}

check() { assert pass "$@"; }
check_not() { assert fail "$@"; }

cmdline_value() {
	for word in $(cat /proc/cmdline); do
		case "$word" in "$1="*) echo "${word#*=}"; return ;; esac
	done
	echo "$2"
}
