-- Remittance price comparison: providers and their dated, sourced quotes per corridor.
-- Amounts are in hundredths of the sending currency; percentages in basis points.
-- Nothing here is about a person.

CREATE TABLE remittance_providers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    -- The name folded (case, spaces), so "Unistream" and "UNISTREAM " are one provider.
    name_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX remittance_providers_key ON remittance_providers(name_key);

CREATE TABLE remittance_quotes (
    id TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL REFERENCES remittance_providers(id),
    -- RU-UZ, KZ-UZ, KR-UZ, TR-UZ, GB-UZ, US-UZ
    corridor TEXT NOT NULL,
    -- ISO 4217 code of the sending currency
    currency TEXT NOT NULL,
    -- The band of amounts the quote applies to; 0 means no lower / no upper limit.
    min_amount BIGINT NOT NULL,
    max_amount BIGINT NOT NULL,
    fee_fixed BIGINT NOT NULL,
    fee_bp BIGINT NOT NULL,
    fx_margin_bp BIGINT NOT NULL,
    -- minutes, same_day, next_day, days
    speed TEXT NOT NULL,
    -- cash, bank_account, card, mobile_wallet
    pickup TEXT NOT NULL,
    -- YYYY-MM-DD: the day the price was observed
    quoted_on TEXT NOT NULL,
    source TEXT NOT NULL,
    -- 1 for the demo's invented quotes, shown as such
    demo BIGINT NOT NULL,
    entered_by TEXT,
    created_at BIGINT NOT NULL,
    withdrawn_at BIGINT,
    withdrawn_by TEXT
);
-- One current quote per provider, corridor, currency, band and day: re-importing a file
-- adds nothing twice.
CREATE UNIQUE INDEX remittance_quotes_key ON remittance_quotes
    (provider_id, corridor, currency, min_amount, max_amount, quoted_on) WHERE withdrawn_at IS NULL;
CREATE INDEX remittance_quotes_corridor ON remittance_quotes (corridor, currency, quoted_on)
    WHERE withdrawn_at IS NULL;
