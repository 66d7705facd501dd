"""The typed errors a planner can act on: bad input (exit 2) and infeasible rules (exit 3)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input file; `row` is the row number the user sees in Excel."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class InputError(Exception):
    """The input is invalid; every problem found is listed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Conflict:
    """One rule that cannot be met, with the numbers that show why."""

    rule: str
    message: str
    suggestion: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message} Suggestion: {self.suggestion}"


class InfeasibleError(Exception):
    """The scenario's rules cannot all hold on these inputs."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        super().__init__("\n".join(str(c) for c in conflicts))
