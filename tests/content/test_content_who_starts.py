"""A step both partners answer invites the second by name; that is only right when `starts` agrees with
whom the script asks to begin ("{b}, you start" needs `starts: b`, or the one who just spoke is invited again)."""

from __future__ import annotations

import re

from skill.engine import load_engine

# The first partner a script addresses as the one to begin: "{b}, you start", "{a} first, then {b}".
FIRST_ADDRESSED = re.compile(r"\{([ab])\}(?:,\s*you\b|\s+first\b)")


def test_every_step_for_both_starts_with_the_partner_its_script_names():
    content = load_engine().content
    wrong = []
    for activity in content.activities().values():
        for step in getattr(activity, "steps", None) or []:
            if step.speaker != "both" or not step.say:
                continue
            named = FIRST_ADDRESSED.search(step.say)
            if named and named.group(1) != step.starts:
                wrong.append(f"{activity.id}/{step.id}: says {{{named.group(1)}}} begins, starts: {step.starts}")
    assert not wrong, wrong
