"""The rule builder page without JS: nested groups posted as indexed fields, each button a redraw, saving a new
version; a stored nested rule opens in the builder and saves back unchanged; bad input is refused by name."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from assistance import services as svc
from core.models import AuditEvent
from tests.matrix import CITY_ONLY, assert_matrix

NESTED = {"all": [{"fact": "status", "op": "in", "value": ["unemployed", "flexible"]},
                  {"not": {"fact": "registered_unemployed", "op": "is", "value": False}},
                  {"any": [{"fact": "age", "op": ">=", "value": 50},
                           {"fact": "key_groups", "op": "has_any", "value": ["disabled", "4050"]},
                           {"all": [{"fact": "district", "op": "in", "value": ["310104"]},
                                    {"fact": "hukou", "op": "not_in", "value": ["non_local"]}]}]}]}


class _Form(HTMLParser):
    """What a browser without JS posts for the rule form: its fields as they are drawn."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.buttons: dict[str, str] = {}  # data-testid → action
        self._in_form = False
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("data-testid") == "rule-form":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            else:
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "button" and a.get("name") == "action" and a.get("data-testid"):
            self.buttons[a["data-testid"]] = a["value"]
        elif tag == "select":
            self._select, self._options = (a["name"], "multiple" in a), []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [v for v, on in self._options if on]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.fields += [(name, v) for v in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None


def drawn(response) -> _Form:
    form = _Form()
    form.feed(response.content.decode())
    return form


def post_as_drawn(client, url, response, *, action="save", **changes):
    """Submit the form as drawn, with `changes` ({field: value or [values]}) and the button `action`."""
    fields: dict[str, list[str]] = {}
    for name, value in drawn(response).fields:
        fields.setdefault(name, []).append(value)
    for name, value in changes.items():
        fields[name.replace("__", "-")] = value if isinstance(value, list) else [value]
    fields["action"] = [action]
    return client.post(url, fields)


@pytest.fixture
def rule_url(claim_policy):
    return reverse("assistance:policy_rule", args=[claim_policy.pk])


@pytest.fixture
def nested_policy(world, claim_policy):
    svc.policy_rule_update(actor=world["city"], policy=claim_policy, rule=NESTED, required_documents=["身份证"])
    claim_policy.refresh_from_db()
    return claim_policy


def test_builder_buttons_are_city_only_and_save_nothing(client, world, claim_policy, rule_url):
    data = {"node-0-kind": "all", "node-0-0-kind": "fact", "node-0-0-fact": "age", "node-0-0-op": ">=",
            "node-0-0-value": "30", "action": "add-fact:node-0"}
    assert_matrix(client, world, rule_url, CITY_ONLY, method="post", data=data)
    assert claim_policy.versions.count() == 1


def test_a_nested_rule_made_in_json_opens_in_the_builder_and_saves_back_unchanged(client, world, nested_policy,
                                                                                rule_url):
    client.force_login(world["city"])
    page = client.get(rule_url)
    fields = dict(drawn(page).fields)
    assert fields["node-0-kind"] == "all" and fields["node-0-1-kind"] == "not"
    assert fields["node-0-2-2-kind"] == "all" and fields["node-0-2-2-0-fact"] == "district"
    assert fields["node-0-2-0-value"] == "50"
    html = page.content.decode()
    assert 'data-testid="group-node-0-2-2"' in html and "310104" in html
    redrawn = post_as_drawn(client, rule_url, page, action="refresh")
    assert redrawn.status_code == 200
    assert json.loads(redrawn.context["form"]["raw"].value()) == NESTED
    versions_before = nested_policy.versions.count()
    saved = post_as_drawn(client, rule_url, redrawn)
    assert saved.status_code == 302
    nested_policy.refresh_from_db()
    assert nested_policy.current_version.rule == NESTED
    assert nested_policy.versions.count() == versions_before


def test_a_nested_rule_built_by_buttons_saves_a_new_audited_version(client, world, claim_policy, rule_url):
    client.force_login(world["city"])
    page = client.get(rule_url)
    page = post_as_drawn(client, rule_url, page, action=drawn(page).buttons["add-group-node-0"])
    assert 'data-testid="group-node-0-2"' in page.content.decode()
    # the new group: 任一满足, its first condition a key group, then a condition on the street
    page = post_as_drawn(client, rule_url, page, action="refresh", node__0__2__kind="any",
                         node__0__2__0__fact="key_groups")
    assert 'name="node-0-2-0-value" value="4050"' in page.content.decode()  # the fact's choices, as checkboxes
    page = post_as_drawn(client, rule_url, page, action="add-fact:node-0-2", node__0__2__0__value=["4050"],
                         node__0__2__0__op="has_any")
    page = post_as_drawn(client, rule_url, page, action="refresh", node__0__2__1__fact="street")
    assert "徐汇区" in page.content.decode()  # streets grouped by district
    page = post_as_drawn(client, rule_url, page, action="add-group:node-0-2", node__0__2__1__value=["310104014"])
    page = post_as_drawn(client, rule_url, page, action="refresh", node__0__2__2__kind="not",
                         node__0__2__2__0__fact="certified_difficulty")
    assert 'data-testid="add-fact-node-0-2-2"' not in page.content.decode()  # 不满足 holds one item
    page = post_as_drawn(client, rule_url, page, action="remove:node-0-0")  # status is unemployed: removed
    expected = {"all": [{"fact": "age", "op": ">=", "value": 40},
                        {"any": [{"fact": "key_groups", "op": "has_any", "value": ["4050"]},
                                 {"fact": "street", "op": "in", "value": ["310104014"]},
                                 {"not": {"fact": "certified_difficulty", "op": "is", "value": True}}]}]}
    assert json.loads(page.context["form"]["raw"].value()) == expected  # the JSON view follows the builder
    assert claim_policy.versions.count() == 1
    saved = post_as_drawn(client, rule_url, page, note="加上重点群体")
    assert saved.status_code == 302
    claim_policy.refresh_from_db()
    assert claim_policy.current_version.number == 2 and claim_policy.current_version.rule == expected
    event = AuditEvent.objects.filter(action="assistance.rule_update").latest("pk")
    assert "第 2 版：加上重点群体" in event.summary


BAD = [
    ({"node-0-0-fact": "income"}, "未知的条件项“income”"),
    ({"node-0-1-op": "in"}, "条件项“年龄”不支持运算符“in”"),
    ({"node-0-1-value": "四十"}, "条件项“年龄”的值须为整数，收到文字“四十”"),
    ({"node-0-1-value": ""}, "规则·第2条：请填写或选择“年龄”的取值"),
    ({"node-0-0-value": "retired"}, "条件项“当前就业状态”没有取值“retired”"),
    ({"node-0-2-kind": "any"}, "规则·第3条：“任一满足”组是空的"),
    ({"node-0-2-kind": "not", "node-0-2-0-kind": "fact", "node-0-2-0-fact": "age", "node-0-2-0-op": ">",
      "node-0-2-0-value": "1", "node-0-2-1-kind": "fact", "node-0-2-1-fact": "age", "node-0-2-1-op": "<",
      "node-0-2-1-value": "9"}, "规则·第3条：“不满足”组只能包含一项（现有 2 项）"),
    ({"node-0-2-kind": "xor"}, "未知的条件组“xor”"),
    ({"node-0-2-kind": "fact"}, "规则·第3条：请选择条件项"),
    ({"node-0-1-fact": "registered_unemployed", "node-0-1-op": "is", "node-0-1-value": "maybe"},
     "条件项“失业登记”的值须为 true 或 false，收到文字“maybe”"),
    ({"node-0-1-fact": "street", "node-0-1-op": "in", "node-0-1-value": "999999"}, "没有取值“999999”"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_bad_builder_input_is_refused_by_name_and_nothing_changes(client, world, claim_policy, rule_url, change,
                                                                    message):
    client.force_login(world["city"])
    data = {"node-0-kind": "all", "node-0-0-kind": "fact", "node-0-0-fact": "status", "node-0-0-op": "in",
            "node-0-0-value": "unemployed", "node-0-1-kind": "fact", "node-0-1-fact": "age", "node-0-1-op": ">=",
            "node-0-1-value": "40", "expected_version": 1, "required_documents": "身份证\n失业证明",
            "action": "save", **change}
    events = AuditEvent.objects.count()
    response = client.post(rule_url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    claim_policy.refresh_from_db()
    assert claim_policy.versions.count() == 1 and AuditEvent.objects.count() == events


def test_an_empty_post_and_an_oversized_tree_are_refused(client, world, claim_policy, rule_url):
    client.force_login(world["city"])
    assert "规则是空的" in client.post(rule_url, {}).content.decode()
    huge = {"node-0-kind": "all", "action": "save"}
    for i in range(100):
        huge |= {f"node-0-{i}-kind": "fact", f"node-0-{i}-fact": "age", f"node-0-{i}-op": ">=",
                 f"node-0-{i}-value": "1"}
    response = client.post(rule_url, huge)
    assert response.status_code == 400 and "规则最多 80 项" in response.content.decode()
    assert claim_policy.versions.count() == 1


def test_the_json_view_wins_when_edited_and_loads_into_the_builder(client, world, claim_policy, rule_url):
    client.force_login(world["city"])
    page = client.get(rule_url)
    loaded = post_as_drawn(client, rule_url, page, action="load-json", raw=json.dumps(NESTED))
    assert loaded.status_code == 200 and dict(drawn(loaded).fields)["node-0-2-2-1-fact"] == "hukou"
    bad = post_as_drawn(client, rule_url, page, action="load-json", raw='{"any": [{"fact": "income"}]}')
    assert "未载入构建器：规则·第1条：未知的条件项“income”" in bad.content.decode()
    assert dict(drawn(bad).fields)["node-0-1-fact"] == "age"  # the builder as it was
    broken = post_as_drawn(client, rule_url, page, raw='{"all": [')
    assert broken.status_code == 400 and "不是有效的 JSON" in broken.content.decode()
    # edited JSON is what a save keeps, whatever the builder shows
    saved = post_as_drawn(client, rule_url, page, raw=json.dumps({"fact": "age", "op": "<", "value": 18}))
    assert saved.status_code == 302
    claim_policy.refresh_from_db()
    assert claim_policy.current_version.rule == {"fact": "age", "op": "<", "value": 18}
    # a rule of one bare condition opens as one condition, with a button to put it into a group
    page = client.get(rule_url)
    assert 'data-testid="wrap-node-0"' in page.content.decode()
    wrapped = post_as_drawn(client, rule_url, page, action="wrap:node-0", node__0__op=">")
    assert json.loads(wrapped.context["form"]["raw"].value()) == {"all": [{"fact": "age", "op": ">", "value": 18}]}


def test_an_htmx_change_without_a_button_redraws_and_never_saves(client, world, claim_policy, rule_url):
    client.force_login(world["city"])
    page = client.get(rule_url)
    fields: dict[str, list[str]] = {}
    for name, value in drawn(page).fields:
        fields.setdefault(name, []).append(value)
    fields["node-0-1-fact"] = ["education"]  # was age: the operator and the value no longer fit
    redrawn = client.post(rule_url, fields, headers={"HX-Request": "true"})
    assert redrawn.status_code == 200
    assert json.loads(redrawn.context["form"]["raw"].value())["all"][1] == {"fact": "education", "op": "in",
                                                                            "value": None}
    assert 'name="node-0-1-value" value="bachelor"' in redrawn.content.decode()
    assert claim_policy.versions.count() == 1


def test_under_english_the_builder_and_its_refusals_read_in_english(client, world, claim_policy, rule_url):
    client.force_login(world["city"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(rule_url).content.decode()
    assert "+ Add group" in page and "All of (all)" in page
    refused = client.post(rule_url, {"node-0-kind": "any", "node-0-0-kind": "fact", "node-0-0-fact": "age",
                                     "node-0-0-op": ">=", "node-0-0-value": "forty", "node-0-1-kind": "all",
                                     "action": "save"})
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "Rule · item 1: the value of “Age” must be a whole number; got text “forty”." in text
    assert "Rule · item 2: the “All of” group is empty" in text


def test_groups_nested_deeper_than_sixteen_are_refused_in_the_builder_and_in_json(client, world, claim_policy,
                                                                                 rule_url):
    client.force_login(world["city"])
    data, path = {"action": "save", "expected_version": 1}, "node-0"
    for _level in range(17):
        data[f"{path}-kind"] = "all"
        path += "-0"
    data |= {f"{path}-kind": "fact", f"{path}-fact": "age", f"{path}-op": ">=", f"{path}-value": "1"}
    response = client.post(rule_url, data)
    assert response.status_code == 400 and "条件组最多嵌套 16 层" in response.content.decode()
    deep = {"fact": "age", "op": ">=", "value": 1}
    for _level in range(17):
        deep = {"not": deep}
    response = client.post(rule_url, {"action": "save", "expected_version": 1, "raw": json.dumps(deep)})
    assert response.status_code == 400 and "条件组最多嵌套 16 层" in response.content.decode()
    assert claim_policy.versions.count() == 1
    svc.policy_rule_update(actor=world["city"], policy=claim_policy, rule=deep["not"], required_documents=[])
    assert client.get(rule_url).status_code == 200  # the deepest rule allowed still draws


def test_the_builder_page_does_not_grow_its_query_count_with_place_conditions(client, world, claim_policy,
                                                                             rule_url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["city"])
    counts = []
    for n in (1, 4):
        rule = {"any": [{"fact": "street", "op": "in", "value": ["310104014"]}] * n +
               [{"fact": "district", "op": "in", "value": ["310104"]}]}
        svc.policy_rule_update(actor=world["city"], policy=claim_policy, rule=rule, required_documents=[])
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(rule_url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
