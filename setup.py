"""Build the scanner's two compiled parts: the PHP lexer's token loop (_lexer.c) and the gate
word matcher (_words.c), in src/spamtrace/scanner.

Optional: where no C compiler or Python headers are found, the install goes on and the scanner
uses the same loops in Python (lexer.py) and yara-x for the words: a scan then takes about
1.5 times as long."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            f"spamtrace.scanner.{name}",
            [f"src/spamtrace/scanner/{name}.c"],
            optional=True,
            extra_compile_args=["-O2"],
        )
        for name in ("_lexer", "_words")
    ]
)
