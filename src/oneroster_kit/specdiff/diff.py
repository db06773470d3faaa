"""The structural diff of two specs: every change, after `$ref` resolution, with where it is.

Both documents are walked side by side per operation and direction, following `$ref`s (so a
schema moved into `components` is no change) and comparing sets where order means nothing (enum
values, required names, types, parameters, servers, oneOf branches). Each change names its
operation, its direction, the field or status it is about, and the JSON pointer of the node that
differs in each file (the component, where a shared one changed), with that node's line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from oneroster_kit.contract import resolve
from oneroster_kit.specdiff.model import Change, Direction
from oneroster_kit.specdiff.rules import Effect, classify
from oneroster_kit.specdiff.sources import LoadedSpec

__all__ = ["diff"]

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_DOC_KEYS = {"description", "summary", "example", "examples", "$comment", "externalDocs", "deprecated"}
_MIN_KEYS = ("minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties", "minContains")
_MAX_KEYS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties", "maxContains")
_HANDLED = {
    "$ref",
    "type",
    "enum",
    "const",
    "format",
    "pattern",
    "multipleOf",
    "uniqueItems",
    "not",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "oneOf",
    "anyOf",
    "allOf",
    "default",
    "readOnly",
    "writeOnly",
    "title",
    *_DOC_KEYS,
    *_MIN_KEYS,
    *_MAX_KEYS,
}
DOCUMENT = "(document)"


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where and where != "(body)" else name


@dataclass(frozen=True, slots=True)
class Located:
    """A node of one of the two specs and its JSON pointer there (each change names one per side)."""

    node: Any
    pointer: str

    def at(self, key: str) -> str:
        """The pointer of `key` where this node has it, else the node's own (where a key was added or removed)."""
        return f"{self.pointer}/{key}" if key in self.node else self.pointer

    def child(self, key: str) -> Located:
        """The member `key` of this node (an empty schema where it has none), with its pointer."""
        return Located(self.node.get(key, {}), f"{self.pointer}/{_escape(key)}")


@dataclass(frozen=True)
class _Ctx:
    operation: str
    direction: Literal["request", "response"]
    status: str | None = None


class _Operation(NamedTuple):
    """An operation of one spec: its path template, method, definition and path item."""

    path: str
    method: str
    definition: dict[str, Any]
    item: dict[str, Any]

    @property
    def pointer(self) -> str:
        return f"/paths/{_escape(self.path)}/{self.method}"

    @property
    def located(self) -> Located:
        return Located(self.definition, self.pointer)


class _Side:
    """One of the two specs, BASE or REVISION, with the lookups the walk needs."""

    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.document = spec.document
        self.components: dict[str, Any] = spec.document.get("components") or {}

    def deref(self, node: Any, pointer: str) -> Located:
        """Follow `$ref`s (with contract.resolve for components) and return the node and its pointer.

        Keywords beside a `$ref` (OpenAPI 3.1 allows them, e.g. a `default` or `description`) apply
        too: they are laid over the target.
        """
        siblings: dict[str, Any] = {}
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
            ref: str = node["$ref"]
            siblings = {**{k: v for k, v in node.items() if k != "$ref"}, **siblings}
            seen.add(ref)
            pointer = ref[1:]
            if ref.startswith("#/components/"):
                node = resolve(self.components, {"$ref": ref})
                break
            node = self.document
            for token in ref[2:].split("/") if ref != "#" else []:
                node = node[_unescape(token)] if isinstance(node, dict) else node[int(token)]
        if siblings and isinstance(node, dict):
            node = {**node, **siblings}
        return Located(node, pointer)

    def inline(self, node: Any, stack: frozenset[str] = frozenset()) -> Any:
        """`node` with every `$ref` replaced by its target (a recursive one is kept): for comparing branches."""
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref not in stack:
                return self.inline(self.deref({"$ref": ref}, "").node, stack | {ref})
            return {k: self.inline(v, stack) for k, v in node.items() if k not in _DOC_KEYS}
        if isinstance(node, list):
            return [self.inline(v, stack) for v in node]
        return node


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _show(value: Any) -> str:
    return "none" if value is None else json.dumps(value, default=str)


class _Differ:
    def __init__(self, base: LoadedSpec, rev: LoadedSpec) -> None:
        self.base, self.rev = _Side(base), _Side(rev)
        self.found: dict[tuple[str, ...], Change] = {}

    # -- recording -------------------------------------------------------------------------
    def add(
        self,
        rule: str,
        operation: str,
        direction: Direction,
        where: str,
        detail: str,
        base_pointer: str | None,
        rev_pointer: str | None,
        effect: Effect = Effect.NONE,
        status: str | None = None,
        closed: bool = False,
    ) -> None:
        key = (rule, operation, direction, where, detail)
        change = self.found.get(key)
        if change is None:
            change = self.found[key] = Change(
                rule=rule,
                operation=operation,
                direction=direction,
                where=where,
                detail=detail,
                base_pointer=base_pointer,
                rev_pointer=rev_pointer,
                base_line=self.base.spec.line(base_pointer) if base_pointer is not None else None,
                rev_line=self.rev.spec.line(rev_pointer) if rev_pointer is not None else None,
                verdicts=classify(rule, direction, effect, where or operation, closed=closed),
            )
        if status is not None and status not in change.statuses:
            change.statuses.append(status)

    def schema_change(
        self,
        ctx: _Ctx,
        rule: str,
        where: str,
        detail: str,
        base_pointer: str,
        rev_pointer: str,
        effect: Effect,
        closed: bool = False,
    ) -> None:
        self.add(
            rule, ctx.operation, ctx.direction, where, detail, base_pointer, rev_pointer, effect, ctx.status, closed
        )

    def docs(self, operation: str, direction: Direction, where: str, base: Located, rev: Located) -> None:
        if not isinstance(base.node, dict) or not isinstance(rev.node, dict):
            return
        for key in sorted(_DOC_KEYS):
            if _canonical(base.node.get(key)) != _canonical(rev.node.get(key)):
                self.add(
                    "documentation-changed", operation, direction, where, f"{key} changed", base.at(key), rev.at(key)
                )

    # -- schemas ---------------------------------------------------------------------------
    def _split_null(self, side: _Side, schema: Located) -> tuple[Located, bool]:
        """(the schema without its null alternative, whether null is allowed)."""
        schema = side.deref(schema.node, schema.pointer)
        node = schema.node
        if not isinstance(node, dict):
            return schema, False
        kind = node.get("type")
        if isinstance(kind, list) and "null" in kind:
            rest = [t for t in kind if t != "null"]
            core = (
                {**node, "type": rest[0] if len(rest) == 1 else rest}
                if rest
                else {k: v for k, v in node.items() if k != "type"}
            )
            return Located(core, schema.pointer), True
        for key in ("oneOf", "anyOf"):
            branches = node.get(key)
            if not isinstance(branches, list):
                continue
            resolved = [side.deref(branch, f"{schema.pointer}/{key}/{i}") for i, branch in enumerate(branches)]
            nulls = {
                i
                for i, branch in enumerate(resolved)
                if isinstance(branch.node, dict)
                and branch.node.get("type") == "null"
                and not set(branch.node) - {"type"} - _DOC_KEYS
            }
            if not nulls:
                continue
            others = {k: v for k, v in node.items() if k != key}
            kept = [branch for i, branch in enumerate(resolved) if i not in nulls]
            if len(kept) == 1 and not set(others) - _DOC_KEYS:
                return kept[0], True
            without_null = {**others, key: [branches[i] for i in range(len(branches)) if i not in nulls]}
            return Located(without_null, schema.pointer), True
        return schema, False

    def schema(self, ctx: _Ctx, where: str, base: Located, rev: Located, stack: frozenset[tuple[str, str]]) -> None:
        base, base_null = self._split_null(self.base, base)
        rev, rev_null = self._split_null(self.rev, rev)
        if (base.pointer, rev.pointer) in stack:
            return
        stack = stack | {(base.pointer, rev.pointer)}
        if base_null != rev_null:
            self.schema_change(
                ctx,
                "nullable-added" if rev_null else "nullable-removed",
                where,
                "null allowed" if rev_null else "null no longer allowed",
                base.pointer,
                rev.pointer,
                Effect.WIDEN if rev_null else Effect.NARROW,
            )
        if not isinstance(base.node, dict) or not isinstance(rev.node, dict):
            if _canonical(base.node) != _canonical(rev.node):  # boolean schemas
                effect = Effect.WIDEN if rev.node is True or base.node is False else Effect.NARROW
                detail = f"schema {_show(base.node)} -> {_show(rev.node)}"
                self.schema_change(ctx, "schema-changed", where, detail, base.pointer, rev.pointer, effect)
            return
        for key in ("oneOf", "anyOf"):
            # One side a composition and the other not (e.g. a branch added to [X, null]): the other
            # side is its single branch, with the same annotations, so only the branches compare.
            if isinstance(rev.node.get(key), list) and key not in base.node:
                annotations = {k: v for k, v in rev.node.items() if k in _DOC_KEYS}
                base = Located({**annotations, key: [base.node]}, base.pointer)
            elif isinstance(base.node.get(key), list) and key not in rev.node:
                annotations = {k: v for k, v in base.node.items() if k in _DOC_KEYS}
                rev = Located({**annotations, key: [rev.node]}, rev.pointer)
        self._types(ctx, where, base, rev)
        self._enum(ctx, where, base, rev)
        self._constraints(ctx, where, base, rev)
        self._object(ctx, where, base, rev, stack)
        if "items" in base.node or "items" in rev.node:
            if isinstance(base.node.get("items"), dict) and isinstance(rev.node.get("items"), dict):
                self.schema(ctx, f"{where}[]", base.child("items"), rev.child("items"), stack)
            else:
                effect = Effect.NARROW if "items" in rev.node else Effect.WIDEN
                self.schema_change(
                    ctx, "schema-changed", f"{where}[]", "items constraint changed", base.pointer, rev.pointer, effect
                )
        for key in ("oneOf", "anyOf", "allOf"):
            self._branches(ctx, where, key, base, rev, stack)
        self._annotations(ctx, where, base, rev)
        for key in sorted((set(base.node) | set(rev.node)) - _HANDLED):
            if _canonical(base.node.get(key)) != _canonical(rev.node.get(key)) and not key.startswith("x-"):
                self.schema_change(
                    ctx, "schema-changed", where, f"{key} changed", base.pointer, rev.pointer, Effect.CHANGE
                )

    def _types(self, ctx: _Ctx, where: str, base: Located, rev: Located) -> None:
        def types(node: dict[str, Any]) -> frozenset[str] | None:
            kind = node.get("type")
            if kind is None:
                return None
            return frozenset([kind] if isinstance(kind, str) else kind)

        def covers(big: frozenset[str] | None, small: frozenset[str] | None) -> bool:
            if big is None:
                return True
            if small is None:
                return False
            return all(t in big or (t == "integer" and "number" in big) for t in small)

        base_types, rev_types = types(base.node), types(rev.node)
        if base_types == rev_types:
            return
        if covers(rev_types, base_types):
            effect = Effect.WIDEN
        else:
            effect = Effect.NARROW if covers(base_types, rev_types) else Effect.CHANGE

        def show(t: frozenset[str] | None) -> str:
            return "any" if t is None else "|".join(sorted(t))

        self.schema_change(
            ctx,
            "type-changed",
            where,
            f"type {show(base_types)} -> {show(rev_types)}",
            f"{base.pointer}/type" if base_types else base.pointer,
            f"{rev.pointer}/type" if rev_types else rev.pointer,
            effect,
        )

    def _enum(self, ctx: _Ctx, where: str, base: Located, rev: Located) -> None:
        def values(node: dict[str, Any]) -> list[Any] | None:
            if "enum" in node and isinstance(node["enum"], list):
                return list(node["enum"])
            return [node["const"]] if "const" in node else None

        base_values, rev_values = values(base.node), values(rev.node)
        base_at = f"{base.pointer}/{'enum' if 'enum' in base.node else 'const'}"
        rev_at = f"{rev.pointer}/{'enum' if 'enum' in rev.node else 'const'}"
        if base_values is None and rev_values is None:
            return
        if base_values is None:
            detail = f"restricted to {_show(rev_values)}"
            self.schema_change(ctx, "enum-added", where, detail, base.pointer, rev_at, Effect.NARROW)
            return
        if rev_values is None:
            detail = "no longer restricted to a list"
            self.schema_change(ctx, "enum-removed", where, detail, base_at, rev.pointer, Effect.WIDEN)
            return
        base_keys = {_canonical(v): v for v in base_values}
        rev_keys = {_canonical(v): v for v in rev_values}
        for key in sorted(rev_keys.keys() - base_keys.keys()):
            detail = f"{_show(rev_keys[key])} added"
            self.schema_change(ctx, "enum-value-added", where, detail, base_at, rev_at, Effect.WIDEN)
        for key in sorted(base_keys.keys() - rev_keys.keys()):
            detail = f"{_show(base_keys[key])} removed"
            self.schema_change(ctx, "enum-value-removed", where, detail, base_at, rev_at, Effect.NARROW)

    def _constraints(self, ctx: _Ctx, where: str, base: Located, rev: Located) -> None:
        for keys, lower_bound in ((_MIN_KEYS, True), (_MAX_KEYS, False)):
            for key in keys:
                old, new = base.node.get(key), rev.node.get(key)
                if old == new:
                    continue
                tighter = new is not None and old is not None and (new > old if lower_bound else new < old)
                narrow = old is None or tighter
                self.schema_change(
                    ctx,
                    "bound-changed",
                    where,
                    f"{key} {_show(old)} -> {_show(new)}",
                    base.at(key),
                    rev.at(key),
                    Effect.NARROW if narrow else Effect.WIDEN,
                )
        for key, rule in (
            ("format", "format-changed"),
            ("pattern", "pattern-changed"),
            ("multipleOf", "constraint-changed"),
        ):
            old, new = base.node.get(key), rev.node.get(key)
            if old == new:
                continue
            effect = Effect.NARROW if old is None else Effect.WIDEN if new is None else Effect.CHANGE
            detail = f"{key} {_show(old)} -> {_show(new)}"
            self.schema_change(ctx, rule, where, detail, base.at(key), rev.at(key), effect)
        if bool(base.node.get("uniqueItems")) != bool(rev.node.get("uniqueItems")):
            effect = Effect.NARROW if rev.node.get("uniqueItems") else Effect.WIDEN
            self.schema_change(
                ctx,
                "constraint-changed",
                where,
                f"uniqueItems -> {bool(rev.node.get('uniqueItems'))}",
                base.at("uniqueItems"),
                rev.at("uniqueItems"),
                effect,
            )
        old_not, new_not = base.node.get("not"), rev.node.get("not")
        if _canonical(self.base.inline(old_not)) != _canonical(self.rev.inline(new_not)):
            effect = Effect.CHANGE
            if old_not is None:
                effect = Effect.NARROW
            elif new_not is None:
                effect = Effect.WIDEN
            elif isinstance(old_not, dict) and isinstance(new_not, dict) and set(old_not) == set(new_not) == {"enum"}:
                old, new = {_canonical(v) for v in old_not["enum"]}, {_canonical(v) for v in new_not["enum"]}
                effect = Effect.NARROW if new > old else Effect.WIDEN if new < old else Effect.CHANGE
            self.schema_change(
                ctx,
                "constraint-changed",
                where,
                f"not {_show(old_not)} -> {_show(new_not)}",
                base.at("not"),
                rev.at("not"),
                effect,
            )

    def _object(self, ctx: _Ctx, where: str, base: Located, rev: Located, stack: frozenset[tuple[str, str]]) -> None:
        base_required, rev_required = set(base.node.get("required") or []), set(rev.node.get("required") or [])
        for name in sorted(rev_required - base_required):
            self.schema_change(
                ctx,
                "required-added",
                _join(where, name),
                "now required",
                base.at("required"),
                f"{rev.pointer}/required",
                Effect.NARROW,
            )
        for name in sorted(base_required - rev_required):
            self.schema_change(
                ctx,
                "required-removed",
                _join(where, name),
                "no longer required",
                f"{base.pointer}/required",
                rev.at("required"),
                Effect.WIDEN,
            )
        base_properties, rev_properties = base.node.get("properties") or {}, rev.node.get("properties") or {}
        base_closed = base.node.get("additionalProperties") is False
        rev_closed = rev.node.get("additionalProperties") is False
        for name in sorted(rev_properties.keys() - base_properties.keys()):
            self.schema_change(
                ctx,
                "property-added",
                _join(where, name),
                "property added",
                base.pointer,
                f"{rev.pointer}/properties/{_escape(name)}",
                Effect.NONE,
                closed=base_closed,
            )
        for name in sorted(base_properties.keys() - rev_properties.keys()):
            self.schema_change(
                ctx,
                "property-removed",
                _join(where, name),
                "property removed",
                f"{base.pointer}/properties/{_escape(name)}",
                rev.pointer,
                Effect.NONE,
                closed=rev_closed,
            )
        for name in sorted(base_properties.keys() & rev_properties.keys()):
            base_property = base.child("properties").child(name)
            rev_property = rev.child("properties").child(name)
            self.schema(ctx, _join(where, name), base_property, rev_property, stack)
        base_extra = base.node.get("additionalProperties", True)
        rev_extra = rev.node.get("additionalProperties", True)
        if isinstance(base_extra, dict) and isinstance(rev_extra, dict):
            extra = "additionalProperties"
            self.schema(ctx, _join(where, "*"), base.child(extra), rev.child(extra), stack)
        elif _canonical(base_extra) != _canonical(rev_extra):
            if rev_extra is True or base_extra is False:
                effect = Effect.WIDEN
                detail = "unknown members now allowed" if rev_extra is True else "additional members allowed"
            else:
                effect = Effect.NARROW
                detail = "unknown members no longer allowed" if rev_extra is False else "additional members constrained"
            self.schema_change(
                ctx,
                "additional-properties-changed",
                where,
                detail,
                base.at("additionalProperties"),
                rev.at("additionalProperties"),
                effect,
            )

    def _branches(
        self, ctx: _Ctx, where: str, key: str, base: Located, rev: Located, stack: frozenset[tuple[str, str]]
    ) -> None:
        base_branches, rev_branches = base.node.get(key), rev.node.get(key)
        if base_branches is None and rev_branches is None:
            return
        if not isinstance(base_branches, list) or not isinstance(rev_branches, list):
            adds = Effect.NARROW if key == "allOf" else Effect.CHANGE
            self.schema_change(
                ctx,
                "composition-changed",
                where,
                f"{key} {'added' if rev_branches else 'removed'}",
                base.pointer,
                rev.pointer,
                adds if rev_branches else Effect.CHANGE,
            )
            return
        base_canonical = [_canonical(self.base.inline(branch)) for branch in base_branches]
        rev_canonical = [_canonical(self.rev.inline(branch)) for branch in rev_branches]
        if sorted(base_canonical) == sorted(rev_canonical):
            return  # same branches, maybe reordered
        if len(base_branches) == len(rev_branches):
            for i, (base_branch, rev_branch) in enumerate(zip(base_branches, rev_branches, strict=True)):
                self.schema(
                    ctx,
                    where,
                    Located(base_branch, f"{base.pointer}/{key}/{i}"),
                    Located(rev_branch, f"{rev.pointer}/{key}/{i}"),
                    stack,
                )
            return
        added = [i for i, branch in enumerate(rev_canonical) if branch not in base_canonical]
        removed = [i for i, branch in enumerate(base_canonical) if branch not in rev_canonical]
        grow = Effect.NARROW if key == "allOf" else Effect.WIDEN
        shrink = Effect.WIDEN if key == "allOf" else Effect.NARROW
        for i in added:
            self.schema_change(
                ctx,
                "branch-added",
                where,
                f"{key} branch {_show(self.rev.inline(rev_branches[i]))} added",
                base.pointer,
                f"{rev.pointer}/{key}/{i}",
                grow,
            )
        for i in removed:
            self.schema_change(
                ctx,
                "branch-removed",
                where,
                f"{key} branch {_show(self.base.inline(base_branches[i]))} removed",
                f"{base.pointer}/{key}/{i}",
                rev.pointer,
                shrink,
            )

    def _annotations(self, ctx: _Ctx, where: str, base: Located, rev: Located) -> None:
        old, new = base.node, rev.node
        if _canonical(old.get("default")) != _canonical(new.get("default")) or ("default" in old) != ("default" in new):
            self.schema_change(
                ctx,
                f"default-changed-{ctx.direction}",
                where,
                f"default {_show(old.get('default'))} -> {_show(new.get('default'))}",
                base.pointer,
                rev.pointer,
                Effect.NONE,
            )
        for key, direction in (("readOnly", "request"), ("writeOnly", "response")):
            if bool(old.get(key)) != bool(new.get(key)) and ctx.direction == direction:
                self.schema_change(
                    ctx,
                    "read-only-changed" if key == "readOnly" else "write-only-changed",
                    where,
                    f"{key} -> {bool(new.get(key))}",
                    base.pointer,
                    rev.pointer,
                    Effect.CHANGE,
                )
        if old.get("title") != new.get("title"):
            self.schema_change(
                ctx,
                "title-changed",
                where,
                f"title {_show(old.get('title'))} -> {_show(new.get('title'))}",
                base.pointer,
                rev.pointer,
                Effect.NONE,
            )
        self.docs(ctx.operation, ctx.direction, where, base, rev)

    # -- operations ------------------------------------------------------------------------
    @staticmethod
    def _operations(side: _Side) -> dict[tuple[str, str], _Operation]:
        found: dict[tuple[str, str], _Operation] = {}
        for path, item in (side.document.get("paths") or {}).items():
            item = side.deref(item, "").node
            for method in _METHODS:
                if isinstance(item, dict) and isinstance(item.get(method), dict):
                    key = (method.upper(), re.sub(r"\{[^}]+\}", "{}", path))
                    found[key] = _Operation(path, method, item[method], item)
        return found

    def operations(self) -> None:
        base, rev = self._operations(self.base), self._operations(self.rev)
        pairs = [(key, key) for key in base.keys() & rev.keys()]
        only_base, only_rev = sorted(base.keys() - rev.keys()), sorted(rev.keys() - base.keys())
        by_id = {rev[k].definition.get("operationId"): k for k in only_rev}
        for key in list(only_base):
            match = by_id.get(base[key].definition.get("operationId"))
            if match is not None and match in only_rev:
                pairs.append((key, match))
                only_base.remove(key)
                only_rev.remove(match)
                base_path, rev_path = base[key].path, rev[match].path
                renamed = str(rev[match].definition.get("operationId"))
                self.add(
                    "path-renamed",
                    renamed,
                    "request",
                    "path",
                    f"{key[0]} {base_path} -> {match[0]} {rev_path}",
                    f"/paths/{_escape(base_path)}",
                    f"/paths/{_escape(rev_path)}",
                )
        for key in only_base:
            removed = base[key]
            self.add(
                "operation-removed",
                str(removed.definition.get("operationId", f"{key[0]} {removed.path}")),
                "request",
                "operation",
                f"{key[0]} {removed.path} removed",
                removed.pointer,
                None,
            )
        for key in only_rev:
            added = rev[key]
            self.add(
                "operation-added",
                str(added.definition.get("operationId", f"{key[0]} {added.path}")),
                "request",
                "operation",
                f"{key[0]} {added.path} added",
                None,
                added.pointer,
            )
        for base_key, rev_key in sorted(pairs):
            self.operation(base[base_key], rev[rev_key])

    def operation(self, base: _Operation, rev: _Operation) -> None:
        old, new = base.definition, rev.definition
        name = str(new.get("operationId") or old.get("operationId") or f"{rev.method.upper()} {rev.path}")
        if old.get("operationId") != new.get("operationId"):
            self.add(
                "operation-id-changed",
                name,
                "request",
                "operationId",
                f"{_show(old.get('operationId'))} -> {_show(new.get('operationId'))}",
                f"{base.pointer}/operationId",
                f"{rev.pointer}/operationId",
            )
        if (old.get("tags") or []) != (new.get("tags") or []):
            self.add(
                "tags-changed",
                name,
                "request",
                "tags",
                f"{_show(old.get('tags'))} -> {_show(new.get('tags'))}",
                f"{base.pointer}/tags",
                f"{rev.pointer}/tags",
            )
        self.docs(name, "request", "operation", base.located, rev.located)
        self._security(name, base, rev)
        self._parameters(name, base, rev)
        self._request_body(name, base, rev)
        self._responses(name, base, rev)

    def _security(self, name: str, base: _Operation, rev: _Operation) -> None:
        def scopes(side: _Side, op: dict[str, Any]) -> tuple[bool, set[str]]:
            requirements = op.get("security", side.document.get("security")) or []
            found = {scope for requirement in requirements for names in requirement.values() for scope in names}
            return any(requirement for requirement in requirements), found

        base_auth, base_scopes = scopes(self.base, base.definition)
        rev_auth, rev_scopes = scopes(self.rev, rev.definition)
        base_at = f"{base.pointer}/security" if "security" in base.definition else "/security"
        rev_at = f"{rev.pointer}/security" if "security" in rev.definition else "/security"
        if base_auth != rev_auth:
            rule = "security-requirement-added" if rev_auth else "security-requirement-removed"
            self.add(
                rule,
                name,
                "security",
                "security",
                "authentication required" if rev_auth else "authentication no longer required",
                base_at,
                rev_at,
            )
        base_alternatives = self._alternatives(self.base, base.definition)
        rev_alternatives = self._alternatives(self.rev, rev.definition)
        if base_auth and rev_auth:
            # A client holding the schemes of S satisfies a requirement T when T is a subset of S.
            for alternative in sorted(rev_alternatives - base_alternatives, key=sorted):
                covered = any(old <= alternative for old in base_alternatives)
                self.add(
                    "security-alternative-covered" if covered else "security-alternative-added",
                    name,
                    "security",
                    "security",
                    f"{_show(sorted(alternative))} added",
                    base_at,
                    rev_at,
                )
            for alternative in sorted(base_alternatives - rev_alternatives, key=sorted):
                covered = any(new <= alternative for new in rev_alternatives)
                self.add(
                    "security-alternative-covered" if covered else "security-alternative-removed",
                    name,
                    "security",
                    "security",
                    f"{_show(sorted(alternative))} removed",
                    base_at,
                    rev_at,
                )
        for scope in sorted(rev_scopes - base_scopes):
            self.add("scope-required-added", name, "security", "scopes", f"{scope} required", base_at, rev_at)
        for scope in sorted(base_scopes - rev_scopes):
            self.add(
                "scope-required-removed", name, "security", "scopes", f"{scope} no longer required", base_at, rev_at
            )

    @staticmethod
    def _alternatives(side: _Side, op: dict[str, Any]) -> set[frozenset[str]]:
        """The ways to authenticate: each security requirement as the set of scheme names it combines."""
        requirements = op.get("security", side.document.get("security")) or []
        return {frozenset(requirement) for requirement in requirements if requirement}

    def _params(self, side: _Side, operation: _Operation) -> dict[tuple[str, str], Located]:
        found: dict[tuple[str, str], Located] = {}
        item_pointer = operation.pointer.rsplit("/", 1)[0]
        for owner, pointer in ((operation.item, item_pointer), (operation.definition, operation.pointer)):
            for index, raw in enumerate(owner.get("parameters") or []):
                param = side.deref(raw, f"{pointer}/parameters/{index}")
                found[(str(param.node.get("in")), str(param.node.get("name")))] = param
        return found

    def _parameters(self, name: str, base: _Operation, rev: _Operation) -> None:
        base_params, rev_params = self._params(self.base, base), self._params(self.rev, rev)
        pairs: list[tuple[tuple[str, str], tuple[str, str]]] = []
        base_names, rev_names = re.findall(r"\{([^}]+)\}", base.path), re.findall(r"\{([^}]+)\}", rev.path)
        if len(base_names) == len(rev_names):
            for old, new in zip(base_names, rev_names, strict=True):
                if old != new and ("path", old) in base_params and ("path", new) in rev_params:
                    self.add(
                        "path-parameter-renamed",
                        name,
                        "request",
                        f"path parameter {old}",
                        f"renamed to {new}",
                        base_params[("path", old)].pointer,
                        rev_params[("path", new)].pointer,
                    )
                    pairs.append((("path", old), ("path", new)))
        renamed_base, renamed_rev = {pair[0] for pair in pairs}, {pair[1] for pair in pairs}
        for key in sorted(rev_params.keys() - base_params.keys() - renamed_rev):
            param = rev_params[key]
            rule = "parameter-added-required" if param.node.get("required") else "parameter-added-optional"
            self.add(rule, name, "request", f"{key[0]} parameter {key[1]}", "added", None, param.pointer)
        for key in sorted(base_params.keys() - rev_params.keys() - renamed_base):
            label = f"{key[0]} parameter {key[1]}"
            self.add("parameter-removed", name, "request", label, "removed", base_params[key].pointer, None)
        pairs += [(key, key) for key in sorted(base_params.keys() & rev_params.keys())]
        ctx = _Ctx(name, "request")
        for base_key, rev_key in pairs:
            base_param, rev_param = base_params[base_key], rev_params[rev_key]
            label = f"{rev_key[0]} parameter {rev_key[1]}"
            if bool(base_param.node.get("required")) != bool(rev_param.node.get("required")):
                effect = Effect.NARROW if rev_param.node.get("required") else Effect.WIDEN
                self.add(
                    "parameter-required-changed",
                    name,
                    "request",
                    label,
                    "now required" if rev_param.node.get("required") else "now optional",
                    f"{base_param.pointer}/required",
                    f"{rev_param.pointer}/required",
                    effect,
                )
            self.docs(name, "request", label, base_param, rev_param)
            if "schema" in base_param.node or "schema" in rev_param.node:
                self.schema(ctx, label, base_param.child("schema"), rev_param.child("schema"), frozenset())

    def _request_body(self, name: str, base: _Operation, rev: _Operation) -> None:
        base_body = self.base.deref(base.definition.get("requestBody") or {}, f"{base.pointer}/requestBody")
        rev_body = self.rev.deref(rev.definition.get("requestBody") or {}, f"{rev.pointer}/requestBody")
        if bool(base_body.node.get("required")) != bool(rev_body.node.get("required")):
            effect = Effect.NARROW if rev_body.node.get("required") else Effect.WIDEN
            self.add(
                "request-body-required-changed",
                name,
                "request",
                "(body)",
                "body now required" if rev_body.node.get("required") else "body now optional",
                base_body.pointer,
                rev_body.pointer,
                effect,
            )
        self.docs(name, "request", "(body)", base_body, rev_body)
        self._content(_Ctx(name, "request"), "(body)", base_body, rev_body)

    def _content(self, ctx: _Ctx, where: str, base: Located, rev: Located) -> None:
        base_content, rev_content = base.node.get("content") or {}, rev.node.get("content") or {}
        for media in sorted(rev_content.keys() - base_content.keys()):
            self.schema_change(
                ctx,
                "content-type-added",
                where,
                f"content type {media} added",
                base.pointer,
                f"{rev.pointer}/content/{_escape(media)}",
                Effect.WIDEN,
            )
        for media in sorted(base_content.keys() - rev_content.keys()):
            self.schema_change(
                ctx,
                "content-type-removed",
                where,
                f"content type {media} removed",
                f"{base.pointer}/content/{_escape(media)}",
                rev.pointer,
                Effect.NARROW,
            )
        for media in sorted(base_content.keys() & rev_content.keys()):
            base_media = Located(base_content[media] or {}, f"{base.pointer}/content/{_escape(media)}")
            rev_media = Located(rev_content[media] or {}, f"{rev.pointer}/content/{_escape(media)}")
            self.docs(ctx.operation, ctx.direction, where, base_media, rev_media)
            if "schema" in base_media.node or "schema" in rev_media.node:
                self.schema(ctx, where, base_media.child("schema"), rev_media.child("schema"), frozenset())

    def _responses(self, name: str, base: _Operation, rev: _Operation) -> None:
        base_responses = base.definition.get("responses") or {}
        rev_responses = rev.definition.get("responses") or {}
        for code in sorted(rev_responses.keys() - base_responses.keys(), key=str):
            rule = "status-added-success" if str(code).startswith("2") else "status-added-error"
            rev_at = f"{rev.pointer}/responses/{_escape(str(code))}"
            self.add(rule, name, "response", f"status {code}", "documented", None, rev_at)
        for code in sorted(base_responses.keys() - rev_responses.keys(), key=str):
            self.add(
                "status-removed",
                name,
                "response",
                f"status {code}",
                "no longer documented",
                f"{base.pointer}/responses/{_escape(str(code))}",
                None,
            )
        for code in sorted(base_responses.keys() & rev_responses.keys(), key=str):
            base_response = self.base.deref(base_responses[code], f"{base.pointer}/responses/{_escape(str(code))}")
            rev_response = self.rev.deref(rev_responses[code], f"{rev.pointer}/responses/{_escape(str(code))}")
            ctx = _Ctx(name, "response", str(code))
            self.docs(name, "response", f"status {code}", base_response, rev_response)
            self._content(ctx, "(body)", base_response, rev_response)
            base_headers = base_response.node.get("headers") or {}
            rev_headers = rev_response.node.get("headers") or {}
            for header in sorted(rev_headers.keys() - base_headers.keys()):
                added = self.rev.deref(rev_headers[header], f"{rev_response.pointer}/headers/{_escape(header)}")
                rule = "response-header-added-required" if added.node.get("required") else "response-header-added"
                self.add(
                    rule,
                    name,
                    "response",
                    f"header {header}",
                    "added",
                    base_response.pointer,
                    added.pointer,
                    status=str(code),
                )
            for header in sorted(base_headers.keys() - rev_headers.keys()):
                self.add(
                    "response-header-removed",
                    name,
                    "response",
                    f"header {header}",
                    "removed",
                    f"{base_response.pointer}/headers/{_escape(header)}",
                    rev_response.pointer,
                    status=str(code),
                )
            for header in sorted(base_headers.keys() & rev_headers.keys()):
                base_header = self.base.deref(
                    base_headers[header], f"{base_response.pointer}/headers/{_escape(header)}"
                )
                rev_header = self.rev.deref(rev_headers[header], f"{rev_response.pointer}/headers/{_escape(header)}")
                self.docs(name, "response", f"header {header}", base_header, rev_header)
                where = f"header {header}"
                self.schema(ctx, where, base_header.child("schema"), rev_header.child("schema"), frozenset())

    # -- document level --------------------------------------------------------------------
    def document(self) -> None:
        base_document, rev_document = self.base.document, self.rev.document
        base_info = Located(base_document.get("info") or {}, "/info")
        rev_info = Located(rev_document.get("info") or {}, "/info")
        for key in sorted((base_info.node.keys() | rev_info.node.keys()) - {"version"}):
            if _canonical(base_info.node.get(key)) != _canonical(rev_info.node.get(key)):
                self.add(
                    "info-changed", DOCUMENT, "document", f"info.{key}", "changed", base_info.at(key), rev_info.at(key)
                )
        base_servers = {server.get("url"): i for i, server in enumerate(base_document.get("servers") or [])}
        rev_servers = {server.get("url"): i for i, server in enumerate(rev_document.get("servers") or [])}
        for url in sorted(rev_servers.keys() - base_servers.keys(), key=str):
            self.add(
                "server-added",
                DOCUMENT,
                "document",
                "servers",
                f"{url} added",
                "/servers" if base_servers else None,
                f"/servers/{rev_servers[url]}",
            )
        for url in sorted(base_servers.keys() - rev_servers.keys(), key=str):
            self.add(
                "server-removed",
                DOCUMENT,
                "document",
                "servers",
                f"{url} removed",
                f"/servers/{base_servers[url]}",
                "/servers" if rev_servers else None,
            )
        for url in sorted(base_servers.keys() & rev_servers.keys(), key=str):
            base_server = Located(base_document["servers"][base_servers[url]], f"/servers/{base_servers[url]}")
            rev_server = Located(rev_document["servers"][rev_servers[url]], f"/servers/{rev_servers[url]}")
            self.docs(DOCUMENT, "document", f"server {url}", base_server, rev_server)
        self._schemes()

    def _schemes(self) -> None:
        base_schemes = (self.base.document.get("components") or {}).get("securitySchemes") or {}
        rev_schemes = (self.rev.document.get("components") or {}).get("securitySchemes") or {}
        at = "/components/securitySchemes"
        for name in sorted(rev_schemes.keys() - base_schemes.keys()):
            self.add(
                "security-scheme-added", DOCUMENT, "security", f"scheme {name}", "added", None, f"{at}/{_escape(name)}"
            )
        for name in sorted(base_schemes.keys() - rev_schemes.keys()):
            self.add(
                "security-scheme-removed",
                DOCUMENT,
                "security",
                f"scheme {name}",
                "removed",
                f"{at}/{_escape(name)}",
                None,
            )
        for name in sorted(base_schemes.keys() & rev_schemes.keys()):
            base_scheme = self.base.deref(base_schemes[name], f"{at}/{_escape(name)}")
            rev_scheme = self.rev.deref(rev_schemes[name], f"{at}/{_escape(name)}")
            where = f"scheme {name}"
            self.docs(DOCUMENT, "security", where, base_scheme, rev_scheme)
            for key in ("type", "scheme", "in", "name", "bearerFormat", "openIdConnectUrl"):
                if base_scheme.node.get(key) != rev_scheme.node.get(key):
                    self.add(
                        "security-scheme-changed",
                        DOCUMENT,
                        "security",
                        where,
                        f"{key} {_show(base_scheme.node.get(key))} -> {_show(rev_scheme.node.get(key))}",
                        f"{base_scheme.pointer}/{key}",
                        f"{rev_scheme.pointer}/{key}",
                    )
            base_flows, rev_flows = base_scheme.node.get("flows") or {}, rev_scheme.node.get("flows") or {}
            for flow in sorted(base_flows.keys() ^ rev_flows.keys()):
                self.add(
                    "security-scheme-changed",
                    DOCUMENT,
                    "security",
                    where,
                    f"flow {flow} {'added' if flow in rev_flows else 'removed'}",
                    f"{base_scheme.pointer}/flows",
                    f"{rev_scheme.pointer}/flows",
                )
            for flow in sorted(base_flows.keys() & rev_flows.keys()):
                base_flow = Located(base_flows[flow] or {}, f"{base_scheme.pointer}/flows/{flow}")
                rev_flow = Located(rev_flows[flow] or {}, f"{rev_scheme.pointer}/flows/{flow}")
                for key in ("tokenUrl", "authorizationUrl", "refreshUrl"):
                    if base_flow.node.get(key) != rev_flow.node.get(key):
                        self.add(
                            "token-url-changed",
                            DOCUMENT,
                            "security",
                            f"{where} {flow}.{key}",
                            f"{_show(base_flow.node.get(key))} -> {_show(rev_flow.node.get(key))}",
                            f"{base_flow.pointer}/{key}",
                            f"{rev_flow.pointer}/{key}",
                        )
                base_scopes, rev_scopes = base_flow.node.get("scopes") or {}, rev_flow.node.get("scopes") or {}
                for scope in sorted(rev_scopes.keys() - base_scopes.keys()):
                    self.add(
                        "scope-declared-added",
                        DOCUMENT,
                        "security",
                        f"{where} scopes",
                        f"{scope} declared",
                        f"{base_flow.pointer}/scopes",
                        f"{rev_flow.pointer}/scopes/{_escape(scope)}",
                    )
                for scope in sorted(base_scopes.keys() - rev_scopes.keys()):
                    self.add(
                        "scope-declared-removed",
                        DOCUMENT,
                        "security",
                        f"{where} scopes",
                        f"{scope} no longer declared",
                        f"{base_flow.pointer}/scopes/{_escape(scope)}",
                        f"{rev_flow.pointer}/scopes",
                    )


def diff(base: LoadedSpec, rev: LoadedSpec) -> list[Change]:
    """Every change from BASE to REVISION, in a stable order (document first, then by operation)."""
    differ = _Differ(base, rev)
    differ.document()
    differ.operations()
    order = {"document": 0, "security": 1, "request": 2, "response": 3}
    return sorted(
        differ.found.values(),
        key=lambda c: (c.operation != DOCUMENT, c.operation, order.get(c.direction, 9), c.where, c.rule, c.detail),
    )
