"""Lab times as the bench scripts take them: T0 is written HH:MM:SS[.fff] in UTC (the .holdings files name it so), on
the day of the recording it belongs to."""
import datetime
import re


def utc_on_day(reference_epoch, hh_mm_ss):
    """Epoch seconds of `hh_mm_ss` (UTC, the seconds possibly with a fraction) on the UTC day of `reference_epoch`."""
    day = datetime.datetime.fromtimestamp(reference_epoch, datetime.timezone.utc).date()
    h, m, s = hh_mm_ss.split(':')
    midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc).timestamp()
    return midnight + int(h) * 3600 + int(m) * 60 + float(s)


def start_epoch(text, reference_epoch):
    """A window's start as the scripts take it: epoch seconds as given, or HH:MM:SS[.fff] UTC on the day of
    `reference_epoch`."""
    if re.fullmatch(r'\d+(\.\d+)?', text):
        return float(text)
    return utc_on_day(reference_epoch, text)
