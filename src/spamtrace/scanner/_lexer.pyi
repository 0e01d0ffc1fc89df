# The compiled token loop (_lexer.c); lexer._tail_py is the same function in Python.
def tail(
    data: bytes, pos: int, idx0: int, /
) -> tuple[bytes, list[bytes], list[str], list[int], list[int], bytes, int, int]: ...
