"""`spamtrace demo`: the whole story in a throwaway lab (network namespaces, an account, a
hacked site, a remote MX), told with the real commands. See :mod:`spamtrace.demo.lab` and
:mod:`spamtrace.demo.story`."""
