"""Every route declares who may use it; a route without a rule cannot ship."""

from app.core.access import RULES


def test_every_route_declares_an_access_rule(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue  # static files: public by nature
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access_rule", None) not in RULES:
            missing.append(f"{rule.rule} ({rule.endpoint})")
    assert not missing, "routes without an access rule: " + ", ".join(missing)


def test_a_route_without_a_rule_is_refused_at_runtime(test_config):
    # Deny by default: even if the test above were skipped, the request fails closed.
    from app import create_app

    other = create_app(test_config)
    other.add_url_rule("/__undeclared_probe", "undeclared_probe", lambda: "secret")
    response = other.test_client().get("/__undeclared_probe")
    assert response.status_code == 403
    assert b"secret" not in response.data


def test_admin_only_routes_refuse_everyone_else(app, client, signed_in):
    signed_in(role="coordinator", region="kurzeme")
    admin_rules = [r for r in app.url_map.iter_rules()
                   if getattr(app.view_functions[r.endpoint], "access_rule", None) == "admin"
                   and "GET" in r.methods and not r.arguments]
    assert admin_rules, "expected admin pages"
    for rule in admin_rules:
        assert client.get(rule.rule).status_code == 403, rule.rule


def _sample_url(rule) -> str:
    """The rule's path with made-up arguments (an id, a slug, a token)."""
    values = {name: (1 if rule._converters[name].__class__.__name__ in (
        "IdConverter", "IntegerConverter") else "x") for name in rule.arguments}
    return rule.rule if not rule.arguments else rule.build(values, append_unknown=False)[1]


def _walk(app, *, rule_name: str):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        if getattr(app.view_functions[rule.endpoint], "access_rule", None) != rule_name:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, _sample_url(rule)


def test_every_non_public_route_answers_its_rule_to_a_signed_out_caller(app, client):
    """Walks the whole url_map: a page sends a signed-out visitor to sign in, the API
    answers 401, whatever the method, and the view never runs."""
    wrong = []
    for name in ("signed_in", "coordinator", "admin"):
        for _rule, method, url in _walk(app, rule_name=name):
            response = client.open(url, method=method)
            if url.startswith("/api/"):
                ok = response.status_code == 401
            else:
                ok = response.status_code == 302 and "/login" in response.headers["Location"]
            if not ok:
                wrong.append(f"{method} {url} -> {response.status_code}")
    assert not wrong, wrong


def test_every_coordinator_route_refuses_a_signed_in_member(app, client, signed_in, token_for):
    user = signed_in(municipality="Dobeles novads")
    headers = token_for(user)
    wrong = []
    for name in ("coordinator", "admin"):
        for _rule, method, url in _walk(app, rule_name=name):
            response = client.open(url, method=method,
                                   headers=headers if url.startswith("/api/") else {})
            if response.status_code != 403:
                wrong.append(f"{method} {url} -> {response.status_code}")
    assert not wrong, wrong
