-- Reference data: regions and districts of Uzbekistan, destination countries and their
-- legal channels, ISCO-08 sectors, languages, currencies. Seeded from data/reference/.

CREATE TABLE regions (
    iso TEXT PRIMARY KEY,
    soato TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    name_uz_latn TEXT NOT NULL,
    name_uz_cyrl TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    admin_centre TEXT NOT NULL,
    population BIGINT,
    population_date TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE districts (
    soato TEXT PRIMARY KEY,
    region_iso TEXT NOT NULL REFERENCES regions(iso),
    kind TEXT NOT NULL,
    name_uz_latn TEXT NOT NULL,
    name_uz_cyrl TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    notes TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX districts_region ON districts(region_iso);

CREATE TABLE destinations (
    iso2 TEXT PRIMARY KEY,
    name_en TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_uz_latn TEXT NOT NULL,
    currency TEXT NOT NULL,
    legal_channels TEXT NOT NULL,
    bilateral_basis TEXT NOT NULL,
    visa_or_permit TEXT NOT NULL,
    permitted_work TEXT NOT NULL,
    worker_must_never_pay TEXT NOT NULL,
    host_protection_bodies TEXT NOT NULL,
    where_to_complain TEXT NOT NULL,
    pdo_key_facts TEXT NOT NULL,
    reliability TEXT NOT NULL
);

CREATE TABLE channels (
    code TEXT PRIMARY KEY,
    country_iso2 TEXT NOT NULL,
    kind TEXT NOT NULL,
    name_en TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_uz_latn TEXT NOT NULL,
    source TEXT NOT NULL
);

CREATE TABLE sectors (
    isco_code TEXT PRIMARY KEY,
    name_en TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_uz_latn TEXT NOT NULL,
    source TEXT NOT NULL
);

CREATE TABLE languages (
    code TEXT PRIMARY KEY,
    name_en TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_uz_latn TEXT NOT NULL
);

CREATE TABLE currencies (
    code TEXT PRIMARY KEY,
    name_en TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_uz_latn TEXT NOT NULL,
    minor_units BIGINT NOT NULL
);
