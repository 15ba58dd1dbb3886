from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.access import Permission, requires
from app.extensions import db
from app.forms import ActionForm
from app.history import bp
from app.history.forms import EventForm
from app.models import HistoryEvent
from app.services import history
from app.unit_of_work import refusals


@bp.route("/")
@requires(Permission.EDIT_HISTORY)
def index():
    return render_template("history/index.html", events=history.timeline())


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.EDIT_HISTORY)
def create():
    form = EventForm()
    if form.validate_on_submit():
        with refusals(form):
            history.create_event(form.values())
            flash(_("The event was added to the timeline."), "success")
            return redirect(url_for("history.index"))
    return render_template("history/edit.html", form=form, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_HISTORY)
def edit(event_id: int):
    event = db.get_or_404(HistoryEvent, event_id)
    form = EventForm(obj=event)
    if form.validate_on_submit():
        with refusals(form):
            history.update_event(event, form.values())
            flash(_("The event was saved."), "success")
            return redirect(url_for("history.index"))
    return render_template("history/edit.html", form=form, event=event)


@bp.route("/<int:event_id>/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_HISTORY)
def delete(event_id: int):
    """GET: what deleting the event takes off the home page; POST: delete it (a second
    click finds it gone and says so)."""
    form = ActionForm()
    event = db.session.get(HistoryEvent, event_id)
    if form.validate_on_submit():
        if event is None:
            flash(_("This event was already removed from the timeline."), "info")
        else:
            history.delete_event(event)
            flash(_("The event was removed from the timeline."), "success")
        return redirect(url_for("history.index"))
    if event is None:
        abort(404)
    page = render_template("history/confirm_delete.html", event=event, form=form)
    return page, 400 if form.is_submitted() else 200
