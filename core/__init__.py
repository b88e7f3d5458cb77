"""Junban's rules: framework-free, pure functions over plain values.

Nothing in this package imports Flask, SQLAlchemy, Redis, Socket.IO or any other
part of the project; every function takes ``now`` and other inputs explicitly.
"""
