"""Flask extensions, created unbound and bound in create_app()."""

from typing import TYPE_CHECKING

from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from app.core.models import Base
from app.core.translation import TalkaBabel

db = SQLAlchemy(model_class=Base)
# The base class of every model. At run time it is Flask-SQLAlchemy's db.Model (built from Base,
# with its table naming and binds); mypy cannot follow a class made on an instance, so it checks
# models against Base, which has the same registry, metadata and constructor.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = TalkaBabel()
compress = Compress()
# Limits are declared on the views that need them (sign-in, registration, reset);
# storage comes from RATELIMIT_STORAGE_URI.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
