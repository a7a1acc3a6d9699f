"""Send the same request from several clients at the same moment, as separate browsers would,
or do the same work in several threads at once, as separate processes would."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

T = TypeVar("T")


def fresh_clients(app: Flask, count: int) -> list[FlaskClient]:
    """Plain test clients: in `at_once`, each request runs in its own thread, app context and
    database session."""
    return [FlaskClient(app, app.response_class, use_cookies=True) for _ in range(count)]


def together(count: int, work: Callable[[int], T], *, timeout: float = 60) -> list[T]:
    """`work(0)` to `work(count - 1)`, each in its own thread, all released at the same moment.

    Returns what each call returned, in that order. Fails if a thread never finished within
    `timeout` seconds, or if any call raised (with that exception), so that a race that hangs
    or breaks cannot pass unseen.
    """
    barrier = threading.Barrier(count, timeout=timeout)
    results: dict[int, T] = {}
    errors: dict[int, BaseException] = {}

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as error:  # reported below, in the test's own thread
            errors[index] = error

    # Daemon threads: one that hangs fails the test below instead of keeping pytest alive.
    threads = [
        threading.Thread(target=run, args=(i,), name=f"together-{i}", daemon=True)
        for i in range(count)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"{len(stuck)} of {count} threads never finished: {stuck}"
    if errors:
        index, error = min(errors.items(), key=lambda item: item[0])
        raise AssertionError(f"thread {index} of {count} raised {error!r}") from error
    assert sorted(results) == list(range(count))
    return [results[index] for index in range(count)]


def at_once(
    clients: list[FlaskClient], send: Callable[[FlaskClient], TestResponse]
) -> list[TestResponse]:
    """`send` with every client, released together; every request must finish."""
    return together(len(clients), lambda index: send(clients[index]))
