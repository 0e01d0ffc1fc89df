"""Build spamtrace's optional compiled parts.

- the scanner's PHP lexer token loop (src/spamtrace/scanner/_lexer.c) and gate word matcher
  (_words.c);
- the mail log line parsers (src/spamtrace/sources/maillog/_scan.c): Exim and Postfix lines,
  a block at a time, for reading a log back (`spamtrace mail`);
- the join of those lines into messages and the policy's per-recipient window step
  (src/spamtrace/attribution/_mailjoin.c).

Optional: where no C compiler or Python headers are found, the install goes on and the same
loops run in Python (scanner/lexer.py and yara-x for the words; sources/maillog/exim.py and
postfix.py; MailLedger.feed and MailPolicy.recipient): a scan then takes about 1.5 times as long, `spamtrace mail` on a big log about 5
times."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        *(
            Extension(
                f"spamtrace.scanner.{name}",
                [f"src/spamtrace/scanner/{name}.c"],
                optional=True,
                extra_compile_args=["-O2"],
            )
            for name in ("_lexer", "_words")
        ),
        Extension(
            "spamtrace.sources.maillog._scan",
            ["src/spamtrace/sources/maillog/_scan.c"],
            depends=["src/spamtrace/sources/maillog/mailsink.h"],
            optional=True,
            extra_compile_args=["-O2"],
        ),
        Extension(
            "spamtrace.attribution._mailjoin",
            ["src/spamtrace/attribution/_mailjoin.c"],
            depends=["src/spamtrace/sources/maillog/mailsink.h"],
            optional=True,
            extra_compile_args=["-O2"],
        ),
    ]
)
