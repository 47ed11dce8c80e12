#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
gdbprof.py - a sampling profiler for the test machine, through QEMU's
gdbstub: stop the (one) CPU a few times a second, read EIP and CS, let it
go on.  The samples show where emulated time goes, in the host kernel
and the switcher (ring 0), the guest kernel (ring 1, the same vmlinux)
and user space (ring 3).  'make profile' runs it; by hand:

  QEMU_EXTRA=-s tests/run-machine --suite profile --label profile ... &
  scripts/kvm-lite/gdbprof.py --log build/machine-profile.log \\
      --start PROFILE-START --stop PROFILE-STOP build/kbuild/vmlinux

Samples are taken between the first log line holding --start and the
first holding --stop.  Module symbols come from log lines
"ksym ADDR TYPE NAME [MODULE]" (/proc/kallsyms, prefixed), which the
suite prints itself.

Why so few samples a second: QEMU takes a while to get a resumed CPU
going again, and a stop asked for sooner lands on the very instruction
the last one did.  At 8 a second a one-minute workload gives some 500
samples, enough for anything above 1%.  A stop lands at the start of a
translation block, so an exception's cost (the access that faulted, the
delivery) shows at the first instruction of its handler.
"""
import argparse
import bisect
import collections
import socket
import subprocess
import sys
import time


# The top 8 MB: kvm-lite's hole (switcher text, per-CPU pages) lives here.
SWITCHER_HOLE = 0xff800000


def checksum(data):
    return b"%02x" % (sum(data) & 0xff)


class Stub:
    def __init__(self, port):
        for _ in range(100):
            try:
                self.s = socket.create_connection(("localhost", port))
                break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("gdbprof: no gdbstub on port %d" % port)
        self.buf = b""

    def _read_packet(self):
        while True:
            start = self.buf.find(b"$")
            end = self.buf.find(b"#", start + 1) if start >= 0 else -1
            if start >= 0 and end >= 0 and len(self.buf) >= end + 3:
                data = self.buf[start + 1:end]
                self.buf = self.buf[end + 3:]
                self.s.sendall(b"+")
                return data
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("gdbstub closed")
            self.buf += chunk

    def send(self, data, reply=True):
        self.s.sendall(b"$" + data + b"#" + checksum(data))
        return self._read_packet() if reply else None

    def registers(self):
        """The "g" reply: a late stop reply may come first; skip it."""
        r = self.send(b"g")
        while r[:1] in (b"T", b"S"):
            r = self._read_packet()
        return r

    def interrupt(self):
        """Stop the machine; a ^C that crossed a stop is sent again."""
        self.s.settimeout(1)
        while True:
            self.s.sendall(b"\x03")
            try:
                r = self._read_packet()
                break
            except socket.timeout:
                continue
        self.s.settimeout(None)
        return r


def words(hexregs, n):
    return [int.from_bytes(bytes.fromhex(hexregs[i * 8:i * 8 + 8].decode()),
                           "little") for i in range(n)]


def load_symbols(vmlinux, log):
    syms = []
    out = subprocess.run(["nm", "-n", vmlinux], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    with open(log, errors="replace") as f:
        for line in f:
            parts = line.strip().split()
            if len(parts) >= 4 and parts[0] == "ksym" and parts[2] in "tT":
                mod = parts[4] if len(parts) > 4 else ""
                syms.append((int(parts[1], 16), parts[3] + mod))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


# What the test machine prints when its suite is over.
MACHINE_DONE = b"KVMLITE-DONE"


def wait_for(log, pattern, timeout):
    """Wait for @pattern in @log; give up when the machine is done."""
    end = time.time() + timeout
    while True:
        try:
            with open(log, "rb") as f:
                text = f.read()
            if pattern.encode() in text:
                return True
            if MACHINE_DONE in text:
                return False
        except OSError:
            pass
        if time.time() >= end:
            return False
        time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=1234)
    ap.add_argument("--log", required=True)
    ap.add_argument("--start", required=True)
    ap.add_argument("--stop", required=True)
    ap.add_argument("--rate", type=float, default=8)
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("vmlinux")
    a = ap.parse_args()

    stub = Stub(a.port)
    # QEMU stops the machine when a debugger connects: let it go on.
    stub.send(b"?")
    stub.send(b"c", reply=False)
    if not wait_for(a.log, a.start, 600):
        sys.exit("gdbprof: never saw the start pattern")
    stub.interrupt()
    samples = collections.Counter()
    rings = collections.Counter()
    n = 0
    try:
        while not wait_for(a.log, a.stop, 0):
            regs = words(stub.registers(), 11)
            stub.send(b"c", reply=False)
            ring = regs[10] & 3
            samples[(ring, regs[8] if ring != 3 else 0)] += 1
            rings[ring] += 1
            n += 1
            time.sleep(1 / a.rate)
            stub.interrupt()
        stub.send(b"D")
    except (OSError, EOFError):
        pass			# the machine is gone: report what we have
    if not n:
        sys.exit("gdbprof: no samples")
    # Symbols last: the suite may print its module symbols late.
    addrs, names = load_symbols(a.vmlinux, a.log)
    where = collections.Counter()
    for (ring, eip), c in samples.items():
        i = bisect.bisect_right(addrs, eip) - 1
        if ring == 3:
            name = "user"
        elif eip >= SWITCHER_HOLE:
            name = "switcher+%#x" % (eip & 0xfff)
        else:
            name = names[i] if i >= 0 else hex(eip)
        where[(ring, name)] += c
    print(f"{n} samples; by ring: " +
          ", ".join(f"ring {r}: {100 * c / n:.1f}%"
                    for r, c in sorted(rings.items())))
    groups = collections.Counter()
    for (ring, name), c in where.items():
        if ring:
            groups["ring %d" % ring] += c
        elif "[" in name:
            groups["ring 0 " + name[name.index("["):]] += c
        elif name.startswith("switcher"):
            groups["ring 0 switcher"] += c
        else:
            groups["ring 0 [vmlinux]"] += c
    print("by part: " + ", ".join(f"{g} {100 * c / n:.1f}%"
                                  for g, c in groups.most_common()))
    for (ring, name), c in where.most_common(a.top):
        print(f"{100 * c / n:6.2f}%  ring {ring}  {name}")


if __name__ == "__main__":
    main()
