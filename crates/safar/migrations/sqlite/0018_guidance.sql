-- Guidance: the one-stop information resource. An article has numbered versions, each in
-- every language (Uzbek Cyrillic generated from the Latin); the latest version moves
-- draft → in_review → published (an editor other than its author publishes it) and the
-- public sees the last published one until a newer one is.

CREATE TABLE guidance_articles (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL,
    -- country_guide, check_offer, fees, complaints, finance, faq
    topic TEXT NOT NULL,
    -- ISO 3166-1 alpha-2 for country guides, '' otherwise.
    destination TEXT NOT NULL,
    -- The state of the latest version: draft, in_review, published, archived.
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    published_version BIGINT,
    -- Why an editor sent the latest version back.
    review_note TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX guidance_articles_slug ON guidance_articles(slug);
CREATE INDEX guidance_articles_browse ON guidance_articles(topic, destination);

CREATE TABLE guidance_versions (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES guidance_articles(id),
    version BIGINT NOT NULL,
    -- uz-Latn, uz-Cyrl, ru, en
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id TEXT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX guidance_versions_key ON guidance_versions(article_id, version, lang);

-- The published text of each article and language, folded by uz-text (Cyrillic to Latin,
-- apostrophes and spelling variants unified) so either script finds the other.
CREATE VIRTUAL TABLE guidance_search USING fts5(
    article_id UNINDEXED,
    lang UNINDEXED,
    folded,
    tokenize = 'unicode61 remove_diacritics 2'
);
