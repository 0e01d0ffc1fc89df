# Harmless test script: COUNT connects to HOST:PORT (refused at once), one every GAP seconds;
# prints the wall time of each attempt on one line. With a fifth argument "hold", it then
# waits for the end of its standard input before it exits.
import contextlib
import socket
import sys
import time

host, port, count, gap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
times = []
for _ in range(count):
    s = socket.socket()
    s.settimeout(2)
    times.append(time.time())
    with contextlib.suppress(OSError):
        s.connect((host, port))
    s.close()
    time.sleep(gap)
print(" ".join(f"{t:.6f}" for t in times), flush=True)
if sys.argv[5:] == ["hold"]:
    sys.stdin.read()
