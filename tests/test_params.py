"""Parsing of GLSL uniform declarations into typed parameters, and checking user values."""

from __future__ import annotations

import numpy as np
import pytest

from engine.errors import ParameterError
from engine.blend.params import Param, coerce_value, flatten_numeric, parse_default, parse_uniform_params, resolve_params

SOURCE = """
uniform float amount; // = 0.5
uniform vec3 glow;    // = vec3(1.0, 0.6, 0.2)
uniform vec2 centre; // = vec2(0.5)
uniform ivec2 squares;// = ivec2(10,10)
uniform bool flip; // = true
uniform int count; // = 3
uniform float undefaulted;
uniform sampler2D map;
uniform float progress;
uniform float ratio;
vec4 transition(vec2 uv) { return vec4(1.0); }
"""


def test_parse_uniforms_with_defaults() -> None:
    params = {p.name: p for p in parse_uniform_params(SOURCE)}
    assert list(params) == ["amount", "glow", "centre", "squares", "flip", "count", "undefaulted", "map"]
    assert params["amount"] == Param("amount", "float", 0.5)
    assert params["glow"].default == (1.0, 0.6, 0.2)
    assert params["centre"].default == (0.5, 0.5)
    assert params["squares"].default == (10, 10)
    assert params["flip"].default is True
    assert params["count"].default == 3
    assert params["undefaulted"].default == 0.0
    assert params["map"].default is None and params["map"].size == 0


def test_parse_default_errors_name_the_problem() -> None:
    with pytest.raises(ParameterError, match="3 components, vec2 needs 2"):
        parse_default("vec2", "vec3(1.0, 2.0, 3.0)")
    with pytest.raises(ParameterError, match="cannot read default 'abc' as float"):
        parse_default("float", "abc")


def test_unsupported_uniform_type() -> None:
    with pytest.raises(ParameterError, match="mat3"):
        parse_uniform_params("uniform mat3 m; // = mat3(1.0)\n")


def test_coerce_checks_types() -> None:
    vec3 = Param("glow", "vec3", (1.0, 1.0, 1.0))
    assert coerce_value(vec3, [0, 0.5, 1], "t") == (0.0, 0.5, 1.0)
    assert coerce_value(vec3, np.array([1, 2, 3]), "t") == (1.0, 2.0, 3.0)
    with pytest.raises(ParameterError, match="transition 't' parameter 'glow' expects vec3"):
        coerce_value(vec3, 0.5, "t")
    with pytest.raises(ParameterError, match="expects an integer"):
        coerce_value(Param("n", "int", 1), 1.5, "t")
    with pytest.raises(ParameterError, match="true/false"):
        coerce_value(Param("b", "bool", True), 1, "t")
    with pytest.raises(ParameterError, match="finite"):
        coerce_value(Param("f", "float", 1.0), float("nan"), "t")
    with pytest.raises(ParameterError, match="expects float"):
        coerce_value(Param("f", "float", 1.0), "0.5", "t")


def test_resolve_lists_valid_parameters() -> None:
    params = parse_uniform_params(SOURCE)
    values = resolve_params(params, {"amount": 1}, "t")
    assert values["amount"] == 1.0 and values["count"] == 3
    with pytest.raises(ParameterError, match=r"no parameter 'amout' \(did you mean 'amount'.*valid parameters: amount: float = 0.5, glow"):
        resolve_params(params, {"amout": 1.0}, "t")


def test_flatten_unrolls_vectors_in_order() -> None:
    params = parse_uniform_params(SOURCE)
    flat = flatten_numeric(params, resolve_params(params, None, "t"))
    assert flat == [0.5, 1.0, 0.6, 0.2, 0.5, 0.5, 10.0, 10.0, 1.0, 3.0, 0.0]
