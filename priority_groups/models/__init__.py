from priority_groups.models.jobs import Referral, Vacancy
from priority_groups.models.people import (
    EMPLOYED_KINDS,
    EMPLOYED_OR_PREPARING_KINDS,
    EmploymentStatus,
    EmploymentStatusKind,
    GroupCode,
    GroupMembership,
    Household,
    HouseholdMember,
    MembershipSource,
)
from priority_groups.models.plans import (
    FollowUp,
    Need,
    Plan,
    PlanMeasure,
    ServiceChannel,
    ServiceRecord,
    ServiceType,
)
from priority_groups.models.registration import EmploymentCertificate, EmploymentRegistration
from priority_groups.models.roster import PersonRosterImport
from priority_groups.models.transfers import (
    BaseWorker,
    EmploymentBase,
    TransferTrip,
    TransferTripMember,
    VillageReturn,
)

__all__ = [
    "BaseWorker", "EmploymentBase", "TransferTrip", "TransferTripMember", "VillageReturn",
    "EMPLOYED_KINDS", "EMPLOYED_OR_PREPARING_KINDS", "EmploymentCertificate",
    "EmploymentRegistration", "EmploymentStatus", "EmploymentStatusKind", "FollowUp", "GroupCode",
    "GroupMembership", "Household", "HouseholdMember", "MembershipSource", "Need", "PersonRosterImport", "Plan",
    "PlanMeasure", "Referral", "ServiceChannel", "ServiceRecord", "ServiceType", "Vacancy",
]
