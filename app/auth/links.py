"""The links in emails, built from the request's host (TRUSTED_HOSTS keeps a forged Host
header out of them) and its scheme (behind TRUSTED_PROXIES, the proxy's X-Forwarded-Proto)."""

from __future__ import annotations

from flask import url_for


def reset_password(token: str) -> str:
    return url_for("auth.reset_password", token=token, _external=True)


def confirm_email(token: str) -> str:
    return url_for("auth.confirm_email", token=token, _external=True)
