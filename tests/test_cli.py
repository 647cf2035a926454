"""The command-line contract: create-user, create-token and seed-demo."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import create_app
from app.accounts.models import User
from app.extensions import db
from tests.conftest import login

PASSWORD = "quiet morning over the daugava"


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args, input=None):
        return runner.invoke(args=list(args), input=input)

    return run


def find(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


# --- create-user -------------------------------------------------------------------------

def test_create_user_makes_a_confirmed_active_account(cli, client):
    result = cli("create-user", "Zane.Gaile@Talka.lv", "--name", "Zane Gaile",
                 "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    user = find("zane.gaile@talka.lv")
    assert user is not None and user.is_confirmed and user.is_active
    assert user.name == "Zane Gaile"
    assert user.roles == []
    assert login(client, "zane.gaile@talka.lv", password=PASSWORD).status_code == 302


def test_create_user_as_regional_coordinator_in_a_municipality(cli):
    result = cli("create-user", "kpr@talka.lv", "--name", "Zane Gaile", "--role", "coordinator",
                 "--region", "kurzeme", "--municipality", "Dobeles novads", "--password-stdin",
                 input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = find("kpr@talka.lv")
    assert user.coordinates_region("kurzeme")
    assert not user.is_national_coordinator
    assert user.municipality.name == "Dobeles novads"


def test_create_user_as_national_coordinator_and_as_admin(cli):
    assert cli("create-user", "varam@talka.lv", "--name", "Māris Ozoliņš", "--role",
               "coordinator", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert find("varam@talka.lv").is_national_coordinator
    assert cli("create-user", "admin@talka.lv", "--name", "Anna", "--role", "admin",
               "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert find("admin@talka.lv").is_admin


def test_create_user_finds_the_municipality_whatever_the_case(cli):
    result = cli("create-user", "j@dobele.lv", "--name", "Jānis", "--municipality",
                 "dobeles NOVADS", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert find("j@dobele.lv").municipality.name == "Dobeles novads"


@pytest.mark.parametrize(("args", "password", "says"), [
    (["not-an-email", "--name", "X"], PASSWORD, "email"),
    (["ok@talka.lv", "--name", "X"], "elevenchars", "password"),
    (["ok@talka.lv", "--name", "X"], "password1234", "password"),
    (["ok@talka.lv", "--name", ""], PASSWORD, "name"),
    (["ok@talka.lv", "--name", "X", "--municipality", "Atlantīda"], PASSWORD, "municipality"),
    (["ok@talka.lv", "--name", "X", "--role", "judge"], PASSWORD, "judge"),
    (["ok@talka.lv", "--name", "X", "--role", "coordinator", "--region", "atlantis"], PASSWORD,
     "atlantis"),
])
def test_create_user_refuses_bad_input_with_a_message(cli, args, password, says):
    before = user_count()
    result = cli("create-user", *args, "--password-stdin", input=password + "\n")
    assert result.exit_code != 0
    assert says in result.output
    assert password not in result.output
    assert user_count() == before


def test_create_user_refuses_bad_input_with_exit_code_1(cli):
    bad_email = cli("create-user", "nope", "--name", "X", "--password-stdin",
                    input=PASSWORD + "\n")
    short = cli("create-user", "ok@talka.lv", "--name", "X", "--password-stdin",
                input="short\n")
    assert (bad_email.exit_code, short.exit_code) == (1, 1)
    assert "name@example.lv" in bad_email.output
    assert "12" in short.output


def test_create_user_refuses_an_existing_email(cli, make_user):
    make_user("taken@talka.lv", name="Original")
    result = cli("create-user", "TAKEN@talka.lv", "--name", "Impostor", "--password-stdin",
                 input=PASSWORD + "\n")
    assert result.exit_code == 1
    assert find("taken@talka.lv").name == "Original"


# --- create-token -------------------------------------------------------------------------

def test_create_token_prints_a_working_token_as_the_last_line(cli, client, make_user):
    user = make_user("script@talka.lv")
    result = cli("create-token", "script@talka.lv")
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["id"] == user.id


def test_create_token_for_an_unknown_or_disabled_user_fails(cli, make_user):
    assert cli("create-token", "ghost@talka.lv").exit_code == 1
    user = make_user()
    user.disabled_at = user.created_at
    db.session.commit()
    assert cli("create-token", user.email).exit_code == 1


# --- seed-demo ------------------------------------------------------------------------------

def test_seed_demo_is_idempotent_and_prints_the_sign_ins(cli, client):
    from app.demo import DEMO_PASSWORD

    first = cli("seed-demo")
    assert first.exit_code == 0, first.output
    created = user_count()
    assert created >= 5
    assert "admin@talka.lv" in first.output
    assert DEMO_PASSWORD in first.output

    second = cli("seed-demo")
    assert second.exit_code == 0, second.output
    assert user_count() == created
    assert find("admin@talka.lv").is_admin
    assert login(client, "admin@talka.lv", password=DEMO_PASSWORD).status_code == 302


def test_seed_demo_refuses_in_production(test_config, tmp_path):
    config = {key: value for key, value in test_config.items() if key != "TESTING"}
    production = create_app({**config, "TALKA_ENV": "production",
                             "SECRET_KEY": "a production secret, long and random",
                             "SITE_URL": "https://talka.example.lv",
                             "INSTANCE_PATH": str(tmp_path)})
    before = user_count()
    with production.app_context():
        result = production.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "production" in result.output
    assert user_count() == before


def test_create_user_finds_a_municipality_with_latvian_capitals(app, db):
    """'Ādažu novads' must be found whatever the case, on SQLite too (lower() is ASCII-only)."""
    from app.accounts.operations import find_user_by_email

    result = app.test_cli_runner().invoke(
        args=["create-user", "anna@adazi.lv", "--name", "Anna Ozola",
              "--municipality", "ĀDAŽU NOVADS", "--password-stdin"],
        input="a long and quiet evening\n",
    )
    assert result.exit_code == 0, result.output
    assert find_user_by_email("anna@adazi.lv").municipality.name == "Ādažu novads"


def test_init_db_refuses_a_postgresql_without_the_latvian_collation(app, db, monkeypatch):
    """Every list of places is ordered by ICU's Latvian collation: a PostgreSQL built without
    ICU is refused at deploy, not on the first page."""
    from app.core import collation

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's collation is registered on each connection")
    import click

    from app.cli import _check_latvian_collation

    _check_latvian_collation()  # this one has it
    monkeypatch.setattr(collation, "POSTGRESQL_COLLATION", "lv-x-nowhere")
    with pytest.raises(click.ClickException, match='no collation "lv-x-nowhere"'):
        _check_latvian_collation()  # init-db's check, after its migrations
