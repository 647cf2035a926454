"""A list's links joined to a stem built once read the same as links built one by one."""

from __future__ import annotations

import pytest
from flask import url_for

from app.core.web import link_stem


@pytest.mark.parametrize("path", ["/", "/en/"])
def test_a_stem_joined_to_an_id_is_the_address_of_that_row(app, path):
    with app.test_request_context(path):
        stem = link_stem("judging.review", "review_id")
        for review_id in (1, 42, 98765):
            assert f"{stem}{review_id}" == url_for("judging.review", review_id=review_id)
        assert stem.startswith("/en/") is (path == "/en/")


def test_an_address_that_goes_on_after_the_id_has_no_stem(app):
    with app.test_request_context("/"), pytest.raises(ValueError):
        link_stem("admin.user_grant_role", "user_id")
