"""Reading what the public may see, in a fixed number of queries whatever the data size.

Public means: hackathons that are not drafts; winning ideas of hackathons whose results are
out (the same rule as `Idea.is_public`); every pilot's public fields; approved public pilot
updates. Rows are read as plain tuples with the names the pages show; no person's name or
e-mail address is ever selected here.

The reads are grouped by what they serve: the home page, winners, pilots, a municipality,
and the feeds and sitemap; this package names them all, so callers read `queries.X`.
"""

from app.public.queries.common import (
    COMPETING,
    HOME_LIMIT,
    RESULTS_PHASES,
    cents,
    decided_at,
    euros,
    public_winner_condition,
    riga_year_bounds,
)
from app.public.queries.feeds import (
    ResultsEntry,
    SitemapData,
    UpdateEntry,
    published_updates_condition,
    recent_results,
    recent_updates,
    sitemap_data,
)
from app.public.queries.home import (
    Figures,
    HackathonsNow,
    hackathons_now,
    headline_figures,
)
from app.public.queries.pilots import (
    PilotFilters,
    PlaceCount,
    RegionOverview,
    pilot_overview,
    pilots_in_progress,
    pilots_page,
)
from app.public.queries.places import (
    Benchmark,
    RegionComparison,
    municipality_by_id,
    region_comparison,
)
from app.public.queries.winners import (
    WinnerFilters,
    WinnerOptions,
    WinnerRow,
    hackathon_winners,
    involves_municipality,
    latest_winners,
    municipality_winners,
    published_results,
    winner_options,
    winner_row,
    winners_page,
    winners_query,
)

__all__ = [
    "COMPETING",
    "HOME_LIMIT",
    "RESULTS_PHASES",
    "Benchmark",
    "Figures",
    "HackathonsNow",
    "PilotFilters",
    "PlaceCount",
    "RegionComparison",
    "RegionOverview",
    "ResultsEntry",
    "SitemapData",
    "UpdateEntry",
    "WinnerFilters",
    "WinnerOptions",
    "WinnerRow",
    "cents",
    "decided_at",
    "euros",
    "hackathon_winners",
    "hackathons_now",
    "headline_figures",
    "involves_municipality",
    "latest_winners",
    "municipality_by_id",
    "municipality_winners",
    "pilot_overview",
    "pilots_in_progress",
    "pilots_page",
    "public_winner_condition",
    "published_results",
    "published_updates_condition",
    "recent_results",
    "recent_updates",
    "region_comparison",
    "riga_year_bounds",
    "sitemap_data",
    "winner_options",
    "winner_row",
    "winners_page",
    "winners_query",
]
