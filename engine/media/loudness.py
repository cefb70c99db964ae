"""The mix's integrated loudness (ITU-R BS.1770-4 / EBU R128) and true peak, measured as it streams.

`LoudnessMeter` takes the mix block by block (memory stays flat: one float per 100 ms per
channel). The K-weighting filters are pyloudnorm's (``pyloudnorm.Meter``'s BS.1770 stages, run by
`scipy.signal.lfilter` with their state carried between blocks); the gating (400 ms blocks, 75 %
overlap, -70 LUFS absolute and -10 LU relative gates) follows pyloudnorm's `integrated_loudness`,
so the figure equals ``pyloudnorm.Meter(rate).integrated_loudness(mix)``. The true peak is the
largest magnitude of the mix oversampled 4x (BS.1770-4 Annex 2: a 48-taps-per-phase
interpolation filter, here `scipy.signal.firwin`'s), in dBTP.
"""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm  # type: ignore[import-untyped]
from scipy import fft as sp_fft  # type: ignore[import-untyped]
from scipy import signal

__all__ = ["LoudnessMeter"]

_OVERSAMPLE = 4
_TAPS = 48 * _OVERSAMPLE


class LoudnessMeter:
    """Feed planar blocks ``(channels, n)`` with `add`; read `integrated` (LUFS) and `true_peak` (dBTP)."""

    def __init__(self, sample_rate: int, channels: int = 2) -> None:
        meter = pyloudnorm.Meter(sample_rate)
        self.rate = sample_rate
        self.stages = [(np.asarray(f.b, float), np.asarray(f.a, float), f.passband_gain)
                       for f in meter._filters.values()]
        self.zi = [np.zeros((channels, len(a) - 1)) for _, a, _ in self.stages]
        self.step = round(0.1 * sample_rate)  # 100 ms: the gating blocks' hop
        self.partial = np.zeros(channels)
        self.filled = 0
        self.energies: list[np.ndarray] = []  # sum of squares per 100 ms per channel
        self.samples = 0
        fir = (signal.firwin(_TAPS, 1.0 / _OVERSAMPLE) * _OVERSAMPLE).astype(np.float32)
        self.phases = [fir[p::_OVERSAMPLE] for p in range(_OVERSAMPLE)]  # polyphase: 48 taps each
        self.history = np.zeros((channels, _TAPS // _OVERSAMPLE - 1), np.float32)
        self.pending: list[np.ndarray] = []
        self.spectra: dict[int, list[np.ndarray]] = {}
        self.pending_samples = 0
        self.peak = 0.0

    def add(self, block: np.ndarray) -> None:
        """Measure the next samples of the signal."""
        if block.shape[1] == 0:
            return
        x = np.asarray(block, float)
        self.samples += x.shape[1]
        self.peak = max(self.peak, float(np.abs(x).max()))
        self._true_peak(x)
        for i, (b, a, gain) in enumerate(self.stages):
            x, self.zi[i] = signal.lfilter(b, a, x, axis=1, zi=self.zi[i])
            x = x * gain
        squares = x * x
        pos = 0
        while pos < squares.shape[1]:
            take = min(self.step - self.filled, squares.shape[1] - pos)
            self.partial += squares[:, pos:pos + take].sum(axis=1)
            self.filled += take
            pos += take
            if self.filled == self.step:
                self.energies.append(self.partial)
                self.partial, self.filled = np.zeros_like(self.partial), 0

    def _true_peak(self, x: np.ndarray, flush: bool = False) -> None:
        """Gather `x`; oversample what was gathered once a second of it is there (or on `flush`)."""
        if x.shape[1]:
            self.pending.append(x.astype(np.float32))
            self.pending_samples += x.shape[1]
        if not self.pending or (self.pending_samples < self.rate and not flush):
            return
        joined = np.concatenate([self.history, *self.pending], axis=1)
        self.pending, self.pending_samples = [], 0
        self.history = joined[:, -self.history.shape[1]:]
        taps = self.phases[0].shape[0]
        if joined.shape[1] < taps:
            return
        size = sp_fft.next_fast_len(joined.shape[1], real=True)
        if size not in self.spectra:  # each of the 4 interpolated positions between two samples
            self.spectra = {size: [sp_fft.rfft(phase, size) for phase in self.phases]}
        spectrum = sp_fft.rfft(joined, size, axis=1)  # once, for the 4 phases
        for response in self.spectra[size]:
            filtered = sp_fft.irfft(spectrum * response[None, :], size, axis=1)[:, taps - 1:joined.shape[1]]
            self.peak = max(self.peak, float(np.abs(filtered).max()))

    @property
    def true_peak(self) -> float | None:
        """The true peak in dBTP (None for silence)."""
        self._true_peak(np.zeros((self.history.shape[0], 0), np.float32), flush=True)
        return 20 * math.log10(self.peak) if self.peak > 0 else None

    @property
    def integrated(self) -> float | None:
        """Integrated loudness in LUFS (None when shorter than one 400 ms block, or silent)."""
        count = int(np.round((self.samples / self.rate - 0.4) / 0.1)) + 1
        if self.samples < round(0.4 * self.rate) or count <= 0 or len(self.energies) < 4:
            return None
        sub = np.array(self.energies)  # (hops, channels)
        count = min(count, len(sub) - 3)
        z = np.stack([sub[j:j + 4].sum(axis=0) for j in range(count)]) / (4 * self.step)  # (blocks, channels)
        power = z.sum(axis=1)
        with np.errstate(divide="ignore"):
            block_loudness = -0.691 + 10 * np.log10(power)
        above = block_loudness >= -70.0
        if not above.any():
            return None
        relative = -0.691 + 10 * math.log10(float(z[above].mean(axis=0).sum())) - 10.0
        gated = (block_loudness > relative) & above
        if not gated.any():
            return None
        return -0.691 + 10 * math.log10(float(z[gated].mean(axis=0).sum()))
