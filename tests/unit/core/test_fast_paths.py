"""The start-up shortcuts of `check` give exactly what the stdlib tools they replace give:
json_text = json.dumps, shell_quote = shlex.quote, parse_fast = argparse,
Endpoint.is_loopback = ipaddress."""

from __future__ import annotations

import ipaddress
import itertools
import json
import math
import shlex
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spamtrace.cli.main import build_parser, parse_fast
from spamtrace.cli.output import json_text
from spamtrace.model import Endpoint
from spamtrace.safetext import shell_quote

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_json_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(_json_values)
def test_json_text_is_json_dumps(value: Any) -> None:
    assert json_text(value) == json.dumps(value, indent=2)
    assert json_text(value, indent=None) == json.dumps(value, separators=(",", ":"))


@pytest.mark.parametrize("key", [1, 2.5, True, False, None, math.inf])
def test_json_text_non_string_keys_like_json(key: Any) -> None:
    assert json_text({key: [1, {}]}) == json.dumps({key: [1, {}]}, indent=2)


def test_json_text_refuses_what_json_refuses() -> None:
    for bad in ({"a": object()}, {(1, 2): 1}, [b"bytes"]):
        with pytest.raises(TypeError):
            json_text(bad)
        with pytest.raises(TypeError):
            json.dumps(bad)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_shell_quote_is_shlex_quote(text: str) -> None:
    assert shell_quote(text) == shlex.quote(text)


@pytest.mark.parametrize("text", ["", "a b", "it's", "/home/x/public_html", "a\nb", "é", "$(x)"])
def test_shell_quote_examples(text: str) -> None:
    assert shell_quote(text) == shlex.quote(text)


def _fast_lines() -> list[list[str]]:
    lines = []
    for prefix in ([], ["-v"], ["--verbose"], ["--config", "/tmp/x.toml"], ["-v", "--config", "c"]):
        for n in range(3):
            for flags in itertools.permutations(["--json", "--no-scan"], n):
                lines.append([*prefix, "check", *flags])
    return lines


@pytest.mark.parametrize("argv", _fast_lines(), ids=" ".join)
def test_parse_fast_equals_argparse(argv: list[str]) -> None:
    fast = parse_fast(argv)
    assert fast is not None
    assert vars(fast) == vars(build_parser("check").parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["check", "-h"],
        ["check", "--json", "--json"],
        ["check", "--ports", "25"],
        ["check", "--scan-budget=1"],
        ["check", "extra"],
        ["--config"],
        ["--config", "check"],
        ["--config", "--json", "check"],
        ["--config=x", "check"],
        ["scan", "check"],
        ["-x", "check"],
    ],
    ids=" ".join,
)
def test_parse_fast_leaves_everything_else_to_argparse(argv: list[str]) -> None:
    assert parse_fast(argv) is None


def _ipaddress_loopback(text: str) -> bool:
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped.is_loopback
    return addr.is_loopback


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1", "127.255.0.9", "10.0.0.1", "0.0.0.0", "::1", "::ffff:127.0.0.5",
        "::ffff:10.0.0.1", "fe80::1", "::", "::1%lo", "garbage", "1.2.3", "127.0.0.1%x", "",
    ],
)  # fmt: skip
def test_is_loopback_is_ipaddress(ip: str) -> None:
    assert Endpoint(ip, 25).is_loopback is _ipaddress_loopback(ip)


@settings(max_examples=300, deadline=None)
@given(st.ip_addresses())
def test_is_loopback_is_ipaddress_any_address(addr: Any) -> None:
    assert Endpoint(str(addr), 25).is_loopback is _ipaddress_loopback(str(addr))
