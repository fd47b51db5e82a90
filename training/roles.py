"""Training roles: the training section's officer (plans, packages, checks, draws, supervision) and the tendered
third-party evaluator; institutions are enterprise applicant accounts (applicant_enterprise)."""

from django.utils.translation import gettext_lazy as _

from guangyuan_jobs.accounts.roles import Role

VIEW = ("training.view_trainingpackage", "training.view_trainingclass", "training.view_drawsession",
        "training.view_supervisionrecord")

ROLES = (
    Role("training_officer", _("Training officer (培训管理)"),
         ("training.manage_training", "training.add_demandline", "training.add_supervisionrecord", *VIEW,
          "registry.view_person", "registry.view_enterprise", "reports.export_report")),
    Role("training_evaluator", _("Third-party training evaluator (第三方评估)"),
         ("training.add_acceptance", "training.add_supervisionrecord", *VIEW)),
)

GRANTS = {
    "manager": VIEW,
    "auditor": VIEW,
    "reviewer": ("training.view_trainingpackage", "training.view_trainingclass"),
    "approver": ("training.view_trainingpackage", "training.view_trainingclass"),
}
