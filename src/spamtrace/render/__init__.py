"""Every JSON schema and human view of what the engine records, written once.

``incidents.py``: the store's incident and event records as JSON (``incidents --json``,
``incident ID --json``, ``watch --json`` and every subscriber that sends an incident
elsewhere); ``watch.py``: the foreground view of ``spamtrace watch``.
"""
