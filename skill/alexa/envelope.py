"""Raw request envelopes: normalise the odd shapes real traffic has, read fields without the model."""

from __future__ import annotations

import datetime as dt

TIMERS_SCOPE = "alexa::alerts:timers:skill:readwrite"


def normalise(envelope: dict) -> dict:
    """Make an envelope ask-sdk can deserialize: ISO timestamps, a context, a string locale.

    Returns the same dict (changed in place)."""
    request = envelope.get("request")
    if not isinstance(request, dict):
        raise ValueError("no request object")
    stamp = request.get("timestamp")
    if isinstance(stamp, (int, float)) and not isinstance(stamp, bool):
        seconds = stamp / 1000.0 if stamp > 1e11 else float(stamp)
        request["timestamp"] = dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    elif not isinstance(stamp, str):
        request.pop("timestamp", None)
    if isinstance(request.get("requestId"), str):
        request["requestId"] = request["requestId"].strip()
    session = envelope.get("session")
    if session is not None and not isinstance(session, dict):
        envelope["session"] = session = None
    if isinstance(session, dict) and not isinstance(session.get("attributes"), dict):
        session["attributes"] = {}
    context = envelope.get("context")
    if not isinstance(context, dict) or not isinstance(context.get("System"), dict):
        system = {}
        if isinstance(session, dict):
            for key in ("application", "user"):
                if isinstance(session.get(key), dict):
                    system[key] = session[key]
        envelope["context"] = context = {"System": system}
    if request.get("locale") is not None and not isinstance(request.get("locale"), str):
        request["locale"] = None
    return envelope


def request_type(envelope: dict) -> str:
    """request.type, or '' when absent."""
    kind = (envelope.get("request") or {}).get("type")
    return kind if isinstance(kind, str) else ""


def request_id(envelope: dict) -> str:
    """request.requestId (for logs), or '-'."""
    rid = (envelope.get("request") or {}).get("requestId")
    return rid.strip() if isinstance(rid, str) else "-"


def intent_name(envelope: dict) -> str | None:
    """request.intent.name for intent requests."""
    intent = (envelope.get("request") or {}).get("intent")
    name = intent.get("name") if isinstance(intent, dict) else None
    return name if isinstance(name, str) else None


def system(envelope: dict) -> dict:
    """context.System, or {}."""
    ctx = envelope.get("context")
    sys_ = ctx.get("System") if isinstance(ctx, dict) else None
    return sys_ if isinstance(sys_, dict) else {}


def user_id(envelope: dict) -> str | None:
    """The Alexa userId: the household for storage."""
    for node in (system(envelope).get("user"), (envelope.get("session") or {}).get("user")):
        if isinstance(node, dict) and isinstance(node.get("userId"), str):
            return node["userId"]
    return None


def person_id(envelope: dict) -> str | None:
    """context.System.person.personId when Alexa recognised a voice."""
    person = system(envelope).get("person")
    return person.get("personId") if isinstance(person, dict) else None


def locale(envelope: dict) -> str:
    """request.locale, defaulting to en-US."""
    value = (envelope.get("request") or {}).get("locale")
    return value if isinstance(value, str) and value else "en-US"


def timers_granted(envelope: dict) -> bool:
    """Whether the user granted the timers permission (context.System.user.permissions.scopes)."""
    user = system(envelope).get("user")
    perms = user.get("permissions") if isinstance(user, dict) else None
    scopes = perms.get("scopes") if isinstance(perms, dict) else None
    scope = scopes.get(TIMERS_SCOPE) if isinstance(scopes, dict) else None
    return isinstance(scope, dict) and scope.get("status") == "GRANTED"


def can_call_apis(envelope: dict) -> bool:
    """Whether the request carries an API endpoint and access token."""
    sys_ = system(envelope)
    return isinstance(sys_.get("apiEndpoint"), str) and isinstance(sys_.get("apiAccessToken"), str)


def slots(envelope: dict) -> dict[str, str]:
    """Slot values by name: the resolved canonical value when entity resolution matched, else what was heard."""
    intent = (envelope.get("request") or {}).get("intent")
    raw = intent.get("slots") if isinstance(intent, dict) else None
    out: dict[str, str] = {}
    if not isinstance(raw, dict):
        return out
    for name, slot in raw.items():
        if not isinstance(slot, dict):
            continue
        value = slot.get("value")
        resolved = _resolved(slot)
        if resolved:
            value = resolved
        if isinstance(value, str) and value.strip():
            out[str(name)] = value.strip()
    return out


def _resolved(slot: dict) -> str | None:
    per = ((slot.get("resolutions") or {}).get("resolutionsPerAuthority")) or []
    for authority in per if isinstance(per, list) else []:
        if not isinstance(authority, dict):
            continue
        if ((authority.get("status") or {}).get("code")) != "ER_SUCCESS_MATCH":
            continue
        for item in authority.get("values") or []:
            name = ((item or {}).get("value") or {}).get("name")
            if isinstance(name, str) and name:
                return name
    return None
