"""E-mail: through SMTP when MAIL_SERVER is set (a tiny local server here), else kept
unsent in the outbox; a broken SMTP server does not break the page. Here the job queue
runs each task at once (JOBS_IMMEDIATE); tests/jobs shows the request without it."""

from __future__ import annotations

import email
import socket
import socketserver
import threading
from email import policy

import pytest

from app.extensions import db
from app.mail.operations import queue_mail
from tests.conftest import link_in


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greet, accept one envelope at a time, store it."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 talka-test ESMTP")
        sender, recipients, lines, in_data = None, [], [], False
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    self.server.received.append(
                        {"from": sender, "to": recipients, "data": b"".join(lines)})
                    sender, recipients, lines, in_data = None, [], [], False
                    self.reply("250 OK: queued")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            command = line[:4].upper()
            if command in (b"EHLO", b"HELO"):
                self.reply("250 talka-test")
            elif command == b"MAIL":
                sender = line.decode().split(":", 1)[1].strip()
                self.reply("250 OK")
            elif command == b"RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif command == b"DATA":
                in_data = True
                self.reply("354 End data with <CR><LF>.<CR><LF>")
            elif command in (b"RSET", b"NOOP"):
                self.reply("250 OK")
            elif command == b"QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.received: list[dict] = []


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A local SMTP server; the app is configured to send through it."""
    server = _SMTPServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.server_address[1])
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    yield server
    server.shutdown()
    server.server_close()


def parsed(delivery: dict) -> email.message.EmailMessage:
    return email.message_from_bytes(delivery["data"], policy=policy.default)


def test_a_queued_message_is_delivered_by_smtp_and_marked_sent(client, make_user, outbox,
                                                               smtp_server):
    user = make_user("ilze@valmiera.lv", name="Ilze Vītola")
    response = client.post("/password-reset", data={"email": user.email})
    assert response.status_code == 200

    [stored] = outbox()
    assert stored.sent_at is not None
    assert stored.error == ""
    [delivery] = smtp_server.received
    assert delivery["to"] == ["ilze@valmiera.lv"]
    message = parsed(delivery)
    assert message["To"] == "ilze@valmiera.lv"
    assert message["Subject"] == stored.subject
    assert "noreply@talka.lv" in message["From"]
    body = message.get_content()
    assert "Ilze Vītola" in body
    assert link_in(stored, "/password-reset/") in body


def test_without_mail_server_the_message_stays_unsent_in_the_outbox(app, client, make_user,
                                                                   outbox):
    assert not app.config["MAIL_SERVER"]
    user = make_user()
    client.post("/password-reset", data={"email": user.email})
    [stored] = outbox()
    assert stored.sent_at is None
    assert stored.error == ""
    assert link_in(stored, "/password-reset/")


def test_a_failed_request_sends_no_mail(client, outbox, smtp_server):
    response = client.post("/register", data={
        "name": "Ilze", "email": "ilze@example.lv", "locale": "lv",
        "password": "short", "password_again": "short"})
    assert response.status_code == 422
    assert outbox() == []
    assert smtp_server.received == []


def test_an_smtp_server_that_does_not_answer_does_not_break_the_page(app, client, make_user,
                                                                      outbox, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    user = make_user()
    response = client.post("/password-reset", data={"email": user.email})
    assert response.status_code == 200
    [stored] = outbox()
    assert stored.sent_at is None
    assert stored.error  # recorded for the admin's outbox page


def test_deliver_mail_sends_what_is_still_waiting(app, make_user, outbox, smtp_server,
                                                 monkeypatch):
    user = make_user()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")  # written while SMTP was not set up
    queue_mail(user.email, "password_reset", user=user, url="http://talka.test/password-reset/x")
    queue_mail(user.email, "password_reset", user=user, url="http://talka.test/password-reset/y")
    db.session.commit()
    assert smtp_server.received == []
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    result = app.test_cli_runner().invoke(args=["deliver-mail"])
    assert result.exit_code == 0, result.output
    assert "Sent 2 messages." in result.output
    assert len(smtp_server.received) == 2
    assert all(m.sent_at is not None for m in outbox())
    again = app.test_cli_runner().invoke(args=["deliver-mail"])
    assert "Sent 0 messages." in again.output
    assert len(smtp_server.received) == 2  # nothing is sent twice


def test_deliver_mail_without_a_server_leaves_the_outbox_alone(app, make_user, outbox):
    user = make_user()
    queue_mail(user.email, "password_reset", user=user, url="http://talka.test/password-reset/x")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["deliver-mail"])
    assert result.exit_code == 0
    assert "MAIL_SERVER" in result.output
    assert outbox()[0].sent_at is None


def test_mail_is_written_in_the_recipients_language(make_user, outbox):
    english = make_user(locale="en", name="Anna")
    queue_mail(english.email, "password_reset", locale="en", user=english,
               url="http://talka.test/password-reset/x")
    db.session.commit()
    [message] = outbox(english.email)
    assert message.subject == "Set a new Talka password"
    assert "Hello, Anna!" in message.body
