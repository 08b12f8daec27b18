"""Races between real concurrent transactions (threads with their own connections)."""

import threading

import pytest
from django.db import connection

from distributed_core.exceptions import ApplicationError
from workflows.commands import PackageCommand
from workflows.models import Package

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    """Run `calls` at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # collected and asserted by the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_of_two_racing_approvals_exactly_one_wins():
    package = PackageCommand().save({"entity_id": 1, "entity_type": "Proposal", "value": "v"}).data
    results = race(lambda: PackageCommand().approve(package.pk), lambda: PackageCommand().approve(package.pk))
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, ApplicationError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "only a Pending package can be approved" in losses[0].message


def test_approve_and_reject_racing_leave_one_final_state():
    package = PackageCommand().save({"entity_id": 1, "entity_type": "Proposal", "value": "v"}).data
    results = race(lambda: PackageCommand().approve(package.pk), lambda: PackageCommand().reject(package.pk))
    assert sum(isinstance(r, ApplicationError) for r in results) == 1, results
    winner = next(r for r in results if not isinstance(r, Exception))
    assert Package.objects.get(pk=package.pk).state == winner.data.state


def test_two_racing_submissions_for_one_entity_leave_one_active_package():
    def submit():
        return PackageCommand().save({"entity_id": 5, "entity_type": "Proposal", "value": "v"})

    results = race(submit, submit)
    assert sum(isinstance(r, ApplicationError) for r in results) == 1, results
    assert Package.objects.filter(entity_id=5).count() == 1
