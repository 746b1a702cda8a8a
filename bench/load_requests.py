#!/usr/bin/env python3
"""Request list for bench/load.sh (issue 9): a mixed workload built from the real ids of a
running server, every distinct request proven to answer 2xx before it is used.

    load_requests.py BASE_URL --tokens TOKENS.tsv --template TEMPLATE.tsv --out REQUESTS.tsv

TOKENS.tsv holds `role<TAB>bearer token` lines (operator, trainer, analyst, regional_officer,
licensing_officer). When TEMPLATE.tsv does not exist yet, the ids, names and queries are
discovered through the JSON API and written there, with `@role` in place of each token; when
it exists it is reused, so every backend of a run gets the same requests (their databases
are copies of the same demo). Then the tokens are put in, every distinct request is sent
once (each attendance mark twice: marking the same day again must succeed too), and any
answer other than 2xx stops the script with exit status 1. REQUESTS.tsv, read by
bench/load.lua, holds `kind<TAB>method<TAB>path<TAB>token or -<TAB>JSON body or -` lines;
the mix is weighted by how often each kind's lines repeat, shuffled (fixed seed) so that
kinds interleave.

The mix (share of the lines; the distinct requests of a kind are repeated evenly):

  check       15 %  anonymous GET /api/v1/public/recruiters?q=…: the demo agencies' names
                    in Latin and Cyrillic, typed casually, first word and start of the
                    second, licence numbers, STIRs (some spaced), and unknown names/STIRs
  indicator   10 %  anonymous GET /api/v1/public/indicators/{name}?by=region (and a few
                    other public breakdowns)
  page        10 %  anonymous HTML: /, /check, /check?q=…, /vacancies, a vacancy,
                    /indicators/departures, /open-data
  search      25 %  operator GET /api/v1/persons?q=…: names of real persons in both
                    scripts, in both orders, given name plus the start of the family name, a
                    family name alone (about one in twelve), some with &birth_year= or
                    &region=
  case        10 %  operator POST /api/v1/cases (each creates a case; six kinds of call)
  attendance  10 %  trainer PUT /api/v1/pdo/enrolments/{id}/attendance/{day}, present or
                    absent, on the sessions that have begun
  dashboard   20 %  staff GET /api/v1/indicators/{name}?by=…: the analyst (national, 16 %)
                    with several breakdowns and from/to periods, the regional officer
                    (UZ-SA only, 4 %)

Standard library only.
"""

import argparse
import datetime
import json
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

SEED = 2026
LINES = 2000
# (kind, share of the lines)
WEIGHTS = [
    ("check", 0.15),
    ("indicator", 0.10),
    ("page", 0.10),
    ("search", 0.25),
    ("case", 0.10),
    ("attendance", 0.10),
    ("dashboard", 0.20),
]
# Family names that the synthetic generator makes common (people/synthetic/names.rs stems).
SEED_NAMES = [
    "Karimov", "Rahimova", "Aliyev", "Yusupov", "Tursunova", "Ergashev", "Rahmonov",
    "Sobirova", "Qodirov", "Ismoilova", "Usmonov", "Nazarova", "Murodov", "Azimova",
]
PERSONS = 48          # persons whose names are searched
CASE_PERSONS = 24     # persons cases are opened for
ENROLMENTS = 24       # enrolments whose attendance is marked


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx is an answer to report, not one to follow."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)


def call(base, method, path, token=None, body=None, timeout=120):
    """(status, body bytes, seconds)."""
    data = body.encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    started = time.monotonic()
    try:
        with OPENER.open(req, timeout=timeout) as res:
            return res.status, res.read(), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, e.read(), time.monotonic() - started


def die(message):
    print(f"load_requests: {message}", file=sys.stderr)
    sys.exit(1)


def get_json(base, path, token=None):
    status, body, _ = call(base, "GET", path, token)
    if status != 200:
        die(f"discovery GET {path} answered {status}: {body[:300]!r}")
    return json.loads(body)


def q(text):
    return urllib.parse.quote(text, safe="")


def is_cyrillic(text):
    return any("\u0400" <= c <= "\u04ff" for c in text)


def months_back(today, n):
    """`YYYY-MM` n months before today's month."""
    index = today.year * 12 + today.month - 1 - n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# ------------------------------------------------------------------------------ discovery

def discover_checks(base, tokens):
    """Public licence checks and check pages from the real demo agencies."""
    recruiters = get_json(base, "/api/v1/recruiters?limit=100", tokens["licensing_officer"])["items"]
    if not recruiters:
        die("no recruiters in the database (is it a demo database?)")
    queries = []
    licences = []
    for r in recruiters:
        name = r["name"]
        words = name.split()
        queries.append(name)
        if r["kind"] == "local_agency":
            queries.append(r["name_other_script"])
            queries.append(" ".join(words[:2]).lower().replace("‘", "'"))
            if len(words) > 1:
                queries.append(f"{words[0]} {words[1][:3]}")
        if r.get("stir"):
            stir = r["stir"]
            queries.append(stir if len(queries) % 3 else f"{stir[:3]} {stir[3:6]} {stir[6:]}")
            # The current licence number, as the check shows it.
            found = get_json(base, f"/api/v1/public/recruiters?q={stir}")["items"]
            for item in found:
                if item.get("licence_no"):
                    licences.append(item["licence_no"])
    for i, number in enumerate(sorted(set(licences))):
        queries.append(number.lower() if i % 3 == 0 else number)
    # Misses: not finding an agency is itself the answer the public needs.
    queries += [
        "Oltin Yo‘l Travel xususiy bandlik agentligi", "Олтин Йўл Травел", "Samarqand Global Invest",
        "Euro Work Visa Center", "Tez Viza Xizmat", "Тез Виза Хизмат", "399999901", "399 999 917",
        "PEA-ZZZZZZ",
    ]
    checks = [("check", "GET", f"/api/v1/public/recruiters?q={q(x)}", None, None) for x in queries]
    names = [r["name"] for r in recruiters]
    return checks, names


def discover_pages(base, names):
    vacancies = get_json(base, "/api/v1/public/vacancies")["items"]
    pages = ["/", "/", "/check", "/vacancies", "/indicators/departures", "/open-data"]
    pages += [f"/check?q={q(n)}" for n in names[:4]]
    pages += [f"/vacancies/{v['reference']}" for v in vacancies[:3]]
    return [("page", "GET", p, None, None) for p in pages]


def discover_indicators(today):
    last_year = f"{today.year - 1}-12"
    paths = [f"/api/v1/public/indicators/{name}?by=region" for name in (
        "departures", "returns", "official_share", "pdo_coverage", "cases_opened",
        "outreach_events", "complaints")]
    paths += [
        "/api/v1/public/indicators/departures?by=region,gender",
        "/api/v1/public/indicators/departures?by=destination",
        "/api/v1/public/indicators/departures?by=month",
        f"/api/v1/public/indicators/departures?by=region&to={last_year}",
        "/api/v1/public/indicators/returns?by=destination,gender",
    ]
    return [("indicator", "GET", p, None, None) for p in paths]


def discover_dashboards(today):
    year = f"from={months_back(today, 11)}&to={months_back(today, 0)}"
    quarter = f"from={months_back(today, 2)}&to={months_back(today, 0)}"
    analyst = [
        "departures?by=month",
        "departures?by=region",
        f"departures?by=region,gender&{year}",
        f"departures?by=destination,channel&{year}",
        f"departures?by=district&{year}",
        f"departures?by=sector,gender&{year}",
        f"official_share?by=region&{year}",
        "returns?by=month",
        "departures?by=month&region=UZ-SA",
        f"departures?by=district,gender&region=UZ-SA&{year}",
        f"departures?by=region,destination,gender&{quarter}",
        f"pdo_coverage?by=destination&{year}",
        "cases_opened?by=category,priority",
        "cases_resolved?by=month,sla",
        "sla_compliance?by=region",
        "money_recovered?by=region",
        "outreach_reach?by=month",
        "complaints?by=code",
        "complaints_per_100_placements?by=recruiter",
        "returnee_intakes?by=plan",
        "course_enrolments?by=status,outcome",
        "grants_operating_12m?by=gender",
    ]
    regional = [
        "departures?by=month",
        f"departures?by=district&{year}",
        f"departures?by=destination,gender&region=UZ-SA&{year}",
        "cases_opened?by=month",
        f"returns?by=district&{quarter}",
    ]
    out = [("dashboard", "GET", f"/api/v1/indicators/{p}", "analyst", None) for p in analyst]
    # The regional officer's share (4 of the 20 %) by repeating: 5 of 27 distinct lines
    # would be 3.7 %; close enough, and it keeps every dashboard once per round.
    out += [("dashboard", "GET", f"/api/v1/indicators/{p}", "regional_officer", None) for p in regional]
    return out


def discover_persons(base, tokens, rng):
    hits = {}
    for name in SEED_NAMES:
        for hit in get_json(base, f"/api/v1/persons?q={q(name)}&limit=100", tokens["operator"])["items"]:
            hits[hit["id"]] = hit
    if len(hits) < 10:
        die(f"only {len(hits)} persons found by the seed names")
    ids = sorted(hits)
    chosen = [hits[i] for i in rng.sample(ids, min(PERSONS, len(ids)))]
    searches = []
    for n, hit in enumerate(chosen):
        stored = [hit["family_name"], hit["given_name"]]
        other = hit["full_name_other_script"].split()[:2]
        cyr, lat = (stored, other) if is_cyrillic(hit["family_name"]) else (other, stored)
        if len(lat) < 2 or len(cyr) < 2:
            continue
        forms = [
            f"{lat[0]} {lat[1]}",                       # family given, Latin
            f"{cyr[0]} {cyr[1]}",                       # the same in Cyrillic
            f"{lat[1]} {lat[0]}",                       # given family
            f"{cyr[1]} {cyr[0][:4]}",                   # given + start of family, Cyrillic
            f"{lat[1]} {lat[0][:4]}",                   # given + start of family, Latin
            f"{lat[0]} {lat[1]}&birth_year={hit['birth_year']}",
            f"{cyr[0]} {cyr[1]}&region={hit['region']}",
            f"{lat[0]} {lat[1]}&region={hit['region']}",
            f"{lat[0]}",                                 # a family name alone (common)
            f"{cyr[0]} {cyr[1]}&birth_year={hit['birth_year']}",
            f"{lat[0]} {lat[1]}",
            f"{cyr[0]} {cyr[1]}",
        ]
        # Two forms per person, rotating, so each form is used about equally.
        for form in (forms[(2 * n) % len(forms)], forms[(2 * n + 1) % len(forms)]):
            text, _, extra = form.partition("&")
            path = f"/api/v1/persons?q={q(text)}" + (f"&{extra}" if extra else "")
            searches.append(("search", "GET", path, "operator", None))
    case_persons = [h["id"] for h in chosen[:CASE_PERSONS]]
    return searches, case_persons


CASE_KINDS = [
    {"category": "EMP", "subtype": "EMP-WAGE", "channel": "phone", "country": "RU",
     "city": "Yekaterinburg", "summary": "Not paid for two months."},
    {"category": "DOC", "subtype": "DOC-PASSPORT", "channel": "telegram", "country": "KZ",
     "city": "Almaty", "summary": "Passport kept by the employer; needs a return certificate."},
    {"category": "INF", "channel": "web", "country": "KR", "city": "Seoul",
     "summary": "Asks how to renew the employment permit."},
    {"category": "HLT", "channel": "whatsapp", "country": "TR", "city": "Istanbul",
     "summary": "In hospital after an injury at work.", "modifiers": ["disability_or_illness"]},
    {"category": "EMP", "subtype": "EMP-HOURS", "channel": "walk_in", "country": "RU",
     "city": "Moscow", "caller_role": "family", "summary": "Her son works 14 hours a day."},
    {"category": "REC", "channel": "phone", "country": "AE", "city": "Dubai",
     "summary": "The agency took a fee and the job did not exist."},
]


def discover_cases(persons):
    out = []
    for n, person in enumerate(persons):
        body = dict(CASE_KINDS[n % len(CASE_KINDS)], person_id=person)
        out.append(("case", "POST", "/api/v1/cases", "operator",
                    json.dumps(body, ensure_ascii=False, separators=(",", ":"))))
    return out


def discover_attendance(base, tokens, today):
    sessions = get_json(base, "/api/v1/pdo/sessions", tokens["trainer"])["items"]
    # Attendance is taken from a session's first day on; the server's day (Tashkent) is
    # never behind UTC, so a session begun by UTC has begun for it too.
    begun = sorted((s for s in sessions if s["status"] == "open" and s["starts_on"] <= today.isoformat()),
                   key=lambda s: (s["starts_on"], s["id"]), reverse=True)
    out = []
    enrolments = 0
    for s in begun:
        detail = get_json(base, f"/api/v1/pdo/sessions/{s['id']}", tokens["trainer"])
        for e in detail["trainees"]:
            if e["status"] != "enrolled" or enrolments >= ENROLMENTS:
                continue
            enrolments += 1
            for day in range(1, s["days"] + 1):
                for present in (True, False):
                    out.append(("attendance", "PUT", f"/api/v1/pdo/enrolments/{e['id']}/attendance/{day}",
                                "trainer", json.dumps({"present": present})))
    if not out:
        die("the trainer has no enrolled trainee in a session that has begun")
    return out


def discover(base, tokens):
    rng = random.Random(SEED)
    today = datetime.datetime.now(datetime.timezone.utc).date()
    checks, names = discover_checks(base, tokens)
    searches, case_persons = discover_persons(base, tokens, rng)
    pools = {
        "check": checks,
        "indicator": discover_indicators(today),
        "page": discover_pages(base, names),
        "search": searches,
        "case": discover_cases(case_persons),
        "attendance": discover_attendance(base, tokens, today),
        "dashboard": discover_dashboards(today),
    }
    lines = []
    for kind, share in WEIGHTS:
        pool = pools[kind]
        for i in range(round(LINES * share)):
            lines.append(pool[i % len(pool)])
    rng.shuffle(lines)
    return lines


# ------------------------------------------------------------------------------ files

def write_list(path, lines, tokens=None):
    with open(path, "w", encoding="utf-8") as f:
        for kind, method, p, role, body in lines:
            token = "-" if role is None else (tokens[role] if tokens else "@" + role)
            f.write(f"{kind}\t{method}\t{p}\t{token}\t{body or '-'}\n")


def read_template(path):
    lines = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            kind, method, p, token, body = raw.rstrip("\n").split("\t")
            role = None if token == "-" else token.lstrip("@")
            lines.append((kind, method, p, role, None if body == "-" else body))
    return lines


def read_tokens(path):
    tokens = {}
    with open(path, encoding="utf-8") as f:
        for raw in f:
            if raw.strip():
                role, token = raw.rstrip("\n").split("\t")
                tokens[role] = token
    return tokens


# ------------------------------------------------------------------------------ check

def check_all(base, lines, tokens):
    """Sends every distinct request once (attendance twice); dies on anything but 2xx."""
    distinct = list(dict.fromkeys(lines))
    stats = {}
    bad = []
    for kind, method, p, role, body in distinct:
        token = tokens[role] if role else None
        for _ in range(2 if kind == "attendance" else 1):
            status, answer, seconds = call(base, method, p, token, body)
            s = stats.setdefault(kind, {"distinct": 0, "sent": 0, "slowest": (0.0, "")})
            s["sent"] += 1
            if seconds > s["slowest"][0]:
                s["slowest"] = (seconds, f"{method} {p}")
            if not 200 <= status < 300:
                bad.append(f"{status} {kind} {method} {p} as {role or 'anonymous'}"
                           f"{' body ' + body if body else ''}: {answer[:300].decode(errors='replace')}")
        stats[kind]["distinct"] += 1
    total = {}
    for line in lines:
        total[line[0]] = total.get(line[0], 0) + 1
    print(f"  {'kind':<11} {'lines':>6} {'share':>6} {'distinct':>8}  slowest single request")
    for kind, _ in WEIGHTS:
        s = stats.get(kind, {"distinct": 0, "slowest": (0.0, "")})
        print(f"  {kind:<11} {total.get(kind, 0):>6} {100 * total.get(kind, 0) / len(lines):>5.1f}% "
              f"{s['distinct']:>8}  {1000 * s['slowest'][0]:8.1f} ms  {s['slowest'][1][:90]}")
    if bad:
        for b in bad:
            print(f"  NOT 2xx: {b}", file=sys.stderr)
        die(f"{len(bad)} of the distinct requests did not answer 2xx; the workload is not valid")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the server, e.g. http://127.0.0.1:18441")
    parser.add_argument("--tokens", required=True, help="role<TAB>token lines")
    parser.add_argument("--template", required=True, help="written when missing, reused when present")
    parser.add_argument("--out", required=True, help="the request list for bench/load.lua")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    tokens = read_tokens(args.tokens)
    for role in ("operator", "trainer", "analyst", "regional_officer", "licensing_officer"):
        if role not in tokens:
            die(f"no token for {role} in {args.tokens}")
    try:
        lines = read_template(args.template)
        print(f"  request template reused: {args.template}")
    except FileNotFoundError:
        lines = discover(base, tokens)
        write_list(args.template, lines)
        print(f"  request template discovered: {args.template}")
    check_all(base, lines, tokens)
    write_list(args.out, lines, tokens)


if __name__ == "__main__":
    main()
