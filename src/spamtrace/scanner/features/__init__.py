"""The scanner's rule functions, one module per family of attack.

Each module registers its functions with :func:`spamtrace.scanner.context.feature` under the
names that ``data/scanner/rules.toml`` gives as ``feature = "..."``; importing this package
registers them all. Add a rule to the family whose attack it describes.
"""

from __future__ import annotations

from spamtrace.scanner.features import dropper, execution, mailer, obfuscation, phishing, shell

__all__ = ["dropper", "execution", "mailer", "obfuscation", "phishing", "shell"]
