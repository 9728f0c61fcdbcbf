"""Routes of the officer console, one module per blueprint (every route requires login
except /masuk and static).

Pages render Jinja templates (autoescaped); ``/api/...`` routes return JSON for the small
polling script in ``static/console.js``. State-changing routes are POST only and protected
by CSRF (form field or ``X-CSRFToken`` header).
"""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from console.views.admin import admin_bp
    from console.views.auth import auth_bp
    from console.views.cases import cases_bp
    from console.views.conversations import main_bp
    from console.views.monitoring import monitoring_bp  # issue 11
    from console.views.ops import ops_bp
    from console.views.privacy import pdp_bp
    from console.views.review import review_bp  # issue 12

    for bp in (auth_bp, main_bp, cases_bp, admin_bp, monitoring_bp, review_bp, ops_bp, pdp_bp):
        app.register_blueprint(bp)
