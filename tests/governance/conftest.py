import pytest

from tests.support.makers_governance import lsps


@pytest.fixture(autouse=True)
def partners_lsps(request):
    """Each test's partnership has its three LSPs, who sign the register's documents."""
    if "world_a" in request.fixturenames:
        lsps(request.getfixturevalue("world_a"))
