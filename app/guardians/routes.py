from flask import abort, render_template
from flask_login import current_user

from app.access import Permission, requires
from app.guardians import bp
from app.services.enrolment import guardian_view


@bp.route("/")
@requires(Permission.GUARDIAN_PAGE)
def index():
    views = guardian_view.views_of(guardian_view.links_of(current_user))
    return render_template("guardians/index.html", views=views)


@bp.route("/students/<int:student_id>")
@requires(Permission.GUARDIAN_PAGE)
def student(student_id: int):
    link = guardian_view.link_of(current_user, student_id)
    if link is None:  # an unknown id and another family's student answer alike
        abort(404)
    return render_template("guardians/student.html", view=guardian_view.view_of(link))
