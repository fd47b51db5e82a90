"""Every write of integrity: imports of department data, screening of cases, findings, recoveries, rules."""
