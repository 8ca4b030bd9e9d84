"""The permission matrix every page and endpoint is run through.

`world` (see conftest) has three stations — A and B in 徐汇区, C in 浦东新区 — and one user per role:

    anonymous      not logged in
    staff          member of station A (徐汇)
    staff_other    member of station B (徐汇, same district, other station)
    staff_far      member of station C (浦东)
    district       徐汇区 admin
    district_other 浦东新区 admin
    city           city admin

For an object owned by station A, `OWNED_BY_A` is what each role must get.
Anonymous users are sent to the login page (pages) or refused with 401/403 (API).
"""

from __future__ import annotations

ROLES = ("anonymous", "staff", "staff_other", "staff_far", "district", "district_other", "city")

# An object of station A: its staff, its district and the city see it; everyone else gets 404.
OWNED_BY_A = {"anonymous": "login", "staff": 200, "staff_other": 404, "staff_far": 404,
              "district": 200, "district_other": 404, "city": 200}
# Something of 徐汇区 as a whole (e.g. its dashboard, /dashboard/?district=310104): its admin and the city see it,
# its stations' staff their own part of it; 浦东新区's people get 404.
OF_XUHUI = {"anonymous": "login", "staff": 200, "staff_other": 200, "staff_far": 404,
            "district": 200, "district_other": 404, "city": 200}
# A list or page any internal user may open (content scoped, status 200).
ANY_INTERNAL = {"anonymous": "login", "staff": 200, "staff_other": 200, "staff_far": 200,
                "district": 200, "district_other": 200, "city": 200}
# Admin-only pages: staff are refused with 403.
ADMINS_ONLY = {"anonymous": "login", "staff": 403, "staff_other": 403, "staff_far": 403,
               "district": 200, "district_other": 200, "city": 200}
CITY_ONLY = {"anonymous": "login", "staff": 403, "staff_other": 403, "staff_far": 403,
             "district": 403, "district_other": 403, "city": 200}
PUBLIC = dict.fromkeys(ROLES, 200)
# A POST on an object of station A that only its own station staff may make (admins refused, then redirected).
STAFF_OF_A_WRITES = {"anonymous": "login", "staff": 302, "staff_other": 404, "staff_far": 404,
                     "district": 403, "district_other": 404, "city": 403}


def assert_matrix(client, world, url: str, expect: dict[str, int | str], *, api: bool = False,
                  method: str = "get", data=None, content_type: str | None = None) -> None:
    """Request `url` as each role in `expect` and check the status (or the login redirect)."""
    failures = []
    for role, wanted in expect.items():
        client.logout()
        if role != "anonymous":
            client.force_login(world[role])
        kwargs = {}
        if data is not None:
            kwargs["data"] = data
        if content_type:
            kwargs["content_type"] = content_type
        response = getattr(client, method)(url, **kwargs)
        got = response.status_code
        if wanted == "login":
            if api:
                ok = got in (401, 403)
            else:
                ok = got == 302 and "/accounts/login/" in response.get("Location", "")
        else:
            ok = got == wanted
        if not ok:
            failures.append(f"{role}: expected {wanted}, got {got}")
    client.logout()
    assert not failures, f"{method.upper()} {url}\n  " + "\n  ".join(failures)
