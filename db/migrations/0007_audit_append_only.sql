-- The audit trail is append-only (issue 14, item 7): SQLite itself refuses to change or remove a row, whatever
-- code or tool is connected. Tampering with the file directly is what the hash chain (npm run audit:verify) shows.
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed');
END;--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted');
END;
