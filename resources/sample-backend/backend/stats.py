"""Per-process request counters, shared by runserver's request threads."""

import threading

_lock = threading.Lock()
_served = 0
_in_flight = 0


def begin(counted):
    """Marks a request as started; returns this process's served count including it."""
    global _served, _in_flight
    with _lock:
        _in_flight += 1
        if counted:
            _served += 1
        return _served


def end():
    global _in_flight
    with _lock:
        _in_flight -= 1


def served():
    with _lock:
        return _served


def in_flight():
    with _lock:
        return _in_flight
