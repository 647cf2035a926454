"""The local SMTP server of tests/test_mail.py, for the job tests too."""

from tests.test_mail import smtp_server  # noqa: F401
