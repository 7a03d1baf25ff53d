"""Connections to the databases behind the SQL ledger and store.

The :mod:`promocore.ledger` and :mod:`promocore.state` backends share these
adapters: each opens its own connection per process (reopened after a fork),
serialises use between threads, and runs write transactions that retry on
deadlocks.
"""
