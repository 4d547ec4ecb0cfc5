"""The access matrix helper: who sees an endpoint, who gets 404 ("missing" and "not yours" alike)."""

from django.test import Client

from frontline.core.models import ApiToken, User


def api_client(username: str) -> Client:
    """A machine client authenticating with a bearer token, as scanners and lab systems do."""
    _, token = ApiToken.issue(user=User.objects.get(username=username), name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def assert_access(client_for, url: str, *, sees: list[str], hidden: list[str], method: str = "get",
                  api: bool = False, refused: list[str] = ()) -> None:
    """`sees` get 200, `hidden` 404 (the object is not theirs), `refused` 403 (the policy gives their role
    nothing of the kind)."""
    for username, expected in [(u, 200) for u in sees] + [(u, 404) for u in hidden] + [(u, 403) for u in refused]:
        client = api_client(username) if api else client_for(username)
        response = getattr(client, method)(url)
        assert response.status_code == expected, f"{username} {method.upper()} {url}: {response.status_code}, expected {expected}"


def assert_listed(client_for, url: str, marker: str, *, sees: list[str], hidden: list[str], api: bool = False,
                  refused: list[str] = ()) -> None:
    """A list or search shows `marker` (a link or an id) to those who see it and not to the others; the
    `refused` get 403 (their role has no use for it)."""
    for username in refused:
        client = api_client(username) if api else client_for(username)
        assert client.get(url).status_code == 403, f"{username} GET {url}: expected 403"
    for username in sees + hidden:
        client = api_client(username) if api else client_for(username)
        response = client.get(url)
        assert response.status_code == 200, f"{username} GET {url}: {response.status_code}"
        shown = marker in response.content.decode()
        assert shown == (username in sees), f"{username} {'does not see' if not shown else 'sees'} {marker} at {url}"
