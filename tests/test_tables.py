"""Readable tables: prefixed IRIs, the middle cut, one line per row, the terminal's width."""

from __future__ import annotations

import pytest

from laborgraph.tables import column_widths, display_width, format_table, prefixed, truncate_middle

CLAIM = "https://w3id.org/laborgraph/id/article/2024-07-15-dailynk-military-construction-workers-russia/claim/"


def test_data_iris_are_shortened_with_lgid():
    assert prefixed(CLAIM + "publication") == (
        "lgid:article/2024-07-15-dailynk-military-construction-workers-russia/claim/publication")
    assert prefixed("https://w3id.org/laborgraph/concept/narration") == "lgc:narration"
    assert prefixed("http://example.org/x") == "http://example.org/x"


def test_rows_that_differ_only_at_the_end_stay_distinguishable():
    rows = [[prefixed(CLAIM + cid)] for cid in ("deployment-ahead-of-summit", "deployment-hundreds-early-june")]
    out = format_table(["claim"], rows, width=40).splitlines()
    assert out[2] != out[3]
    assert out[2].endswith("deployment-ahead-of-summit") and out[3].endswith("hundreds-early-june")
    assert all(display_width(line) <= 40 for line in out)
    assert "…" in out[2]


def test_one_line_per_row():
    out = format_table(["quote"], [["July 15, 2024 at 07:00AM\nby DailyNK"]], width=80)
    assert out.splitlines()[2] == "July 15, 2024 at 07:00AM⏎by DailyNK"
    assert out.count("\n") == 4


def test_columns_share_the_terminal_width():
    header = ["id", "quote", "source"]
    rows = [["c1", "x" * 200, "Daily NK source in Russia (anonymous)"]]
    for width in (60, 100, 160):
        lines = format_table(header, rows, width=width).splitlines()
        assert max(display_width(line) for line in lines[:3]) <= width
        assert lines[2].startswith("c1 | x")
    assert column_widths([2, 10], 200) == [2, 10]


def test_wide_characters_count_double_and_are_cut_whole():
    cut = truncate_middle("북한 노동자들이 러시아에 파견됐다", 12)
    assert display_width(cut) <= 12 and "…" in cut
    lines = format_table(["quote"], [["북한 노동자"]], width=80).splitlines()
    assert display_width(lines[1]) == display_width(lines[2])


def test_query_table_uses_it(tmp_path):
    from click.testing import CliRunner

    from laborgraph.cli import main

    out = CliRunner().invoke(main, ["query", "--cache", str(tmp_path / "c"),
                                    "SELECT ?c WHERE { ?c lg:claimId 'publication' }"]).output
    assert "lgid:article/" in out and out.rstrip().endswith("(1 row)")


@pytest.mark.parametrize("text", ["lgid:article/2024-07-15-dailynk-x/claim/publication", "a\x01b\x7f", "",
                                  "ascii then 노동자", "x" * 300])
def test_ascii_fast_path_measures_and_cuts_like_the_character_by_character_rule(text):
    from laborgraph.tables import _take, char_width

    assert display_width(text) == sum(char_width(ch) for ch in text)
    for width in (0, 1, 5, 29, 400):
        for from_end in (False, True):
            slow_kept, used = [], 0
            for ch in (reversed(text) if from_end else text):
                used += char_width(ch)
                if used > width:
                    break
                slow_kept.append(ch)
            slow = "".join(reversed(slow_kept)) if from_end else "".join(slow_kept)
            assert _take(text, width, from_end=from_end) == slow, (text, width, from_end)


def _cell_by_cell(header, rows, width):
    """The layout rule spelled out cell by cell: one line, measure, cut the middle, pad."""
    from laborgraph.tables import ELLIPSIS, SEPARATOR, one_line

    table = [[one_line(c) for c in row] for row in [header, *rows]]
    natural = [max(display_width(row[i]) for row in table) for i in range(len(header))]
    widths = column_widths(natural, width)

    def line(cells):
        cut = [truncate_middle(c, w) for c, w in zip(cells, widths, strict=True)]
        return SEPARATOR.join(c + " " * (w - display_width(c)) for c, w in zip(cut, widths, strict=True)).rstrip()

    assert all(ELLIPSIS not in c for row in table for c in row)  # else the check below proves less
    count = f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return "\n".join([line(table[0]), "-+-".join("-" * w for w in widths), *map(line, table[1:]), count]) + "\n"


@pytest.mark.parametrize("width", [None, 1, 2, 3, 7, 20, 41, 80, 300])
def test_column_by_column_layout_is_the_cell_by_cell_rule(width):
    """The fast path (whole ASCII columns cut by slicing) lays out exactly like the rule per cell."""
    header = ["id", "quote", "ko", "empty", "ctl"]
    rows = [[prefixed(CLAIM + "deployment-ahead-of-summit"), "a\nb\r\nc\td", "북한 노동자들이 러시아에 파견됐다", "",
             "x\x01y"],
            ["c2", "plain ascii text that is rather long " * 3, "ascii", "", "\x7f" * 30],
            ["", "", "노동자", "", ""]]
    assert format_table(header, rows, width) == _cell_by_cell(header, rows, width)
    assert format_table(header, [], width) == _cell_by_cell(header, [], width)


def test_a_table_without_columns_keeps_a_line_per_row():
    assert format_table([], [[], []]) == "\n\n\n\n(2 rows)\n"
