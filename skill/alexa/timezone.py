"""The device's time zone from the Alexa Settings API, cached per device.

An Alexa request carries no time zone, yet the couple's local hour decides the dinner context and
whether it is "tonight's" check-in. GET {apiEndpoint}/v2/devices/{deviceId}/settings/System.timeZone
with the request's apiAccessToken (no permission needed) answers an IANA name such as
"America/New_York" (ask-sdk's UpsServiceClient.get_system_time_zone). One call per device per
CACHE_S; a failure is remembered for RETRY_S so an unreachable API does not slow every request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ask_sdk_model.services.service_exception import ServiceException

from . import envelope as env

log = logging.getLogger("closer.alexa.timezone")

CACHE_S = 6 * 3600
RETRY_S = 10 * 60
MAX_DEVICES = 10_000


def device_id(raw: dict) -> str | None:
    device = env.system(raw).get("device")
    value = device.get("deviceId") if isinstance(device, dict) else None
    return value if isinstance(value, str) and value else None


def valid(name) -> str | None:
    """The name if it is a real IANA zone, else None."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


class TimeZones:
    """device id -> (zone or None, valid until); thread-safe, bounded."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._cache: OrderedDict[str, tuple[str | None, float]] = OrderedDict()
        self._lock = threading.Lock()

    def lookup(self, raw: dict, service_client_factory) -> str | None:
        """The device's zone, from the cache or the Settings API; None when unknown."""
        device = device_id(raw)
        if device is None or service_client_factory is None or not env.can_call_apis(raw):
            return None
        now = self.clock()
        with self._lock:
            cached = self._cache.get(device)
            if cached and cached[1] > now:
                return cached[0]
        zone = self._fetch(device, service_client_factory)
        with self._lock:
            self._cache[device] = (zone, now + (CACHE_S if zone else RETRY_S))
            self._cache.move_to_end(device)
            while len(self._cache) > MAX_DEVICES:
                self._cache.popitem(last=False)
        return zone

    @staticmethod
    def _fetch(device: str, factory) -> str | None:
        try:
            zone = valid(factory.get_ups_service().get_system_time_zone(device))
        except ServiceException as exc:
            log.warning("time zone lookup failed: status %s", exc.status_code)
            return None
        except Exception as exc:  # a malformed answer must not cost the couple their turn
            log.warning("time zone lookup failed: %s", type(exc).__name__)
            return None
        if zone is None:
            log.warning("time zone lookup gave no usable zone")
        return zone
