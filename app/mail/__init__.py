"""Outgoing e-mail: every message goes to the outbox, and through SMTP when configured."""
