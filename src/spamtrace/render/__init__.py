"""Every JSON schema and human view of what the engine records, written once.

``incidents.py``: the store's incident and event records as JSON (``incidents --json``,
``incident ID --json``, ``watch --json`` and every subscriber that sends an incident
elsewhere); ``watch.py``: the foreground view of ``spamtrace watch``; ``check.py``,
``mail.py``, ``scan.py``, ``firewall.py``: the views of those commands; ``output.py``:
JSON documents and the rich console that every command, view and sink writes with.
"""
