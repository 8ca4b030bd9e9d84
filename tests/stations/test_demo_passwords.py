"""The demo logins always work after `load_demo_data`: a demo user whose stored hash this site cannot check (one
made under other settings, such as the test settings' MD5 hasher that `make test` once used for its set-up) or
whose password was changed gets the documented demo password again; a usable one is left alone."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_an_unusable_demo_password_is_reset_and_a_good_one_left_alone(reference_data):
    call_command("load_demo_data", verbosity=0)
    User = get_user_model()
    User.objects.filter(username="staff_demo").update(password="argon2$argon2id$v=19$m=1,t=1,p=1$eA$eA")
    good = User.objects.get(username="district_demo").password
    call_command("load_demo_data", verbosity=0)
    assert User.objects.get(username="staff_demo").check_password("demo-password")
    assert User.objects.get(username="district_demo").password == good


def test_the_expert_demo_login_is_healed_too(reference_data):
    call_command("load_demo_data", verbosity=0)
    User = get_user_model()
    User.objects.filter(username="expert_demo").update(password="argon2$argon2id$v=19$m=1,t=1,p=1$eA$eA")
    call_command("load_demo_data", verbosity=0)
    assert User.objects.get(username="expert_demo").check_password("demo-password")
