-- Installation settings the database remembers between runs, one row per key (value as text). The first:
-- 'key_cadre_titles', the extended key-cadre list (folded, sorted, one a line) the stored positions' key-cadre
-- flags were last computed under, so that a start with an unchanged list does not recompute them.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
