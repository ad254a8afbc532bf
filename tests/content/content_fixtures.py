"""Small valid content files that tests change one line at a time."""

VALID_DECK = """\
kind: deck
id: trust
title: Trust
theme: trust
questions:
  - id: trust-01
    depth: 1
    contexts: [any]
    text: What is one small thing that helps you feel you can count on your partner?
"""

VALID_EXERCISE = """\
kind: exercise
id: listening
title: The listening exercise
theme: listening
names: [listening exercise, listening]
minutes: 10
contexts: [any]
summary: One of you shares while the other listens.
intro: One of you shares and the other listens. Say skip to move on, or stop to end.
steps:
  - id: share
    speaker: a
    say: "{a}, talk about anything on your mind. {b}, just listen."
    wait: timed
    seconds: 180
    warn_before: 30
  - id: ask
    speaker: both
    draw: {theme: trust, depth: 1}
    wait: turn
outro: Thank you both.
"""
