"""`closer lambda-package`: a deployable AWS Lambda zip of the skill (handler skill.alexa.lambda_handler.handler).

The zip holds the `skill` package, the spoken content (`prompts/`) and the skill's runtime dependencies
as wheels built for the Lambda platform (pip download --platform manylinux... --only-binary=:all:),
unpacked at the zip's root as Lambda expects. Audio and recognition (local mode only) stay out, and so
does gunicorn: Lambda calls the handler directly. boto3 is bundled rather than taken from the runtime,
so the version the store was tested with is the one that runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The runtime dependencies the Alexa side imports (versions come from pyproject.toml where declared).
LAMBDA_DEPENDENCIES = ["ask-sdk-core", "flask", "pyyaml", "platformdirs", "sqlite-utils", "cryptography", "boto3"]
PLATFORMS = {"x86_64": "x86_64", "arm64": "aarch64"}
SKIP_DIRS = {"__pycache__", "tests"}


def requirements() -> list[str]:
    """LAMBDA_DEPENDENCIES with the version bounds pyproject.toml declares for them."""
    declared: dict[str, str] = {}
    pyproject = ROOT / "pyproject.toml"
    if pyproject.exists():
        import tomllib

        for spec in tomllib.loads(pyproject.read_text()).get("project", {}).get("dependencies", []):
            name = re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0].strip().lower()
            declared[name] = spec
    return [declared.get(name, name) for name in LAMBDA_DEPENDENCIES]


def platform_tags(arch: str, python_version: str) -> list[str]:
    machine = PLATFORMS[arch]
    tags = [f"manylinux2014_{machine}", f"manylinux_2_17_{machine}"]
    if tuple(int(p) for p in python_version.split(".")[:2]) >= (3, 12):
        tags.append(f"manylinux_2_28_{machine}")  # the 3.12+ runtimes run on Amazon Linux 2023 (glibc 2.34)
    return tags


def download_wheels(dest: Path, python_version: str, arch: str) -> list[Path]:
    abi = "cp" + python_version.replace(".", "")
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--dest", str(dest),
           "--only-binary=:all:", "--implementation", "cp", "--python-version", python_version, "--abi", abi,
           "--abi", "abi3", "--abi", "none"]
    for tag in platform_tags(arch, python_version):
        cmd += ["--platform", tag]
    cmd += requirements()
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-6:])
        raise RuntimeError(f"pip could not fetch the dependencies for Python {python_version} on {arch}:\n{tail}")
    return sorted(dest.glob("*.whl"))


def project_files() -> list[tuple[Path, str]]:
    """(file, name in the zip) for the skill package and the content."""
    files = []
    for top in ("skill", "prompts"):
        for path in sorted((ROOT / top).rglob("*")):
            rel = path.relative_to(ROOT)
            if path.is_file() and not SKIP_DIRS & set(rel.parts) and path.suffix not in (".pyc", ".db", ".mp3"):  # Lambda serves no files: the bed is hosted at CLOSER_PUBLIC_URL
                files.append((path, rel.as_posix()))
    return files


def build(out: Path, python_version: str = "3.12", arch: str = "x86_64") -> dict:
    """Write the zip; returns {"path", "bytes", "files", "wheels"}."""
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="closer-lambda-") as tmp:
        wheels = download_wheels(Path(tmp), python_version, arch)
        names: set[str] = set()
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as bundle:
            for path, name in project_files():
                bundle.write(path, name)
                names.add(name)
            for wheel in wheels:
                if wheel.name.startswith(("pip-", "setuptools-", "wheel-")):
                    continue  # installers some packages declare; nothing imports them at run time
                with zipfile.ZipFile(wheel) as source:
                    for info in source.infolist():
                        if info.is_dir() or info.filename in names:
                            continue
                        names.add(info.filename)
                        data = source.read(info)
                        entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                        entry.external_attr = info.external_attr or (0o644 << 16)
                        entry.compress_type = zipfile.ZIP_DEFLATED
                        bundle.writestr(entry, data)
        os.replace(partial, out)
    return {"path": str(out), "bytes": out.stat().st_size, "files": len(names), "wheels": [w.name for w in wheels]}


def run(args) -> int:
    try:
        result = build(Path(args.out), args.python_version, args.arch)
    except (RuntimeError, OSError) as err:
        print(f"closer lambda-package: {err}", file=sys.stderr)
        return 1
    print(f"Wrote {result['path']} ({result['bytes'] / 1e6:.1f} MB, {result['files']} files, "
          f"{len(result['wheels'])} wheels for Python {args.python_version} on {args.arch}).")
    print("Handler: skill.alexa.lambda_handler.handler; environment: CLOSER_STORE=dynamodb://TABLE, CLOSER_SKILL_ID.")
    return 0
