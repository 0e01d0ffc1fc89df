"""spamtrace: find, explain and stop outbound spam sent from Linux web-hosting servers."""

__version__ = "0.1.0"
