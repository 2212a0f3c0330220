"""Deterministic demo extracts that look like Bình Phước's portal (calibrated to seed 000)."""

from tthc.generator.extracts import generate

__all__ = ["generate"]
