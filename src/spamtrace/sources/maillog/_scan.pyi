# The compiled line parsers (_scan.c); exim.parse_line / postfix.parse_line are the reference.
from collections.abc import Callable

from spamtrace.sources.maillog.event import MailLogged

#: stamp.LOCAL, the utc_offset of stamps in the host's local time (each at its own offset)
LOCAL: int

def setup(cls: type[MailLogged], /, *actions: object) -> None: ...
def exim(
    block: bytes | memoryview,
    parse: Callable[[str], MailLogged | None],
    utc_offset: int,
    max_line: int,
    /,
) -> tuple[list[MailLogged], int, int, int]: ...
def postfix(
    block: bytes | memoryview,
    parse: Callable[[str], MailLogged | None],
    year: int,
    utc_offset: int,
    wrap_after: float,
    max_line: int,
    /,
) -> tuple[list[MailLogged], int, int, int]: ...
def exim_into(
    block: bytes | memoryview,
    parse: Callable[[str], MailLogged | None],
    utc_offset: int,
    max_line: int,
    sink: object,
    /,
) -> tuple[int, int, int, int]: ...
