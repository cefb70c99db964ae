"""Deterministic test images in the rgb48le frame contract."""

from __future__ import annotations

import numpy as np


def random_frame(width: int, height: int, seed: int) -> np.ndarray:
    """Uniform random 16-bit noise."""
    return np.random.default_rng(seed).integers(0, 65536, (height, width, 3), dtype=np.uint16)


def structured_frame(width: int, height: int, seed: int) -> np.ndarray:
    """Smooth gradients per channel with hard-edged bars and a disc: edges and ramps."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    rng = np.random.default_rng(seed)
    phase = rng.uniform(0, 1, 3)
    r = x / max(width - 1, 1)
    g = y / max(height - 1, 1)
    b = 0.5 + 0.5 * np.sin(2 * np.pi * (x / width * 3 + phase[2]))
    img = np.stack([r, g, b], axis=2)
    bars = ((x // max(width // 8, 1)) % 2 == 0)[..., None]
    img = np.where(bars, img, 1.0 - img)
    disc = ((x - width * phase[0]) ** 2 + (y - height * phase[1]) ** 2) < (min(width, height) * 0.25) ** 2
    img[disc] = [0.9, 0.2 + 0.6 * phase[2], 0.1]
    return np.round(img * 65535).astype(np.uint16)


def solid_frame(width: int, height: int, rgb: tuple[int, int, int]) -> np.ndarray:
    frame = np.empty((height, width, 3), dtype=np.uint16)
    frame[...] = rgb
    return frame


def psnr16(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB on the 16-bit scale (infinite for identical frames)."""
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(65535.0**2 / mse)
