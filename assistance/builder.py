"""The rule builder: a rule tree (rules.py's language) edited as a plain HTML form, parsed and checked here.

A node's fields are named by its place: `node-0` is the root, `node-0-2` the root's third child, `node-0-2-0`
that one's first child. Every node posts `<path>-kind` (all | any | not | fact); a condition also posts
`<path>-fact`, `<path>-op` and `<path>-value` (repeated for a list). The buttons post `action`: `save`,
`refresh` (redraw the widgets for the facts chosen), `load-json` (the raw JSON view into the builder),
`add-fact:<path>`, `add-group:<path>`, `remove:<path>`, `wrap:<path>`. A redraw renumbers the paths.

Why every structural edit is a round trip (htmx swaps the redrawn editor in; without JS the page reloads)
rather than a tree kept in the browser: one parser and one renderer, the same with or without JS, and a fact's
widgets (its operators, its choices, the streets) come from the FACTS table the validator reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import groupby

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import rules

GROUPS = {"all": gettext_lazy("全部满足"), "any": gettext_lazy("任一满足"), "not": gettext_lazy("不满足")}
ROOT = "node-0"
MAX_NODES = 80
_PATH = re.compile(r"node-0(?:-\d{1,3})*")
_ACTION = re.compile(r"(add-fact|add-group|remove|wrap):(node-0(?:-\d{1,3})*)")
_INT = re.compile(r"[+-]?\d{1,9}")
_MISSING = object()


@dataclass(eq=False)
class Node:
    """One node being edited: `value` is what was posted (strings); `errors` what is wrong with it."""

    kind: str
    children: list[Node] = field(default_factory=list)
    fact: str = ""
    op: str = ""
    value: list[str] = field(default_factory=list)
    path: str = ROOT
    label: str = ""
    errors: list[str] = field(default_factory=list)
    focus: bool = False
    widget: dict | None = None

    @property
    def is_group(self) -> bool:
        return self.kind in GROUPS

    @property
    def is_root(self) -> bool:
        return self.path == ROOT

    @property
    def spec(self) -> rules.FactSpec | None:
        return rules.FACTS.get(self.fact)

    @property
    def can_add(self) -> bool:
        return self.kind != "not" or not self.children


# ---------------------------------------------------------------- in: a stored rule, a post

def from_rule(rule) -> Node:
    """A stored rule (valid: rules.validate) as a tree."""
    for key in ("all", "any"):
        if key in rule:
            return Node(kind=key, children=[from_rule(child) for child in rule[key]])
    if "not" in rule:
        return Node(kind="not", children=[from_rule(rule["not"])])
    value = rule.get("value")
    if isinstance(value, list):
        values = [str(v) for v in value]
    elif isinstance(value, bool):
        values = ["true" if value else "false"]
    else:
        values = [] if value is None else [str(value)]
    return Node(kind="fact", fact=str(rule.get("fact", "")), op=str(rule.get("op", "")), value=values)


def from_post(data) -> Node | None:
    """The tree a post describes (None: no root). Too many nodes is refused before anything is built."""
    kinds = {key[:-5]: data.get(key, "") for key in data if key.endswith("-kind") and _PATH.fullmatch(key[:-5])}
    if len(kinds) > MAX_NODES:
        raise ValidationError(_("规则最多 %(n)s 项（条件和条件组），请精简后再保存。") % {"n": MAX_NODES}, code="rule_size")
    children: dict[str, list[tuple[int, str]]] = {}
    for path in kinds:
        if path != ROOT:
            parent, _sep, index = path.rpartition("-")
            children.setdefault(parent, []).append((int(index), path))

    def build(path: str) -> Node:
        node = Node(kind=kinds[path])
        if node.kind == "fact":
            node.fact = (data.get(f"{path}-fact") or "").strip()
            node.op = (data.get(f"{path}-op") or "").strip()
            node.value = [v.strip() for v in data.getlist(f"{path}-value")]
        else:
            node.children = [build(p) for _i, p in sorted(children.get(path, []))]
        return node

    return build(ROOT) if ROOT in kinds else None


def number(node: Node, path: str = ROOT, label: str | None = None) -> None:
    """Give every node its field prefix and the name people read in messages ("规则·第2条·第1条")."""
    node.path, node.label = path, label or _("规则")
    for i, child in enumerate(node.children):
        number(child, f"{path}-{i}", _("%(parent)s·第%(n)s条") % {"parent": node.label, "n": i + 1})


# ---------------------------------------------------------------- out: the rule, with what is wrong

def build(tree: Node | None) -> tuple[dict | None, list[str]]:
    """The rule the tree describes and every error found in it (each naming the node), in page order."""
    if tree is None:
        return None, [_("规则是空的：请至少添加一个条件。")]
    number(tree)
    rule = _to_rule(tree, depth=1)
    return rule, [e for node in walk(tree) for e in node.errors]


def walk(node: Node):
    yield node
    for child in node.children:
        yield from walk(child)


def _to_rule(node: Node, *, depth: int) -> dict:
    where = node.label
    if node.kind in ("all", "any", "not"):
        group = GROUPS[node.kind]
        if depth > rules.MAX_DEPTH:
            node.errors.append(_("%(where)s：条件组最多嵌套 %(n)s 层。") % {"where": where, "n": rules.MAX_DEPTH})
        if not node.children:
            node.errors.append(_("%(where)s：“%(group)s”组是空的，请添加条件或删除该组。") % {"where": where, "group": group})
        children = [_to_rule(child, depth=depth + 1) for child in node.children]
        if node.kind != "not":
            return {node.kind: children}
        if len(node.children) > 1:
            node.errors.append(_("%(where)s：“%(group)s”组只能包含一项（现有 %(n)s 项）；多个条件请先放进一个子组。")
                               % {"where": where, "group": group, "n": len(node.children)})
        return {"not": children[0] if children else {}}
    if node.kind != "fact":
        node.errors.append(_("%(where)s：未知的条件组“%(kind)s”，可用：all（全部满足）、any（任一满足）、not（不满足）。")
                           % {"where": where, "kind": node.kind})
        return {node.kind: []}
    spec = node.spec
    value = _json_value(spec, node.value)
    leaf = {"fact": node.fact, "op": node.op, "value": None if value is _MISSING else value}
    if not node.fact:
        node.errors.append(_("%(where)s：请选择条件项，或删除这一条。") % {"where": where})
    elif spec is not None and not node.op:
        node.errors.append(_("%(where)s：请选择“%(fact)s”的运算符。") % {"where": where, "fact": _(spec.label)})
    elif spec is not None and value is _MISSING:
        node.errors.append(_("%(where)s：请填写或选择“%(fact)s”的取值。") % {"where": where, "fact": _(spec.label)})
    else:
        try:
            rules.validate(leaf, path=where)
        except ValidationError as exc:
            node.errors.extend(exc.messages)
    return leaf


def _json_value(spec: rules.FactSpec | None, values: list[str]):
    if spec is None:
        return values[0] if len(values) == 1 else values
    if spec.kind in ("number", "received", "bool"):
        text = values[0] if values else ""
        if not text:
            return _MISSING
        if spec.kind == "bool":
            return {"true": True, "false": False}.get(text, text)
        return int(text) if _INT.fullmatch(text) else text
    picked = list(dict.fromkeys(v for v in values if v))
    return picked or _MISSING


# ---------------------------------------------------------------- edits (buttons)

def apply(tree: Node | None, action: str) -> Node:
    """The tree after one builder button; an action naming no node (a stale page) changes nothing."""
    tree = tree or Node(kind="all")
    number(tree)
    match = _ACTION.fullmatch(action)
    if match:
        verb, path = match.groups()
        parent, node = _find(tree, path)
        if node is not None and verb in ("add-fact", "add-group") and node.is_group:
            node.children.append(Node(kind="fact", focus=True) if verb == "add-fact" else
                                 Node(kind="all", children=[Node(kind="fact")], focus=True))
        elif node is not None and verb == "remove" and parent is not None:
            parent.children.remove(node)
        elif node is not None and verb == "wrap":
            wrapped = Node(kind="all", children=[node], focus=True)
            if parent is None:
                tree = wrapped
            else:
                parent.children[parent.children.index(node)] = wrapped
    number(tree)
    return tree


def _find(tree: Node, path: str) -> tuple[Node | None, Node | None]:
    parent, node = None, tree
    for index in path.split("-")[2:]:
        i = int(index)
        if i >= len(node.children):
            return None, None
        parent, node = node, node.children[i]
    return parent, node


def fit(tree: Node, places: dict) -> None:
    """After the fact of a condition changed: an operator and values its widgets can show (a redraw, not a save)."""
    for node in walk(tree):
        spec = node.spec
        if node.kind != "fact" or spec is None:
            continue
        if node.op not in spec.ops:
            node.op = next(iter(spec.ops))
        if spec.kind in ("number", "received"):
            node.value = node.value[:1] if node.value and _INT.fullmatch(node.value[0]) else []
        elif spec.kind == "bool":
            node.value = node.value[:1] if node.value[:1] in (["true"], ["false"]) else ["true"]
        else:
            known = _known(spec, places)
            node.value = [v for v in node.value if v in known]


# ---------------------------------------------------------------- drawing

def places_needed(tree: Node | None) -> bool:
    return tree is not None and any(n.fact in ("district", "street") for n in walk(tree))


def load_places() -> dict:
    """Districts and streets for the place pickers (two queries, only when a condition uses them)."""
    from stations.models import District, Street

    return {"district": list(District.objects.order_by("code").values_list("code", "name")),
            "street": list(Street.objects.order_by("district__code", "code").values_list(
                "code", "name", "district__name"))}


def _known(spec: rules.FactSpec, places: dict) -> dict:
    if spec.choices is not None:
        return spec.choices
    return {row[0]: row[1] for row in places.get(spec.name, [])}


def decorate(tree: Node | None, places: dict) -> None:
    """Each condition's widgets: the operators of its fact, and a value input for the fact's type."""
    if tree is None:
        return
    number(tree)
    for node in walk(tree):
        spec = node.spec
        if node.kind != "fact" or spec is None:
            continue
        widget: dict = {"ops": [(op, text if op in rules.NUMBER_OPS else _(text)) for op, text in spec.ops.items()],
                        "op_known": node.op in spec.ops, "unit": _(spec.unit) if spec.unit else ""}
        if spec.kind in ("number", "received"):
            widget.update(type="number", value=node.value[0] if node.value else "")
        elif spec.kind == "bool":
            widget.update(type="bool", value=node.value[0] if node.value else "")
        elif spec.choices is not None:
            widget.update(type="checks", options=_chosen_first(
                [(v, _(label)) for v, label in spec.choices.items()], node.value))
        else:
            rows = places.get(spec.name, [])
            labels = {row[0]: row[1] for row in rows}
            groups = [(_("已选"), [(v, labels.get(v, v), True) for v in node.value])] if node.value else []
            rest = [row for row in rows if row[0] not in node.value]
            for heading, items in groupby(rest, key=lambda row: row[2] if len(row) > 2 else ""):
                groups.append((heading, [(row[0], row[1], False) for row in items]))
            widget.update(type="select", groups=groups, size=min(8, max(3, len(rows))))
        node.widget = widget


def _chosen_first(options: list[tuple[str, str]], chosen: list[str]) -> list[tuple[str, str, bool]]:
    """Chosen values first, in their stored order (a browser posts in page order: saving unchanged keeps the
    rule's JSON as it was), then the rest."""
    labels = dict(options)
    return ([(v, labels.get(v, v), True) for v in chosen] +
            [(v, label, False) for v, label in options if v not in chosen])
