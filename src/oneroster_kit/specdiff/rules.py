"""Who each kind of change breaks, and why: the classification table of the spec diff.

Schema changes are judged by their *effect* on the set of valid values, in the direction the
value travels:

- a request value a client sends, a server receives: WIDEN (more is valid) breaks BASE servers,
  which refuse what REVISION allows; NARROW breaks BASE clients, whose requests are now refused;
- a response value a server sends, a client receives: WIDEN breaks BASE clients (and the BASE
  SDK's models, where they check it), NARROW breaks BASE servers, whose answers no longer conform.

A shared component is judged once per operation and direction it is used in: a value added to
`ScoreStatus` is harmless in putResult's request and a break in its responses. Rules that are not
about the set of values (renames, operations, security, servers) are listed one by one.
"""

from __future__ import annotations

from dataclasses import dataclass

from oneroster_kit.specdiff.model import Audience, Level, Verdict

__all__ = ["RULES", "Effect", "classify"]

B, A, C = Level.BREAKING, Level.ATTENTION, Level.COMPATIBLE


class Effect:
    WIDEN = "widen"
    NARROW = "narrow"
    CHANGE = "change"  # neither contains the other
    NONE = "none"  # not about values (renames, operations, security, docs)


# Rules whose checks the generated models do not make: a widened response bound or pattern is
# still parsed by the BASE SDK (only wire clients that validate notice it).
_SDK_UNCHECKED = {"bound-changed", "pattern-changed", "constraint-changed", "additional-properties-changed"}


@dataclass(frozen=True)
class Rule:
    """A rule that is not judged by effect: a fixed verdict per audience."""

    clients: tuple[Level, str]
    servers: tuple[Level, str]
    sdk: tuple[Level, str]


RULES: dict[str, Rule] = {
    "operation-added": Rule(
        (C, "a new operation; existing calls are unaffected"),
        (B, "a conforming server must implement the new operation"),
        (C, "a new function in the SDK; existing code is unaffected"),
    ),
    "operation-removed": Rule(
        (B, "calls to the operation have nowhere to go"),
        (C, "a BASE server may keep serving it"),
        (B, "the SDK function is gone from the regenerated SDK"),
    ),
    "path-renamed": Rule(
        (B, "BASE clients send the request to the old path"),
        (B, "a conforming server must serve the new path"),
        (C, "the SDK function keeps its name; regenerated code calls the new path"),
    ),
    "operation-id-changed": Rule(
        (C, "the wire is unchanged"),
        (C, "the wire is unchanged"),
        (B, "the SDK function and module are named from the operationId: calls by the old name fail"),
    ),
    "path-parameter-renamed": Rule(
        (C, "the parameter's name is not on the wire"),
        (C, "the parameter's name is not on the wire"),
        (B, "the SDK function's keyword argument is renamed: calls using the old keyword fail"),
    ),
    "parameter-added-required": Rule(
        (B, "BASE clients do not send the new required parameter"),
        (A, "a conforming server must now read and check it"),
        (B, "the SDK function gains a required argument"),
    ),
    "parameter-added-optional": Rule(
        (C, "an optional parameter; BASE requests stay valid"),
        (A, "a conforming server must now honour it"),
        (C, "the SDK function gains an optional argument"),
    ),
    "parameter-removed": Rule(
        (A, "the parameter is no longer described; servers may ignore it"),
        (C, "a BASE server reading it still conforms"),
        (B, "the SDK function loses the argument: calls passing it fail"),
    ),
    "status-added-success": Rule(
        (B, "a new success status: BASE clients do not expect it"),
        (C, "servers may send it, need not"),
        (B, "the BASE SDK does not parse an undocumented success status"),
    ),
    "status-added-error": Rule(
        (A, "a new error status: BASE clients handle it as an undocumented error"),
        (C, "servers may send it, need not"),
        (A, "the BASE SDK raises a generic error for it"),
    ),
    "status-removed": Rule(
        (C, "clients no longer receive it"),
        (B, "a BASE server may still send the status REVISION no longer documents"),
        (C, "the regenerated return type only loses a member"),
    ),
    "response-header-added": Rule(
        (C, "an extra response header; BASE clients ignore it"),
        (C, "an optional header: servers may send it"),
        (C, "the SDK does not expose response headers as typed fields"),
    ),
    "response-header-added-required": Rule(
        (C, "an extra response header; BASE clients ignore it"),
        (B, "a conforming server must now send the header"),
        (C, "the SDK does not expose response headers as typed fields"),
    ),
    "response-header-removed": Rule(
        (A, "clients reading the header may no longer get it"),
        (C, "a BASE server may keep sending it"),
        (C, "the SDK does not expose response headers as typed fields"),
    ),
    "security-scheme-added": Rule(
        (C, "a newly declared scheme; what operations require is judged on its own"),
        (C, "declaring a scheme asks nothing of servers until an operation requires it"),
        (C, "the SDK layer's auth is unaffected until an operation requires it"),
    ),
    "security-scheme-removed": Rule(
        (A, "clients configured for the removed scheme must follow what operations now require"),
        (C, "a BASE server may keep supporting it"),
        (A, "the SDK layer's auth may target the removed scheme"),
    ),
    "security-alternative-added": Rule(
        (C, "clients may keep authenticating as before"),
        (B, "a conforming server must accept the new way to authenticate"),
        (C, "the SDK's credentials still work"),
    ),
    "security-alternative-covered": Rule(
        (C, "every client that authenticated as BASE allows still satisfies REVISION"),
        (C, "every client of REVISION still satisfies a BASE server"),
        (C, "the SDK's credentials still work"),
    ),
    "security-alternative-removed": Rule(
        (B, "clients authenticating this way are refused"),
        (A, "a BASE server still accepts a way REVISION no longer allows"),
        (A, "the SDK layer's auth may authenticate the removed way"),
    ),
    "security-scheme-changed": Rule(
        (B, "clients obtain credentials as BASE describes, which no longer works"),
        (B, "a conforming server must accept the new scheme"),
        (A, "the SDK layer's auth follows the scheme"),
    ),
    "token-url-changed": Rule(
        (B, "clients fetch tokens from the old token URL"),
        (A, "the deployment's identity provider moves; the API server itself is unchanged"),
        (A, "the SDK layer's Environment presets name the token URL: update them"),
    ),
    "scope-declared-added": Rule(
        (C, "a newly declared scope; no operation requires it yet, or see the operation's own change"),
        (C, "declaring a scope asks nothing of servers"),
        (C, "scopes are not part of the SDK's API"),
    ),
    "scope-declared-removed": Rule(
        (A, "a scope clients may request is no longer declared"),
        (C, "removing a declaration asks nothing of servers"),
        (C, "scopes are not part of the SDK's API"),
    ),
    "scope-required-added": Rule(
        (B, "tokens without the new scope are refused (403)"),
        (A, "a conforming server must enforce the new scope"),
        (C, "scopes are not part of the SDK's API (the credentials are)"),
    ),
    "scope-required-removed": Rule(
        (C, "clients need fewer scopes"),
        (B, "a BASE server refuses tokens without the scope that REVISION no longer requires"),
        (C, "scopes are not part of the SDK's API"),
    ),
    "security-requirement-added": Rule(
        (B, "unauthenticated calls that BASE allowed are refused"),
        (A, "a conforming server must enforce authentication"),
        (C, "the SDK always sends a token"),
    ),
    "security-requirement-removed": Rule(
        (C, "authentication is no longer required"),
        (B, "a BASE server refuses calls without a token that REVISION allows"),
        (C, "the SDK always sends a token"),
    ),
    "server-removed": Rule(
        (B, "clients configured with the removed server URL lose it"),
        (C, "where servers run is not a rule for implementers"),
        (A, "the SDK layer's Environment presets name the server URLs: update them"),
    ),
    "server-added": Rule(
        (C, "a new server URL; existing ones stay"),
        (C, "where servers run is not a rule for implementers"),
        (C, "the SDK layer's presets may add it"),
    ),
    "tags-changed": Rule(
        (C, "tags are not on the wire"),
        (C, "tags are not on the wire"),
        (B, "the SDK module path (api/<first tag>/) is named from the first tag: imports of the old module fail"),
    ),
    "title-changed": Rule(
        (C, "a schema title is not on the wire"),
        (C, "a schema title is not on the wire"),
        (B, "the generator names the model class from the title: the class is renamed"),
    ),
    "default-changed-request": Rule(
        (A, "a server applies another value when the client omits the field"),
        (B, "a conforming server must apply the new default"),
        (A, "the model's default may change with it"),
    ),
    "default-changed-response": Rule(
        (C, "a default in an answer asks nothing of clients"),
        (C, "a default in an answer asks nothing of servers"),
        (A, "the model's default may change with it"),
    ),
    "documentation-changed": Rule(
        (C, "documentation only"),
        (C, "documentation only; re-read it for changed prose rules"),
        (C, "documentation only"),
    ),
    "info-changed": Rule(
        (C, "document metadata only"),
        (C, "document metadata only"),
        (C, "document metadata only"),
    ),
}


def _effect_verdicts(rule: str, direction: str, effect: str, what: str) -> dict[Audience, Verdict]:
    """The verdicts of a change judged by its effect on the valid values of `what`."""
    if direction == "request":
        table = {
            Effect.WIDEN: (
                (C, f"every BASE request is still valid ({what} accepts more)"),
                (B, f"a BASE server refuses requests that REVISION allows ({what})"),
                (C, "code written against the BASE SDK still type-checks and sends valid requests"),
            ),
            Effect.NARROW: (
                (B, f"requests valid under BASE are refused ({what} accepts less)"),
                (A, f"a BASE server still accepts what REVISION says to refuse ({what})"),
                (B, f"calls written against the BASE SDK may no longer type-check or be accepted ({what})"),
            ),
            Effect.CHANGE: (
                (B, f"requests valid under BASE are refused ({what} changed)"),
                (B, f"a BASE server refuses requests that REVISION allows ({what} changed)"),
                (B, f"calls written against the BASE SDK may no longer type-check or be accepted ({what})"),
            ),
        }
    else:
        unchecked = rule in _SDK_UNCHECKED
        sdk_widen = (
            (C, "the generated models do not check this; the BASE SDK still parses every answer")
            if unchecked
            else (B, f"the BASE SDK may fail to parse answers REVISION allows ({what})")
        )
        table = {
            Effect.WIDEN: (
                (B, f"REVISION servers may answer what BASE clients do not accept ({what})"),
                (C, f"a BASE server's answers still conform ({what} allows more)"),
                sdk_widen,
            ),
            Effect.NARROW: (
                (C, f"every answer REVISION allows was already valid ({what} allows less)"),
                (B, f"a BASE server may send answers REVISION forbids ({what})"),
                (C, "the BASE SDK parses every answer REVISION allows"),
            ),
            Effect.CHANGE: (
                (B, f"REVISION servers may answer what BASE clients do not accept ({what} changed)"),
                (B, f"a BASE server may send answers REVISION forbids ({what} changed)"),
                sdk_widen,
            ),
        }
    clients, servers, sdk = table[effect]
    if rule == "additional-properties-changed" and direction == "response" and effect == Effect.NARROW:
        sdk = (B, f"the regenerated model of {what} loses additional_properties: code reading unknown members fails")
    if rule == "enum-value-removed" and direction == "response":
        # The regenerated Literal type loses the value: code comparing an answer's field with it
        # no longer type-checks (mypy --strict includes --strict-equality), though it still runs.
        sdk = (B, f"the regenerated Literal type of {what} loses the value: comparisons with it no longer type-check")
    return {
        Audience.CLIENTS: Verdict(*clients),
        Audience.SERVERS: Verdict(*servers),
        Audience.SDK: Verdict(*sdk),
    }


def _property_verdicts(rule: str, direction: str, what: str, closed: bool) -> dict[Audience, Verdict]:
    """Optional properties added or removed: judged with the object's additionalProperties."""
    if rule == "property-added":
        if direction == "request":
            servers = (
                (B, f"a BASE server refuses the new member {what} (BASE forbids unknown members)")
                if closed
                else (A, f"a BASE server ignores the new member {what}; REVISION gives it a meaning")
            )
            return {
                Audience.CLIENTS: Verdict(C, f"an optional member {what}; BASE requests stay valid"),
                Audience.SERVERS: Verdict(*servers),
                Audience.SDK: Verdict(C, "the model gains an optional attribute"),
            }
        clients = (
            (B, f"BASE forbids unknown members, and REVISION servers may send {what}")
            if closed
            else (C, f"an optional member {what}; BASE clients keep it as an unknown member")
        )
        return {
            Audience.CLIENTS: Verdict(*clients),
            Audience.SERVERS: Verdict(C, "an optional member: servers may send it, need not"),
            Audience.SDK: Verdict(C, "the BASE model keeps it in additional_properties; the new model gains it"),
        }
    if direction == "request":
        clients = (
            (B, f"REVISION forbids unknown members: requests sending {what} are refused")
            if closed
            else (A, f"{what} is no longer described: servers may ignore what clients send there")
        )
        return {
            Audience.CLIENTS: Verdict(*clients),
            Audience.SERVERS: Verdict(C, "a BASE server accepting the member still conforms"),
            Audience.SDK: Verdict(B, f"the model loses the attribute {what}: code setting it fails"),
        }
    return {
        Audience.CLIENTS: Verdict(A, f"{what} is no longer described: clients reading it may get anything or nothing"),
        Audience.SERVERS: Verdict(
            B if closed else C,
            f"REVISION forbids unknown members and a BASE server may send {what}"
            if closed
            else "a BASE server sending it still conforms",
        ),
        Audience.SDK: Verdict(B, f"the regenerated model loses the attribute {what}: code reading it fails"),
    }


def classify(rule: str, direction: str, effect: str, what: str, *, closed: bool = False) -> dict[Audience, Verdict]:
    """Verdicts per audience for one change; `closed`: the object forbids unknown members."""
    if rule in ("property-added", "property-removed"):
        return _property_verdicts(rule, direction, what, closed)
    if effect != Effect.NONE:
        return _effect_verdicts(rule, direction, effect, what)
    fixed = RULES[rule]
    return {
        Audience.CLIENTS: Verdict(*fixed.clients),
        Audience.SERVERS: Verdict(*fixed.servers),
        Audience.SDK: Verdict(*fixed.sdk),
    }
