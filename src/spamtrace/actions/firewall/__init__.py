"""The firewall as an action: backends (nft, iptables) and the safe-apply transaction.

- ``backends.py``: the :class:`~spamtrace.actions.firewall.backends.Backend` protocol over
  ``actions/nftables.py`` and ``actions/iptables.py`` (render, apply, snapshot/restore,
  drift).
- ``host.py``: the plan for this host (MTA detection, user/group names, relay addresses).
- ``transaction.py``: apply -> confirm | automatic rollback, like ``iptables-apply``, and the
  last *confirmed* policy that ``spamtrace firewall load-confirmed`` (the boot unit) loads.
"""
