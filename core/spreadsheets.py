"""What the Excel imports share: reading a header row and saying how it differs from the template."""

from __future__ import annotations


def header_cells(row) -> list[str]:
    """The header row's cells as stripped text, without trailing empty cells."""
    cells = ["" if h is None else str(h).strip() for h in (row or [])]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def column_mismatch(header: list[str], *, known: list[str], required: list[str], ordered: bool = False) -> str | None:
    """None when `header` fits the template, else the message for the user: required columns missing,
    columns the template does not have, and (when `ordered`) columns out of the template's order."""
    parts = []
    missing = [h for h in required if h not in header]
    unknown = [h for h in header if h and h not in known]
    if missing:
        parts.append("缺少列：" + "、".join(missing))
    if unknown:
        parts.append("无法识别的列：" + "、".join(unknown))
    if not parts and ordered and header != known:
        parts.append("列的顺序与模板不同")
    if not parts:
        return None
    return "表格列名与模板不一致（" + "；".join(parts) + "）。请下载最新模板，按模板的列填写。"
