"""Subsidy tables, one module per area. Each claim kind's details live in a table one-to-one with its Case."""

from subsidies.models.claims import (
    BenefitPeriod,
    HiringSubsidyDetail,
    JobExpansionSubsidyDetail,
    SkillUpgradeDetail,
    SocialInsuranceSubsidyDetail,
    StablePostRefundDetail,
    StartupSubsidyDetail,
    SubsidyInstalment,
    UnemploymentSubsidyDetail,
)
from subsidies.models.notices import NoticeEntry, Objection, PublicNotice
from subsidies.models.outreach import BriefingSession, PolicyPush, PolicyPushRecipient
from subsidies.models.payments import PaymentBatch, PaymentBatchItem
from subsidies.models.roster import RosterImport

__all__ = [
    "BenefitPeriod", "BriefingSession", "HiringSubsidyDetail", "JobExpansionSubsidyDetail", "NoticeEntry",
    "Objection", "PaymentBatch", "PaymentBatchItem", "PolicyPush", "PolicyPushRecipient", "PublicNotice",
    "RosterImport", "SkillUpgradeDetail", "SocialInsuranceSubsidyDetail", "StablePostRefundDetail",
    "StartupSubsidyDetail", "SubsidyInstalment", "UnemploymentSubsidyDetail",
]
