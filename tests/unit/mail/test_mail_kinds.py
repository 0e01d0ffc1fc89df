"""Each kind of mail log carries its readers' settings (kinds.LOG_KINDS): a reader asks them,
never the kind's name."""

from __future__ import annotations

from spamtrace.sources.maillog.kinds import LOG_KINDS
from spamtrace.sources.maillog.reader import KINDS, names_journal, parser_for


def test_every_kind_read_has_its_settings_under_its_name() -> None:
    assert set(LOG_KINDS) == set(KINDS)
    for name, kind in LOG_KINDS.items():
        assert kind.name == name
        assert callable(parser_for(name, 2026, 0))


def test_only_phps_over_long_lines_are_read_cut() -> None:
    assert {k.name for k in LOG_KINDS.values() if not k.drops_long_lines} == {"php"}


def test_only_php_lines_name_scripts_and_only_the_mtas_have_queue_ids() -> None:
    assert {k.name for k in LOG_KINDS.values() if k.names_scripts} == {"php"}
    assert {k.name for k in LOG_KINDS.values() if k.has_queue_ids} == {"exim", "postfix"}


def test_only_phps_file_may_hold_lines_of_others() -> None:
    assert {k.name for k in LOG_KINDS.values() if k.shares_its_file} == {"php"}


def test_only_postfixs_lines_are_read_from_the_journal() -> None:
    assert {k.name for k in LOG_KINDS.values() if k.in_journal} == {"postfix"}
    assert names_journal("postfix", "journal") and names_journal("postfix", "journal:pf-out")
    assert not names_journal("exim", "journal") and not names_journal("postfix", "./journal")
