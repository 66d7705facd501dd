"""The house style of every chart, applied with `matplotlib.rc_context` while a chart is made.

Nothing here changes matplotlib's settings for other code: `style()` is a context manager. The
fonts are named concretely (not the generic "sans-serif"), so a figure made inside `style()`
keeps its Chinese font when it is drawn later (a notebook draws it after the cell has run).
"""

from __future__ import annotations

import functools
import shutil
from contextlib import AbstractContextManager
from typing import Any

import matplotlib as mpl
from matplotlib import font_manager

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
    "SimHei",
    "Microsoft YaHei",
)


@functools.cache
def cjk_fonts() -> tuple[str, ...]:
    """The installed CJK fonts, best first (found once per process)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not any(f in installed for f in CJK_FONTS) and shutil.which("fc-list"):
        # fonts installed after matplotlib cached its font list are found only on a rescan
        for entry in font_manager.FontManager().ttflist:
            if entry.name in CJK_FONTS:
                font_manager.fontManager.addfont(entry.fname)
                installed.add(entry.name)
    return tuple(f for f in CJK_FONTS if f in installed)


def style() -> AbstractContextManager[Any]:
    """`with style(): fig, ax = plt.subplots() ...` — the chart gets the house fonts."""
    return mpl.rc_context(
        {
            "font.family": [*cjk_fonts(), "DejaVu Sans"],
            "axes.unicode_minus": False,
            "svg.hashsalt": "dudao",
        }
    )
