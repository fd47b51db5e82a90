"""Who may use each route: the access matrix (RELIABILITY.md, "Access and privacy").

One entry per route name from the URL resolver. `get`/`post` list the actors whose request passes the access
checks (an answer other than 401/403/404 or a redirect to the login page); a verb left out must answer 405 or
refuse everyone. Actors are the roles of tests/access/world.py: `anonymous`, the applicants (`applicant`,
`other`, `enterprise`, and `institution`, a training institution's account), one staff member per kernel role,
the business apps' own roles from their demo data (`training` officer, `bank` loan officer, `groups`
caseworker, `monitor` clerk, `verifier`), and `cangxi`, a reviewer whose scope is the 苍溪 district.

"Passes the access checks" is what a page or endpoint decides before the work: an action a role may not take
(an auditor posting a transition) is then refused by the service, with a message on the page or a 4xx in the
API; those refusals are proven by each app's own service tests (maker-checker, scope, permissions). Objects
of the business apps are taken from their demo data, the same on both sides; their scoping by district and
owner is proven in each app's own tests. Objects the demo has none of (imports with rejected rows, the bank's
interest file, a firm's refund, a sign-up's evidence, an open supervision finding, a flagged return) are made
by the world through the apps' services, by the actor each belongs to, so no route is refused to everybody
for want of an object: a route left to NOBODY says why.

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
    owners: tuple[str, ...] | None = None  # scoped routes: which 利州 account owns its object (default: either)

    def allowed(self, method: str) -> Set[str] | None:
        return {"GET": self.get, "POST": self.post}[method]


EVERYONE = frozenset(ACTORS)
SIGNED_IN = EVERYONE - {"anonymous"}
NOBODY = frozenset()
APPLICANTS = frozenset({"applicant", "other", "enterprise", "institution"})
# Staff who work on cases (the security and system administrators never see one).
CASE_STAFF = frozenset(
    {"intake", "policy", "archive", "entry", "reviewer", "approver", "finance", "manager", "auditor"}
)
PEOPLE_STAFF = CASE_STAFF - {"policy"}
# Staff who see entrepreneurship events (startup_events/roles.py); the policy officers also organise them.
EVENT_VIEWERS = frozenset({"intake", "policy", "entry", "manager", "auditor"})
# Who sees a bank's quarterly interest file: its bank, and the Center's staff who see loans (not by district).
UPLOAD_VIEWERS = frozenset(
    {"intake", "entry", "reviewer", "approver", "finance", "manager", "auditor", "bank", "cangxi"}
)

MATRIX: dict[str, Access] = {
    "home": Access(get=SIGNED_IN, post=SIGNED_IN),
    "healthz": Access(get=EVERYONE),
    "set_language": Access(get=EVERYONE, post=EVERYONE),
    "accounts:login": Access(get=EVERYONE, post=EVERYONE),
    # Step two of a sign-in: without a pending password step in the session everyone is sent back to the login
    # page (proven in the accounts tests).
    "accounts:login_sms": Access(get=NOBODY, post=NOBODY),
    # Works for everyone, but answers with a redirect to the login page (LOGOUT_REDIRECT_URL), which this test
    # cannot tell from a refusal.
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
    "casework:case_detail": Access(
        get=CASE_STAFF | {"verifier", "owner", "district"}, scoped=True, owners=("applicant",)
    ),
    "casework:case_transition": Access(
        post=CASE_STAFF | {"verifier", "owner", "district"}, scoped=True, owners=("applicant",)
    ),
    "casework:attachment_upload": Access(
        post=CASE_STAFF | {"verifier", "owner", "district"}, scoped=True, owners=("applicant",)
    ),
    "casework:attachment_download": Access(
        get=CASE_STAFF | {"verifier", "owner", "district"}, scoped=True, owners=("applicant",)
    ),
    "reports:export_list": Access(get={"finance", "manager", "auditor", "training", "groups", "verifier"}),
    "reports:export_new": Access(
        get={"finance", "manager", "auditor", "training", "groups", "verifier"},
        post={"finance", "manager", "auditor", "training", "groups", "verifier"},
    ),
    "reports:export_detail": Access(get={"auditor"}),
    "reports:export_progress": Access(get={"auditor"}),
    "reports:export_download": Access(get={"auditor"}),
    "audit:event_list": Access(get={"auditor", "security"}),
    "audit:event_detail": Access(get={"auditor", "security"}),
    "registry:person_list": Access(
        get=PEOPLE_STAFF | {"training", "groups", "verifier", "cangxi"},
        post=PEOPLE_STAFF | {"training", "groups", "verifier", "cangxi"},
    ),
    "registry:person_lookup": Access(post=PEOPLE_STAFF | {"training", "groups", "verifier", "cangxi"}),
    "registry:person_detail": Access(
        get=PEOPLE_STAFF | {"training", "groups", "verifier", "district"},
        post=PEOPLE_STAFF | {"training", "groups", "verifier", "district"},
        scoped=True,
    ),
    "registry:person_reveal": Access(post={"archive", "finance"}),
    "registry:enterprise_list": Access(
        get=PEOPLE_STAFF | {"training", "groups", "monitor", "verifier", "cangxi"},
        post=PEOPLE_STAFF | {"training", "groups", "monitor", "verifier", "cangxi"},
    ),
    "registry:enterprise_detail": Access(
        get=PEOPLE_STAFF | {"training", "groups", "monitor", "verifier", "district"},
        post=PEOPLE_STAFF | {"training", "groups", "monitor", "verifier", "district"},
        scoped=True,
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
        get=CASE_STAFF | {"verifier", "owner", "district"},
        post=CASE_STAFF | {"verifier", "owner", "district"},
        scoped=True,
        owners=("applicant",),
    ),
    "subsidies:claim_submit": Access(
        post=CASE_STAFF | {"verifier", "owner", "district"}, scoped=True, owners=("applicant",)
    ),
    "subsidies:claim_upload": Access(
        post=CASE_STAFF | {"verifier", "owner", "district"}, scoped=True, owners=("applicant",)
    ),
    "subsidies:claim_amount": Access(
        post=CASE_STAFF | {"verifier", "owner", "district"}, scoped=True, owners=("applicant",)
    ),
    "subsidies:claim_stop": Access(
        post=CASE_STAFF | {"verifier", "owner", "district"}, scoped=True, owners=("applicant",)
    ),
    "subsidies:roster_list": Access(get={"entry", "reviewer", "cangxi"}),
    "subsidies:roster_new": Access(get={"entry"}, post={"entry"}),
    "subsidies:roster_template": Access(get={"entry", "reviewer", "cangxi"}),
    "subsidies:roster_detail": Access(get={"entry", "reviewer", "cangxi"}),
    "subsidies:roster_progress": Access(get={"entry", "reviewer", "cangxi"}),
    "subsidies:roster_commit": Access(post={"entry", "reviewer", "cangxi"}),
    "subsidies:roster_rejected_download": Access(get={"entry", "reviewer", "cangxi"}),
    "subsidies:refund_list": Access(get={"enterprise", "institution"}),
    # The demo firm's own refund: no other firm (the institution's account) and no staff.
    "subsidies:refund_confirm": Access(get={"enterprise"}, post={"enterprise"}),
    "subsidies:notice_public_list": Access(get=EVERYONE),
    "subsidies:notice_public_detail": Access(get=EVERYONE),
    "subsidies:notice_objection": Access(post=EVERYONE),
    "subsidies:notice_publish": Access(get={"approver"}, post={"approver"}),
    "subsidies:objection_list": Access(get={"reviewer", "cangxi"}),
    "subsidies:objection_resolve": Access(post={"reviewer"}),
    "subsidies:objection_refuse_case": Access(post=CASE_STAFF | {"verifier"}),
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
    "training:home": Access(get=EVERYONE, post=EVERYONE),
    "training:session_list": Access(get=EVERYONE),
    "training:session_new": Access(get={"training"}, post={"training"}),
    "training:session_detail": Access(get=EVERYONE),
    "training:session_record_json": Access(get=EVERYONE),
    "training:session_record_xlsx": Access(get=EVERYONE),
    "training:session_verify": Access(get=EVERYONE),
    "training:session_run": Access(post={"training"}),
    "training:witness_add": Access(post={"training"}),
    "training:package_redraw": Access(post={"training"}),
    "training:winner_withdraw": Access(post={"training"}),
    "training:plan_list": Access(
        get={"reviewer", "approver", "manager", "auditor", "training", "cangxi"},
        post={"reviewer", "approver", "manager", "auditor", "training", "cangxi"},
    ),
    "training:plan_consolidate": Access(post={"training"}),
    "training:plan_detail": Access(get={"reviewer", "approver", "manager", "auditor", "training", "cangxi"}),
    "training:plan_action": Access(post={"training"}),
    "training:package_create": Access(post={"training"}),
    "training:package_list": Access(get=EVERYONE),
    "training:package_detail": Access(
        get=CASE_STAFF
        | APPLICANTS
        | {"anonymous", "security", "admin", "training", "bank", "groups", "monitor", "verifier"}
    ),
    "training:package_action": Access(post={"training"}),
    "training:signup_check": Access(post={"training"}),
    # The institution's own sign-up (a package of 昭化): its institution and the training staff of the area.
    "training:signup_evidence": Access(get={"institution", "reviewer", "approver", "manager", "auditor", "training"}),
    "training:institution_home": Access(get={"enterprise", "institution"}, post={"enterprise", "institution"}),
    "training:class_list": Access(
        get={"institution", "reviewer", "approver", "manager", "auditor", "training", "cangxi"}
    ),
    "training:class_new": Access(get={"institution"}, post={"institution"}),
    "training:class_detail": Access(get={"institution", "reviewer", "approver", "manager", "auditor", "training"}),
    "training:trainee_result": Access(post={"institution", "reviewer", "approver", "manager", "auditor", "training"}),
    "training:class_action": Access(post={"institution", "reviewer", "approver", "manager", "auditor", "training"}),
    "training:supervision_list": Access(get={"manager", "auditor", "training"}),
    "training:supervision_close": Access(post={"training"}),
    "entrepreneurship:loan_list": Access(get=SIGNED_IN),
    "entrepreneurship:application_new": Access(get=APPLICANTS, post=APPLICANTS),
    "entrepreneurship:loan_detail": Access(
        get={"applicant", "intake", "entry", "reviewer", "approver", "finance", "manager", "auditor", "bank"}
    ),
    "entrepreneurship:loan_action": Access(
        post={"applicant", "intake", "entry", "reviewer", "approver", "finance", "manager", "auditor", "bank"}
    ),
    "entrepreneurship:credit_line_list": Access(get={"manager", "bank"}, post={"bank"}),
    "entrepreneurship:credit_line_detail": Access(get={"manager", "bank"}),
    "entrepreneurship:application_walk_in": Access(get={"intake", "entry"}, post={"intake", "entry"}),
    "entrepreneurship:city_figures": Access(get={"manager", "policy"}, post={"manager", "policy"}),
    "entrepreneurship:upload_list": Access(
        get={"entry", "reviewer", "approver", "finance", "auditor", "bank", "cangxi"}, post={"bank"}
    ),
    # The bank's own file (the other bank's officer is no actor); the Center's staff who see loans see it too.
    "entrepreneurship:upload_detail": Access(get=UPLOAD_VIEWERS),
    "entrepreneurship:upload_progress": Access(get=UPLOAD_VIEWERS),
    "entrepreneurship:upload_confirm": Access(post={"bank"}),
    "entrepreneurship:upload_claim": Access(post={"entry"}),
    "startup_parks:park_list": Access(get={"enterprise", "institution", "entry", "reviewer", "approver", "manager",
                                           "auditor", "cangxi"}),
    "startup_parks:park_new": Access(get={"enterprise", "institution", "entry"},
                                     post={"enterprise", "institution", "entry"}),
    "startup_parks:due_list": Access(get={"entry", "reviewer", "approver", "manager", "auditor", "cangxi"}),
    "startup_parks:park_detail": Access(get={"enterprise", "entry", "reviewer", "approver", "manager", "auditor"}),
    "startup_parks:park_apply": Access(get={"enterprise"}, post={"enterprise"}),
    "startup_parks:park_reevaluate": Access(post={"reviewer", "approver"}),
    "startup_parks:resident_add": Access(post={"enterprise", "entry"}),
    "startup_parks:resident_move_out": Access(post={"enterprise", "entry"}),
    "startup_parks:jobs_report": Access(post={"enterprise", "entry"}),
    "startup_parks:application_detail": Access(
        get={"enterprise", "entry", "reviewer", "approver", "manager", "auditor"}
    ),
    "startup_parks:evaluation_submit": Access(post={"reviewer"}),
    "startup_parks:application_decide": Access(post={"approver"}),
    "startup_parks:evidence_add": Access(post={"enterprise"}),
    "startup_parks:evidence_download": Access(
        get={"enterprise", "entry", "reviewer", "approver", "manager", "auditor"}
    ),
    "startup_events:event_list": Access(get=APPLICANTS | EVENT_VIEWERS),
    "startup_events:event_new": Access(get={"policy"}, post={"policy"}),
    "startup_events:event_detail": Access(get=APPLICANTS | EVENT_VIEWERS),
    "startup_events:event_action": Access(post={"policy"}),
    "startup_events:event_register": Access(post=APPLICANTS | {"policy"}),
    # The demo applicant's registration: its participant, or the organising policy officer; no one else's.
    "startup_events:registration_cancel": Access(post={"applicant", "policy"}),
    "startup_events:attendance": Access(post={"policy"}),
    "startup_events:outcome": Access(post={"policy"}),
    "startup_events:contest": Access(post={"policy"}),
    "startup_events:winners": Access(get=EVERYONE),
    "priority_groups:person_list": Access(get={"entry", "manager", "auditor", "groups"}),
    "priority_groups:person_add": Access(get={"groups"}, post={"groups"}),
    "priority_groups:person_detail": Access(get={"entry", "manager", "auditor", "groups"}),
    "priority_groups:membership_add": Access(post={"groups"}),
    "priority_groups:membership_end": Access(post={"groups"}),
    "priority_groups:status_add": Access(post={"groups"}),
    "priority_groups:service_add": Access(post={"groups"}),
    "priority_groups:plan_add": Access(post={"groups"}),
    "priority_groups:measure_add": Access(post={"groups"}),
    "priority_groups:measure_done": Access(post={"groups"}),
    "priority_groups:plan_close": Access(post={"groups"}),
    "priority_groups:unemployment_register": Access(post={"groups"}),
    "priority_groups:employment_register": Access(post={"groups"}),
    "priority_groups:registration_end": Access(post={"groups"}),
    "priority_groups:household_add": Access(post={"groups"}),
    "priority_groups:household_member_add": Access(post={"groups"}),
    "priority_groups:referral_add": Access(post={"groups"}),
    "priority_groups:follow_up_list": Access(get={"groups"}),
    "priority_groups:service_list": Access(get={"entry", "manager", "auditor", "groups"}),
    "priority_groups:household_list": Access(get={"entry", "manager", "auditor", "groups"}),
    "priority_groups:vacancy_list": Access(get={"entry", "manager", "auditor", "groups"}),
    "priority_groups:vacancy_new": Access(get={"groups"}, post={"groups"}),
    "priority_groups:vacancy_detail": Access(get={"entry", "manager", "auditor", "groups"}),
    "priority_groups:referral_outcome": Access(post={"groups"}),
    "priority_groups:report": Access(get={"entry", "manager", "auditor", "groups"}),
    "priority_groups:roster_list": Access(get={"entry", "manager", "auditor", "groups"}),
    "priority_groups:roster_new": Access(get={"entry", "groups"}, post={"entry", "groups"}),
    "priority_groups:roster_template": Access(get={"entry", "manager", "auditor", "groups"}),
    # Uploaded by the caseworker; whole-city staff see every import, district staff only their own.
    "priority_groups:roster_detail": Access(get={"entry", "manager", "auditor", "groups"}),
    "priority_groups:roster_progress": Access(get={"entry", "manager", "auditor", "groups"}),
    "priority_groups:roster_commit": Access(post={"entry", "manager", "auditor", "groups"}),
    "priority_groups:roster_rejected_download": Access(get={"entry", "manager", "auditor", "groups"}),
    "priority_groups:trip_list": Access(get={"entry", "manager", "auditor", "groups"}, post={"groups"}),
    "priority_groups:trip_detail": Access(get={"entry", "manager", "auditor", "groups"}, post={"groups"}),
    "priority_groups:base_list": Access(get={"entry", "manager", "auditor", "groups"}, post={"groups"}),
    "priority_groups:base_detail": Access(get={"entry", "manager", "auditor", "groups"}, post={"groups"}),
    "priority_groups:village_return_list": Access(get={"entry", "manager", "auditor", "groups"}, post={"groups"}),
    "monitoring:dashboard": Access(get={"manager", "auditor"}),
    "monitoring:enterprise_list": Access(get={"manager", "auditor", "monitor"}),
    "monitoring:enterprise_new": Access(get={"monitor"}, post={"monitor"}),
    "monitoring:enterprise_detail": Access(get={"manager", "auditor", "monitor"}),
    # The demo firm's flagged return: the firm and the staff read it, a monitoring clerk confirms it.
    "monitoring:return_detail": Access(get={"enterprise", "manager", "auditor", "monitor"}, post={"monitor"}),
    "monitoring:return_list": Access(get={"enterprise", "manager", "auditor", "monitor"}),
    "monitoring:return_new": Access(get={"enterprise"}, post={"enterprise"}),
    "monitoring:late_list": Access(get={"manager", "auditor", "monitor"}, post={"monitor"}),
    "monitoring:warning_list": Access(get={"manager", "auditor", "monitor"}),
    "monitoring:rule_list": Access(get={"manager", "auditor", "monitor"}),
    "monitoring:warning_detail": Access(get={"manager", "auditor", "monitor"}),
    "monitoring:warning_transition": Access(post={"manager", "auditor", "monitor"}),
    "monitoring:case_records": Access(get={"manager", "auditor"}),
    "integrity:finding_list": Access(get={"reviewer", "finance", "manager", "auditor", "verifier", "cangxi"}),
    "integrity:finding_detail": Access(get={"reviewer", "finance", "manager", "auditor", "verifier"},
                                        post={"reviewer", "verifier"}),
    "integrity:finding_assign": Access(post={"manager"}),
    "integrity:recovery_list": Access(get={"finance", "manager", "auditor", "verifier"}),
    "integrity:recovery_plan": Access(post={"finance"}),
    "integrity:recovery_detail": Access(get={"finance", "manager", "auditor", "verifier"}, post={"finance"}),
    "integrity:import_list": Access(get={"entry", "manager", "auditor", "verifier"}),
    "integrity:import_new": Access(get={"entry"}, post={"entry"}),
    "integrity:import_template": Access(get={"entry", "manager", "auditor", "verifier"}),
    "integrity:import_detail": Access(get={"entry", "manager", "auditor", "verifier"}),
    "integrity:import_progress": Access(get={"entry", "manager", "auditor", "verifier"}),
    "integrity:import_commit": Access(post={"entry", "manager", "auditor", "verifier"}),
    "integrity:import_rejected": Access(get={"entry", "manager", "auditor", "verifier"}),
    "integrity:rule_list": Access(get={"reviewer", "manager", "auditor", "verifier", "cangxi"}),
    "integrity:rule_detail": Access(get={"reviewer", "manager", "auditor", "verifier", "cangxi"}, post={"manager"}),
    "notices:notice_list": Access(get=SIGNED_IN),
    "notices:inbox": Access(get=SIGNED_IN),
    "notices:inbox_read": Access(post=SIGNED_IN),
    "notices:notification_list": Access(
        get={"intake", "reviewer", "approver", "finance", "manager", "auditor", "admin", "cangxi"}
    ),
    "notices:time_limits": Access(get=EVERYONE),
    "notices:notice_issue": Access(
        post=CASE_STAFF | {"verifier", "owner", "district"}, scoped=True, owners=("applicant",)
    ),
    "notices:notice_download": Access(get=CASE_STAFF | {"applicant", "verifier"}),
    "stat_reports:form": Access(get={"manager", "auditor"}),
    "stat_reports:download": Access(get={"manager", "auditor"}),
    "api-token": Access(post=EVERYONE),
    "case-list": Access(get=CASE_STAFF | APPLICANTS | {"verifier", "cangxi"}),
    "case-detail": Access(get=CASE_STAFF | {"verifier", "owner", "district"}, scoped=True, owners=("applicant",)),
    "case-transition": Access(post=CASE_STAFF | {"verifier", "owner", "district"}, scoped=True, owners=("applicant",)),
    "reports_api:export_list_create": Access(
        get=SIGNED_IN, post={"finance", "manager", "auditor", "training", "groups", "verifier"}
    ),
    "reports_api:export_detail": Access(get={"auditor"}),
    "reports_api:export_download": Access(get={"auditor"}),
    "subsidies-claim-list": Access(
        get=CASE_STAFF | APPLICANTS | {"verifier", "cangxi"}, post=CASE_STAFF | APPLICANTS | {"verifier", "cangxi"}
    ),
    "subsidies-claim-detail": Access(
        get=CASE_STAFF | {"verifier", "owner", "district"}, scoped=True, owners=("applicant",)
    ),
    "subsidies-claim-submit": Access(post={"owner"}, scoped=True, owners=("applicant",)),
    "subsidies-claim-withdraw": Access(post={"owner"}, scoped=True, owners=("applicant",)),
    "subsidies-roster-import-list": Access(get={"entry", "reviewer", "cangxi"}, post={"entry", "reviewer", "cangxi"}),
    "subsidies-roster-import-detail": Access(get={"entry", "reviewer", "cangxi"}),
    "subsidies-roster-import-commit": Access(post={"entry"}),
    "subsidies-refund-list": Access(get={"enterprise", "institution"}),
    "subsidies-refund-confirm": Access(post={"enterprise"}),
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
    "training-package-list": Access(get=EVERYONE),
    "training-package-detail": Access(
        get=CASE_STAFF
        | APPLICANTS
        | {"anonymous", "security", "admin", "training", "bank", "groups", "monitor", "verifier"}
    ),
    "training-package-publish": Access(post={"training"}),
    "training-package-freeze": Access(post={"training"}),
    "training-signup-list": Access(
        get=CASE_STAFF | APPLICANTS | {"security", "admin", "training", "bank", "groups", "monitor", "verifier"},
        post={"institution"},
    ),
    "training-signup-check": Access(post={"training"}),
    "training-class-list": Access(get=SIGNED_IN, post=SIGNED_IN),
    "training-class-detail": Access(get={"institution", "reviewer", "approver", "manager", "auditor", "training"}),
    "training-trainee-add": Access(post={"institution", "reviewer", "approver", "manager", "auditor", "training"}),
    "training-draw-list": Access(get=EVERYONE),
    "training-draw-record": Access(get=EVERYONE),
    "training-draw-run": Access(post=SIGNED_IN),
    "entrepreneurship-application-create": Access(post=SIGNED_IN),
    "entrepreneurship-loan-list": Access(get=SIGNED_IN),
    "entrepreneurship-loan-detail": Access(
        get={"applicant", "intake", "entry", "reviewer", "approver", "finance", "manager", "auditor", "bank"}
    ),
    "entrepreneurship-loan-action": Access(
        post={"applicant", "intake", "entry", "reviewer", "approver", "finance", "manager", "auditor", "bank"}
    ),
    "entrepreneurship-loan-subsidy": Access(
        get={"applicant", "intake", "entry", "reviewer", "approver", "finance", "manager", "auditor", "bank"}
    ),
    "startup-parks-park-list": Access(get=SIGNED_IN),
    "startup-parks-park-detail": Access(get={"enterprise", "entry", "reviewer", "approver", "manager", "auditor"}),
    "startup-parks-apply": Access(post={"enterprise"}),
    "startup-parks-application-detail": Access(
        get={"enterprise", "entry", "reviewer", "approver", "manager", "auditor"}
    ),
    "startup-events-event-list": Access(get=APPLICANTS | EVENT_VIEWERS),
    "startup-events-event-detail": Access(get=APPLICANTS | EVENT_VIEWERS),
    "startup-events-event-register": Access(post=APPLICANTS | {"policy"}),
    "startup-events-registration-cancel": Access(post={"applicant", "policy"}),
    "entrepreneurship-credit-line-list": Access(get={"manager", "bank"}, post={"bank"}),
    "entrepreneurship-credit-line-detail": Access(get={"manager", "bank"}),
    "entrepreneurship-credit-line-draw": Access(post={"bank"}),
    "api_person_list": Access(get={"entry", "manager", "auditor", "groups"}),
    "api_person_file": Access(get={"entry", "manager", "auditor", "groups"}),
    "api_person_services": Access(post={"groups"}),
    "api_service_list": Access(get={"entry", "manager", "auditor", "groups"}),
    "api_group_report": Access(get={"entry", "manager", "auditor", "groups"}),
    "monitoring-dashboard": Access(get={"manager", "auditor"}),
    "monitoring-return-create": Access(post=SIGNED_IN),
    "monitoring-warning-list": Access(get={"manager", "auditor", "monitor"}),
    "monitoring-warning-transition": Access(post={"manager", "auditor", "monitor"}),
    "integrity_api_finding_list": Access(get={"reviewer", "finance", "manager", "auditor", "verifier", "cangxi"}),
    "integrity_api_finding_detail": Access(get={"reviewer", "finance", "manager", "auditor", "verifier"}),
    "integrity_api_finding_decision": Access(post={"reviewer", "verifier"}),
    "integrity_api_recovery_list": Access(get={"finance", "manager", "auditor", "verifier"}),
    "integrity_api_recovery_detail": Access(get={"finance", "manager", "auditor", "verifier"}),
    "integrity_api_recovery_receipts": Access(post={"finance"}),
    "notices_api:notice_list": Access(get=SIGNED_IN, post=SIGNED_IN),
    "notices_api:inbox": Access(get=SIGNED_IN),
    "notices_api:inbox_read": Access(post=SIGNED_IN),
    "notices_api:notice_detail": Access(get=CASE_STAFF | {"applicant", "verifier"}),
    "notices_api:notice_pdf": Access(get=CASE_STAFF | {"applicant", "verifier"}),
    "stat-form": Access(get={"manager", "auditor"}),
    "api-schema": Access(get=EVERYONE),
    "api-docs": Access(get=EVERYONE),
}
