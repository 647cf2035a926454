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
