"""The topology test runs only when asked (TALKA_TOPOLOGY=1, as deploy/test-topology.sh
and .ci/run do): it needs nginx, redis-server and PostgreSQL on this machine."""

from __future__ import annotations

import os
import shutil

import pytest


def pytest_collection_modifyitems(config, items):
    if os.environ.get("TALKA_TOPOLOGY") == "1":
        return
    skip = pytest.mark.skip(reason="the topology test runs with TALKA_TOPOLOGY=1 "
                                   "(deploy/test-topology.sh)")
    for item in items:
        if "tests/topology" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def db():
    """The topology brings its own database and servers."""
    yield None


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    from tests.stress.rush import Plan
    from tests.topology.topology import Topology, postgres_url

    for tool in ("nginx", "redis-server"):
        if shutil.which(tool) is None and not os.path.exists(f"/usr/sbin/{tool}"):
            pytest.fail(f"{tool} is missing (deploy/test-topology.sh installs it)")
    plan = Plan(clients=100, shared_ideas=10, workers=2, threads=4, before=6.0, after=2.0)
    top = Topology(tmp_path_factory.mktemp("topology"), plan, postgres_url())
    try:
        top.start()
        yield top
    finally:
        top.shutdown()
        top.drop()
