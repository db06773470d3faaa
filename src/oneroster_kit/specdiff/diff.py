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
from typing import Any, Literal

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


@dataclass(frozen=True)
class _Ctx:
    operation: str
    direction: Literal["request", "response"]
    status: str | None = None


class _Side:
    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.document = spec.document
        self.components: dict[str, Any] = spec.document.get("components") or {}

    def deref(self, node: Any, where: str) -> tuple[Any, str]:
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
            where = ref[1:]
            if ref.startswith("#/components/"):
                node = resolve(self.components, {"$ref": ref})
                break
            node = self.document
            for token in ref[2:].split("/") if ref != "#" else []:
                node = node[_unescape(token)] if isinstance(node, dict) else node[int(token)]
        if siblings and isinstance(node, dict):
            node = {**node, **siblings}
        return node, where

    def inline(self, node: Any, stack: frozenset[str] = frozenset()) -> Any:
        """`node` with every `$ref` replaced by its target (a recursive one is kept): for comparing branches."""
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref not in stack:
                target, _ = self.deref({"$ref": ref}, "")
                return self.inline(target, stack | {ref})
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
        bptr: str | None,
        rptr: str | None,
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
                base_pointer=bptr,
                rev_pointer=rptr,
                base_line=self.base.spec.line(bptr) if bptr is not None else None,
                rev_line=self.rev.spec.line(rptr) if rptr is not None else None,
                verdicts=classify(rule, direction, effect, where or operation, closed=closed),
            )
        if status is not None and status not in change.statuses:
            change.statuses.append(status)

    def schema_change(
        self, ctx: _Ctx, rule: str, where: str, detail: str, bptr: str, rptr: str, effect: Effect, closed: bool = False
    ) -> None:
        self.add(rule, ctx.operation, ctx.direction, where, detail, bptr, rptr, effect, ctx.status, closed)

    def docs(self, ctx_op: str, direction: Direction, where: str, b: Any, r: Any, bptr: str, rptr: str) -> None:
        if not isinstance(b, dict) or not isinstance(r, dict):
            return
        for key in sorted(_DOC_KEYS):
            if _canonical(b.get(key)) != _canonical(r.get(key)):
                self.add(
                    "documentation-changed",
                    ctx_op,
                    direction,
                    where,
                    f"{key} changed",
                    f"{bptr}/{key}" if key in b else bptr,
                    f"{rptr}/{key}" if key in r else rptr,
                )

    # -- schemas ---------------------------------------------------------------------------
    def _split_null(self, side: _Side, node: Any, where: str) -> tuple[Any, str, bool]:
        """(the schema without its null alternative, its pointer, whether null is allowed)."""
        node, where = side.deref(node, where)
        if not isinstance(node, dict):
            return node, where, False
        kind = node.get("type")
        if isinstance(kind, list) and "null" in kind:
            rest = [t for t in kind if t != "null"]
            core = (
                {**node, "type": rest[0] if len(rest) == 1 else rest}
                if rest
                else {k: v for k, v in node.items() if k != "type"}
            )
            return core, where, True
        for key in ("oneOf", "anyOf"):
            branches = node.get(key)
            if not isinstance(branches, list):
                continue
            resolved = [side.deref(b, f"{where}/{key}/{i}") for i, b in enumerate(branches)]
            nulls = {
                i
                for i, (b, _) in enumerate(resolved)
                if isinstance(b, dict) and b.get("type") == "null" and not set(b) - {"type"} - _DOC_KEYS
            }
            if not nulls:
                continue
            others = {k: v for k, v in node.items() if k != key}
            kept = [(b, p) for i, (b, p) in enumerate(resolved) if i not in nulls]
            if len(kept) == 1 and not set(others) - _DOC_KEYS:
                return kept[0][0], kept[0][1], True
            return {**others, key: [branches[i] for i in range(len(branches)) if i not in nulls]}, where, True
        return node, where, False

    def schema(
        self, ctx: _Ctx, where: str, b: Any, bptr: str, r: Any, rptr: str, stack: frozenset[tuple[str, str]]
    ) -> None:
        b, bptr, b_null = self._split_null(self.base, b, bptr)
        r, rptr, r_null = self._split_null(self.rev, r, rptr)
        if (bptr, rptr) in stack:
            return
        stack = stack | {(bptr, rptr)}
        if b_null != r_null:
            self.schema_change(
                ctx,
                "nullable-added" if r_null else "nullable-removed",
                where,
                "null allowed" if r_null else "null no longer allowed",
                bptr,
                rptr,
                Effect.WIDEN if r_null else Effect.NARROW,
            )
        if not isinstance(b, dict) or not isinstance(r, dict):
            if _canonical(b) != _canonical(r):  # boolean schemas
                effect = Effect.WIDEN if r is True or b is False else Effect.NARROW
                self.schema_change(ctx, "schema-changed", where, f"schema {_show(b)} -> {_show(r)}", bptr, rptr, effect)
            return
        for key in ("oneOf", "anyOf"):
            # One side a composition and the other not (e.g. a branch added to [X, null]): the other
            # side is its single branch, with the same annotations, so only the branches compare.
            if isinstance(r.get(key), list) and key not in b:
                b = {**{k: v for k, v in r.items() if k in _DOC_KEYS}, key: [b]}
            elif isinstance(b.get(key), list) and key not in r:
                r = {**{k: v for k, v in b.items() if k in _DOC_KEYS}, key: [r]}
        self._types(ctx, where, b, bptr, r, rptr)
        self._enum(ctx, where, b, bptr, r, rptr)
        self._constraints(ctx, where, b, bptr, r, rptr)
        self._object(ctx, where, b, bptr, r, rptr, stack)
        if "items" in b or "items" in r:
            if isinstance(b.get("items"), dict) and isinstance(r.get("items"), dict):
                self.schema(ctx, f"{where}[]", b["items"], f"{bptr}/items", r["items"], f"{rptr}/items", stack)
            else:
                effect = Effect.NARROW if "items" in r else Effect.WIDEN
                self.schema_change(ctx, "schema-changed", f"{where}[]", "items constraint changed", bptr, rptr, effect)
        for key in ("oneOf", "anyOf", "allOf"):
            self._branches(ctx, where, key, b, bptr, r, rptr, stack)
        self._annotations(ctx, where, b, bptr, r, rptr)
        for key in sorted((set(b) | set(r)) - _HANDLED):
            if _canonical(b.get(key)) != _canonical(r.get(key)) and not key.startswith("x-"):
                self.schema_change(ctx, "schema-changed", where, f"{key} changed", bptr, rptr, Effect.CHANGE)

    def _types(self, ctx: _Ctx, where: str, b: dict[str, Any], bptr: str, r: dict[str, Any], rptr: str) -> None:
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

        bt, rt = types(b), types(r)
        if bt == rt:
            return
        effect = Effect.WIDEN if covers(rt, bt) else Effect.NARROW if covers(bt, rt) else Effect.CHANGE

        def show(t: frozenset[str] | None) -> str:
            return "any" if t is None else "|".join(sorted(t))

        self.schema_change(
            ctx,
            "type-changed",
            where,
            f"type {show(bt)} -> {show(rt)}",
            f"{bptr}/type" if bt else bptr,
            f"{rptr}/type" if rt else rptr,
            effect,
        )

    def _enum(self, ctx: _Ctx, where: str, b: dict[str, Any], bptr: str, r: dict[str, Any], rptr: str) -> None:
        def values(node: dict[str, Any]) -> list[Any] | None:
            if "enum" in node and isinstance(node["enum"], list):
                return list(node["enum"])
            return [node["const"]] if "const" in node else None

        bv, rv = values(b), values(r)
        bp, rp = f"{bptr}/{'enum' if 'enum' in b else 'const'}", f"{rptr}/{'enum' if 'enum' in r else 'const'}"
        if bv is None and rv is None:
            return
        if bv is None:
            self.schema_change(ctx, "enum-added", where, f"restricted to {_show(rv)}", bptr, rp, Effect.NARROW)
            return
        if rv is None:
            self.schema_change(ctx, "enum-removed", where, "no longer restricted to a list", bp, rptr, Effect.WIDEN)
            return
        bkeys, rkeys = {_canonical(v): v for v in bv}, {_canonical(v): v for v in rv}
        for key in sorted(rkeys.keys() - bkeys.keys()):
            self.schema_change(ctx, "enum-value-added", where, f"{_show(rkeys[key])} added", bp, rp, Effect.WIDEN)
        for key in sorted(bkeys.keys() - rkeys.keys()):
            self.schema_change(ctx, "enum-value-removed", where, f"{_show(bkeys[key])} removed", bp, rp, Effect.NARROW)

    def _constraints(self, ctx: _Ctx, where: str, b: dict[str, Any], bptr: str, r: dict[str, Any], rptr: str) -> None:
        def at(node: dict[str, Any], base: str, key: str) -> str:
            return f"{base}/{key}" if key in node else base

        for keys, lower_bound in ((_MIN_KEYS, True), (_MAX_KEYS, False)):
            for key in keys:
                old, new = b.get(key), r.get(key)
                if old == new:
                    continue
                tighter = new is not None and old is not None and (new > old if lower_bound else new < old)
                narrow = old is None or tighter
                self.schema_change(
                    ctx,
                    "bound-changed",
                    where,
                    f"{key} {_show(old)} -> {_show(new)}",
                    at(b, bptr, key),
                    at(r, rptr, key),
                    Effect.NARROW if narrow else Effect.WIDEN,
                )
        for key, rule in (
            ("format", "format-changed"),
            ("pattern", "pattern-changed"),
            ("multipleOf", "constraint-changed"),
        ):
            old, new = b.get(key), r.get(key)
            if old == new:
                continue
            effect = Effect.NARROW if old is None else Effect.WIDEN if new is None else Effect.CHANGE
            self.schema_change(
                ctx, rule, where, f"{key} {_show(old)} -> {_show(new)}", at(b, bptr, key), at(r, rptr, key), effect
            )
        if bool(b.get("uniqueItems")) != bool(r.get("uniqueItems")):
            effect = Effect.NARROW if r.get("uniqueItems") else Effect.WIDEN
            self.schema_change(
                ctx,
                "constraint-changed",
                where,
                f"uniqueItems -> {bool(r.get('uniqueItems'))}",
                at(b, bptr, "uniqueItems"),
                at(r, rptr, "uniqueItems"),
                effect,
            )
        bn, rn = b.get("not"), r.get("not")
        if _canonical(self.base.inline(bn)) != _canonical(self.rev.inline(rn)):
            effect = Effect.CHANGE
            if bn is None:
                effect = Effect.NARROW
            elif rn is None:
                effect = Effect.WIDEN
            elif isinstance(bn, dict) and isinstance(rn, dict) and set(bn) == set(rn) == {"enum"}:
                old, new = {_canonical(v) for v in bn["enum"]}, {_canonical(v) for v in rn["enum"]}
                effect = Effect.NARROW if new > old else Effect.WIDEN if new < old else Effect.CHANGE
            self.schema_change(
                ctx,
                "constraint-changed",
                where,
                f"not {_show(bn)} -> {_show(rn)}",
                at(b, bptr, "not"),
                at(r, rptr, "not"),
                effect,
            )

    def _object(
        self,
        ctx: _Ctx,
        where: str,
        b: dict[str, Any],
        bptr: str,
        r: dict[str, Any],
        rptr: str,
        stack: frozenset[tuple[str, str]],
    ) -> None:
        breq, rreq = set(b.get("required") or []), set(r.get("required") or [])
        for name in sorted(rreq - breq):
            self.schema_change(
                ctx,
                "required-added",
                _join(where, name),
                "now required",
                f"{bptr}/required" if "required" in b else bptr,
                f"{rptr}/required",
                Effect.NARROW,
            )
        for name in sorted(breq - rreq):
            self.schema_change(
                ctx,
                "required-removed",
                _join(where, name),
                "no longer required",
                f"{bptr}/required",
                f"{rptr}/required" if "required" in r else rptr,
                Effect.WIDEN,
            )
        bprops, rprops = b.get("properties") or {}, r.get("properties") or {}
        b_closed, r_closed = b.get("additionalProperties") is False, r.get("additionalProperties") is False
        for name in sorted(rprops.keys() - bprops.keys()):
            self.schema_change(
                ctx,
                "property-added",
                _join(where, name),
                "property added",
                bptr,
                f"{rptr}/properties/{_escape(name)}",
                Effect.NONE,
                closed=b_closed,
            )
        for name in sorted(bprops.keys() - rprops.keys()):
            self.schema_change(
                ctx,
                "property-removed",
                _join(where, name),
                "property removed",
                f"{bptr}/properties/{_escape(name)}",
                rptr,
                Effect.NONE,
                closed=r_closed,
            )
        for name in sorted(bprops.keys() & rprops.keys()):
            self.schema(
                ctx,
                _join(where, name),
                bprops[name],
                f"{bptr}/properties/{_escape(name)}",
                rprops[name],
                f"{rptr}/properties/{_escape(name)}",
                stack,
            )
        ba, ra = b.get("additionalProperties", True), r.get("additionalProperties", True)
        if isinstance(ba, dict) and isinstance(ra, dict):
            self.schema(
                ctx, _join(where, "*"), ba, f"{bptr}/additionalProperties", ra, f"{rptr}/additionalProperties", stack
            )
        elif _canonical(ba) != _canonical(ra):
            if ra is True or ba is False:
                effect, detail = (
                    Effect.WIDEN,
                    "unknown members now allowed" if ra is True else "additional members allowed",
                )
            else:
                effect, detail = (
                    Effect.NARROW,
                    "unknown members no longer allowed" if ra is False else "additional members constrained",
                )
            at_b = f"{bptr}/additionalProperties" if "additionalProperties" in b else bptr
            at_r = f"{rptr}/additionalProperties" if "additionalProperties" in r else rptr
            self.schema_change(ctx, "additional-properties-changed", where, detail, at_b, at_r, effect)

    def _branches(
        self,
        ctx: _Ctx,
        where: str,
        key: str,
        b: dict[str, Any],
        bptr: str,
        r: dict[str, Any],
        rptr: str,
        stack: frozenset[tuple[str, str]],
    ) -> None:
        bl, rl = b.get(key), r.get(key)
        if bl is None and rl is None:
            return
        if not isinstance(bl, list) or not isinstance(rl, list):
            adds = Effect.NARROW if key == "allOf" else Effect.CHANGE
            self.schema_change(
                ctx,
                "composition-changed",
                where,
                f"{key} {'added' if rl else 'removed'}",
                bptr,
                rptr,
                adds if rl else Effect.CHANGE,
            )
            return
        bc = [_canonical(self.base.inline(x)) for x in bl]
        rc = [_canonical(self.rev.inline(x)) for x in rl]
        if sorted(bc) == sorted(rc):
            return  # same branches, maybe reordered
        if len(bl) == len(rl):
            for i, (x, y) in enumerate(zip(bl, rl, strict=True)):
                self.schema(ctx, where, x, f"{bptr}/{key}/{i}", y, f"{rptr}/{key}/{i}", stack)
            return
        added, removed = [i for i, c in enumerate(rc) if c not in bc], [i for i, c in enumerate(bc) if c not in rc]
        grow = Effect.NARROW if key == "allOf" else Effect.WIDEN
        shrink = Effect.WIDEN if key == "allOf" else Effect.NARROW
        for i in added:
            self.schema_change(
                ctx,
                "branch-added",
                where,
                f"{key} branch {_show(self.rev.inline(rl[i]))} added",
                bptr,
                f"{rptr}/{key}/{i}",
                grow,
            )
        for i in removed:
            self.schema_change(
                ctx,
                "branch-removed",
                where,
                f"{key} branch {_show(self.base.inline(bl[i]))} removed",
                f"{bptr}/{key}/{i}",
                rptr,
                shrink,
            )

    def _annotations(self, ctx: _Ctx, where: str, b: dict[str, Any], bptr: str, r: dict[str, Any], rptr: str) -> None:
        if _canonical(b.get("default")) != _canonical(r.get("default")) or ("default" in b) != ("default" in r):
            self.schema_change(
                ctx,
                f"default-changed-{ctx.direction}",
                where,
                f"default {_show(b.get('default'))} -> {_show(r.get('default'))}",
                bptr,
                rptr,
                Effect.NONE,
            )
        for key, direction in (("readOnly", "request"), ("writeOnly", "response")):
            if bool(b.get(key)) != bool(r.get(key)) and ctx.direction == direction:
                self.schema_change(
                    ctx,
                    "read-only-changed" if key == "readOnly" else "write-only-changed",
                    where,
                    f"{key} -> {bool(r.get(key))}",
                    bptr,
                    rptr,
                    Effect.CHANGE,
                )
        if b.get("title") != r.get("title"):
            self.schema_change(
                ctx,
                "title-changed",
                where,
                f"title {_show(b.get('title'))} -> {_show(r.get('title'))}",
                bptr,
                rptr,
                Effect.NONE,
            )
        self.docs(ctx.operation, ctx.direction, where, b, r, bptr, rptr)

    # -- operations ------------------------------------------------------------------------
    @staticmethod
    def _operations(side: _Side) -> dict[tuple[str, str], tuple[str, str, dict[str, Any], dict[str, Any]]]:
        found: dict[tuple[str, str], tuple[str, str, dict[str, Any], dict[str, Any]]] = {}
        for path, item in (side.document.get("paths") or {}).items():
            item, _ = side.deref(item, "")
            for method in _METHODS:
                if isinstance(item, dict) and isinstance(item.get(method), dict):
                    key = (method.upper(), re.sub(r"\{[^}]+\}", "{}", path))
                    found[key] = (path, method, item[method], item)
        return found

    def operations(self) -> None:
        base, rev = self._operations(self.base), self._operations(self.rev)
        pairs = [(key, key) for key in base.keys() & rev.keys()]
        only_base, only_rev = sorted(base.keys() - rev.keys()), sorted(rev.keys() - base.keys())
        by_id = {rev[k][2].get("operationId"): k for k in only_rev}
        for key in list(only_base):
            match = by_id.get(base[key][2].get("operationId"))
            if match is not None and match in only_rev:
                pairs.append((key, match))
                only_base.remove(key)
                only_rev.remove(match)
                bpath, rpath = base[key][0], rev[match][0]
                renamed = str(rev[match][2].get("operationId"))
                self.add(
                    "path-renamed",
                    renamed,
                    "request",
                    "path",
                    f"{key[0]} {bpath} -> {match[0]} {rpath}",
                    f"/paths/{_escape(bpath)}",
                    f"/paths/{_escape(rpath)}",
                )
        for key in only_base:
            path, method, op, _ = base[key]
            self.add(
                "operation-removed",
                str(op.get("operationId", f"{key[0]} {path}")),
                "request",
                "operation",
                f"{key[0]} {path} removed",
                f"/paths/{_escape(path)}/{method}",
                None,
            )
        for key in only_rev:
            path, method, op, _ = rev[key]
            self.add(
                "operation-added",
                str(op.get("operationId", f"{key[0]} {path}")),
                "request",
                "operation",
                f"{key[0]} {path} added",
                None,
                f"/paths/{_escape(path)}/{method}",
            )
        for bkey, rkey in sorted(pairs):
            self.operation(base[bkey], rev[rkey])

    def operation(
        self, b: tuple[str, str, dict[str, Any], dict[str, Any]], r: tuple[str, str, dict[str, Any], dict[str, Any]]
    ) -> None:
        bpath, bmethod, bop, bitem = b
        rpath, rmethod, rop, ritem = r
        name = str(rop.get("operationId") or bop.get("operationId") or f"{rmethod.upper()} {rpath}")
        bptr, rptr = f"/paths/{_escape(bpath)}/{bmethod}", f"/paths/{_escape(rpath)}/{rmethod}"
        if bop.get("operationId") != rop.get("operationId"):
            self.add(
                "operation-id-changed",
                name,
                "request",
                "operationId",
                f"{_show(bop.get('operationId'))} -> {_show(rop.get('operationId'))}",
                f"{bptr}/operationId",
                f"{rptr}/operationId",
            )
        if (bop.get("tags") or []) != (rop.get("tags") or []):
            self.add(
                "tags-changed",
                name,
                "request",
                "tags",
                f"{_show(bop.get('tags'))} -> {_show(rop.get('tags'))}",
                f"{bptr}/tags",
                f"{rptr}/tags",
            )
        self.docs(name, "request", "operation", bop, rop, bptr, rptr)
        self._security(name, bop, bptr, rop, rptr)
        self._parameters(name, bpath, bop, bitem, bptr, rpath, rop, ritem, rptr)
        self._request_body(name, bop, bptr, rop, rptr)
        self._responses(name, bop, bptr, rop, rptr)

    def _security(self, name: str, bop: dict[str, Any], bptr: str, rop: dict[str, Any], rptr: str) -> None:
        def scopes(side: _Side, op: dict[str, Any]) -> tuple[bool, set[str]]:
            requirements = op.get("security", side.document.get("security")) or []
            found = {scope for requirement in requirements for names in requirement.values() for scope in names}
            return any(requirement for requirement in requirements), found

        b_auth, b_scopes = scopes(self.base, bop)
        r_auth, r_scopes = scopes(self.rev, rop)
        at_b = f"{bptr}/security" if "security" in bop else "/security"
        at_r = f"{rptr}/security" if "security" in rop else "/security"
        if b_auth != r_auth:
            rule = "security-requirement-added" if r_auth else "security-requirement-removed"
            self.add(
                rule,
                name,
                "security",
                "security",
                "authentication required" if r_auth else "authentication no longer required",
                at_b,
                at_r,
            )
        b_alts = self._alternatives(self.base, bop)
        r_alts = self._alternatives(self.rev, rop)
        if b_auth and r_auth:
            # A client holding the schemes of S satisfies a requirement T when T is a subset of S.
            for alt in sorted(r_alts - b_alts, key=sorted):
                covered = any(old <= alt for old in b_alts)
                self.add(
                    "security-alternative-covered" if covered else "security-alternative-added",
                    name,
                    "security",
                    "security",
                    f"{_show(sorted(alt))} added",
                    at_b,
                    at_r,
                )
            for alt in sorted(b_alts - r_alts, key=sorted):
                covered = any(new <= alt for new in r_alts)
                self.add(
                    "security-alternative-covered" if covered else "security-alternative-removed",
                    name,
                    "security",
                    "security",
                    f"{_show(sorted(alt))} removed",
                    at_b,
                    at_r,
                )
        for scope in sorted(r_scopes - b_scopes):
            self.add("scope-required-added", name, "security", "scopes", f"{scope} required", at_b, at_r)
        for scope in sorted(b_scopes - r_scopes):
            self.add("scope-required-removed", name, "security", "scopes", f"{scope} no longer required", at_b, at_r)

    @staticmethod
    def _alternatives(side: _Side, op: dict[str, Any]) -> set[frozenset[str]]:
        """The ways to authenticate: each security requirement as the set of scheme names it combines."""
        requirements = op.get("security", side.document.get("security")) or []
        return {frozenset(requirement) for requirement in requirements if requirement}

    def _params(
        self, side: _Side, op: dict[str, Any], item: dict[str, Any], ptr: str
    ) -> dict[tuple[str, str], tuple[dict[str, Any], str]]:
        found: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        item_ptr = ptr.rsplit("/", 1)[0]
        for owner, at in ((item, item_ptr), (op, ptr)):
            for index, raw in enumerate(owner.get("parameters") or []):
                param, where = side.deref(raw, f"{at}/parameters/{index}")
                found[(str(param.get("in")), str(param.get("name")))] = (param, where)
        return found

    def _parameters(
        self,
        name: str,
        bpath: str,
        bop: dict[str, Any],
        bitem: dict[str, Any],
        bptr: str,
        rpath: str,
        rop: dict[str, Any],
        ritem: dict[str, Any],
        rptr: str,
    ) -> None:
        bparams, rparams = self._params(self.base, bop, bitem, bptr), self._params(self.rev, rop, ritem, rptr)
        pairs: list[tuple[tuple[str, str], tuple[str, str]]] = []
        bnames, rnames = re.findall(r"\{([^}]+)\}", bpath), re.findall(r"\{([^}]+)\}", rpath)
        if len(bnames) == len(rnames):
            for old, new in zip(bnames, rnames, strict=True):
                if old != new and ("path", old) in bparams and ("path", new) in rparams:
                    self.add(
                        "path-parameter-renamed",
                        name,
                        "request",
                        f"path parameter {old}",
                        f"renamed to {new}",
                        bparams[("path", old)][1],
                        rparams[("path", new)][1],
                    )
                    pairs.append((("path", old), ("path", new)))
        renamed_b, renamed_r = {p[0] for p in pairs}, {p[1] for p in pairs}
        for key in sorted(rparams.keys() - bparams.keys() - renamed_r):
            param, where = rparams[key]
            rule = "parameter-added-required" if param.get("required") else "parameter-added-optional"
            self.add(rule, name, "request", f"{key[0]} parameter {key[1]}", "added", None, where)
        for key in sorted(bparams.keys() - rparams.keys() - renamed_b):
            self.add(
                "parameter-removed", name, "request", f"{key[0]} parameter {key[1]}", "removed", bparams[key][1], None
            )
        pairs += [(key, key) for key in sorted(bparams.keys() & rparams.keys())]
        ctx = _Ctx(name, "request")
        for bkey, rkey in pairs:
            (bparam, bp), (rparam, rp) = bparams[bkey], rparams[rkey]
            label = f"{rkey[0]} parameter {rkey[1]}"
            if bool(bparam.get("required")) != bool(rparam.get("required")):
                effect = Effect.NARROW if rparam.get("required") else Effect.WIDEN
                self.add(
                    "parameter-required-changed",
                    name,
                    "request",
                    label,
                    "now required" if rparam.get("required") else "now optional",
                    f"{bp}/required",
                    f"{rp}/required",
                    effect,
                )
            self.docs(name, "request", label, bparam, rparam, bp, rp)
            if "schema" in bparam or "schema" in rparam:
                self.schema(
                    ctx,
                    label,
                    bparam.get("schema", {}),
                    f"{bp}/schema",
                    rparam.get("schema", {}),
                    f"{rp}/schema",
                    frozenset(),
                )

    def _request_body(self, name: str, bop: dict[str, Any], bptr: str, rop: dict[str, Any], rptr: str) -> None:
        bbody, bp = self.base.deref(bop.get("requestBody") or {}, f"{bptr}/requestBody")
        rbody, rp = self.rev.deref(rop.get("requestBody") or {}, f"{rptr}/requestBody")
        if bool(bbody.get("required")) != bool(rbody.get("required")):
            effect = Effect.NARROW if rbody.get("required") else Effect.WIDEN
            self.add(
                "request-body-required-changed",
                name,
                "request",
                "(body)",
                "body now required" if rbody.get("required") else "body now optional",
                bp,
                rp,
                effect,
            )
        self.docs(name, "request", "(body)", bbody, rbody, bp, rp)
        self._content(_Ctx(name, "request"), "(body)", bbody, bp, rbody, rp)

    def _content(self, ctx: _Ctx, where: str, b: dict[str, Any], bp: str, r: dict[str, Any], rp: str) -> None:
        bc, rc = b.get("content") or {}, r.get("content") or {}
        adds, drops = (Effect.WIDEN, Effect.NARROW)
        for media in sorted(rc.keys() - bc.keys()):
            self.schema_change(
                ctx,
                "content-type-added",
                where,
                f"content type {media} added",
                bp,
                f"{rp}/content/{_escape(media)}",
                adds,
            )
        for media in sorted(bc.keys() - rc.keys()):
            self.schema_change(
                ctx,
                "content-type-removed",
                where,
                f"content type {media} removed",
                f"{bp}/content/{_escape(media)}",
                rp,
                drops,
            )
        for media in sorted(bc.keys() & rc.keys()):
            bm, rm = bc[media] or {}, rc[media] or {}
            at_b, at_r = f"{bp}/content/{_escape(media)}", f"{rp}/content/{_escape(media)}"
            self.docs(ctx.operation, ctx.direction, where, bm, rm, at_b, at_r)
            if "schema" in bm or "schema" in rm:
                self.schema(
                    ctx,
                    where,
                    bm.get("schema", {}),
                    f"{at_b}/schema",
                    rm.get("schema", {}),
                    f"{at_r}/schema",
                    frozenset(),
                )

    def _responses(self, name: str, bop: dict[str, Any], bptr: str, rop: dict[str, Any], rptr: str) -> None:
        bres, rres = bop.get("responses") or {}, rop.get("responses") or {}
        for code in sorted(rres.keys() - bres.keys(), key=str):
            rule = "status-added-success" if str(code).startswith("2") else "status-added-error"
            self.add(
                rule, name, "response", f"status {code}", "documented", None, f"{rptr}/responses/{_escape(str(code))}"
            )
        for code in sorted(bres.keys() - rres.keys(), key=str):
            self.add(
                "status-removed",
                name,
                "response",
                f"status {code}",
                "no longer documented",
                f"{bptr}/responses/{_escape(str(code))}",
                None,
            )
        for code in sorted(bres.keys() & rres.keys(), key=str):
            b, bp = self.base.deref(bres[code], f"{bptr}/responses/{_escape(str(code))}")
            r, rp = self.rev.deref(rres[code], f"{rptr}/responses/{_escape(str(code))}")
            ctx = _Ctx(name, "response", str(code))
            self.docs(name, "response", f"status {code}", b, r, bp, rp)
            self._content(ctx, "(body)", b, bp, r, rp)
            bh, rh = b.get("headers") or {}, r.get("headers") or {}
            for header in sorted(rh.keys() - bh.keys()):
                h, hp = self.rev.deref(rh[header], f"{rp}/headers/{_escape(header)}")
                rule = "response-header-added-required" if h.get("required") else "response-header-added"
                self.add(rule, name, "response", f"header {header}", "added", bp, hp, status=str(code))
            for header in sorted(bh.keys() - rh.keys()):
                self.add(
                    "response-header-removed",
                    name,
                    "response",
                    f"header {header}",
                    "removed",
                    f"{bp}/headers/{_escape(header)}",
                    rp,
                    status=str(code),
                )
            for header in sorted(bh.keys() & rh.keys()):
                h1, p1 = self.base.deref(bh[header], f"{bp}/headers/{_escape(header)}")
                h2, p2 = self.rev.deref(rh[header], f"{rp}/headers/{_escape(header)}")
                self.docs(name, "response", f"header {header}", h1, h2, p1, p2)
                self.schema(
                    ctx,
                    f"header {header}",
                    h1.get("schema", {}),
                    f"{p1}/schema",
                    h2.get("schema", {}),
                    f"{p2}/schema",
                    frozenset(),
                )

    # -- document level --------------------------------------------------------------------
    def document(self) -> None:
        b, r = self.base.document, self.rev.document
        binfo, rinfo = b.get("info") or {}, r.get("info") or {}
        for key in sorted((binfo.keys() | rinfo.keys()) - {"version"}):
            if _canonical(binfo.get(key)) != _canonical(rinfo.get(key)):
                self.add(
                    "info-changed",
                    DOCUMENT,
                    "document",
                    f"info.{key}",
                    "changed",
                    f"/info/{key}" if key in binfo else "/info",
                    f"/info/{key}" if key in rinfo else "/info",
                )
        bsrv = {s.get("url"): i for i, s in enumerate(b.get("servers") or [])}
        rsrv = {s.get("url"): i for i, s in enumerate(r.get("servers") or [])}
        for url in sorted(rsrv.keys() - bsrv.keys(), key=str):
            self.add(
                "server-added",
                DOCUMENT,
                "document",
                "servers",
                f"{url} added",
                "/servers" if bsrv else None,
                f"/servers/{rsrv[url]}",
            )
        for url in sorted(bsrv.keys() - rsrv.keys(), key=str):
            self.add(
                "server-removed",
                DOCUMENT,
                "document",
                "servers",
                f"{url} removed",
                f"/servers/{bsrv[url]}",
                "/servers" if rsrv else None,
            )
        for url in sorted(bsrv.keys() & rsrv.keys(), key=str):
            bs, rs = (b["servers"][bsrv[url]], r["servers"][rsrv[url]])
            self.docs(DOCUMENT, "document", f"server {url}", bs, rs, f"/servers/{bsrv[url]}", f"/servers/{rsrv[url]}")
        self._schemes()

    def _schemes(self) -> None:
        bs = (self.base.document.get("components") or {}).get("securitySchemes") or {}
        rs = (self.rev.document.get("components") or {}).get("securitySchemes") or {}
        at = "/components/securitySchemes"
        for name in sorted(rs.keys() - bs.keys()):
            self.add(
                "security-scheme-added", DOCUMENT, "security", f"scheme {name}", "added", None, f"{at}/{_escape(name)}"
            )
        for name in sorted(bs.keys() - rs.keys()):
            self.add(
                "security-scheme-removed",
                DOCUMENT,
                "security",
                f"scheme {name}",
                "removed",
                f"{at}/{_escape(name)}",
                None,
            )
        for name in sorted(bs.keys() & rs.keys()):
            b, bp = self.base.deref(bs[name], f"{at}/{_escape(name)}")
            r, rp = self.rev.deref(rs[name], f"{at}/{_escape(name)}")
            where = f"scheme {name}"
            self.docs(DOCUMENT, "security", where, b, r, bp, rp)
            for key in ("type", "scheme", "in", "name", "bearerFormat", "openIdConnectUrl"):
                if b.get(key) != r.get(key):
                    self.add(
                        "security-scheme-changed",
                        DOCUMENT,
                        "security",
                        where,
                        f"{key} {_show(b.get(key))} -> {_show(r.get(key))}",
                        f"{bp}/{key}",
                        f"{rp}/{key}",
                    )
            bflows, rflows = b.get("flows") or {}, r.get("flows") or {}
            for flow in sorted(bflows.keys() ^ rflows.keys()):
                self.add(
                    "security-scheme-changed",
                    DOCUMENT,
                    "security",
                    where,
                    f"flow {flow} {'added' if flow in rflows else 'removed'}",
                    f"{bp}/flows",
                    f"{rp}/flows",
                )
            for flow in sorted(bflows.keys() & rflows.keys()):
                bf, rf = bflows[flow] or {}, rflows[flow] or {}
                fb, fr = f"{bp}/flows/{flow}", f"{rp}/flows/{flow}"
                for key in ("tokenUrl", "authorizationUrl", "refreshUrl"):
                    if bf.get(key) != rf.get(key):
                        self.add(
                            "token-url-changed",
                            DOCUMENT,
                            "security",
                            f"{where} {flow}.{key}",
                            f"{_show(bf.get(key))} -> {_show(rf.get(key))}",
                            f"{fb}/{key}",
                            f"{fr}/{key}",
                        )
                bsc, rsc = bf.get("scopes") or {}, rf.get("scopes") or {}
                for scope in sorted(rsc.keys() - bsc.keys()):
                    self.add(
                        "scope-declared-added",
                        DOCUMENT,
                        "security",
                        f"{where} scopes",
                        f"{scope} declared",
                        f"{fb}/scopes",
                        f"{fr}/scopes/{_escape(scope)}",
                    )
                for scope in sorted(bsc.keys() - rsc.keys()):
                    self.add(
                        "scope-declared-removed",
                        DOCUMENT,
                        "security",
                        f"{where} scopes",
                        f"{scope} no longer declared",
                        f"{fb}/scopes/{_escape(scope)}",
                        f"{fr}/scopes",
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
