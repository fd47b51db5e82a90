"""Roles of the events app. The policy officers (政策宣讲), who already run the briefing sessions, organise the
events and record their outcomes; the case desks and the managers see them. Contest judges (评委) are often
outside experts: their own role lets them score entries and see the events, nothing else."""

from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.roles import Role

VIEW = "startup_events.view_event"

ROLES = (
    Role("judge", _("Contest judge (评委)"), (VIEW, "startup_events.score_contest")),
)

GRANTS = {
    "policy": (VIEW, "startup_events.manage_event"),
    "intake": (VIEW,),
    "entry": (VIEW,),
    "manager": (VIEW,),
    "auditor": (VIEW,),
}
