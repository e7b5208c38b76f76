"""Times, quantities and money as analysts write them, read with their hedges and bounds kept.

"early June" is 1-10 June with part-of-month precision; "about 100" is approximate;
"hundreds" has bounds and no value; nothing is sharpened.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from rdflib import URIRef

from ..model import Money, Quantity, TimeSpec
from ..vocab import LG
from .context import CURRENCY_RE, PARTS, PERIODS, Context, check_keys, concept, text_field
from .hints import documented
from .yamlsrc import LDict


def _period(ctx: Context, raw: Any, line: int) -> tuple[dt.date, dt.date, str]:
    """First day, last day and precision of '2024', '2024-06' or '2024-06-05'."""
    text = str(raw).strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = map(int, text.split("-"))
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last), "month"
        day = dt.date.fromisoformat(text)
        return day, day, "day"
    except ValueError as exc:
        raise ctx.error(line, f"impossible date '{text}' ({exc}); write YYYY, YYYY-MM or "
                        "YYYY-MM-DD") from None


@documented("time")
def parse_date(ctx: Context, raw: Any, line: int) -> dt.date:
    start, _end, precision = _period(ctx, raw, line)
    if precision != "day":
        raise ctx.error(line, f"'{raw}' must be a full date YYYY-MM-DD")
    return start


def parse_publication(ctx: Context, raw: Any, line: int) -> tuple[dt.date | dt.datetime, str]:
    """A publication date and its precision: 2019 and 2019-03 keep year and month precision.

    The first day of the year or month stands in the model, but only as the start of the
    period: the builder writes xsd:gYear or xsd:gYearMonth, never that day.
    """
    text = str(raw).strip()
    if "T" in text:
        return parse_datetime(ctx, text, line), "minute"
    first, _last, precision = _period(ctx, text, line)
    return first, precision


def parse_clock(ctx: Context, raw: Any, line: int, name: str) -> dt.time:
    """A clock time written as "07:00" (quoted: YAML reads unquoted 19:00 as a number)."""
    if not isinstance(raw, str):
        raise ctx.error(line, f"{name} is a clock time in quotes, such as \"07:00\" or \"19:30\"")
    try:
        return dt.time.fromisoformat(raw.strip())
    except ValueError:
        raise ctx.error(line, f"{name} '{raw}' is not a clock time HH:MM") from None


@documented("time")
def parse_datetime(ctx: Context, raw: Any, line: int) -> dt.date | dt.datetime:
    text = str(raw).strip()
    if "T" not in text:
        return parse_date(ctx, text, line)
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ctx.error(line, f"impossible date-time '{text}' ({exc}); write "
                        "YYYY-MM-DDTHH:MM") from None


TIME_KEYS = {"on", "in", "part", "before", "after", "from", "until", "wording", "relative_to",
             "inferred", "before_event", "hedge"}


@documented("time")
def parse_time(ctx: Context, raw: Any, line: int, publication: URIRef | None) -> TimeSpec:
    if not isinstance(raw, LDict):
        raise ctx.error(line, "a time is written like {in: 2024-06, part: early, wording: early June}")
    check_keys(ctx, raw, "time", set(), TIME_KEYS)
    anchors = [k for k in ("on", "in", "before", "after", "from") if k in raw]
    if len(anchors) != 1:
        raise ctx.error(raw.line, "a time needs exactly one of on / in / before / after / from")
    key = anchors[0]
    kline = raw.line_of(key)
    earliest: dt.date | dt.datetime | None
    latest: dt.date | dt.datetime | None
    if key == "on" and "T" in str(raw["on"]):
        earliest = latest = parse_datetime(ctx, raw["on"], kline)
        precision = "minute"
    else:
        first, last, precision = _period(ctx, raw[key], kline)
        earliest, latest = first, last
        if key == "before":
            earliest, latest, precision = None, first - dt.timedelta(days=1), "open-ended"
        elif key == "after":
            earliest, latest, precision = last + dt.timedelta(days=1), None, "open-ended"
        elif key == "from":
            latest = None if "until" not in raw else _period(ctx, raw["until"], raw.line_of("until"))[1]
            precision = precision if latest is not None else "open-ended"
            if latest is not None and latest < first:
                raise ctx.error(raw.line_of("until"), "'until' is before 'from'")
    if "part" in raw:
        if key != "in" or precision != "month":
            raise ctx.error(raw.line_of("part"), "'part' goes with a month: {in: 2024-06, part: early}")
        if raw["part"] not in PARTS:
            raise ctx.error(raw.line_of("part"), f"'part' is one of {', '.join(PARTS)}")
        lo, hi = PARTS[raw["part"]]
        assert isinstance(earliest, dt.date) and isinstance(latest, dt.date)
        earliest = earliest.replace(day=lo)
        latest = latest.replace(day=min(hi, latest.day))
        precision = "part-of-month"
    relative_to = None
    if "relative_to" in raw:
        rel = raw["relative_to"]
        relative_to = publication if rel == "publication" else ctx.resolve(rel, raw.line_of("relative_to"))
    inferred = raw.get("inferred", False)
    if not isinstance(inferred, bool):
        raise ctx.error(raw.line_of("inferred"), "'inferred' is true or false")
    before = ctx.resolve(raw["before_event"], raw.line_of("before_event")) if "before_event" in raw else None
    return TimeSpec(earliest, latest, precision, text_field(ctx, raw, "wording"), relative_to, inferred, before,
                    concept(ctx, raw, "hedge", LG.Hedge))


# ---------------------------------------------------------------- quantities

def _number(ctx: Context, d: LDict, key: str) -> int | float | None:
    value = d.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ctx.error(d.line_of(key), f"'{key}' must be a number, not '{value}'")
    if value < 0:
        raise ctx.error(d.line_of(key), f"negative count or amount {value} for '{key}'; "
                        "quantities are zero or more")
    return value


def _bounds(ctx: Context, d: LDict, value_key: str) -> tuple[Any, Any, Any]:
    value, low, high = (_number(ctx, d, k) for k in (value_key, "at_least", "at_most"))
    if low is not None and high is not None and low > high:
        raise ctx.error(d.line_of("at_least"), f"at_least {low} is more than at_most {high}")
    if value is not None and ((low is not None and value < low) or (high is not None and value > high)):
        raise ctx.error(d.line_of(value_key), f"{value_key} {value} lies outside its bounds")
    return value, low, high


def _approximate(ctx: Context, d: LDict) -> bool:
    approx = d.get("approximate", False)
    if not isinstance(approx, bool):
        raise ctx.error(d.line_of("approximate"), "'approximate' is true or false")
    return approx


@documented("quantity")
def parse_quantity(ctx: Context, raw: Any, line: int) -> Quantity:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw_d = LDict(value=raw)
        raw_d.line, raw_d.key_lines = line, {}
        raw = raw_d
    if not isinstance(raw, LDict):
        raise ctx.error(line, "a quantity is a number or like {at_least: 100, wording: hundreds}")
    check_keys(ctx, raw, "quantity", set(), {"value", "at_least", "at_most", "approximate",
                                              "wording", "unit", "per", "statistic", "hedge"})
    value, low, high = _bounds(ctx, raw, "value")
    wording = text_field(ctx, raw, "wording")
    if value is None and low is None and high is None and wording is None:
        raise ctx.error(raw.line, "a quantity needs a value, a bound or at least its wording")
    return Quantity(value, low, high, _approximate(ctx, raw), wording, text_field(ctx, raw, "unit"),
                    _per(ctx, raw), concept(ctx, raw, "statistic", LG.Statistic),
                    concept(ctx, raw, "hedge", LG.Hedge))


def _per(ctx: Context, d: LDict) -> str | None:
    per = d.get("per")
    if per is not None and per not in PERIODS:
        raise ctx.error(d.line_of("per"), f"'per' is one of {', '.join(PERIODS)}")
    return per


@documented("quantity")
def parse_money(ctx: Context, raw: Any, line: int) -> Money:
    if not isinstance(raw, LDict):
        raise ctx.error(line, "money is written like {amount: 50, currency: USD, approximate: true}")
    check_keys(ctx, raw, "money", {"currency"}, {"amount", "at_least", "at_most", "per",
                                                  "approximate", "wording", "statistic", "hedge"})
    amount, low, high = _bounds(ctx, raw, "amount")
    if amount is None and low is None and high is None:
        raise ctx.error(raw.line, "money needs an amount or a bound")
    currency = raw["currency"]
    if not isinstance(currency, str) or not CURRENCY_RE.match(currency):
        raise ctx.error(raw.line_of("currency"), f"currency '{currency}' must be an ISO 4217 "
                        "code such as USD, EUR, RUB, KPW")
    return Money(amount, currency, low, high, _per(ctx, raw), _approximate(ctx, raw),
                 text_field(ctx, raw, "wording"), concept(ctx, raw, "statistic", LG.Statistic),
                 concept(ctx, raw, "hedge", LG.Hedge))


# ---------------------------------------------------------------- statements
