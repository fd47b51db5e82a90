from training.models.catalogue import DemandLine, Occupation, PlanLine, SkillLevel, TrainingPlan
from training.models.delivery import (
    Acceptance,
    Attendance,
    ClassDay,
    SupervisionRecord,
    Trainee,
    TrainingClass,
    TrainingSubsidyDetail,
)
from training.models.lottery import Draw, DrawSession, Replacement, SessionPackage, Witness
from training.models.packages import Institution, SignUp, TrainingPackage

__all__ = [
    "Acceptance", "Attendance", "ClassDay", "DemandLine", "Draw", "DrawSession", "Institution", "Occupation",
    "PlanLine", "Replacement", "SessionPackage", "SignUp", "SkillLevel", "SupervisionRecord", "Trainee",
    "TrainingClass", "TrainingPackage", "TrainingPlan", "TrainingSubsidyDetail", "Witness",
]
