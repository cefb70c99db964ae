"""Options of a browser session (`CaptureOptions`) and the environment variables behind them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..composition.variables import check_values_object
from ..errors import ConfigError
from ..knobs import knob
from .font_dir import check_font_dir

__all__ = ["CaptureOptions", "CAPTURE_FORMATS", "CAPTURE_MODES", "DEFAULT_CHROMIUM", "CHROMIUM_CANDIDATES",
           "default_chromium", "is_headless_shell"]

CAPTURE_FORMATS: tuple[str, ...] = knob("capture_format").choices or ()
#: How a frame is taken: ``beginframe`` drives the compositor with ``HeadlessExperimental.beginFrame``
#: (headless shell only; no wait for the display's frame clock), ``screenshot`` asks for
#: ``Page.captureScreenshot`` (any Chromium), ``auto`` picks beginframe on a headless shell.
CAPTURE_MODES: tuple[str, ...] = knob("capture_mode").choices or ()
#: Debian's Chromium builds, in order of preference: the headless shell (package
#: chromium-headless-shell) starts in half the time and captures faster than the full browser
#: (bench/RESULTS.md); /usr/bin/chromium (package chromium) otherwise.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium")
DEFAULT_CHROMIUM = CHROMIUM_CANDIDATES[-1]


def is_headless_shell(executable: str | os.PathLike[str]) -> bool:
    """Whether `executable` is a Chromium headless shell build (the only one with
    ``HeadlessExperimental.beginFrame``), judged by its file name."""
    name = os.path.basename(os.path.realpath(str(executable))).lower()
    return "headless-shell" in name or "headless_shell" in name


def default_chromium() -> str:
    """The first Chromium build of CHROMIUM_CANDIDATES that is installed (else /usr/bin/chromium)."""
    return next((path for path in CHROMIUM_CANDIDATES if os.path.isfile(path)), DEFAULT_CHROMIUM)


@dataclass(frozen=True)
class CaptureOptions:
    """How a `BrowserSession` launches Chromium, serves the composition and captures.

    - `executable`: the Chromium binary (env ``ENGINE_CHROMIUM``; default: Debian's
      ``chromium-headless-shell`` if installed, else ``/usr/bin/chromium``).
    - `capture_format`: ``png`` (exact, default) or ``jpeg`` (lossy, faster)
      (env ``ENGINE_CAPTURE_FORMAT``). A render picks it from its quality preset unless set.
    - `jpeg_quality`: 1..100 (default 95, what the ``standard`` preset uses), for ``jpeg`` only.
    - `capture_mode`: ``auto`` (default), ``beginframe`` or ``screenshot`` (env
      ``ENGINE_CAPTURE_MODE``); see `CAPTURE_MODES`. ``beginframe`` needs a headless shell.
    - `fonts`: ``hyperframes`` (default: the families a page names resolve to HyperFrames'
      bundled fonts, see `engine.capture.fonts`) or ``system`` (env ``ENGINE_FONTS``).
    - `timeout_ms`: how long the readiness promise, a timeline's seek promise, fonts and images
      may take (env ``ENGINE_CAPTURE_TIMEOUT_MS``; 100..600000, default 30000); the page's load
      event gets at least 30 s.
    - `seed`: seed of the page's ``Math.random`` (0..2**32-1, default 0).
    - `allow_network`: let requests to other origins through (default False: blocked, each
      blocked URL warned once with `BlockedRequestWarning`).
    - `url_map`: URL prefix -> local folder, e.g. ``{"https://cdn.jsdelivr.net/npm/gsap@3/": "vendor/gsap"}``;
      relative folders are taken from the current directory.
    - `extra_args`: more Chromium command-line flags.
    - `variables`: the composition's variable values (a dict of JSON values), set as
      ``window.__hfVariables`` before the page's scripts run, so that
      ``window.__hyperframes.getVariables()`` returns them over the declared defaults (see
      `engine.composition.variables`; a render checks them against the declarations first).
    - `font_dir`: a folder of font files (``--fonts DIR``) whose families the page gets as web
      fonts, and from which Google Fonts stylesheet links are answered (`engine.capture.font_dir`).
    - `media_path`: ``auto`` (default) or ``native``: a video whose CSS allows it is composited
      outside the browser (`engine.capture.layers`), the others shown as posters; ``native`` also
      warns of each video the native path refuses (``native-video``); ``poster``: every frame
      shown as the element's poster (env ``ENGINE_MEDIA_PATH``). Alpha sessions always use posters.
    - `alpha`: the page's default background is transparent and frames keep alpha: captured as PNG
      into premultiplied rgba64le (``(height, width, 4)``, see `engine.frames`).
    - `dynamic_range`: ``sdr`` (default: frames are BT.709 SDR, HDR sources tone-mapped), ``auto``
      (HDR when a video source is, as a render decides: `engine.media.hdr`) or ``hdr``. An HDR
      session's frames are in the HDR signal, BT.2020 PQ or HLG (`BrowserSession.hdr_signal`): the
      page's pictures converted, SDR white at BT.2408's 203 nits, native video layers keeping an
      HDR source's code values (`engine.media.hdr_layers`). Never HDR with `alpha`.
    """

    executable: str = field(default_factory=default_chromium)
    capture_format: str = "png"
    jpeg_quality: int = 95
    capture_mode: str = "auto"
    fonts: str = "hyperframes"
    timeout_ms: int = 30000
    seed: int = 0
    allow_network: bool = False
    url_map: Mapping[str, str | Path] = field(default_factory=dict, hash=False)
    extra_args: tuple[str, ...] = ()
    variables: Mapping[str, Any] = field(default_factory=dict, hash=False)
    alpha: bool = False
    font_dir: Path | None = None
    media_path: str = "auto"
    dynamic_range: str = "sdr"

    @property
    def native_layers(self) -> bool:
        """Whether videos are composited natively where their CSS allows (`media_path`; never with alpha)."""
        return self.media_path in ("auto", "native") and not self.alpha

    @property
    def channels(self) -> int:
        """Channels of a captured frame: 4 (premultiplied rgba64le) with `alpha`, else 3 (rgb48le)."""
        return 4 if self.alpha else 3

    def __post_init__(self) -> None:
        for name in ("capture_format", "capture_mode", "fonts", "media_path", "dynamic_range"):
            object.__setattr__(self, name, knob(name).check(getattr(self, name)))
        for name in ("jpeg_quality", "timeout_ms", "seed"):
            knob(name).check(getattr(self, name))
        for name in ("allow_network", "alpha"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name}={getattr(self, name)!r} is not valid; expected True or False")
        if self.alpha and self.capture_format != "png":
            raise ConfigError(f"alpha needs PNG captures (a JPEG has no alpha channel), but capture format "
                              f"{self.capture_format!r} was asked (ENGINE_CAPTURE_FORMAT or capture_format=); "
                              "leave it unset or set png")
        if not isinstance(self.executable, (str, os.PathLike)) or not str(self.executable):
            raise ConfigError(f"executable={self.executable!r} is not valid; expected a path to a Chromium binary")
        object.__setattr__(self, "extra_args", tuple(str(a) for a in self.extra_args))
        if self.font_dir is not None:
            object.__setattr__(self, "font_dir", check_font_dir(self.font_dir))
        object.__setattr__(self, "variables", check_values_object(self.variables, "variables"))

    @classmethod
    def from_env(cls, **overrides: object) -> CaptureOptions:
        """Defaults from ``ENGINE_CHROMIUM``, ``ENGINE_CAPTURE_FORMAT``, ``ENGINE_CAPTURE_MODE``,
        ``ENGINE_CAPTURE_TIMEOUT_MS``, ``ENGINE_MEDIA_PATH``, then `overrides`."""
        values: dict[str, object] = {
            "executable": knob("executable").from_env(default_chromium()),
            "capture_format": knob("capture_format").from_env("png"),
            "capture_mode": knob("capture_mode").from_env("auto"),
            "fonts": knob("fonts").from_env("hyperframes"),
            "timeout_ms": knob("timeout_ms").from_env(30000),
            "media_path": knob("media_path").from_env("auto"),
        }
        values.update(overrides)
        try:
            return cls(**values)  # type: ignore[arg-type]
        except TypeError as exc:
            raise ConfigError(f"unknown capture option: {exc}") from None
