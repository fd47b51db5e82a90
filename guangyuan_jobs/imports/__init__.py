"""The .xlsx import pipeline every import of the portal shares (DESIGN.md: files): upload through the safe
reader (`core.xlsx`), a preview first (a dry run writing nothing but counts and reasons), every rejected row
reported with its row number and reasons on the page and in a file of rejected rows, then the real import of
the same stored file, run by a Celery task in chunks with a progress bar, idempotent when run again.

An app describes its import by an `ImportSpec` (its columns, how a row is read, what the row's key is, what a
row creates) and keeps a concrete model on the abstract `ImportJob`; `services` runs it, `views` serves its
progress, commit and download pages, `templates/imports/` holds the shared partials.
"""
