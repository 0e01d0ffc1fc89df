"""Property tests: every parser of attacker- or host-shaped input returns or rejects, never
crashes (the targets are in fuzz_targets.py; bench/fuzz_bench.py runs them for long)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_targets import TARGETS
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]

# pieces of real inputs, so that the generated ones get past the first checks
_PIECES = [
    b"[smtp]\n", b"ports = [25, 587]\n", b"[[firewall.exceptions]]\n", b'user = "shop"\n',
    b"nan", b"inf", b"-1", b"[", b"]", b"{", b"}", b'"', b"\\u0000", b"\xff", b"=", b"\n",
    b"Match User a\n", b"AllowTcpForwarding yes\n", b'AllowTcpForwarding "yes"\n', b"Include ",
    b"*", b"PermitOpen any\n", b"Match Address 10.0.0.0/8\n", b"#", b"\t",
    b"[PHP]\n", b"mail.log = /x\n", b"sendmail_path=", b"begin routers\n", b"driver = manualroute",
    b'{"nftables": [', b'{"rule": {"expr": [', b'{"match": {"left": {"meta": {"key": "skuid"}}',
    b'"right": 25}}', b"-A OUTPUT -p tcp --dport 25 -j DROP\n", b"*filter\n", b"COMMIT\n",
    b"<?php ", b"eval(", b"base64_decode(", b"'ZXZhbCgkX1BPU1RbMV0pOw=='", b");", b"?>",
    b"<<<EOT\n", b"EOT;\n", b"/*", b"*/", b"$x", b"str_rot13(", b"gzinflate(", b"\\x41",
    b"php-1 (  1) [000] ..... 1.000001: inet_sock_set_state: ", b"family=AF_INET ",
    b"dport=25 saddr=1.2.3.4 daddr=5.6.7.8 newstate=TCP_SYN_SENT", b"CPU:0 [LOST 3 EVENTS]",
    b"[www]\n", b"access.log = /var/log/$pool.log\n", b'access.format = "%p %t %f \\"%r\\""\n',
    b"%{mili}d", b"%{%s}t", b"%{", b"%T", b"05/Dec/2026:21:40:07 +0000", b"/home/u/a.php",
]  # fmt: skip

_INPUTS = st.one_of(
    st.binary(max_size=600),
    st.lists(st.sampled_from(_PIECES), max_size=40).map(b"".join),
    st.lists(st.one_of(st.sampled_from(_PIECES), st.binary(max_size=8)), max_size=30).map(b"".join),
)


@pytest.mark.parametrize("name", sorted(TARGETS))
@given(data=_INPUTS)
def test_parser_never_crashes(name: str, data: bytes) -> None:
    TARGETS[name](data)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_real_samples_cut_anywhere(name: str) -> None:
    """Fixtures of the suite (real configs, kernel replies, PHP samples) cut at many lengths."""
    samples = [
        p for p in (ROOT / "unit").rglob("*")
        if p.is_file() and p.suffix in (".bin", ".conf", ".toml", ".ini", ".json", ".php", ".txt")
    ][:60]  # fmt: skip
    for path in samples:
        data = path.read_bytes()[:4096]
        for cut in range(0, len(data) + 1, max(1, len(data) // 16)):
            TARGETS[name](data[:cut])


@pytest.mark.parametrize(
    "doc",
    [
        # found by bench/fuzz_bench.py: a rule without "expr" crashed the audit (KeyError)
        '{"nftables": [{"chain": {"family": "inet", "table": "t", "name": "c", "hook": "output"}},'
        ' {"rule": {"family": "inet", "table": "t", "chain": "c"}}]}',
        '{"nftables": [{"chain": "c"}, {"rule": 7}]}',
        '{"nftables": [{"chain": {"family": "inet", "table": "t", "name": "c", "hook": "output"}},'
        ' {"rule": {"family": "inet", "table": "t", "chain": "c", "expr": [{"match": 1}]}}]}',
    ],
)
def test_odd_nft_json_shapes_are_read_or_refused(doc: str) -> None:
    TARGETS["nft-json"](doc.encode())
