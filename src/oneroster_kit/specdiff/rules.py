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
from enum import StrEnum

from oneroster_kit.specdiff.model import Audience, Direction, Level, Verdict

__all__ = ["RULES", "Effect", "classify"]


class Effect(StrEnum):
    """What a change does to the set of valid values (see above)."""

    WIDEN = "widen"
    NARROW = "narrow"
    CHANGE = "change"  # neither contains the other
    NONE = "none"  # not about values (renames, operations, security, docs)


def breaking(reason: str) -> Verdict:
    return Verdict(Level.BREAKING, reason)


def attention(reason: str) -> Verdict:
    return Verdict(Level.ATTENTION, reason)


def compatible(reason: str) -> Verdict:
    return Verdict(Level.COMPATIBLE, reason)


# Rules whose checks the generated models do not make: a widened response bound or pattern is
# still parsed by the BASE SDK (only wire clients that validate notice it).
_SDK_UNCHECKED = {"bound-changed", "pattern-changed", "constraint-changed", "additional-properties-changed"}


@dataclass(frozen=True)
class Rule:
    """A rule that is not judged by effect: a fixed verdict per audience."""

    clients: Verdict
    servers: Verdict
    sdk: Verdict


RULES: dict[str, Rule] = {
    "operation-added": Rule(
        compatible("a new operation; existing calls are unaffected"),
        breaking("a conforming server must implement the new operation"),
        compatible("a new function in the SDK; existing code is unaffected"),
    ),
    "operation-removed": Rule(
        breaking("calls to the operation have nowhere to go"),
        compatible("a BASE server may keep serving it"),
        breaking("the SDK function is gone from the regenerated SDK"),
    ),
    "path-renamed": Rule(
        breaking("BASE clients send the request to the old path"),
        breaking("a conforming server must serve the new path"),
        compatible("the SDK function keeps its name; regenerated code calls the new path"),
    ),
    "operation-id-changed": Rule(
        compatible("the wire is unchanged"),
        compatible("the wire is unchanged"),
        breaking("the SDK function and module are named from the operationId: calls by the old name fail"),
    ),
    "path-parameter-renamed": Rule(
        compatible("the parameter's name is not on the wire"),
        compatible("the parameter's name is not on the wire"),
        breaking("the SDK function's keyword argument is renamed: calls using the old keyword fail"),
    ),
    "parameter-added-required": Rule(
        breaking("BASE clients do not send the new required parameter"),
        attention("a conforming server must now read and check it"),
        breaking("the SDK function gains a required argument"),
    ),
    "parameter-added-optional": Rule(
        compatible("an optional parameter; BASE requests stay valid"),
        attention("a conforming server must now honour it"),
        compatible("the SDK function gains an optional argument"),
    ),
    "parameter-removed": Rule(
        attention("the parameter is no longer described; servers may ignore it"),
        compatible("a BASE server reading it still conforms"),
        breaking("the SDK function loses the argument: calls passing it fail"),
    ),
    "status-added-success": Rule(
        breaking("a new success status: BASE clients do not expect it"),
        compatible("servers may send it, need not"),
        breaking("the BASE SDK does not parse an undocumented success status"),
    ),
    "status-added-error": Rule(
        attention("a new error status: BASE clients handle it as an undocumented error"),
        compatible("servers may send it, need not"),
        attention("the BASE SDK raises a generic error for it"),
    ),
    "status-removed": Rule(
        compatible("clients no longer receive it"),
        breaking("a BASE server may still send the status REVISION no longer documents"),
        compatible("the regenerated return type only loses a member"),
    ),
    "response-header-added": Rule(
        compatible("an extra response header; BASE clients ignore it"),
        compatible("an optional header: servers may send it"),
        compatible("the SDK does not expose response headers as typed fields"),
    ),
    "response-header-added-required": Rule(
        compatible("an extra response header; BASE clients ignore it"),
        breaking("a conforming server must now send the header"),
        compatible("the SDK does not expose response headers as typed fields"),
    ),
    "response-header-removed": Rule(
        attention("clients reading the header may no longer get it"),
        compatible("a BASE server may keep sending it"),
        compatible("the SDK does not expose response headers as typed fields"),
    ),
    "security-scheme-added": Rule(
        compatible("a newly declared scheme; what operations require is judged on its own"),
        compatible("declaring a scheme asks nothing of servers until an operation requires it"),
        compatible("the SDK layer's auth is unaffected until an operation requires it"),
    ),
    "security-scheme-removed": Rule(
        attention("clients configured for the removed scheme must follow what operations now require"),
        compatible("a BASE server may keep supporting it"),
        attention("the SDK layer's auth may target the removed scheme"),
    ),
    "security-alternative-added": Rule(
        compatible("clients may keep authenticating as before"),
        breaking("a conforming server must accept the new way to authenticate"),
        compatible("the SDK's credentials still work"),
    ),
    "security-alternative-covered": Rule(
        compatible("every client that authenticated as BASE allows still satisfies REVISION"),
        compatible("every client of REVISION still satisfies a BASE server"),
        compatible("the SDK's credentials still work"),
    ),
    "security-alternative-removed": Rule(
        breaking("clients authenticating this way are refused"),
        attention("a BASE server still accepts a way REVISION no longer allows"),
        attention("the SDK layer's auth may authenticate the removed way"),
    ),
    "security-scheme-changed": Rule(
        breaking("clients obtain credentials as BASE describes, which no longer works"),
        breaking("a conforming server must accept the new scheme"),
        attention("the SDK layer's auth follows the scheme"),
    ),
    "token-url-changed": Rule(
        breaking("clients fetch tokens from the old token URL"),
        attention("the deployment's identity provider moves; the API server itself is unchanged"),
        attention("the SDK layer's Environment presets name the token URL: update them"),
    ),
    "scope-declared-added": Rule(
        compatible("a newly declared scope; no operation requires it yet, or see the operation's own change"),
        compatible("declaring a scope asks nothing of servers"),
        compatible("scopes are not part of the SDK's API"),
    ),
    "scope-declared-removed": Rule(
        attention("a scope clients may request is no longer declared"),
        compatible("removing a declaration asks nothing of servers"),
        compatible("scopes are not part of the SDK's API"),
    ),
    "scope-required-added": Rule(
        breaking("tokens without the new scope are refused (403)"),
        attention("a conforming server must enforce the new scope"),
        compatible("scopes are not part of the SDK's API (the credentials are)"),
    ),
    "scope-required-removed": Rule(
        compatible("clients need fewer scopes"),
        breaking("a BASE server refuses tokens without the scope that REVISION no longer requires"),
        compatible("scopes are not part of the SDK's API"),
    ),
    "security-requirement-added": Rule(
        breaking("unauthenticated calls that BASE allowed are refused"),
        attention("a conforming server must enforce authentication"),
        compatible("the SDK always sends a token"),
    ),
    "security-requirement-removed": Rule(
        compatible("authentication is no longer required"),
        breaking("a BASE server refuses calls without a token that REVISION allows"),
        compatible("the SDK always sends a token"),
    ),
    "server-removed": Rule(
        breaking("clients configured with the removed server URL lose it"),
        compatible("where servers run is not a rule for implementers"),
        attention("the SDK layer's Environment presets name the server URLs: update them"),
    ),
    "server-added": Rule(
        compatible("a new server URL; existing ones stay"),
        compatible("where servers run is not a rule for implementers"),
        compatible("the SDK layer's presets may add it"),
    ),
    "tags-changed": Rule(
        compatible("tags are not on the wire"),
        compatible("tags are not on the wire"),
        breaking("the SDK module path (api/<first tag>/) is named from the first tag: imports of the old module fail"),
    ),
    "title-changed": Rule(
        compatible("a schema title is not on the wire"),
        compatible("a schema title is not on the wire"),
        breaking("the generator names the model class from the title: the class is renamed"),
    ),
    "default-changed-request": Rule(
        attention("a server applies another value when the client omits the field"),
        breaking("a conforming server must apply the new default"),
        attention("the model's default may change with it"),
    ),
    "default-changed-response": Rule(
        compatible("a default in an answer asks nothing of clients"),
        compatible("a default in an answer asks nothing of servers"),
        attention("the model's default may change with it"),
    ),
    "documentation-changed": Rule(
        compatible("documentation only"),
        compatible("documentation only; re-read it for changed prose rules"),
        compatible("documentation only"),
    ),
    "info-changed": Rule(
        compatible("document metadata only"),
        compatible("document metadata only"),
        compatible("document metadata only"),
    ),
}


def _effect_verdicts(rule: str, direction: Direction, effect: Effect, what: str) -> dict[Audience, Verdict]:
    """The verdicts of a change judged by its effect on the valid values of `what`."""
    if direction == "request":
        table = {
            Effect.WIDEN: (
                compatible(f"every BASE request is still valid ({what} accepts more)"),
                breaking(f"a BASE server refuses requests that REVISION allows ({what})"),
                compatible("code written against the BASE SDK still type-checks and sends valid requests"),
            ),
            Effect.NARROW: (
                breaking(f"requests valid under BASE are refused ({what} accepts less)"),
                attention(f"a BASE server still accepts what REVISION says to refuse ({what})"),
                breaking(f"calls written against the BASE SDK may no longer type-check or be accepted ({what})"),
            ),
            Effect.CHANGE: (
                breaking(f"requests valid under BASE are refused ({what} changed)"),
                breaking(f"a BASE server refuses requests that REVISION allows ({what} changed)"),
                breaking(f"calls written against the BASE SDK may no longer type-check or be accepted ({what})"),
            ),
        }
    else:
        unchecked = rule in _SDK_UNCHECKED
        sdk_widen = (
            compatible("the generated models do not check this; the BASE SDK still parses every answer")
            if unchecked
            else breaking(f"the BASE SDK may fail to parse answers REVISION allows ({what})")
        )
        table = {
            Effect.WIDEN: (
                breaking(f"REVISION servers may answer what BASE clients do not accept ({what})"),
                compatible(f"a BASE server's answers still conform ({what} allows more)"),
                sdk_widen,
            ),
            Effect.NARROW: (
                compatible(f"every answer REVISION allows was already valid ({what} allows less)"),
                breaking(f"a BASE server may send answers REVISION forbids ({what})"),
                compatible("the BASE SDK parses every answer REVISION allows"),
            ),
            Effect.CHANGE: (
                breaking(f"REVISION servers may answer what BASE clients do not accept ({what} changed)"),
                breaking(f"a BASE server may send answers REVISION forbids ({what} changed)"),
                sdk_widen,
            ),
        }
    clients, servers, sdk = table[effect]
    if rule == "additional-properties-changed" and direction == "response" and effect == Effect.NARROW:
        sdk = breaking(
            f"the regenerated model of {what} loses additional_properties: code reading unknown members fails"
        )
    if rule == "enum-value-removed" and direction == "response":
        # The regenerated Literal type loses the value: code comparing an answer's field with it
        # no longer type-checks (mypy --strict includes --strict-equality), though it still runs.
        sdk = breaking(
            f"the regenerated Literal type of {what} loses the value: comparisons with it no longer type-check"
        )
    return {Audience.CLIENTS: clients, Audience.SERVERS: servers, Audience.SDK: sdk}


def _property_verdicts(rule: str, direction: Direction, what: str, closed: bool) -> dict[Audience, Verdict]:
    """Optional properties added or removed: judged with the object's additionalProperties."""
    if rule == "property-added":
        if direction == "request":
            servers = (
                breaking(f"a BASE server refuses the new member {what} (BASE forbids unknown members)")
                if closed
                else attention(f"a BASE server ignores the new member {what}; REVISION gives it a meaning")
            )
            return {
                Audience.CLIENTS: compatible(f"an optional member {what}; BASE requests stay valid"),
                Audience.SERVERS: servers,
                Audience.SDK: compatible("the model gains an optional attribute"),
            }
        clients = (
            breaking(f"BASE forbids unknown members, and REVISION servers may send {what}")
            if closed
            else compatible(f"an optional member {what}; BASE clients keep it as an unknown member")
        )
        return {
            Audience.CLIENTS: clients,
            Audience.SERVERS: compatible("an optional member: servers may send it, need not"),
            Audience.SDK: compatible("the BASE model keeps it in additional_properties; the new model gains it"),
        }
    if direction == "request":
        clients = (
            breaking(f"REVISION forbids unknown members: requests sending {what} are refused")
            if closed
            else attention(f"{what} is no longer described: servers may ignore what clients send there")
        )
        return {
            Audience.CLIENTS: clients,
            Audience.SERVERS: compatible("a BASE server accepting the member still conforms"),
            Audience.SDK: breaking(f"the model loses the attribute {what}: code setting it fails"),
        }
    servers = (
        breaking(f"REVISION forbids unknown members and a BASE server may send {what}")
        if closed
        else compatible("a BASE server sending it still conforms")
    )
    return {
        Audience.CLIENTS: attention(f"{what} is no longer described: clients reading it may get anything or nothing"),
        Audience.SERVERS: servers,
        Audience.SDK: breaking(f"the regenerated model loses the attribute {what}: code reading it fails"),
    }


def classify(
    rule: str, direction: Direction, effect: Effect, what: str, *, closed: bool = False
) -> dict[Audience, Verdict]:
    """Verdicts per audience for one change; `closed`: the object forbids unknown members."""
    if rule in ("property-added", "property-removed"):
        return _property_verdicts(rule, direction, what, closed)
    if effect != Effect.NONE:
        return _effect_verdicts(rule, direction, effect, what)
    fixed = RULES[rule]
    return {Audience.CLIENTS: fixed.clients, Audience.SERVERS: fixed.servers, Audience.SDK: fixed.sdk}
