"""RGB pixels as a PNG file's bytes, with the standard library alone (zlib): the film's
heat maps inside its SVG, without an imaging library at run time.

>>> import numpy as np
>>> data = png_bytes(np.zeros((2, 3, 3), dtype=np.uint8))
>>> data[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np

__all__ = ["png_bytes", "png_data_uri"]


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_bytes(pixels: np.ndarray) -> bytes:
    """``pixels`` (height, width, 3) uint8, top row first, as an 8-bit RGB PNG."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
    if pixels.ndim != 3 or pixels.shape[2] != 3 or 0 in pixels.shape[:2]:
        raise ValueError(f"png_bytes needs (height, width, 3) pixels, got {pixels.shape}")
    height, width = pixels.shape[:2]
    rows = np.concatenate([np.zeros((height, 1), np.uint8), pixels.reshape(height, -1)], 1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, RGB
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 9)) + _chunk(b"IEND", b""))


def png_data_uri(pixels: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(pixels)).decode("ascii")
