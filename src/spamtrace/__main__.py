from spamtrace.cli.main import entry

entry()
