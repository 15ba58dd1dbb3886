"""The commands `make run` and the README print work when typed as printed, in a fresh shell
from the project directory: no FLASK_APP, no settings in the environment. A copy of the project
(as a fresh clone has it) runs them against its own instance/ database."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "quiet-harbour-compass-71"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def after_make_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The project's files as a fresh clone has them (the test's virtualenv as .venv), after
    the steps of `make run` before serving; and what they printed."""
    target = tmp_path_factory.mktemp("fresh") / "austausch"
    shutil.copytree(
        ROOT,
        target,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "instance", "tests", "bench", "test-output", "__pycache__", ".*cache"
        ),
    )
    (target / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return target, make_run_steps(target)


@pytest.fixture
def clone(after_make_run, tmp_path: Path) -> Path:
    """A copy of the project after `make run`'s steps, for one test."""
    target = tmp_path / "austausch"
    shutil.copytree(after_make_run[0], target, symlinks=True)
    return target


@pytest.fixture
def offered(after_make_run) -> str:
    return after_make_run[1]


def typed(clone: Path, command: str, stdin: str = "") -> subprocess.CompletedProcess:
    """Run the command as typed in a new shell in the project directory: a bare environment,
    no terminal (hidden prompts read the input given)."""
    environment = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(clone.parent),
        "LANG": "C.UTF-8",
    }
    return subprocess.run(
        ["/bin/sh", "-c", command],
        cwd=clone,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        start_new_session=True,  # no controlling terminal: getpass reads stdin
        check=False,
    )


def printed(output: str, lead: str) -> str:
    """The command a line of output offers after `lead`."""
    line = next(line for line in output.splitlines() if line.startswith(lead))
    return line.split(":  ", 1)[1].strip()


def make_run_steps(clone: Path) -> str:
    """What `make run` does before serving, each command as its recipe types it; the output
    of the last (users check-admin), which tells how to go on."""
    recipe = (ROOT / "Makefile").read_text()
    assert "$(FLASK) users check-admin" in recipe
    for command in (".venv/bin/flask db upgrade", ".venv/bin/flask seed"):
        result = typed(clone, command)
        assert result.returncode == 0, result.stderr
    result = typed(clone, ".venv/bin/flask users check-admin")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_printed_admin_command_creates_the_admin(clone, offered):
    command = printed(offered, "Create one with:")
    assert command == ".venv/bin/flask users create you@example.org --role admin"
    assert command in (ROOT / "README.md").read_text()

    result = typed(clone, command, stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.returncode == 0, result.stderr
    assert "SECRET_KEY" not in result.stderr
    assert "Created you@example.org with the role admin." in result.stdout

    listed = typed(clone, ".venv/bin/flask users list")
    assert listed.stdout.split() == ["you@example.org", "admin", "active"]
    assert (clone / "instance" / "austausch.db").exists()  # the project's own database


def test_the_printed_demo_command_fills_the_empty_database(clone, offered):
    command = printed(offered, "Or explore fictional sample data")
    assert command == ".venv/bin/flask demo"
    assert command in (ROOT / "README.md").read_text()

    result = typed(clone, command)
    assert result.returncode == 0, result.stderr
    assert "coordinator@example.org" in result.stdout
    again = typed(clone, command)
    assert again.returncode == 1
    assert "already holds data" in again.stderr


def test_the_server_settings_stay_production_without_a_secret_key(clone):
    """.flaskenv names the factory for `flask`; gunicorn's wsgi.py still refuses to start
    without a real SECRET_KEY, and so does `flask` with AUSTAUSCH_ENV=production."""
    served = typed(clone, ".venv/bin/python -c 'import wsgi'")
    assert served.returncode != 0
    assert "SECRET_KEY must be set" in served.stderr
    command = typed(clone, "AUSTAUSCH_ENV=production .venv/bin/flask users list")
    assert command.returncode != 0
    assert "SECRET_KEY must be set" in command.stderr
