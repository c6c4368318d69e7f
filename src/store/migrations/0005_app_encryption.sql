-- Per-app AES transport encryption (docs/encryption.md): null = off. The settings include the
-- key itself, because the server must encrypt with it; it is shown to the app like its
-- webhook secret is.
ALTER TABLE apps ADD COLUMN encryption jsonb;
