from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


def shared_path(path: Path) -> Path:
    """A path under ../shared: skip where it is absent, but fail in CI, which has it."""
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing; CI must have ../shared beside the checkout")
        pytest.skip(f"{path} is absent (../shared is not beside this checkout)")
    return path


@pytest.fixture
def seeds() -> Path:
    return shared_path(SEEDS)


@pytest.fixture
def seed_manifest(seeds: Path) -> dict[str, dict[str, object]]:
    manifest = json.loads((seeds / "manifest.json").read_text())
    return {entry["file"]: entry for entry in manifest["articles"]}


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `sitrep` as a user would, in a subprocess."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SITREP_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
    )
