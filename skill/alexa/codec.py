"""Fast, faithful stand-ins for ask-sdk's DefaultSerializer on the request path.

ask-sdk's DefaultSerializer re-parses a JSON string, resolves every model class by name with
`__import__` on every field, and parses timestamps with dateutil: about a third of a skill
request's CPU time. `deserialize` here takes the already-parsed envelope dict, resolves each
class's field plan once, and reads Alexa's ISO timestamps with `datetime.fromisoformat`; the
model it builds is equal (`==`) to DefaultSerializer's. Anything off the common path (a model
where a non-object arrives, an unusual timestamp) is handed to DefaultSerializer itself, so
odd input behaves exactly as before (tests/alexa/test_codec.py compares both on the corpus).

`dumps` writes a response envelope straight to JSON with the C encoder, calling back only for
model objects, enums, dates and decimals; its output parses to what
`json.dumps(DefaultSerializer().serialize(obj))` gives.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import re
from enum import Enum
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from dateutil.tz import tzutc

_DEFAULT = DefaultSerializer()
_slow = _DEFAULT._DefaultSerializer__deserialize  # the reference implementation, for odd input
_load_class = _DEFAULT._DefaultSerializer__load_class_from_name
_PRIMITIVES = DefaultSerializer.PRIMITIVE_TYPES
_NATIVE = DefaultSerializer.NATIVE_TYPES_MAPPING
_LIST = re.compile(r"list\[(.*)\]")
_DICT = re.compile(r"dict\(([^,]*), (.*)\)")
# What Alexa sends: 2024-05-01T10:00:00Z, optionally with fractional seconds.
_ALEXA_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z\Z")
_UTC = tzutc()  # what dateutil gives for a trailing Z


class _Model:
    """A model class's field plan: (attribute, payload key, decoder), resolved once."""

    __slots__ = ("cls", "fields", "keys", "discriminated")

    def __init__(self, cls):
        self.cls = cls
        types = cls.deserialized_types
        amap = dict(getattr(cls, "attribute_map", {}) or {})
        amap.update({k: k for k in types if k not in amap})
        self.fields = [(attr, key, _decoder(types[attr])) for attr, key in amap.items()]
        self.keys = frozenset(amap.values())
        self.discriminated = hasattr(cls, "get_real_child_model")


_PLANS: dict[Any, _Model] = {}
_DECODERS: dict[Any, Any] = {}


def _plan(cls) -> _Model:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Model(cls)
    return plan


def _decoder(spec):
    """A function payload -> value for one type spec ('str', 'list[a.B]', 'a.b.Model', ...)."""
    found = _DECODERS.get(spec)
    if found is not None:
        return found
    decoder = _make_decoder(spec)
    _DECODERS[spec] = decoder
    return decoder


def _make_decoder(spec):
    slow = lambda payload: _slow(payload, spec)  # noqa: E731
    if isinstance(spec, str):
        if spec.startswith("list[") or spec.startswith("dict("):
            return _container(spec, slow)
        if spec in _NATIVE:
            target = _NATIVE[spec]
        else:
            try:
                target = _load_class(spec)
            except SerializationException:
                return slow
    else:
        target = spec
    if target is object:
        return lambda payload: payload
    if target is str:
        return lambda payload: payload if type(payload) is str else slow(payload)
    if target in _PRIMITIVES or target is _dt.date:
        return slow
    if target is _dt.datetime:
        def stamp(payload):
            if type(payload) is str and _ALEXA_STAMP.match(payload):
                return _dt.datetime.fromisoformat(payload[:-1]).replace(tzinfo=_UTC)
            return slow(payload)
        return stamp
    if isinstance(target, type) and issubclass(target, Enum):
        return target  # Enum(value), as the reference does; an unknown value raises (wrapped below)
    if not hasattr(target, "deserialized_types"):
        return slow
    return lambda payload: _model(payload, target, slow)


def _container(spec: str, slow):
    if spec.startswith("list["):
        inner = _LIST.match(spec)
        if inner is None or "," in inner.group(1):
            return slow
        item = _decoder(inner.group(1).strip())

        def as_list(payload):
            if type(payload) is not list:
                return slow(payload)
            return [None if p is None else item(p) for p in payload]
        return as_list
    inner = _DICT.match(spec)
    if inner is None:
        return slow
    value = _decoder(inner.group(2))

    def as_dict(payload):
        if type(payload) is not dict:
            return slow(payload)
        return {k: None if v is None else value(v) for k, v in payload.items()}
    return as_dict


def _model(payload, cls, slow):
    if type(payload) is not dict:
        return slow(payload)
    plan = _plan(cls)
    if plan.discriminated:
        name = cls.get_real_child_model(payload)
        if not name:
            return slow(payload)
        plan = _plan(_load_class(name))
    obj = plan.cls()
    for attr, key, decode in plan.fields:
        if key in payload:
            value = payload[key]
            setattr(obj, attr, None if value is None else decode(value))
    keys = plan.keys
    for extra in payload:
        if extra not in keys:
            setattr(obj, extra, payload[extra])
    return obj


def deserialize(payload: dict, obj_type):
    """`DefaultSerializer().deserialize(json.dumps(payload), obj_type)` without the JSON round trip.

    The payload is read, never changed; JSON values kept as-is (session attributes and other
    `object` fields) are shared with it, as the caller owns the freshly parsed dict."""
    try:
        return _decoder(obj_type)(payload) if payload is not None else None
    except SerializationException:
        raise
    except Exception as exc:
        raise SerializationException(str(exc)) from None


_KEYS: dict[type, list[tuple[str, str]]] = {}


def _keys(cls) -> list[tuple[str, str]]:
    found = _KEYS.get(cls)
    if found is None:
        amap = dict(getattr(cls, "attribute_map", {}) or {})
        found = _KEYS[cls] = [(attr, amap.get(attr, attr)) for attr in cls.deserialized_types]
    return found


def _default(obj):
    """json.dumps hook: what DefaultSerializer.serialize does for non-JSON values."""
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, (_dt.datetime, _dt.date)):
        return obj.isoformat()
    if isinstance(obj, decimal.Decimal):
        return int(obj) if obj % 1 == 0 else float(obj)
    if hasattr(obj, "deserialized_types"):
        out = {}
        for attr, key in _keys(type(obj)):
            value = getattr(obj, attr)
            if value is not None:
                out[key] = value
        return out
    raise TypeError(f"cannot serialize {type(obj).__name__}")


def dumps(obj) -> str:
    """Compact JSON for an ask-sdk model (e.g. a ResponseEnvelope)."""
    return json.dumps(obj, default=_default, separators=(",", ":"))
