"""Settings for limits, auth and TLS: environment, flags, validation, and no secrets in reprs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from clients.cli import _limit_pairs
from recommender.server.limits import Limits, RequestTooLargeError, limit_specs
from recommender.server.registry import RPCS, measure
from recommender.server.settings import Settings
from tests.reliability.harness import large_request


def test_limits_come_from_environment_and_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINOPS_RECOMMENDER_LIMIT_USAGE_POINTS", "1234")
    monkeypatch.setenv("FINOPS_RECOMMENDER_LIMIT_WORKLOADS", "7")
    settings = Settings.from_env(limits={"workloads": 9})
    values = settings.limit_values()
    assert values.value("usage_points") == 1234 and values.value("workloads") == 9
    assert values.value("offerings") == 5_000  # untouched default
    assert _limit_pairs(["usage_points=5", "seats=0"]) == {"usage_points": 5, "seats": 0}
    with pytest.raises(ValueError, match="NAME=INTEGER"):
        _limit_pairs(["usage_points"])


def test_unknown_or_negative_limits_fail_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="unknown limit"):
        Settings(limits={"usage_pointz": 5})
    monkeypatch.setenv("FINOPS_RECOMMENDER_LIMIT_SEATS", "-1")
    with pytest.raises(ValidationError):
        Settings.from_env()


def test_every_limit_is_documented_in_the_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    missing = [spec.name for spec in limit_specs() if f"`{spec.name}`" not in readme]
    assert not missing, f"document these limits in README.md (Operations > Limits): {missing}"


def test_zero_turns_a_limit_off_and_every_exceeded_limit_is_named() -> None:
    request = large_request(classes=3, hours=100)
    sizes = measure(request)
    assert sizes["usage_points"] == 300 and sizes["usage_classes"] == 3 and sizes["offerings"] == 4
    with pytest.raises(RequestTooLargeError) as info:
        Limits({"usage_points": 299, "offerings": 3}).check(sizes, "the request")
    assert info.value.limit == "offerings" or info.value.limit == "usage_points"
    assert set(info.value.metadata["limits_exceeded"].split(",")) == {"usage_points", "offerings"}
    Limits({"usage_points": 0, "offerings": 0}).check(sizes, "the request")  # 0 = off


def test_every_rpc_has_a_measure_other_than_the_fallback() -> None:
    for spec in RPCS.values():
        assert "repeated_elements" not in measure(spec.request_type()), spec.name


def test_tls_settings_must_be_complete_and_tokens_stay_secret() -> None:
    with pytest.raises(ValidationError, match="together"):
        Settings(tls_cert_file="server.crt")
    with pytest.raises(ValidationError, match="mutual TLS"):
        Settings(tls_client_ca_file="ca.crt")
    settings = Settings(auth_tokens="ci super-secret-token-value-123")
    assert "super-secret" not in repr(settings) and "super-secret" not in str(settings.model_dump())
    assert Settings(auth_exempt="grpc.health.v1.Health, x.Y").auth_exempt == ("grpc.health.v1.Health", "x.Y")
    assert Settings(auth_exempt="none").auth_exempt == ()
