"""QR codes for a large print run, encoded by a second process while this one draws the pages: encoding holds
Python's lock, so a thread beside the drawing would not run at the same time; a process on the second core does.

`python -m cli.common.qr_worker` reads links on standard input, one per line, and writes for each, in order, its
width in modules (2 bytes, big-endian) and its rows (`qr_images.qr_bits`) on standard output.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from donation.common.qr_images import qr_bits

WORKER_FROM = 1_000  # codes from which a second process pays for its start (about 0.3 s)
ROOT = Path(__file__).resolve().parents[2]


def _serve() -> None:
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        width, bits = qr_bits(line.rstrip(b"\n").decode())
        out.write(width.to_bytes(2, "big"))
        out.write(bits)
    out.flush()


def codes(links: Sequence[str]) -> Iterator[tuple[int, bytes]]:
    """`qr_bits` of each link, in order; from WORKER_FROM links on, made by a second process. Whatever that process
    does not deliver (it could not start, or stopped) is made here."""
    if len(links) < WORKER_FROM or any("\n" in link for link in links):
        yield from map(qr_bits, links)
        return
    try:
        worker = subprocess.Popen([sys.executable, "-m", "donation.common.qr_worker"], cwd=ROOT, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        yield from map(qr_bits, links)
        return

    def feed() -> None:
        try:
            for link in links:
                worker.stdin.write(link.encode() + b"\n")
            worker.stdin.close()
        except (OSError, ValueError):  # the worker stopped, or was stopped: the rest is made here
            pass

    feeder = threading.Thread(target=feed, name="qr-feeder", daemon=True)
    feeder.start()
    done = 0
    try:
        for _ in links:
            head = worker.stdout.read(2)
            if len(head) < 2:
                break
            width = int.from_bytes(head, "big")
            size = width * ((width + 7) // 8)
            bits = worker.stdout.read(size)
            if len(bits) < size:
                break
            yield width, bits
            done += 1
    finally:
        worker.kill()
        worker.wait()
        feeder.join(timeout=5)
    yield from map(qr_bits, links[done:])


if __name__ == "__main__":
    _serve()
