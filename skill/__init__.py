"""Closer Together: the dialogue engine, content, storage and the Alexa adapter."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
