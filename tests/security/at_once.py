"""Send the same request from several clients at the same moment, as separate browsers would."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


def fresh_clients(app: Flask, count: int) -> list[FlaskClient]:
    """Plain test clients: each request runs in its own thread, context and database session."""
    return [FlaskClient(app, app.response_class, use_cookies=True) for _ in range(count)]


def at_once(
    clients: list[FlaskClient], send: Callable[[FlaskClient], TestResponse]
) -> list[TestResponse]:
    """`send` with every client, released together; every thread must finish."""
    barrier = threading.Barrier(len(clients))
    answers: list[TestResponse] = []

    def run(client: FlaskClient) -> None:
        barrier.wait()
        answers.append(send(client))

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    assert len(answers) == len(clients), "a request failed with an exception"
    return answers
