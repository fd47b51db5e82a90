"""The training pages in the navigation: the public ones for everyone, the section's pages for its staff, the
institution's page for enterprise accounts."""

from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.context_processors import NavItem

NAV_ITEMS = (
    NavItem(_("Training plans"), "training:plan_list", "bi-clipboard-data", "training.view_trainingpackage",
            applicant=False),
    NavItem(_("Training packages"), "training:package_list", "bi-box-seam", None),
    NavItem(_("Public draws"), "training:session_list", "bi-shuffle", None),
    NavItem(_("Training classes"), "training:class_list", "bi-easel", "training.view_trainingclass",
            applicant=False),
    NavItem(_("Supervision"), "training:supervision_list", "bi-binoculars", "training.view_supervisionrecord",
            applicant=False),
    NavItem(_("My training institution"), "training:institution_home", "bi-mortarboard", None,
            user_kind="enterprise"),
)
