"""The old import path of command recognition, kept for scripts written against it: see `local_voice.recognition`."""

from local_voice.recognition import *  # noqa: F401,F403
from local_voice.recognition import __all__  # noqa: F401
