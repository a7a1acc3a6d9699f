"""Encryption at rest for secrets kept in the database (second-factor secrets, and later payment
details), with `cryptography`'s MultiFernet.

Keys come from the `DATA_ENCRYPTION_KEYS` setting: Fernet keys separated by commas, the newest
first. Any of them decrypts; the first encrypts. When it is unset, a key is made once and kept in
`instance/data_key`, as the secret key is. To rotate: put a new key first, run
`flask --app wsgi tracker rotate-keys` (every value is encrypted again with it), then drop the old
key. Losing every key loses the secrets: keep the key file with the backups, apart from them.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app
from sqlalchemy import MetaData, Text, TypeDecorator, select, update
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.engine import Connection, Dialect

_EXTENSION = "tracker_fernet"


class EncryptionKeyError(RuntimeError):
    """The configured keys cannot be read, or none of them opens a stored value."""


def parse_keys(setting: str) -> list[str]:
    return [key.strip() for key in setting.split(",") if key.strip()]


def init_app(app: Flask) -> None:
    keys = parse_keys(str(app.config.get("DATA_ENCRYPTION_KEYS") or ""))
    if not keys:
        raise EncryptionKeyError("DATA_ENCRYPTION_KEYS has no key")
    try:
        app.extensions[_EXTENSION] = MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise EncryptionKeyError(
            "DATA_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes), "
            "separated by commas"
        ) from error


def new_key() -> str:
    return Fernet.generate_key().decode()


def _fernet() -> MultiFernet:
    fernet: MultiFernet = current_app.extensions[_EXTENSION]
    return fernet


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise EncryptionKeyError(
            "A stored secret cannot be decrypted with DATA_ENCRYPTION_KEYS: is a key missing?"
        ) from None


def rotate(token: str) -> str:
    """The same value encrypted again with the newest key."""
    return _fernet().rotate(token.encode()).decode()


class EncryptedText(TypeDecorator[str]):
    """A text column stored encrypted; the application reads and writes plain text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else encrypt(str(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else decrypt(str(value))


def rotate_all(connection: Connection, metadata: MetaData) -> int:
    """Encrypt every EncryptedText value again with the newest key; returns how many."""
    count = 0
    for table in metadata.sorted_tables:
        key = next(iter(table.primary_key.columns))
        for column in table.columns:
            if not isinstance(column.type, EncryptedText):
                continue
            # The stored tokens, read and written as plain text rather than through the type.
            stored = sql_table(table.name, sql_column(key.name), sql_column(column.name, Text))
            token_column = stored.c[column.name]
            rows = connection.execute(
                select(stored.c[key.name], token_column).where(token_column.is_not(None))
            ).all()
            for ident, token in rows:
                connection.execute(
                    update(stored)
                    .where(stored.c[key.name] == ident)
                    .values({column.name: rotate(token)})
                )
                count += 1
    return count
