"""The one clock. Pass `now` into rules; call now_utc() only at the edges."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

RIGA = ZoneInfo("Europe/Riga")
# The years a date in Talka can fall in: a programme's hackathons, pilots and their records.
# Outside them a date is a typing slip (and year 1 or 9999 overflows on conversion to UTC).
PLAUSIBLE_YEARS = (2000, 2100)


def now_utc() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def today_riga(now: datetime | None = None) -> date:
    """Today's date as a reader in Latvia sees it."""
    return (now or now_utc()).astimezone(RIGA).date()


def as_utc(value: datetime) -> datetime:
    """Treat a naive datetime as UTC and convert an aware one to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
