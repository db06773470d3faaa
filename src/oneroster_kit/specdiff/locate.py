"""Line numbers of JSON pointers in a YAML (or JSON) file, so every change names a line in each file.

PyYAML's composer keeps the source position of every node; walking the node tree once gives
each pointer's line. A key's line is where the key is written (for a mapping value that is the
line a reader looks for).
"""

from __future__ import annotations

import yaml

__all__ = ["LOADER", "escape", "line_map", "pointer"]

# libyaml's loader where PyYAML was built with it: about ten times faster on this spec.
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def escape(token: str) -> str:
    """One RFC 6901 reference token."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer(*tokens: str | int) -> str:
    return "".join(f"/{escape(str(token))}" for token in tokens)


def line_map(text: str) -> dict[str, int]:
    """1-based line of every pointer in the document (the root is "")."""
    root = yaml.compose(text, Loader=LOADER)
    lines: dict[str, int] = {}
    if root is None:
        return lines
    stack: list[tuple[yaml.Node, str, int]] = [(root, "", root.start_mark.line + 1)]
    while stack:
        node, where, line = stack.pop()
        lines.setdefault(where, line)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((value, f"{where}/{escape(str(key.value))}", key.start_mark.line + 1))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, f"{where}/{index}", item.start_mark.line + 1))
    return lines
