"""Dudao (督导): optimal supervisory visit plans for grassroots party organisations.

The public names below are imported when first used, so that `import planner` (and so every
`planner` command) loads only the modules it needs.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.datasets import generate, sample_county, sample_paths
    from planner.errors import Conflict, InfeasibleError, InputError, Problem
    from planner.folder import Plan, read_plan, write_plan
    from planner.inputs import Inputs, load_inputs, validate_frames
    from planner.plan import plan
    from planner.risk import score as risk_score
    from planner.scenario import Scenario, load_scenario, parse_scenario

# each public name: the module that defines it, and its name there
_SOURCES: dict[str, tuple[str, str]] = {
    "Conflict": ("planner.errors", "Conflict"),
    "InfeasibleError": ("planner.errors", "InfeasibleError"),
    "InputError": ("planner.errors", "InputError"),
    "Inputs": ("planner.inputs", "Inputs"),
    "Plan": ("planner.folder", "Plan"),
    "Problem": ("planner.errors", "Problem"),
    "Scenario": ("planner.scenario", "Scenario"),
    "generate": ("planner.datasets", "generate"),
    "load_inputs": ("planner.inputs", "load_inputs"),
    "load_scenario": ("planner.scenario", "load_scenario"),
    "parse_scenario": ("planner.scenario", "parse_scenario"),
    "plan": ("planner.plan", "plan"),
    "read_plan": ("planner.folder", "read_plan"),
    "risk_score": ("planner.risk", "score"),
    "sample_county": ("planner.datasets", "sample_county"),
    "sample_paths": ("planner.datasets", "sample_paths"),
    "validate_frames": ("planner.inputs", "validate_frames"),
    "write_plan": ("planner.folder", "write_plan"),
}

__all__ = [
    "Conflict",
    "InfeasibleError",
    "InputError",
    "Inputs",
    "Plan",
    "Problem",
    "Scenario",
    "generate",
    "load_inputs",
    "load_scenario",
    "parse_scenario",
    "plan",
    "read_plan",
    "risk_score",
    "sample_county",
    "sample_paths",
    "validate_frames",
    "write_plan",
]


def __getattr__(name: str) -> Any:
    if name not in _SOURCES:
        raise AttributeError(f"module 'planner' has no attribute '{name}'")
    module, attribute = _SOURCES[name]
    return getattr(importlib.import_module(module), attribute)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """`planner.plan` is the function `plan`, as when this package imported it eagerly: importing
    the module planner.plan does not put the module in its place."""

    def __setattr__(self, name: str, value: Any) -> None:
        if not (name == "plan" and isinstance(value, types.ModuleType)):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
