"""The batch endpoint: a municipal system sends a pilot's measurements and expenses in one
request, the same rows a workbook holds, through the same import (preview with dry_run)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_smorest import Blueprint

from app.api.schemas import json_body
from app.bulk import operations as ops
from app.bulk.parsing import Parsed, plain
from app.bulk.schemas import BatchInput, BatchOut
from app.core import access, web
from app.pilots.models import Pilot

blp = Blueprint("api_bulk", __name__, description="Batches of pilot measurements and expenses")
SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def _rows(pilot: Pilot, items: list[dict[str, Any]], sheet: str) -> list:
    rows = []
    for number, item in enumerate(items, 1):
        cells = {k: plain(v) for k, v in item.items()}
        if sheet == "expenses":
            cells["pilot_id"] = pilot.id
        rows.append((number, cells))
    return rows


@blp.route("/pilots/<id:pilot_id>/batch", methods=["POST"])
@json_body(BatchInput(), load=True)
@blp.response(200, BatchOut)
@blp.doc(security=SECURITY)
@access.signed_in
def batch(data: dict[str, Any], pilot_id: int):
    """Record or correct many measurements and expenses of one pilot at once (its team,
    its coordinators). Rows already stored as sent are left alone; a row whose version is
    stale is a conflict and is left alone. With `dry_run` nothing changes and the answer
    says what would; without it, any problem refuses the whole batch (422)."""
    pilot = web.load(Pilot, pilot_id, may=Pilot.can_edit)
    parsed = Parsed("json", sheets={
        "measurements": _rows(pilot, data["measurements"], "measurements"),
        "expenses": _rows(pilot, data["expenses"], "expenses")})
    source = f"API batch (pilot {pilot.id})"
    if data["dry_run"]:
        preview = ops.preview_import(parsed, actor=current_user, source=source, pilot=pilot)
    else:
        preview = ops.apply_import(parsed, actor=current_user, source=source, pilot=pilot)
    return {"dry_run": data["dry_run"], "applied": not data["dry_run"],
            "counts": preview.counts, "outcomes": preview.outcomes,
            "problems": preview.problems}
