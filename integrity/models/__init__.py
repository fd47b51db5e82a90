from integrity.models.findings import Finding, Recovery, RecoveryReceipt, RiskRule, Severity
from integrity.models.records import ExternalRecord, RecordKind, SourceImport

__all__ = ["ExternalRecord", "Finding", "RecordKind", "Recovery", "RecoveryReceipt", "RiskRule", "Severity",
           "SourceImport"]
