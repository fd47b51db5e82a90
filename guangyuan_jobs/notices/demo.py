"""Demo: the formal notices of the demo applicants' cases (issued after each move; issued here for cases seeded
before this app existed), so the case pages and "My notices" show real PDFs."""

from guangyuan_jobs.casework.models import Case, CaseTransition
from guangyuan_jobs.notices import rules
from guangyuan_jobs.notices.documents import font_available
from guangyuan_jobs.notices.services.notices import notices_issue_for_move


def seed_demo(*, users, password, stdout):
    if not font_available():
        stdout.write("notices: no Chinese font installed (run `make browser-deps`); notices not printed")
        return
    own = Case.objects.filter(created_by__in=[users["applicant"], users["enterprise"]]).values("pk")
    moves = (CaseTransition.objects.filter(case__in=own, action__in=list(rules.NOTICES_FOR_ACTION))
             .select_related("actor").order_by("case_id", "pk"))
    issued = notices_issue_for_move(moves=list(moves))
    stdout.write(f"notices: {len(issued)} formal notices of the demo applicants' cases")
