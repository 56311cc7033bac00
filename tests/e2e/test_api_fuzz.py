"""Fuzz the whole API from its OpenAPI document with schemathesis: no input may cause a 500.

Runs the schemathesis CLI against a real uvicorn server (the ``live_url`` fixture) with a
small catalog in the database, once as a guest and once with a shop owner's API token.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from plaza.accounts.services import create_api_token
from tests.factories import LocationFactory, MembershipFactory, StockFactory, VariantFactory, open_all_week

pytestmark = pytest.mark.fuzz

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture
def owner_token(live_url):
    membership = MembershipFactory()
    location = open_all_week(LocationFactory(shop=membership.shop))
    for _ in range(3):
        StockFactory(variant=VariantFactory(product__shop=membership.shop), location=location, quantity=5)
    _, raw = create_api_token(user=membership.user, name="fuzz")
    return raw


@pytest.mark.parametrize("as_owner", [False, True], ids=["guest", "owner"])
def test_no_input_makes_the_api_fail(live_url, owner_token, as_owner, tmp_path):
    command = [
        str(SCHEMATHESIS), "run", f"{live_url}/api/v1/openapi.json",
        "--checks", "not_a_server_error",
        "--max-examples", "15",
        "--max-time", "240",
        "--seed", "7",
        "--workers", "1",
        "--request-timeout", "20",
        "--suppress-health-check", "all",
        "--report", "ndjson", "--report-dir", str(tmp_path),
    ]
    if as_owner:
        # Revoking its own token would leave the rest of the run signed out (401 everywhere);
        # revocation has tests of its own (tests/accounts/test_api_tokens.py).
        command += ["--header", f"Authorization: Bearer {owner_token}", "--exclude-operation-id", "plaza_accounts_api_revoke_token"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
