"""Who may use each route: the access matrix (RELIABILITY.md, "Access and privacy").

One entry per route name from the URL resolver. `get`/`post` list the actors whose request passes the access
checks (an answer other than 401/403/404 or a redirect to the login page); a verb left out must answer 405 or
refuse everyone. Actors are the roles of tests/access/world.py: `anonymous`, the applicants (`applicant`,
`other`, `enterprise`), one staff member per role, and `cangxi`, a reviewer whose scope is the 苍溪 district.

`scoped=True` routes take an object; each is asked for twice, once for an object of the demo applicant in 利州
and once for one of the other applicant in 苍溪. On them `owner` stands for the object's own applicant (no
other applicant may pass) and `district` for the district reviewer on objects of their own district only.
"""

from collections.abc import Set
from dataclasses import dataclass

from tests.access.world import ACTORS


@dataclass(frozen=True)
class Access:
    get: Set[str] | None = None
    post: Set[str] | None = None
    scoped: bool = False
    owners: tuple[str, ...] | None = None  # on scoped routes: who owns the object if not any applicant

    def allowed(self, method: str) -> Set[str] | None:
        return {"GET": self.get, "POST": self.post}[method]


EVERYONE = frozenset(ACTORS)
SIGNED_IN = EVERYONE - {"anonymous"}
NOBODY = frozenset()
APPLICANTS = frozenset({"applicant", "other", "enterprise"})
# Staff who work on cases (the security and system administrators never see one).
CASE_STAFF = frozenset(
    {"intake", "policy", "archive", "entry", "reviewer", "approver", "finance", "manager", "auditor"}
)
PEOPLE_STAFF = CASE_STAFF - {"policy"}

MATRIX: dict[str, Access] = {
    "home": Access(get=SIGNED_IN, post=SIGNED_IN),
    "healthz": Access(get=EVERYONE),
    "set_language": Access(get=EVERYONE, post=EVERYONE),
    "accounts:login": Access(get=EVERYONE, post=EVERYONE),
    "accounts:logout": Access(post=NOBODY),
    "accounts:register": Access(get=EVERYONE, post=EVERYONE),
    "accounts:sms_send": Access(post=EVERYONE),
    "accounts:otp_verify": Access(get=SIGNED_IN, post=SIGNED_IN),
    "accounts:otp_setup": Access(get=SIGNED_IN, post=SIGNED_IN),
    "accounts:profile": Access(get=SIGNED_IN, post=SIGNED_IN),
    "accounts:payee_account": Access(post=SIGNED_IN),
    "accounts:password_change": Access(get=SIGNED_IN, post=SIGNED_IN),
    "accounts:lockout_list": Access(get={"security"}, post={"security"}),
    "accounts:lockout_unlock": Access(post={"security"}),
    "accounts:security_user_list": Access(get={"security"}, post={"security"}),
    "accounts:otp_reset": Access(post={"security"}),
    "casework:inbox": Access(get=SIGNED_IN),
    "casework:batch_list": Access(get={"reviewer", "approver", "cangxi"}),
    "casework:batch_start": Access(post={"reviewer", "approver", "cangxi"}),
    "casework:batch_detail": Access(get={"reviewer"}),
    "casework:batch_progress": Access(get={"reviewer"}),
    "casework:case_detail": Access(get=CASE_STAFF | {"owner", "district"}, scoped=True, owners=("applicant",)),
    "casework:case_transition": Access(post=CASE_STAFF | {"owner", "district"}, scoped=True, owners=("applicant",)),
    "casework:attachment_upload": Access(post=CASE_STAFF | {"owner", "district"}, scoped=True, owners=("applicant",)),
    "casework:attachment_download": Access(get=CASE_STAFF | {"owner", "district"}, scoped=True, owners=("applicant",)),
    "reports:export_list": Access(get={"finance", "manager", "auditor"}),
    "reports:export_new": Access(get={"finance", "manager", "auditor"}, post={"finance", "manager", "auditor"}),
    "reports:export_detail": Access(get={"auditor"}),
    "reports:export_progress": Access(get={"auditor"}),
    "reports:export_download": Access(get={"auditor"}),
    "audit:event_list": Access(get={"auditor", "security"}),
    "audit:event_detail": Access(get={"auditor", "security"}),
    "registry:person_list": Access(get=PEOPLE_STAFF | {"cangxi"}, post=PEOPLE_STAFF | {"cangxi"}),
    "registry:person_lookup": Access(post=PEOPLE_STAFF | {"cangxi"}),
    "registry:person_detail": Access(get=PEOPLE_STAFF | {"district"}, post=PEOPLE_STAFF | {"district"}, scoped=True),
    "registry:person_reveal": Access(post={"archive", "finance"}),
    "registry:enterprise_list": Access(get=PEOPLE_STAFF | {"cangxi"}, post=PEOPLE_STAFF | {"cangxi"}),
    "registry:enterprise_detail": Access(
        get=PEOPLE_STAFF | {"district"}, post=PEOPLE_STAFF | {"district"}, scoped=True
    ),
    "registry:enterprise_reveal": Access(post={"archive", "finance"}),
    "registry:enterprise_size_class": Access(post={"entry"}),
    "policy:parameter_list": Access(get={"policy", "auditor", "admin"}, post={"policy", "auditor", "admin"}),
    "policy:parameter_history": Access(get={"policy", "auditor", "admin"}, post={"policy", "auditor", "admin"}),
    "policy:calendar": Access(get={"admin"}, post={"admin"}),
    "subsidies:claim_list": Access(get=SIGNED_IN),
    "subsidies:claim_new": Access(get=APPLICANTS | {"intake", "entry"}),
    "subsidies:claim_form": Access(
        get={"applicant", "other", "intake", "entry"}, post={"applicant", "other", "intake", "entry"}
    ),
    "subsidies:claim_edit": Access(
        get=CASE_STAFF | {"owner", "district"},
        post=CASE_STAFF | {"owner", "district"},
        scoped=True,
        owners=("applicant",),
    ),
    "subsidies:claim_submit": Access(post=CASE_STAFF | {"owner", "district"}, scoped=True, owners=("applicant",)),
    "subsidies:claim_upload": Access(post=CASE_STAFF | {"owner", "district"}, scoped=True, owners=("applicant",)),
    "subsidies:claim_amount": Access(post=CASE_STAFF | {"owner", "district"}, scoped=True, owners=("applicant",)),
    "subsidies:claim_stop": Access(post=CASE_STAFF | {"owner", "district"}, scoped=True, owners=("applicant",)),
    "subsidies:roster_list": Access(get={"entry", "reviewer", "cangxi"}),
    "subsidies:roster_new": Access(get={"entry"}, post={"entry"}),
    "subsidies:roster_template": Access(get={"entry", "reviewer", "cangxi"}),
    "subsidies:roster_detail": Access(get={"entry", "reviewer", "cangxi"}),
    "subsidies:roster_progress": Access(get={"entry", "reviewer", "cangxi"}),
    "subsidies:roster_commit": Access(post={"entry", "reviewer", "cangxi"}),
    "subsidies:roster_rejected_download": Access(get=NOBODY),
    "subsidies:refund_list": Access(get={"enterprise"}),
    "subsidies:refund_confirm": Access(get=NOBODY, post=NOBODY),
    "subsidies:notice_public_list": Access(get=EVERYONE),
    "subsidies:notice_public_detail": Access(get=EVERYONE),
    "subsidies:notice_objection": Access(post=EVERYONE),
    "subsidies:notice_publish": Access(get={"approver"}, post={"approver"}),
    "subsidies:objection_list": Access(get={"reviewer", "cangxi"}),
    "subsidies:objection_resolve": Access(post={"reviewer"}),
    "subsidies:batch_list": Access(get={"finance"}),
    "subsidies:batch_new": Access(get={"finance"}, post={"finance"}),
    "subsidies:batch_detail": Access(get={"finance"}),
    "subsidies:batch_action": Access(post={"finance"}),
    "subsidies:batch_reconcile": Access(post={"finance"}),
    "subsidies:batch_download": Access(get={"finance"}),
    "subsidies:batch_progress": Access(get={"finance"}),
    "subsidies:guide_list": Access(get=EVERYONE),
    "subsidies:guide_detail": Access(get=EVERYONE),
    "subsidies:briefing_list": Access(get={"policy"}),
    "subsidies:briefing_new": Access(get={"policy"}, post={"policy"}),
    "subsidies:push_list": Access(get={"policy"}),
    "subsidies:push_new": Access(get={"policy"}, post={"policy"}),
    "subsidies:push_detail": Access(get={"policy"}),
    "subsidies:push_progress": Access(get={"policy"}),
    "api-token": Access(post=EVERYONE),
    "case-list": Access(get=CASE_STAFF | APPLICANTS | {"cangxi"}),
    "case-detail": Access(get=CASE_STAFF | {"owner", "district"}, scoped=True, owners=("applicant",)),
    "case-transition": Access(post=CASE_STAFF | {"owner", "district"}, scoped=True, owners=("applicant",)),
    "reports_api:export_list_create": Access(get=SIGNED_IN, post={"finance", "manager", "auditor"}),
    "reports_api:export_detail": Access(get={"auditor"}),
    "reports_api:export_download": Access(get={"auditor"}),
    "subsidies-claim-list": Access(get=CASE_STAFF | APPLICANTS | {"cangxi"}, post=CASE_STAFF | APPLICANTS | {"cangxi"}),
    "subsidies-claim-detail": Access(get=CASE_STAFF | {"owner", "district"}, scoped=True, owners=("applicant",)),
    "subsidies-claim-submit": Access(post={"owner"}, scoped=True, owners=("applicant",)),
    "subsidies-claim-withdraw": Access(post={"owner"}, scoped=True, owners=("applicant",)),
    "subsidies-roster-import-list": Access(get={"entry", "reviewer", "cangxi"}, post={"entry", "reviewer", "cangxi"}),
    "subsidies-roster-import-detail": Access(get={"entry", "reviewer", "cangxi"}),
    "subsidies-roster-import-commit": Access(post={"entry"}),
    "subsidies-refund-list": Access(get={"enterprise"}),
    "subsidies-refund-confirm": Access(post=NOBODY),
    "subsidies-public-notice-list": Access(get=EVERYONE),
    "subsidies-public-notice-detail": Access(get=EVERYONE),
    "subsidies-objection-lodge": Access(post=EVERYONE),
    "subsidies-notice-publish": Access(post={"approver"}),
    "subsidies-objection-list": Access(get={"reviewer", "cangxi"}),
    "subsidies-objection-resolve": Access(post={"reviewer"}),
    "payment-batch-list": Access(get={"finance"}, post={"finance"}),
    "payment-batch-detail": Access(get={"finance"}),
    "payment-batch-items": Access(get={"finance"}),
    "payment-batch-action": Access(post={"finance"}),
    "payment-batch-return-file": Access(post={"finance"}),
    "payment-batch-bank-file": Access(get={"finance"}),
    "payment-batch-reconciliation": Access(get={"finance"}),
    "outreach-guide-list": Access(get=EVERYONE),
    "outreach-guide-detail": Access(get=EVERYONE),
    "outreach-briefing-list": Access(get={"policy"}, post={"policy"}),
    "outreach-push-list": Access(get={"policy"}, post={"policy"}),
    "outreach-push-preview": Access(post={"policy"}),
    "outreach-push-detail": Access(get={"policy"}),
    "outreach-push-recipients": Access(get={"policy"}),
    "api-schema": Access(get=EVERYONE),
    "api-docs": Access(get=EVERYONE),
}
