"""Data comparison with other departments' files, suspicious items (疑点) and recoveries (追回)."""
