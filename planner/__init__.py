"""Dudao (督导): optimal supervisory visit plans for grassroots party organisations."""

from planner.datasets import generate, sample_county, sample_paths
from planner.errors import Conflict, InfeasibleError, InputError, Problem
from planner.folder import Plan, read_plan, write_plan
from planner.inputs import Inputs, load_inputs, validate_frames
from planner.plan import plan
from planner.risk import score as risk_score
from planner.scenario import Scenario, load_scenario, parse_scenario

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
