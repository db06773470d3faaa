"""`oneroster-spec-diff`: a compatibility gate that knows who a change to openapi.yaml breaks.

Modules, one concept each: `sources` (specs from files or git revisions, refused when they cannot
be compared), `locate` (pointer -> line), `diff` (the structural diff), `rules` (who each change
breaks, and why), `semver` (info.version against the bump), `sdk_build`/`sdk_api`/`sdk_proof`/
`sdk_impact` (the SDK check on generated code), `ignore`, `report`, `render` (output formats),
`compare` (one comparison end to end), `cli`.
"""

from oneroster_kit.specdiff.compare import compare_specs
from oneroster_kit.specdiff.errors import SpecInputError
from oneroster_kit.specdiff.model import Audience, Change, Level, Severity, Verdict
from oneroster_kit.specdiff.sources import LoadedSpec, load, load_text

__all__ = [
    "Audience",
    "Change",
    "Level",
    "LoadedSpec",
    "Severity",
    "SpecInputError",
    "Verdict",
    "compare_specs",
    "load",
    "load_text",
]
