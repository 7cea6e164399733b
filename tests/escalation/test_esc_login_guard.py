"""The console's login limits: per account, per address and overall."""

from __future__ import annotations

from escalation.console.sessions import LoginGuard


def test_one_account_guessed_from_many_addresses_is_blocked():
    guard = LoginGuard(per_account=3, per_address=100, overall=100)
    for number in range(3):
        guard.failed("Anna", f"10.0.0.{number}")
    assert guard.blocked("anna", "10.0.0.99")  # a fresh address does not help
    assert not guard.blocked("marco", "10.0.0.99")


def test_one_address_spraying_user_names_is_blocked():
    guard = LoginGuard(per_account=100, per_address=4, overall=100)
    for number in range(4):
        guard.failed(f"user{number}", "10.0.0.1")
    assert guard.blocked("someone-else", "10.0.0.1")
    assert not guard.blocked("someone-else", "10.0.0.2")


def test_a_distributed_flood_hits_the_overall_limit():
    guard = LoginGuard(per_account=100, per_address=100, overall=5)
    for number in range(5):
        guard.failed(f"user{number}", f"10.0.1.{number}")
    assert guard.blocked("new", "10.0.2.1")


def test_the_window_ends_the_block():
    guard = LoginGuard(per_account=1, per_address=100, overall=100, window=0.0)
    guard.failed("anna", "10.0.0.1")
    assert not guard.blocked("anna", "10.0.0.1")


def test_a_good_login_clears_the_account_not_the_address():
    guard = LoginGuard(per_account=2, per_address=2, overall=100)
    guard.failed("anna", "10.0.0.1")
    guard.failed("anna", "10.0.0.1")
    guard.succeeded("anna")
    assert not guard.blocked("anna", "10.0.0.2")
    assert guard.blocked("anna", "10.0.0.1")  # the address's failures still count


def test_blocks_double_while_the_attack_goes_on():
    now = [0.0]
    guard = LoginGuard(per_account=2, per_address=1000, overall=1000, window=60, clock=lambda: now[0])
    blocks = []
    for _ in range(3):
        guard.failed("anna", "10.0.0.1")
        guard.failed("anna", "10.0.0.1")
        start = now[0]
        while guard.blocked("anna", "10.0.0.1"):
            now[0] += 1
        blocks.append(now[0] - start)
    assert blocks == [60, 120, 240]
    guard.succeeded("anna")  # a good login starts again from one window
    guard.failed("anna", "10.0.0.1")
    guard.failed("anna", "10.0.0.1")
    start = now[0]
    while guard.blocked("anna", "10.0.0.1"):
        now[0] += 1
    assert now[0] - start == 60
