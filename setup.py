"""Build the one compiled part: the PHP lexer's token loop (src/spamtrace/scanner/_lexer.c).

Optional: where no C compiler or Python headers are found, the install goes on and the scanner
uses the same loop in Python (lexer.py), about a third slower."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "spamtrace.scanner._lexer",
            ["src/spamtrace/scanner/_lexer.c"],
            optional=True,
            extra_compile_args=["-O2"],
        )
    ]
)
