"""Files the program needs at run time, shipped inside the package and found with
`importlib.resources`, so an installed wheel works from any folder."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _packaged(*parts: str) -> Path:
    path = Path(str(files("planner").joinpath(*parts)))
    if not path.exists():
        raise FileNotFoundError(f"the installed package lacks {'/'.join(parts)}; reinstall dudao-planner")
    return path


def sample_dir() -> Path:
    """The sample county: branches.csv, supervisors.csv, scenario.toml."""
    return _packaged("sample")


def notebook(name: str) -> Path:
    """A notebook template shipped with the package (report.ipynb, scenario_workbook.ipynb)."""
    return _packaged("notebooks", name)


# The folder under which every browser session of `planner app` keeps its own files; set by the
# server for its kernels and removed when the server stops (without it: the system's temp folder).
SESSION_ROOT_ENV = "DUDAO_SESSION_ROOT"
