"""The session cookie is written by pages, never by static files. A logged-in session is
permanent, and Flask refreshes its cookie with every answer; a stylesheet that was still
loading when the person clicked would otherwise bring back the cookie from before the click,
and the click's message ("… is now accepted") would be lost on the next page."""

from __future__ import annotations

from tests.conftest import PASSWORD, make_user


def test_a_stylesheet_leaves_the_cookie_alone_and_pages_keep_it_fresh(app, client, auth):
    make_user(app, "staff@example.org")
    assert auth.login("staff@example.org", PASSWORD).status_code == 302

    stylesheet = client.get("/static/css/app.css")
    stylesheet.close()
    assert stylesheet.status_code == 200
    assert "Set-Cookie" not in stylesheet.headers

    # Pages still refresh the cookie, so a session in use does not run out.
    page = client.get("/dashboard")
    assert page.status_code == 200 and "session=" in page.headers["Set-Cookie"]
