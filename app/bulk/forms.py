"""The upload form of an import (the confirmation and the portfolio buttons need only CSRF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from app.core.translation import lazy_gettext as _l


class UploadForm(FlaskForm):
    workbook = FileField(_l("Workbook (.xlsx or .csv)"),
                         validators=[FileRequired(_l("Choose the file to import."))],
                         render_kw={"accept": ".xlsx,.csv"})
