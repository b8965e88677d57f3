#!/usr/bin/env python3
"""How often a SIGKILLed redis-server loses writes it had acknowledged, per appendfsync policy.

One client writes as fast as one connection goes (INCR k, then SET b to 1 KiB, like a ledger
entry and its audit link); Redis is killed with SIGKILL at a random moment, restarted on the same
data, and k is compared with the last INCR the client saw acknowledged. docs/reliability.md
quotes its output. Needs only python3 and redis-server on PATH.

    python3 bench/redis-aof-kill/aof_kill.py --fsync everysec --trials 100 --seed 1
"""
import argparse
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time

INCR = b"*2\r\n$4\r\nINCR\r\n$1\r\nk\r\n"
SET = b"*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1024\r\n" + b"x" * 1024 + b"\r\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port, directory, fsync):
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--appendonly", "yes",
         "--appendfsync", fsync, "--save", "", "--dir", directory],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(64).startswith(b"+PONG"):
                    return process
        except OSError:
            pass
        time.sleep(0.02)
    raise TimeoutError("redis-server did not answer PONG within 30 s")


def write_until_killed(port, acknowledged, counts):
    try:
        with socket.create_connection(("127.0.0.1", port)) as s:
            replies = s.makefile("rb")
            while True:
                s.sendall(INCR)
                reply = replies.readline()
                if not reply.startswith(b":"):
                    return
                s.sendall(SET)
                if not replies.readline().startswith(b"+OK"):
                    return
                acknowledged[0] = int(reply[1:])
                counts[0] += 1
    except OSError:
        return


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fsync", choices=["everysec", "always"], default="everysec")
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    directory = tempfile.mkdtemp(prefix="fedgan-aof-kill-")
    port = free_port()
    process = start(port, directory, args.fsync)
    lossy_trials, lost_writes, writes, busy = 0, 0, 0, 0.0
    try:
        for trial in range(args.trials):
            acknowledged, counts = [None], [0]
            worker = threading.Thread(target=write_until_killed, args=(port, acknowledged, counts))
            began = time.monotonic()
            worker.start()
            time.sleep(rng.uniform(0.3, 2.0))
            process.kill()
            process.wait()
            busy += time.monotonic() - began
            worker.join()
            writes += counts[0]
            process = start(port, directory, args.fsync)
            with socket.create_connection(("127.0.0.1", port)) as s:
                s.sendall(b"GET k\r\n")
                replies = s.makefile("rb")
                replies.readline()
                recovered = int(replies.readline())
            if acknowledged[0] is not None and recovered < acknowledged[0]:
                lossy_trials += 1
                lost_writes += acknowledged[0] - recovered
                print(f"trial {trial}: last acknowledged INCR {acknowledged[0]}, recovered {recovered}", flush=True)
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(directory, ignore_errors=True)
    print(f"appendfsync {args.fsync}: {lossy_trials} of {args.trials} kills lost acknowledged writes "
          f"({lost_writes} writes in all); {writes / busy:.0f} acknowledged write pairs/s")


if __name__ == "__main__":
    main()
