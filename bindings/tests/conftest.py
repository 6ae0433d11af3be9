import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("GATESIM_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))


@pytest.fixture
def scenario_path():
    def path(name):
        return str(SOURCE_DIR / "scenarios" / (name + ".yaml"))

    return path


@pytest.fixture
def gatesim_cli():
    cli = os.environ.get("GATESIM_CLI")
    if not cli:
        pytest.skip("GATESIM_CLI is not set (ctest sets it)")
    return cli
