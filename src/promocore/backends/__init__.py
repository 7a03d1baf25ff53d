"""Connections to the databases behind the SQL ledger and store.

The [`promocore.ledger`][promocore.ledger] and [`promocore.state`][promocore.state] backends share
these adapters: each opens its own connection per process (reopened after a fork), serialises use
between threads, and runs write transactions that retry on deadlocks.
"""
