"""Receipt files: checked by content (PDF, JPEG or PNG), at most 10 MB, stored outside the web
root under random names, and read back only through a permission check in the caller."""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from PIL import Image, UnidentifiedImageError

from tracker.errors import TrackerError

MAX_BYTES = 10 * 1024 * 1024
# A small file can claim a huge picture (a decompression bomb); no phone photo needs more.
MAX_PIXELS = 40_000_000
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


@dataclass(frozen=True)
class StoredReceipt:
    stored_name: str
    content_type: str
    original_name: str


class ImageTooLarge(TrackerError):
    """The picture has more pixels than we will open."""


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are (PDF, JPEG or PNG), whatever the file is called.

    Raises ImageTooLarge for a picture of more than MAX_PIXELS pixels."""
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            if content_type != "application/pdf" and not _is_image(data):
                return None
            return content_type
    return None


def _is_image(data: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _too_large()
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return True


def _too_large() -> ImageTooLarge:
    return ImageTooLarge(
        "That picture is too large for us to take. Please send a smaller photo, or a PDF.",
        fields={"receipt": "The picture must be 40 megapixels or smaller"},
    )


def receipts_dir() -> Path:
    path = Path(current_app.config["RECEIPTS_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(stream: IO[bytes], original_name: str) -> StoredReceipt:
    """Check and keep an upload; raise TrackerError with a kind message if it is not a receipt."""
    data = stream.read(MAX_BYTES + 1)
    if not data:
        raise TrackerError(
            "The file was empty. Choose the photo or PDF of your receipt.",
            fields={"receipt": "Choose a file"},
        )
    if len(data) > MAX_BYTES:
        raise TrackerError(
            "The file is bigger than 10 MB. Try a smaller photo or a PDF.",
            fields={"receipt": "The file must be 10 MB or smaller"},
        )
    content_type = sniff(data)
    if content_type is None:
        raise TrackerError(
            "We can only take a photo (JPEG or PNG) or a PDF of the receipt.",
            fields={"receipt": "The file must be a JPEG, PNG or PDF"},
        )
    stored_name = secrets.token_hex(16)
    (receipts_dir() / stored_name).write_bytes(data)
    return StoredReceipt(stored_name, content_type, Path(original_name or "receipt").name[:255])


def read(stored_name: str) -> bytes:
    if not stored_name.isalnum():
        raise TrackerError("That receipt was not found.")
    return (receipts_dir() / stored_name).read_bytes()


def remove(stored_name: str | None) -> None:
    if stored_name and stored_name.isalnum():
        (receipts_dir() / stored_name).unlink(missing_ok=True)
