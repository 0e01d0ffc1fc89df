"""Configuration checks for every way out for spam (`spamtrace audit`).

Each check (sshd, firewall, mta, php, dnsbl) gathers a snapshot through adapters and judges it
with pure code; see :mod:`spamtrace.audit.finding` and :mod:`spamtrace.audit.runner`.
"""
