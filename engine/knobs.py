"""Every configuration knob of the engine, in one table: option, flag, environment variable,
accepted values, default and help.

Readers of a knob go through this table (`Knob.from_env`, `Knob.check`), the CLI builds its
flags' help and its epilog from it, and the README's Configuration table is generated from it
(`markdown_table`; a test checks the README holds exactly that), so the
three cannot drift apart.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from .config import check_choice, check_int, register_flag_names

__all__ = ["Knob", "KNOBS", "knob", "cli_epilog", "markdown_table", "CAPTURE_FORMAT_BY_QUALITY",
           "JPEG_QUALITY_BY_QUALITY"]

#: Capture format and JPEG quality each quality preset picks (lossless only at ``high``).
CAPTURE_FORMAT_BY_QUALITY = {"draft": "jpeg", "standard": "jpeg", "high": "png"}
JPEG_QUALITY_BY_QUALITY = {"draft": 80, "standard": 95, "high": 95}


@dataclass(frozen=True)
class Knob:
    """One knob. `option` is its keyword (``engine.render(option=...)`` for scope ``render``,
    ``capture={"option": ...}`` for ``capture``, none for ``cli``/``build``/``env`` knobs);
    `lo`/`hi` bound an integer knob, `choices` a choice knob (None: free-form); `metavar` names a
    flag's value in ``--help`` (default: the option in capitals). ``values="flag"`` makes an on/off
    switch. The CLI generates its flags from these fields (`engine.render.cli`)."""

    option: str
    help: str
    default: str
    values: str = ""
    scope: str = "render"
    flag: str | None = None
    env: str | None = None
    choices: tuple[str, ...] | None = None
    lo: int | None = None
    hi: int | None = None
    metavar: str | None = None

    def check(self, value: object) -> object:
        """`value` validated (ConfigError naming the knob), for choice and integer knobs."""
        name = self.option or self.env or self.flag or "?"
        if self.choices is not None:
            return check_choice(name, value, self.choices)
        if self.lo is not None and self.hi is not None:
            return check_int(name, value, self.lo, self.hi)
        return value

    def from_env(self, default: object) -> object:
        """The environment variable's validated value; `default` when it is unset or empty.
        ConfigError names the variable, the value and what is accepted."""
        assert self.env is not None, f"knob {self.option!r} has no environment variable"
        raw = os.environ.get(self.env, "")
        if raw.strip() == "":
            return default
        if self.choices is not None:
            return check_choice(self.env, raw, self.choices)
        if self.lo is not None and self.hi is not None:
            return check_int(self.env, raw, self.lo, self.hi)
        return raw.strip()

    def int_from_env(self, default: int) -> int:
        """`from_env` for an integer knob."""
        return int(self.from_env(default))  # type: ignore[call-overload]

    def env_set(self) -> bool:
        """Whether the environment variable holds a value."""
        return bool(self.env and os.environ.get(self.env, "").strip())

    @property
    def values_text(self) -> str:
        if self.values:
            return self.values
        if self.choices is not None:
            return ", ".join(f"`{c}`" for c in self.choices)
        if self.lo is not None:
            return f"{self.lo}..{self.hi}"
        return ""


#: The table. Order: render options, capture options, blend and environment, CLI only, build.
KNOBS: tuple[Knob, ...] = (
    Knob("workers", "browser sessions: N or auto (one per CPU, as memory and frames allow)", "auto",
       values="1..64 or `auto`", flag="--workers", lo=1, hi=64),
    Knob("path", "render path; auto follows the hybrid gate", "auto", flag="--path",
       choices=("auto", "sequential", "hybrid")),
    Knob("partition", "how hybrid workers share frames: dynamic (the next frame to whichever worker is free), "
       "interleaved or contiguous fixed shares", "dynamic", flag="--partition",
       choices=("dynamic", "interleaved", "contiguous")),
    Knob("ring_depth", "buffer triples per worker", "4", flag="--ring-depth", env="ENGINE_RING_DEPTH", lo=1, hi=64),
    Knob("backend", "how transitions are blended: gl (OpenGL shaders through EGL) or cpu (compiled kernels); auto "
       "takes gl on a hardware GPU, else the CPU kernel where the transition has one (also Blender(backend))",
       "auto", flag="--backend",
       choices=("auto", "gl", "cpu")),
    Knob("codec", "encoder; auto follows the output's extension: .mp4/.mkv h264, .mov prores, .webm vp9, .gif gif, "
       ".png png (a still or a %04d sequence); also hevc (10-bit) and av1 (10-bit, SVT-AV1). A named codec must "
       "suit the extension: h264 and hevc write .mp4/.mkv/.mov, prores .mov, vp9 .webm/.mkv, av1 "
       ".webm/.mkv/.mp4", "auto", flag="--codec",
       choices=("auto", "h264", "hevc", "prores", "vp9", "av1", "gif", "png")),
    Knob("quality", "encoder preset (draft: fastest, largest loss; high: slowest, closest to the page), and the "
       "capture format unless one is set: lossless PNG at high, JPEG at standard (quality 95) and draft (80)",
       "standard",
       flag="--quality", choices=("draft", "standard", "high")),
    Knob("fps", "override the composition's frame rate", "the composition's", values="1..240, e.g. `30000/1001`",
       flag="--fps", metavar="FPS"),
    Knob("frames", "render only frames START:END (END exclusive)", "all", values="`START:END`", flag="--frames", metavar="START:END"),
    Knob("still", "render the one frame shown at SECONDS to a PNG (16-bit at --quality high)", "none",
       values="seconds, e.g. `2.5`", flag="--still", metavar="SECONDS"),
    Knob("hash_frames", "record a hash of every encoded frame in the stats", "off", values="flag",
       flag="--hash-frames"),
    Knob("audio", "mix the <audio> clips and the sound of unmuted <video> clips into the output (48 kHz stereo: "
       "AAC in MP4 and MKV, 24-bit PCM in MOV); --no-audio writes no audio stream", "on", values="flag",
       flag="--no-audio"),
    Knob("alpha", "transparent output: the page's background is transparent and frames keep alpha (captured as PNG, "
       "premultiplied 16-bit RGBA inside, blended like colour); needs an encoder with alpha: prores (.mov, ProRes "
       "4444 yuva444p10le), vp9 (.webm, yuva420p) or png (16-bit RGBA at --quality high)", "off", values="flag",
       flag="--alpha"),
    Knob("dynamic_range", "HDR or SDR output: auto makes the render HDR when a <video> is tagged BT.2020 with PQ or "
       "HLG (their transfer; PQ when both are mixed); --hdr forces HDR (the sources' transfer, else HLG, with a "
       "warning); --sdr forces SDR (HDR sources tone-mapped). HDR writes HEVC Main 10 (--codec auto for .mp4/.mkv), "
       "ProRes 4444 (.mov) or AV1 10-bit (.webm), tagged BT.2020 non-constant luminance with the PQ or HLG "
       "transfer, PQ with HDR10 mastering-display and content-light metadata; other outputs are bad input with HDR "
       "and renders run on the sequential path", "auto", flag="--hdr/--sdr", choices=("auto", "hdr", "sdr")),
    Knob("loudness", "normalise the audio mix to this integrated loudness (ITU-R BS.1770 / EBU R128; -14 for the "
       "web, -23 for broadcast) with a true-peak ceiling of -1 dBTP (the gain is lowered, with a warning, where the "
       "ceiling would be passed); the mix is made twice: a measuring pass before the encoder starts, then the mix "
       "with the gain", "none", values="-70..0 (LUFS)", flag="--loudness", metavar="LUFS"),
    Knob("ray", "render across machines on Ray: local (a cluster on this machine for this render), auto (the "
       "running cluster) or ray://HOST:PORT; the composition folder is shipped, chunks render on one actor per CPU "
       "and are joined without re-encoding (video outputs only)", "none",
       values="`local`, `auto`, `ray://HOST:PORT`", flag="--ray", metavar="ADDRESS"),
    Knob("chunk_frames", "frames per chunk of a --ray render", "about 4 chunks per actor, at least 30 frames",
       flag="--chunk-frames", lo=1, hi=1_000_000, metavar="N"),
    Knob("strict", "treat whatever the engine cannot render faithfully (an <iframe> of another origin, a font that did "
       "not load, a blocked request...) as bad input: exit 2, no output; without it each is a warning on stderr and "
       "in the stats", "off", values="flag", flag="--strict"),
    Knob("variables", "values of the composition's declared variables (data-composition-variables), merged over "
       "their defaults: its scripts read them with window.__hyperframes.getVariables(); sub-compositions keep their "
       "host's data-variable-values", "none", values="JSON object (a dict in Python)", flag="--variables", metavar="JSON"),
    Knob("strict_variables", "treat a variable the composition does not declare, a value of the wrong type or an "
       "enum value outside its options as bad input: exit 2, no output; without it each is a warning on stderr",
       "off", values="flag", flag="--strict-variables"),
    Knob("allow_network", "let the page load from other origins", "off", values="flag", scope="capture",
       flag="--allow-network"),
    Knob("url_map", "serve URLs starting with PREFIX from local FOLDER (repeatable; a relative FOLDER is read from "
       "the current directory)", "none",
       values="`PREFIX=FOLDER`", scope="capture", flag="--map-url", metavar="PREFIX=FOLDER"),
    Knob("executable", "the Chromium binary; the headless shell starts and captures faster",
       "Debian's `chromium-headless-shell` if installed, else `/usr/bin/chromium`", values="path",
       scope="capture", env="ENGINE_CHROMIUM"),
    Knob("capture_format", "capture format: png is exact, jpeg lossy and faster",
       "by quality: `png` at `high`, else `jpeg`", scope="capture", env="ENGINE_CAPTURE_FORMAT",
       choices=("png", "jpeg")),
    Knob("jpeg_quality", "JPEG capture quality", "by quality: 95 at `standard` and `high`, 80 at `draft`",
       scope="capture", lo=1, hi=100),
    Knob("capture_mode", "how a frame is taken: beginframe draws it on demand with HeadlessExperimental.beginFrame "
       "(headless shell only, faster), screenshot uses Page.captureScreenshot (any Chromium); auto picks "
       "beginframe on a headless shell", "auto", scope="capture", env="ENGINE_CAPTURE_MODE",
       choices=("auto", "beginframe", "screenshot")),
    Knob("media_path", "how decoded <video> frames reach the frame: auto composites a video outside the browser in "
       "rgb48le between the page's parts below and above it (keeps 10-bit sources' bits; 1.6x the poster path's speed "
       "on 1080p footage) wherever its CSS allows, else shows it as a poster, and keeps 8-bit SDR footage that would "
       "need a capture below it on the poster path when captures are JPEG (measured faster); native takes every "
       "video its CSS allows and warns of each it cannot take (native-video); poster always shows frames as the "
       "element's poster (Chromium paints them)",
       "auto", scope="capture", env="ENGINE_MEDIA_PATH", choices=("auto", "native", "poster")),
    Knob("timeout_ms", "how long readiness, timeline seeks, fonts and images may take (ms)", "30000",
       scope="capture", env="ENGINE_CAPTURE_TIMEOUT_MS", lo=100, hi=600000),
    Knob("fonts", "hyperframes: the font families a page names resolve to HyperFrames' bundled fonts (Arial and "
       "Helvetica to Inter...), the same on every machine; system: fontconfig's choice", "hyperframes", scope="capture",
       env="ENGINE_FONTS", choices=("hyperframes", "system")),
    Knob("font_dir", "a folder of font files (.woff2, .woff, .ttf, .otf, any layout; read by their own names): "
       "every family the page names that it holds gets web fonts from it (before the bundled ones), and Google Fonts "
       "stylesheet links are answered from it offline; a family a link asks for that it lacks is a warning",
       "none", values="folder", scope="capture", flag="--fonts", metavar="DIR"),
    Knob("seed", "seed of the page's Math.random", "0", values="0..2**32-1", scope="capture", lo=0, hi=2**32 - 1),
    Knob("extra_args", "more Chromium command-line flags", "none", values="list of strings", scope="capture"),
    Knob("gl", "off turns the GL backend off: blends use the CPU kernels, GL-only transitions fail clearly",
       "egl", scope="env", env="ENGINE_GL", choices=("egl", "off")),
    Knob("cpu_threads", "OpenMP threads per CPU blend (also Blender(cpu_threads=))", "CPUs available",
       scope="env", env="ENGINE_CPU_THREADS", lo=1, hi=256),
    Knob("cdn", "libraries a page loads from cdn.jsdelivr.net/npm/... or unpkg.com/... with the network off: cache "
       "serves them from the engine's npm cache, which npm's own client fills on first use (`npm pack`; a range or "
       "tag is resolved once, with a warning naming the version); off blocks them like any other origin. --map-url "
       "prefixes come first", "cache", scope="env", env="ENGINE_CDN", choices=("cache", "off")),
    Knob("npm_cache", "folder of the npm cache (tarballs by SHA-512, checked on every read; "
       "`python -m engine.vendor COMP` fills it ahead of a render)",
       "the user's cache folder: `$XDG_CACHE_HOME/engine/npm`, else `~/.cache/engine/npm`", values="folder",
       scope="env", env="ENGINE_NPM_CACHE"),
    Knob("variables_file", "read the --variables object from a JSON file instead", "none", values="FILE",
       scope="cli", flag="--variables-file", metavar="FILE"),
    Knob("batch", "render one output per row of FILE (JSON Lines, or a JSON array of objects): each row is the "
       "variables of its render, merged over --variables, and -o a template naming each output from its row "
       "(renders/{name}.mp4; {index} is the row number); one warm Renderer for all; a summary table at the end; "
       "exit 1 when a row failed", "none", values="FILE", scope="cli", flag="--batch", metavar="FILE"),
    Knob("batch_fail_fast", "with --batch, skip the remaining rows after one fails", "off", values="flag",
       scope="cli", flag="--batch-fail-fast"),
    Knob("stats_json", "write the render statistics as JSON to FILE", "none", values="FILE", scope="cli",
       flag="--stats-json", metavar="FILE"),
    Knob("quiet", "no progress bar and no summary", "off", values="flag", scope="cli", flag="-q/--quiet"),
    Knob("verbose", "log what the engine decides", "off", values="flag", scope="cli", flag="-v/--verbose"),
    Knob("native", "compile the kernels with -march=native (the default build is portable; hot loops still use "
       "AVX2 at run time where the CPU has it)", "0", scope="build", env="ENGINE_NATIVE", choices=("0", "1")),
    Knob("openmp", "OpenMP when the compiler supports it, forced on, or a serial build", "auto", scope="build",
       env="ENGINE_OPENMP", choices=("auto", "1", "0")),
    Knob("kernels", "build only these kernel modules (development)", "all", values="comma-separated module names",
       scope="build", env="ENGINE_KERNELS"),
)

_BY_OPTION = {k.option: k for k in KNOBS}
# a value refused during a command-line call is named by its flag (`engine.config`)
register_flag_names({k.option: k.flag.split("/")[-1] for k in KNOBS if k.option and k.flag})


def knob(option: str) -> Knob:
    """The knob called `option` (KeyError for a name not in the table)."""
    return _BY_OPTION[option]


def _python_form(k: Knob) -> str:
    if k.scope == "render":
        return f"`{k.option}=`"
    if k.scope == "capture":
        return f'`capture={{"{k.option}": ...}}`'
    return ""


def markdown_table(knobs: Sequence[Knob] = KNOBS) -> str:
    """The README's Configuration table."""
    rows = ["| flag | Python | environment | values (default) | effect |", "|---|---|---|---|---|"]
    for k in knobs:
        flag = " ".join(f"`{f}`" for f in k.flag.split("/")) if k.flag else ""
        env = f"`{k.env}`" + (" (build)" if k.scope == "build" else "") if k.env else ""
        default = k.default if k.default.startswith(("by ", "the ", "Debian", "CPUs", "all", "none", "off")) \
            else f"`{k.default}`"
        values = f"{k.values_text} ({default})" if k.values_text else f"({default})"
        rows.append(f"| {flag} | {_python_form(k)} | {env} | {values} | {k.help} |")
    return "\n".join(rows)


def cli_epilog() -> str:
    """The CLI's epilog: every environment variable a render reads, then the exit codes."""
    lines = ["environment variables (each checked before a render starts):"]
    for k in KNOBS:
        if k.env and k.scope != "build":
            values = k.values_text.replace("`", "")
            text = f"{k.help} [{values}; default {k.default.replace('`', '')}]"
            lines.append(textwrap.fill(text, width=100, initial_indent=f"  {k.env:<26}", subsequent_indent=" " * 28))
    lines += ["", "exit codes: 0 done, 1 the render failed, 2 bad input, 130 interrupted (SIGINT), "
              "143 terminated (SIGTERM)"]
    return "\n".join(lines) + "\n"
