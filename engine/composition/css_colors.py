"""Whether a text is a CSS colour (pure): what a ``color`` composition variable must hold.

`is_css_color` accepts what a browser's ``CSS.supports('color', text)`` accepts for the forms
compositions use: hex (``#rgb``, ``#rgba``, ``#rrggbb``, ``#rrggbbaa``), ``rgb()``/``rgba()`` and
``hsl()``/``hsla()`` in the legacy comma syntax and the modern space syntax (``rgb(255 0 0 / 50%)``,
``hsl(120deg 100% 50%)``, ``none`` components), the CSS Color 4 functions ``hwb()``, ``lab()``,
``lch()``, ``oklab()``, ``oklch()`` and ``color(space ...)``, every named colour of CSS Color 4,
``transparent`` and ``currentcolor``. Case does not matter; surrounding spaces are ignored.
"""

from __future__ import annotations

import re

__all__ = ["is_css_color", "NAMED_COLORS", "COLOR_EXPECTED"]

#: What a message says is expected of a colour.
COLOR_EXPECTED = "a CSS colour (#rgb, #rrggbb, rgb(), rgba(), hsl(), hsla() or a named colour such as 'teal')"

#: CSS Color 4's named colours (148, with both spellings of grey), lower case.
NAMED_COLORS = frozenset("""
aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown
burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan
darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred
darksalmon darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink
deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold
goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki lavender lavenderblush
lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow lightgray lightgreen lightgrey
lightpink lightsalmon lightseagreen lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime
limegreen linen magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen
mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin
navajowhite navy oldlace olive olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise
palevioletred papayawhip peachpuff peru pink plum powderblue purple rebeccapurple red rosybrown royalblue
saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue slateblue slategray slategrey snow
springgreen steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen
""".split())
_KEYWORDS = frozenset({"transparent", "currentcolor"})

_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?"
_NUMBER = re.compile(rf"{_NUM}$")
_PERCENT = re.compile(rf"{_NUM}%$")
_ANGLE = re.compile(rf"{_NUM}(?:deg|rad|grad|turn)?$")
_HEX = re.compile(r"#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$")
_FUNCTION = re.compile(r"([a-z]+)\((.*)\)$", re.S)
_SPACES = ("srgb", "srgb-linear", "display-p3", "a98-rgb", "prophoto-rgb", "rec2020", "xyz", "xyz-d50", "xyz-d65")


def _number(part: str) -> bool:
    return bool(_NUMBER.match(part))


def _percent(part: str) -> bool:
    return bool(_PERCENT.match(part))


def _alpha(part: str, none: bool) -> bool:
    return _number(part) or _percent(part) or (none and part == "none")


def _legacy(name: str, parts: list[str]) -> bool:
    """``rgb(1, 2, 3[, a])`` (all numbers or all percentages) / ``hsl(h, s%, l%[, a])``."""
    if len(parts) not in (3, 4) or (len(parts) == 4 and not _alpha(parts[3], False)):
        return False
    first = parts[:3]
    if name in ("rgb", "rgba"):
        return all(_number(p) for p in first) or all(_percent(p) for p in first)
    return bool(_ANGLE.match(first[0])) and _percent(first[1]) and _percent(first[2])


def _modern(name: str, parts: list[str], alpha: str | None) -> bool:
    """The space syntax: three components (numbers, percentages or ``none``; a hue may carry an
    angle unit), then ``/ alpha`` optionally."""
    if len(parts) != 3 or (alpha is not None and not _alpha(alpha, True)):
        return False
    hue = {"hsl": 0, "hsla": 0, "hwb": 0, "lch": 2, "oklch": 2}.get(name)

    def component(i: int, part: str) -> bool:
        if part == "none" or _number(part) or _percent(part):
            return True
        return i == hue and bool(_ANGLE.match(part))

    return all(component(i, p) for i, p in enumerate(parts))


def _color_function(body: str) -> bool:
    """``color(srgb 1 0 0 [/ alpha])``."""
    main, _, alpha = body.partition("/")
    parts = main.split()
    if not parts or parts[0] not in _SPACES or len(parts) != 4 or ("/" in body and not _alpha(alpha.strip(), True)):
        return False
    return all(p == "none" or _number(p) or _percent(p) for p in parts[1:])


def is_css_color(text: object) -> bool:
    """Whether `text` is a CSS colour (see the module's docstring); False for any non-string."""
    if not isinstance(text, str):
        return False
    value = text.strip().lower()
    if value in NAMED_COLORS or value in _KEYWORDS or _HEX.match(value):
        return True
    match = _FUNCTION.match(value)
    if not match:
        return False
    name, body = match.group(1), match.group(2).strip()
    if name == "color":
        return _color_function(body)
    if name not in ("rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch"):
        return False
    if "," in body:
        return name in ("rgb", "rgba", "hsl", "hsla") and "/" not in body \
            and _legacy(name, [p.strip() for p in body.split(",")])
    main, slash, alpha = body.partition("/")
    if slash and "/" in alpha:
        return False
    return _modern(name, main.split(), alpha.strip() if slash else None)
