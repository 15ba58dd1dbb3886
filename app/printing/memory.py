"""Giving back to the system what a rendering used: a worker that renders long rosters one after
another should not keep the largest one's memory as free heap."""

from __future__ import annotations

import ctypes
import gc


def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (musl, macOS, Windows)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, TypeError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


MALLOC_TRIM = _malloc_trim()


def release_memory(generation: int = 2) -> None:
    """Free what a rendering left: the collector's garbage, then the heap's free pages given
    back to the system. glibc keeps them otherwise, and a process that rendered a long roster
    held the part's layout (~40 MB) as free heap that the next document's layout grew around:
    a worker's peak rose by ~10 MB over 30 rosters."""
    gc.collect(generation)
    if MALLOC_TRIM is not None:
        MALLOC_TRIM(0)
