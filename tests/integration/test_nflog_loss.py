"""NFLOG records the kernel dropped because the reader was too slow are counted one by one.

A flood of refused connects (an account whose spam run is blocked retries thousands of times
a second) fills the NFLOG socket's buffer; the kernel then drops records and reports ENOBUFS
once for the lot. The count of records lost must be the number the reader did not get, not
the number of ENOBUFS reports (a 30,000-connect flood lost ~9,300 blocked records and
`status` said "1 lost"). Runs in the world's server netns with a table of its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from world import World, run

READER = textwrap.dedent(
    """
    import json, sys
    from spamtrace.sources.nflog import NflogSource
    src = NflogSource(int(sys.argv[1]))
    print("ready", flush=True)
    got = 0
    for _ in range(2):
        sys.stdin.readline()  # reads nothing while the flood fills the socket's buffer
        while True:
            events = src.read_events()
            if not events:
                break
            got += len(events)
        print(json.dumps({"got": got, "lost": src.overruns}), flush=True)
    src.close()
    """
)

FLOOD = textwrap.dedent(
    """
    import socket, sys
    host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect((host, port))
        except OSError:
            pass
        s.close()
    """
)


def _table(rule: str) -> str:
    return (
        "table inet stloss {\n chain out {\n  type filter hook output priority filter;\n"
        f"  {rule}\n }}\n}}\n"
    )


def test_records_dropped_by_a_full_buffer_are_each_counted(server_world: World) -> None:
    w = server_world
    group, port, sent = 4000 + w.subnet_id, 2599, 20000
    table = _table(
        f"tcp dport {port} tcp flags & (syn | ack) == syn log group {group}"
        ' prefix "spamtrace-block" reject with tcp reset'
    )
    run(
        [*w.ns_prefix(), "nft", "-f", "-"], input=table
    )  # the namespace goes, with its table, at close()
    reader = w.spawn([sys.executable, "-c", READER, str(group)], stdin=subprocess.PIPE)
    assert reader.stdout is not None and reader.stdin is not None
    assert reader.stdout.readline().strip() == "ready"
    run([*w.ns_prefix(), sys.executable, "-c", FLOOD, w.mx_ip, str(port), str(sent)], timeout=120)
    reader.stdin.write("go\n")
    reader.stdin.flush()
    first = json.loads(reader.stdout.readline())
    assert first["lost"] >= 1, first  # the flood did overflow the buffer: a loss is said at once
    # the next record shows how many were lost, one by one
    run([*w.ns_prefix(), sys.executable, "-c", FLOOD, w.mx_ip, str(port), "1"], timeout=60)
    out, err = reader.communicate("go\n", timeout=60)
    doc = json.loads(out.strip().splitlines()[-1])
    assert doc["got"] + doc["lost"] == sent + 1, (first, doc, err)


def test_no_loss_is_counted_when_every_record_is_read(server_world: World) -> None:
    w = server_world
    group, port = 4300 + w.subnet_id, 2598
    table = _table(f"tcp dport {port} log group {group} reject with tcp reset")
    run([*w.ns_prefix(), "nft", "-f", "-"], input=table)
    reader = w.spawn([sys.executable, "-c", READER, str(group)], stdin=subprocess.PIPE)
    assert reader.stdout is not None
    assert reader.stdout.readline().strip() == "ready"
    run([*w.ns_prefix(), sys.executable, "-c", FLOOD, w.mx_ip, str(port), "50"], timeout=60)
    out, _ = reader.communicate("go\ngo\n", timeout=60)
    assert json.loads(out.strip().splitlines()[-1]) == {"got": 50, "lost": 0}
