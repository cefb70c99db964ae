"""Whether a render is HDR, and with which transfer: a pure decision from what was asked
(``dynamic_range``: ``auto``, ``hdr`` or ``sdr``) and the HDR transfers its sources are tagged
with (probed by `engine.media.probe`: BT.2020 with PQ, SMPTE ST 2084, or HLG, ARIB STD-B67):
its videos, and its images (`engine.media.hdr_images`).

- ``auto``: HDR when a source is; its transfer, and PQ when PQ and HLG sources are mixed.
- ``hdr``: HDR always; the sources' transfer, or HLG (with a warning) when none is HDR.
- ``sdr``: SDR always; HDR sources are tone-mapped (`engine.media.tonemap`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..composition.plan import Plan

__all__ = ["DYNAMIC_RANGES", "TRANSFERS", "DynamicRange", "decide_dynamic_range", "hdr_sources", "transfer_name"]

DYNAMIC_RANGES = ("auto", "hdr", "sdr")
#: The HDR transfers, as `engine.media.probe` names them.
TRANSFERS = ("pq", "hlg")
_NAMES = {"pq": "PQ (SMPTE ST 2084)", "hlg": "HLG (ARIB STD-B67)"}


def transfer_name(transfer: str) -> str:
    """``PQ (SMPTE ST 2084)`` or ``HLG (ARIB STD-B67)``."""
    return _NAMES[transfer]


@dataclass(frozen=True)
class DynamicRange:
    """A render's dynamic range: `transfer` ``pq``/``hlg`` (HDR) or None (SDR), why, and a
    warning to give (None: nothing to warn of)."""

    transfer: str | None
    reason: str
    warning: str | None = None

    @property
    def hdr(self) -> bool:
        return self.transfer is not None

    @property
    def name(self) -> str:
        """``sdr``, ``hdr-pq`` or ``hdr-hlg`` (as the stats report it)."""
        return f"hdr-{self.transfer}" if self.transfer else "sdr"


def _listed(sources: Sequence[tuple[str, str]]) -> str:
    shown = ", ".join(f"{element} ({transfer.upper()})" for element, transfer in sources[:3])
    return shown + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")


def decide_dynamic_range(asked: str, sources: Sequence[tuple[str, str | None]]) -> DynamicRange:
    """The dynamic range of a render asked for as `asked` (``auto``, ``hdr``, ``sdr``) whose
    sources are ``(element, transfer)`` pairs (transfer ``pq``, ``hlg`` or None for SDR)."""
    if asked not in DYNAMIC_RANGES:
        raise ValueError(f"dynamic range {asked!r}; expected one of {', '.join(DYNAMIC_RANGES)}")
    hdr = [(element, transfer) for element, transfer in sources if transfer is not None]
    for _, transfer in hdr:
        if transfer not in TRANSFERS:
            raise ValueError(f"transfer {transfer!r}; expected one of {', '.join(TRANSFERS)}")
    transfers = {transfer for _, transfer in hdr}
    if asked == "sdr":
        if not hdr:
            return DynamicRange(None, "SDR was asked for")
        return DynamicRange(None, f"SDR was asked for: {len(hdr)} HDR source(s) tone-mapped to SDR: {_listed(hdr)}")
    if not hdr:
        if asked == "auto":
            return DynamicRange(None, "no HDR source (no video tagged PQ or HLG)")
        return DynamicRange("hlg", "HDR was asked for; no source is HDR, so the transfer is HLG",
                            "HDR was asked for but no source is HDR (no video tagged BT.2020 PQ or HLG): the output "
                            "is HLG")
    why = "HDR was asked for" if asked == "hdr" else "HDR source(s)"
    if len(transfers) == 1:
        (transfer,) = transfers
        return DynamicRange(transfer, f"{why}: {_listed(hdr)}; the output is {transfer_name(transfer)}")
    return DynamicRange("pq", f"{why}: {_listed(hdr)}; PQ and HLG sources are mixed, so the output is "
                              f"{transfer_name('pq')}")


def hdr_sources(plan: Plan) -> list[tuple[str, str | None]]:
    """``(element, transfer)`` of what decides a render's dynamic range: every video clip (transfer
    None when SDR) and every HDR-tagged image (`engine.media.hdr_images`)."""
    return [(clip.element, clip.hdr) for clip in plan.media_clips if clip.kind == "video"] + \
        [(element, transfer) for element, _, transfer in plan.hdr_images]
