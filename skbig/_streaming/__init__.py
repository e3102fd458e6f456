"""Streamed fitting: a text pipeline fitted on a corpus larger than memory."""

from ._fit_stream import MAX_VALIDATION, fit_stream

__all__ = ["MAX_VALIDATION", "fit_stream"]
