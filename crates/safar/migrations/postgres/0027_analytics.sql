-- Analytics: departures and returns pre-aggregated into small cubes, kept current in the
-- transaction that records a journey (see analytics/rollup.rs). Each cube keeps some of the
-- dimensions and stores '*' in the others; '' means not known (no district, no sector).
-- n may pass through zero when a person's record moves (anonymisation forgets the
-- district); readers skip groups whose sum is zero.

CREATE TABLE journey_facts (
    cube TEXT NOT NULL,
    month TEXT NOT NULL,
    kind TEXT NOT NULL,
    region TEXT NOT NULL,
    district TEXT NOT NULL,
    destination TEXT NOT NULL,
    channel TEXT NOT NULL,
    sector TEXT NOT NULL,
    gender TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (cube, kind, month, region, district, destination, channel, sector, gender)
);
