"""Run by a bare `python3 -I` from an unpacked Lambda zip: invoke the handler as Lambda would.

    python3 -I lambda_runner.py TASK_ROOT STEPS.json
Each step is {"envelope": {...}, "session": "new"|"same"}; a "same" step gets the previous reply's
session attributes, as Alexa sends them back. Prints one JSON line per step: {"reply"} or {"refused"}.
Only the standard library and TASK_ROOT (the unpacked zip, Lambda's task root) are importable.
"""

import json
import sys

root, steps_file = sys.argv[1], sys.argv[2]
sys.path.insert(0, root)

from skill.alexa.lambda_handler import handler  # noqa: E402

attributes = {}
for step in json.load(open(steps_file)):
    envelope = step["envelope"]
    if step.get("session") == "same" and "session" in envelope:
        envelope["session"]["attributes"] = attributes
        envelope["session"]["new"] = False
    try:
        reply = handler(envelope, None)
    except ValueError as err:
        print(json.dumps({"refused": str(err)}), flush=True)
        continue
    attributes = reply.get("sessionAttributes") or {}
    print(json.dumps({"reply": reply}), flush=True)
