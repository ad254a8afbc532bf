"""Household memory on DynamoDB (boto3's low-level client): for a skill that outgrows one machine.

Table: partition key `h` (household id, S), sort key `p` (S), on-demand billing.
- `p = "core"`: the core record `d` (progress, prefs, names, counters: small, changes every turn),
  the version `v` (N), `ptr` (S: JSON {part name: sort key of its current item}), `c`/`u` (created/updated).
- `p = "<part>#<version>#<token>"`: one growing part (layout.py: used buckets, history chunks, saved),
  written once and never changed.
A turn writes new part items only for the parts it changed, then commits with one conditional
UpdateItem on the core (`v = :read_version`) that swaps the pointers; the superseded items are deleted
after the commit. DynamoDB Local and dynalite have no transactions, and none are needed: until the core
update succeeds nothing points at the new items, so a lost race or a crash leaves no half-written
household: a writer that loses deletes what it put, and a crash leaves only unreferenced items
(removed with the household by forget). Reading is one small GetItem of the core plus a BatchGetItem of
the part items this process has not seen yet, so a turn reads about as little as it writes. On a version conflict the whole turn is
read and applied again after a jittered pause, a bounded number of times, then a clear StoreError.
Every item stays small (a part is at most a few KB), far below DynamoDB's 400 KB item limit.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import threading
import time
from collections import OrderedDict

from ..engine.memory import new_memory
from . import layout
from .base import BaseStore, StoreError

SCHEMA_VERSION = 1
META = "#meta"  # a reserved household id holding the table's schema version
ATTEMPTS = 10
BACKOFF_S = 0.02
_CACHE_HOUSEHOLDS = 1024
_CACHE_PARTS = 8192


def _client(endpoint: str | None, region: str | None):
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise StoreError("the DynamoDB store needs boto3 (pip install boto3)") from None
    session = boto3.session.Session()
    region = region or session.region_name or os.environ.get("AWS_REGION") or "us-east-1"
    kwargs = {}
    if endpoint and session.get_credentials() is None:
        # A local DynamoDB (dynalite, DynamoDB Local) accepts any key, but botocore insists on one.
        kwargs = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}
    config = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=3, read_timeout=10,
                    max_pool_connections=32)
    return session.client("dynamodb", region_name=region, endpoint_url=endpoint, config=config, **kwargs)


class _Read:
    """One consistent view of a household: core text, version, pointers, part texts, stray items."""

    def __init__(self, core, version, created, pointers, parts, strays):
        self.core, self.version, self.created = core, version, created
        self.pointers, self.parts, self.strays = pointers, parts, strays


class DynamoStore(BaseStore):
    """The household store on one DynamoDB table; any number of processes and machines may share it."""

    def __init__(self, table: str, endpoint: str | None = None, region: str | None = None, client=None):
        self.table = table
        self.endpoint = endpoint
        self.location = f"dynamodb://{table}" + (f"?endpoint={endpoint}" if endpoint else "")
        self.client = client or _client(endpoint, region)
        self.cache = layout.PartCache()
        self._last: OrderedDict[str, _Read] = OrderedDict()  # the last read of each household, to write from
        self._texts: OrderedDict[str, str] = OrderedDict()  # part item key -> text (items never change)
        self._lock = threading.Lock()
        from botocore.exceptions import BotoCoreError, ClientError

        self._errors = (BotoCoreError, ClientError)

    # -- errors ---------------------------------------------------------------------
    def _fail(self, doing: str, err) -> StoreError:
        code = getattr(err, "response", {}).get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            return StoreError(f"the DynamoDB table {self.table!r} does not exist; create it with "
                              f"`closer store create --store {self.location}`")
        if code in ("UnrecognizedClientException", "InvalidSignatureException", "AccessDeniedException"):
            return StoreError(f"DynamoDB refused the credentials while {doing} ({code})")
        kind = type(err).__name__
        if kind == "NoCredentialsError":
            return StoreError(f"no AWS credentials for {self.location} (looked in the usual AWS chain: "
                              "environment, ~/.aws, the instance or function role)")
        if kind in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError"):
            return StoreError(f"cannot reach DynamoDB for {self.location} while {doing}")
        return StoreError(f"DynamoDB error while {doing}: {code or kind}")

    @staticmethod
    def _code(err) -> str:
        return getattr(err, "response", {}).get("Error", {}).get("Code", "")

    # -- table ------------------------------------------------------------------------
    def create_table(self, wait: bool = True) -> bool:
        """Create the table (on-demand billing) when missing; returns True if it was created."""
        try:
            self.client.create_table(
                TableName=self.table,
                AttributeDefinitions=[{"AttributeName": "h", "AttributeType": "S"},
                                      {"AttributeName": "p", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "h", "KeyType": "HASH"}, {"AttributeName": "p", "KeyType": "RANGE"}],
                BillingMode="PAY_PER_REQUEST",
            )
            created = True
        except self._errors as err:
            if self._code(err) != "ResourceInUseException":
                raise self._fail("creating the table", err) from None
            created = False
        if wait:
            deadline = time.time() + 120
            while time.time() < deadline:
                status = self.client.describe_table(TableName=self.table)["Table"]["TableStatus"]
                if status == "ACTIVE":
                    break
                time.sleep(0.2)
        try:
            self.client.put_item(TableName=self.table, Item={"h": {"S": META}, "p": {"S": "schema"},
                                                            "v": {"N": str(SCHEMA_VERSION)}},
                                 ConditionExpression="attribute_not_exists(h)")
        except self._errors as err:
            if self._code(err) != "ConditionalCheckFailedException":
                raise self._fail("writing the schema version", err) from None
        return created

    @property
    def version(self) -> int:
        try:
            item = self.client.get_item(TableName=self.table, Key={"h": {"S": META}, "p": {"S": "schema"}},
                                        ConsistentRead=True).get("Item")
        except self._errors as err:
            raise self._fail("reading the schema version", err) from None
        return int(item["v"]["N"]) if item else SCHEMA_VERSION

    # -- reading ----------------------------------------------------------------------
    def _items(self, household: str) -> list[dict]:
        items, start = [], None
        while True:
            kwargs = {"ExclusiveStartKey": start} if start else {}
            page = self.client.query(TableName=self.table, KeyConditionExpression="h = :h",
                                     ExpressionAttributeValues={":h": {"S": household}}, ConsistentRead=True, **kwargs)
            items.extend(page.get("Items", []))
            start = page.get("LastEvaluatedKey")
            if not start:
                return items

    def _read(self, household: str) -> _Read:
        """The core item (one small consistent GetItem), then only the part items this process has not
        seen: a part item never changes once written, so a text cached by its key is always right."""
        for _ in range(ATTEMPTS):
            try:
                core = self.client.get_item(TableName=self.table, Key={"h": {"S": household}, "p": {"S": "core"}},
                                            ConsistentRead=True).get("Item")
                if core is None:
                    view = _Read(None, 0, None, {}, {}, [])
                else:
                    pointers = json.loads(core.get("ptr", {}).get("S") or "{}")
                    texts = self._fetch_parts(household, list(pointers.values()))
                    view = None
                    if texts is not None:
                        view = _Read(core["d"]["S"], int(core["v"]["N"]), float(core["c"]["N"]) if "c" in core else None,
                                     pointers, {name: texts[key] for name, key in pointers.items()}, [])
            except self._errors as err:
                raise self._fail("reading a household", err) from None
            if view is not None:
                with self._lock:
                    self._last[household] = view
                    self._last.move_to_end(household)
                    if len(self._last) > _CACHE_HOUSEHOLDS:
                        self._last.popitem(last=False)
                return view
            time.sleep(random.uniform(0, BACKOFF_S))  # a writer committed and swept between our reads
        raise StoreError("the household kept changing while it was read; try again")

    def _fetch_parts(self, household: str, keys: list[str]) -> dict[str, str] | None:
        """{key: text} for these part items (from the cache where held); None if one is gone (superseded)."""
        with self._lock:
            found = {k: self._texts[k] for k in keys if k in self._texts}
        wanted = [k for k in keys if k not in found]
        for start in range(0, len(wanted), 100):
            pending = {self.table: {"Keys": [{"h": {"S": household}, "p": {"S": k}} for k in wanted[start:start + 100]],
                                    "ConsistentRead": True}}
            for attempt in range(8):
                page = self.client.batch_get_item(RequestItems=pending)
                for item in page.get("Responses", {}).get(self.table, []):
                    found[item["p"]["S"]] = item["d"]["S"]
                pending = page.get("UnprocessedKeys") or {}
                if not pending:
                    break
                time.sleep(random.uniform(0, BACKOFF_S * (2 ** attempt)))
        if any(k not in found for k in keys):
            return None
        self._keep_texts({k: found[k] for k in wanted})
        return found

    def _keep_texts(self, texts: dict[str, str]) -> None:
        with self._lock:
            for key, text in texts.items():
                self._texts[key] = text
                self._texts.move_to_end(key)
            while len(self._texts) > _CACHE_PARTS:
                self._texts.popitem(last=False)

    @staticmethod
    def _view(items: list[dict]) -> _Read | None:
        core = next((i for i in items if i["p"]["S"] == "core"), None)
        others = {i["p"]["S"]: i["d"]["S"] for i in items if i["p"]["S"] != "core" and "d" in i}
        if core is None:
            return _Read(None, 0, None, {}, {}, list(others))
        pointers = json.loads(core.get("ptr", {}).get("S") or "{}")
        parts = {}
        for name, key in pointers.items():
            if key not in others:
                return None  # torn: the core is newer than the parts we saw
            parts[name] = others[key]
        strays = [key for key in others if key not in set(pointers.values())]
        created = float(core["c"]["N"]) if "c" in core else None
        return _Read(core["d"]["S"], int(core["v"]["N"]), created, pointers, parts, strays)

    def load(self, household: str) -> dict:
        """The household's memory (a new one if unknown)."""
        view = self._read(household)
        memory, _ = layout.join(view.core, view.parts, self.cache, household)
        return memory or new_memory()

    # -- writing ----------------------------------------------------------------------
    def apply(self, household: str, effects: list[dict]) -> dict:
        """Apply effects as one conditional commit, re-reading and retrying on a version conflict."""
        if not effects:
            return self.load(household)
        if effects[-1].get("op") == "forget":
            self.forget(household)
            self.last_written = 0
            return new_memory()
        with self._lock:
            view = self._last.get(household)  # the load a moment ago: right unless another writer came between
        for attempt in range(ATTEMPTS):
            if view is None:
                view = self._read(household)
            result = self._try_commit(household, view, effects)
            if result is not None:
                return result
            view = None
            time.sleep(random.uniform(0, min(0.4, BACKOFF_S * (2 ** attempt))))  # full jitter, capped
        raise StoreError(f"too many simultaneous changes to one household; this change was not saved "
                         f"(nothing was written, {ATTEMPTS} attempts)")

    def _try_commit(self, household: str, view: _Read, effects: list[dict]) -> dict | None:
        before, count = layout.join(view.core, view.parts, self.cache, household)
        memory, plan = layout.plan(before, count, view.parts, effects, self.cache)
        version = view.version + 1
        token = secrets.token_hex(3)
        pointers = dict(view.pointers)  # a rewrite lists every old part it drops as a deletion
        new_items = {}
        for name, text in plan.changes.items():
            if text is None:
                pointers.pop(name, None)
            else:
                key = f"{name}#{version}#{token}"
                pointers[name] = key
                new_items[key] = text
        try:
            self._put_parts(household, new_items)
        except self._errors as err:
            self._sweep(household, list(new_items))
            raise self._fail("writing a household", err) from None
        now = time.time()
        names = {"#d": "d", "#v": "v", "#u": "u", "#c": "c"}
        values = {":d": {"S": plan.core}, ":v": {"N": str(version)}, ":u": {"N": repr(now)}}
        update = "SET #d = :d, #v = :v, #u = :u, #c = if_not_exists(#c, :u)"
        if pointers != view.pointers:
            names["#ptr"] = "ptr"
            values[":ptr"] = {"S": layout.dumps(pointers)}
            update += ", #ptr = :ptr"
        if view.core is None:
            condition = "attribute_not_exists(h)"
        else:
            condition = "#v = :old"
            values[":old"] = {"N": str(view.version)}
        try:
            self.client.update_item(TableName=self.table, Key={"h": {"S": household}, "p": {"S": "core"}},
                                    UpdateExpression=update, ConditionExpression=condition,
                                    ExpressionAttributeNames=names, ExpressionAttributeValues=values)
        except self._errors as err:
            self._sweep(household, list(new_items))  # nothing points at them
            if self._code(err) == "ConditionalCheckFailedException":
                return None
            raise self._fail("writing a household", err) from None
        superseded = [key for name, key in view.pointers.items() if pointers.get(name) != key]
        self._sweep(household, superseded + view.strays)
        self.last_written = plan.bytes_written + sum(len(k) for k in new_items)
        self._keep_texts(new_items)
        parts = {n: new_items.get(k) or view.parts[n] for n, k in pointers.items()}
        with self._lock:
            self._last[household] = _Read(plan.core, version, view.created or now, pointers, parts, [])
        layout.remember_written(self.cache, household, parts, memory)
        return memory

    def _put_parts(self, household: str, items: dict[str, str]) -> None:
        if len(items) == 1:
            [(key, text)] = items.items()
            self.client.put_item(TableName=self.table, Item={"h": {"S": household}, "p": {"S": key}, "d": {"S": text}})
            return
        requests = [{"PutRequest": {"Item": {"h": {"S": household}, "p": {"S": k}, "d": {"S": t}}}} for k, t in items.items()]
        self._batch(requests)

    def _batch(self, requests: list[dict]) -> None:
        for start in range(0, len(requests), 25):
            pending = {self.table: requests[start:start + 25]}
            for attempt in range(8):
                left = self.client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
                if not left:
                    break
                pending = left
                time.sleep(random.uniform(0, BACKOFF_S * (2 ** attempt)))
            else:
                raise StoreError("DynamoDB kept throttling a batch write")

    def _sweep(self, household: str, keys: list[str]) -> None:
        """Delete items nothing points at (best effort: a stray left behind is swept by a later write)."""
        if not keys:
            return
        try:
            self._batch([{"DeleteRequest": {"Key": {"h": {"S": household}, "p": {"S": k}}}} for k in keys])
        except (StoreError, *self._errors):
            pass

    # -- forget and export -------------------------------------------------------------
    def forget(self, household: str | None = None) -> int:
        """Delete one household, or every household; returns how many were deleted."""
        try:
            if household is not None:
                items = self._items(household)
                keys = [i["p"]["S"] for i in items]
                self._batch([{"DeleteRequest": {"Key": {"h": {"S": household}, "p": {"S": k}}}} for k in keys])
                with self._lock:
                    self._last.pop(household, None)
                return int(any(k == "core" for k in keys))
            count, requests = 0, []
            for item in self._scan(("h", "p")):
                if item["h"]["S"] == META:
                    continue
                count += item["p"]["S"] == "core"
                requests.append({"DeleteRequest": {"Key": {"h": item["h"], "p": item["p"]}}})
            self._batch(requests)
            with self._lock:
                self._last.clear()
            return count
        except self._errors as err:
            raise self._fail("forgetting", err) from None

    def _scan(self, attributes: tuple[str, ...] | None = None):
        start = None
        while True:
            kwargs = {"ExclusiveStartKey": start} if start else {}
            if attributes:
                kwargs["ProjectionExpression"] = ", ".join(f"#{a}" for a in attributes)
                kwargs["ExpressionAttributeNames"] = {f"#{a}": a for a in attributes}
            page = self.client.scan(TableName=self.table, ConsistentRead=True, **kwargs)
            yield from page.get("Items", [])
            start = page.get("LastEvaluatedKey")
            if not start:
                return

    def export(self) -> dict:
        """Everything kept, as one JSON-ready dict."""
        grouped: dict[str, list[dict]] = {}
        try:
            for item in self._scan():
                grouped.setdefault(item["h"]["S"], []).append(item)
            version = self.version
        except self._errors as err:
            raise self._fail("exporting", err) from None
        households = []
        for household in sorted(h for h in grouped if h != META):
            view = self._view(grouped[household])
            if view is None:  # changed while scanned: read it again on its own
                view = self._read(household)
            if view.core is None:
                continue
            memory, _ = layout.join(view.core, view.parts, self.cache)
            core = next(i for i in grouped[household] if i["p"]["S"] == "core")
            households.append({"id": household, "created": float(core["c"]["N"]) if "c" in core else None,
                               "updated": float(core["u"]["N"]) if "u" in core else None,
                               "memory": memory or new_memory()})
        return {"database": self.location, "schema_version": version, "households": households}

    def close(self) -> None:
        self.client.close()
