"""`leefwereld privacy report`: the organisation's entry for the Dutch algorithm register (Algoritmeregister) and a
starting point for its DPIA, generated from the running configuration.

The register fields follow the Algoritmeregister Publicatiestandaard 1.0.0 (field names as its JSON keys; plain
text without line breaks, within each field's length). What only the organisation can say (its legal basis,
contact address, start date, the outcome of its own DPIA) is a placeholder in square brackets starting with
"IN TE VULLEN". The DPIA part names the WP248 (rev. 01) criteria that apply to this configuration and the points
of the Autoriteit Persoonsgegevens' guidance on scraping that the organisation must answer.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from api.alerts.subscriptions import channels_for
from api.auth.throttle import ThrottlePolicy
from api.visibility import review_categories
from monitor_config.schema import MonitorConfig
from monitor_config.vocabulary import ROLES, SEVERITIES

TODO = "[IN TE VULLEN: {}]"
SCHEMA_VERSION = "1.0.0"
FIELD_LIMITS = {"naam": 100, "korte_omschrijving": 350, "organisatie": 100, "technische_werking": 5000,
                "leverancier": 200, "titel_wettelijke_basis": 100}
TEXT_LIMIT = 2500
# Source kinds and where their posts come from, in words a reader of the register understands.
SOURCE_KINDS = {"rss": "nieuwsfeeds (RSS)", "youtube": "YouTube", "mastodon": "Mastodon", "bluesky": "Bluesky",
                "telegram": "openbare Telegram-kanalen", "reddit": "Reddit", "html": "openbare webpagina's",
                "zeeschuimer": "TikTok en Instagram via de browserextensie Zeeschuimer (door jongerenwerkers)"}
SENSITIVE_WORDS = ("zelfbeschadig", "suïcid", "suicid", "mentale", "psych", "seks", "nudes", "sextortion",
                   "drugs", "geloof", "religie", "afkomst", "discriminat", "crimin", "wapen", "geweld")


@dataclass(frozen=True)
class Deployment:
    """What the report needs to know about the running process besides the YAML configuration."""

    demo: bool
    database: str  # "SQLite" or "PostgreSQL"
    pseudonym_key_set: bool
    today: date


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    applies: bool
    why: str


@dataclass
class PrivacyReport:
    register: dict[str, str]
    criteria: list[Criterion]
    scraping: list[tuple[str, str]]
    stored: list[tuple[str, str, str]] = field(default_factory=list)  # what, where, how long

    def as_json(self) -> dict[str, Any]:
        return {"algoritmeregister": self.register,
                "dpia": {"wp248_criteria": [vars(c) for c in self.criteria],
                         "criteria_that_apply": sum(c.applies for c in self.criteria),
                         "scraping_guidance": [{"point": p, "answer": a} for p, a in self.scraping]},
                "stored": [{"what": w, "where": s, "kept": k} for w, s, k in self.stored]}


def _sentence_list(items: list[str]) -> str:
    """"a, b en c" (Dutch); "geen" for none."""
    if not items:
        return "geen"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _sensitive_categories(config: MonitorConfig) -> list[str]:
    return [c.title for c in config.categories
            if c.review or any(word in f"{c.name} {c.title} {c.description}".lower() for word in SENSITIVE_WORDS)]


def stored_data(config: MonitorConfig) -> list[tuple[str, str, str]]:
    days = config.retention_days
    return [
        ("berichttekst, na redactie (geen e-mailadressen, telefoonnummers, gebruikersnamen, profiellinks of "
         "volledige namen); platform, tijdstip, taal, aantallen likes en reacties; link zonder account",
         "post", f"{days} dagen, dan verwijderd door de nachtelijke opschoning"),
        ("auteur als sleutel-gehashte pseudoniem (HMAC); geen naam, handle, profiel of foto", "post",
         f"{days} dagen, met het bericht"),
        ("embedding (getallenreeks) van de geredigeerde tekst", "embedding", "tot het laatste bericht dat hem "
         "gebruikt verwijderd is"),
        ("trends: label, trefwoorden, aantallen per dag en week, voorbeeldberichten (verwijzingen)",
         "trend, trend_snapshot, trend_membership", "trends en tellingen blijven; koppelingen aan berichten gaan "
         "mee met de berichten"),
        ("gebruikers: naam, e-mailadres, rol, wachtwoord als argon2-hash; API-tokens en sessies als SHA-256-hash",
         "app_user, api_token, login_session", "tot een beheerder ze verwijdert; sessies 12 uur"),
        ("mislukte inlogpogingen per adres en naam, als sleutel-gehashte tellers (geen adres of naam)",
         "login_counter", f"{int(ThrottlePolicy().forget_after.days)} dagen na de laatste poging"),
        ("abonnementen, verzonden signalen (geredigeerd), beoordelingen, auditlog", "subscription, alert_delivery, "
         "review, audit_log", "tot een beheerder ze verwijdert"),
    ]


def wp248_criteria(config: MonitorConfig) -> list[Criterion]:
    kinds = sorted({s.kind for s in config.sources if s.enabled})
    sensitive = _sensitive_categories(config)
    return [
        Criterion("1", "Evaluatie of scoring", True,
                  f"berichten worden automatisch ingedeeld in {len(config.categories)} risicocategorieën en "
                  "trends krijgen een groeiscore; het gaat om onderwerpen, niet om personen, maar de indeling "
                  "raakt wat jongeren schrijven"),
        Criterion("2", "Geautomatiseerde besluitvorming met rechtsgevolg", False,
                  "de monitor neemt geen besluiten over personen; signalen gaan naar mensen die zelf beoordelen"),
        Criterion("3", "Stelselmatige monitoring", bool(config.watchlists),
                  f"{len(config.watchlists)} zoeklijsten worden volgens een vast schema verzameld"
                  if config.watchlists else "geen zoeklijsten met een schema ingesteld"),
        Criterion("4", "Gevoelige of zeer persoonlijke gegevens", bool(sensitive),
                  f"categorieën over {_sentence_list(sensitive)} kunnen gezondheid, seksueel gedrag of "
                  "strafbare feiten raken" if sensitive else "geen categorieën over gevoelige thema's ingesteld"),
        Criterion("5", "Grootschalige verwerking", len(kinds) > 1,
                  f"openbare berichten van {len(kinds)} soorten bronnen; de omvang hangt af van de zoeklijsten "
                  f"(hoogstens {config.crawling.max_items_per_run} berichten per bron per ronde)"),
        Criterion("6", "Koppelen of combineren van gegevensverzamelingen", len(kinds) > 1,
                  f"berichten van {_sentence_list([SOURCE_KINDS.get(k, k) for k in kinds])} komen samen in "
                  "dezelfde trends" if len(kinds) > 1 else "één soort bron"),
        Criterion("7", "Kwetsbare betrokkenen", True,
                  "veel auteurs zijn minderjarig; zij weten niet dat hun berichten worden verzameld"),
        Criterion("8", "Innovatief gebruik of nieuwe technologie", True,
                  f"een taalmodel ({config.classifier.embedder.kind}) en automatische trenddetectie"),
        Criterion("9", "Verwerking die betrokkenen belet een recht uit te oefenen", True,
                  "auteurs worden niet persoonlijk geïnformeerd (artikel 14 lid 5 AVG moet worden onderbouwd) en "
                  "kunnen hun rechten moeilijk uitoefenen, omdat de monitor hen bewust niet kan herkennen"),
    ]


def scraping_points(config: MonitorConfig) -> list[tuple[str, str]]:
    kinds = sorted({s.kind for s in config.sources if s.enabled})
    return [
        ("Grondslag: voor scraping door private organisaties kan alleen het gerechtvaardigd belang (artikel 6 lid "
         "1 f AVG) dienen; een overheidsorgaan heeft een wettelijke taak nodig (artikel 6 lid 1 e).",
         TODO.format("de grondslag en, bij gerechtvaardigd belang, de belangenafweging")),
        ("Openbaar is niet hetzelfde als toestemming: dat een bericht openbaar is, betekent niet dat het verzameld "
         "mag worden.", "alleen openbare berichten; geen besloten groepen of accounts achter een inlog"),
        ("Gericht verzamelen, niet alles wat kan.",
         f"alleen berichten die passen bij {len(config.watchlists)} zoeklijsten met trefwoorden, uit "
         f"{len(kinds)} soorten bronnen; niet-passende berichten worden niet opgeslagen"),
        ("Dataminimalisatie en bijzondere persoonsgegevens.",
         "geen identiteit opgeslagen: auteur als pseudoniem, tekst geredigeerd vóór opslag, links zonder "
         f"account; berichten na {config.retention_days} dagen verwijderd"),
        ("Geen profielen van personen.",
         "de monitor bundelt berichten tot onderwerpen (trends), niet per persoon; er is geen zoekfunctie op "
         "auteur en het pseudoniem is niet terug te rekenen zonder de sleutel"),
        ("Informatieplicht en rechten van betrokkenen.",
         TODO.format("hoe de organisatie publiek informeert (bijvoorbeeld deze registratie) en verzoeken "
                     "afhandelt")),
    ]


def register_entry(config: MonitorConfig, deployment: Deployment) -> dict[str, str]:
    kinds = sorted({s.kind for s in config.sources if s.enabled})
    reviewed = sorted(c.title for c in config.categories if c.name in review_categories(config))
    categories = _sentence_list([f"{c.title} ({SEVERITIES.label(c.severity)})" for c in config.categories])
    roles = _sentence_list([ROLES.label(r) for r in ROLES])
    youth_channels = _sentence_list(list(channels_for("youth_worker")))
    embedder = config.classifier.embedder
    entry = {
        "naam": "Online trends onder jongeren signaleren",
        "organisatie": config.organisation,
        "korte_omschrijving": (
            "Dit algoritme leest openbare berichten op sociale media en websites die passen bij vooraf gekozen "
            "zoekwoorden. Het zoekt naar onderwerpen die snel groeien en risico's voor jongeren kunnen zijn. "
            "Jongerenwerkers krijgen een weekoverzicht; er worden geen personen gevolgd."),
        "thema": "Onderwijs en wetenschap; Openbare orde en veiligheid; Zorg en gezondheid",
        "status": "In ontwikkeling" if deployment.demo else "In gebruik",
        "begindatum": TODO.format("maand van ingebruikname, jjjj-mm"),
        "einddatum": "",
        "contactgegevens": TODO.format("e-mailadres voor vragen over deze registratie"),
        "link_publiekspagina": TODO.format("https-adres van de eigen uitlegpagina"),
        "publicatiecategorie": "Impactvolle algoritmes",
        "link_bronregistratie": "",
        "doel_en_impact": (
            "Het doel is dat jongerenwerkers, veiligheidscoördinatoren van scholen en een netwerk van "
            "beoordelaars op tijd zien wat er speelt in de online leefwereld van jongeren, zoals "
            f"{categories}. De monitor telt berichten per onderwerp en laat zien welke onderwerpen opkomen. "
            "Jongeren merken er niets van: de monitor reageert niet op berichten en neemt geen contact op. "
            "Professionals gebruiken de signalen om het gesprek aan te gaan of voorlichting te geven."),
        "afwegingen": (
            "Zonder monitor horen professionals pas laat van een trend, als er al slachtoffers zijn. Handmatig "
            "zoeken kost veel tijd en is minder volledig. Daartegenover staat dat berichten van jongeren worden "
            "verzameld zonder dat zij het weten. Daarom slaat de monitor geen identiteit op, redigeert hij "
            f"teksten vóór opslag, bewaart hij berichten {config.retention_days} dagen en toont hij onderwerpen "
            "in plaats van personen. " + TODO.format("afweging van de organisatie, uit de DPIA")),
        "menselijke_tussenkomst": (
            "De monitor beslist niets over personen. Jongerenwerkers en veiligheidscoördinatoren lezen de "
            "signalen en bepalen zelf of en hoe zij handelen. "
            + (f"Trends in gevoelige categorieën ({_sentence_list(reviewed)}) worden pas gedeeld nadat een "
               "beoordelaar ze heeft bevestigd; beoordelaars kunnen trends afwijzen, hernoemen of samenvoegen."
               if reviewed else "Er zijn geen categorieën ingesteld die eerst beoordeeld worden.")),
        "risicobeheer": (
            "Risico's: verkeerde indeling van berichten, het herkennen van jongeren uit voorbeeldberichten, "
            "uitlekken van gegevens en stigmatisering van groepen of wijken. Maatregelen: redactie van "
            "contactgegevens, gebruikersnamen en namen vóór opslag, gepseudonimiseerde auteurs, vaste "
            f"bewaartermijn ({config.retention_days} dagen), rollen ({roles}) met toegang per rol, beoordeling "
            "vooraf van gevoelige categorieën, beveiligde inlog met vertraging na mislukte pogingen, en een "
            "auditlog van elke wijziging. De kwaliteit van de indeling wordt gemeten op een gelabelde set."),
        "wettelijke_basis": TODO.format("grondslag en doel van de wet, bijvoorbeeld de taak jeugdwerk uit de "
                                        "Jeugdwet of een gerechtvaardigd belang"),
        "link_wettelijke_basis": TODO.format("link naar de wettelijke grondslag"),
        "titel_wettelijke_basis": TODO.format("titel van de grondslag"),
        "verwerkingsregister": TODO.format("link naar het verwerkingsregister"),
        "impacttoetsen": "DPIA",
        "link_impacttoets": "",
        "toelichting_impacttoetsen": (
            "Een DPIA is nodig: van de negen WP248-criteria zijn er "
            f"{sum(c.applies for c in wp248_criteria(config))} van toepassing. " + TODO.format("uitkomst van de DPIA")),
        "gegevens": (
            "Openbare berichten (tekst, tijdstip, platform, taal, aantallen reacties) van "
            f"{_sentence_list([SOURCE_KINDS.get(k, k) for k in kinds])}. De auteur wordt alleen als sleutel-"
            "gehashte code bewaard; namen, gebruikersnamen, telefoonnummers, e-mailadressen en profiellinks "
            f"worden uit de tekst verwijderd voordat die wordt opgeslagen. Berichten worden na "
            f"{config.retention_days} dagen verwijderd; alleen tellingen per dag en de trends blijven."),
        "technische_werking": (
            f"Verzamelen: zoeklijsten met trefwoorden per bron ({len(config.watchlists)} zoeklijsten, "
            f"{len([s for s in config.sources if s.enabled])} bronnen). Verwerken: elk bericht wordt omgezet in "
            f"een getallenreeks met het taalmodel {embedder.model or embedder.kind} "
            f"en ingedeeld in een risicocategorie door vergelijking met voorbeeldzinnen per categorie "
            f"(drempel gekozen op een precisie van {config.classifier.categories.target_precision:.0%}). "
            f"Berichten die op elkaar lijken worden per tijdvak van {config.classifier.window} samengevoegd tot "
            "trends; een trend heet opkomend als het aantal berichten en auteurs sneller groeit dan zijn "
            "eigen basislijn. Het model wordt niet bijgetraind op de verzamelde berichten (niet zelflerend). "
            "Uitvoer: een lijst van trends met label, aantallen en geredigeerde voorbeeldberichten, een "
            f"weekoverzicht voor jongerenwerkers ({youth_channels}) en signalen per e-mail, webhook of feed voor "
            "veiligheidscoördinatoren."),
        "leverancier": "Intern ontwikkeld (open source: Monitor Online Leefwereld)",
        "link_broncode": str(config.crawling.contact_url),
        "taal": "nld",
        "schema": SCHEMA_VERSION,
        "bron_id": "monitor-online-leefwereld",
        "zoektermen": "jongerenwerk, sociale media, online veiligheid, trends, signalering, school",
    }
    return {key: " ".join(value.split()) for key, value in entry.items()}


def build_privacy_report(config: MonitorConfig, deployment: Deployment) -> PrivacyReport:
    return PrivacyReport(register=register_entry(config, deployment), criteria=wp248_criteria(config),
                         scraping=scraping_points(config), stored=stored_data(config))


def render_json(report: PrivacyReport) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)


FIELD_TITLES = {
    "naam": "Naam", "organisatie": "Organisatie", "korte_omschrijving": "Korte omschrijving", "thema": "Thema",
    "status": "Status", "begindatum": "Begindatum", "einddatum": "Einddatum", "contactgegevens": "Contactgegevens",
    "link_publiekspagina": "Link naar publiekspagina", "publicatiecategorie": "Publicatiecategorie",
    "link_bronregistratie": "Link naar bronregistratie", "doel_en_impact": "Doel en impact",
    "afwegingen": "Afwegingen", "menselijke_tussenkomst": "Menselijke tussenkomst", "risicobeheer": "Risicobeheer",
    "wettelijke_basis": "Wettelijke basis", "link_wettelijke_basis": "Link naar wettelijke basis",
    "titel_wettelijke_basis": "Titel van wettelijke basis", "verwerkingsregister": "Verwerkingsregister",
    "impacttoetsen": "Impacttoets(en)", "link_impacttoets": "Link naar impacttoets",
    "toelichting_impacttoetsen": "Toelichting op impacttoetsen", "gegevens": "Gegevens",
    "technische_werking": "Technische werking", "leverancier": "Leverancier", "link_broncode": "Link naar broncode",
    "taal": "Taal", "schema": "Schema", "bron_id": "Bron-ID", "zoektermen": "Zoektermen",
}


def render_markdown(report: PrivacyReport, deployment: Deployment) -> str:
    lines = [f"# Privacyverslag: {report.register['organisatie']}", "",
             f"Gemaakt op {deployment.today.isoformat()} met `leefwereld privacy report` uit de draaiende "
             f"configuratie ({deployment.database}{', demomodus' if deployment.demo else ''}; pseudonimiseringssleutel "
             f"{'ingesteld' if deployment.pseudonym_key_set else 'NIET ingesteld'}). Velden tussen [ ] vult de "
             "organisatie zelf in.", "",
             "## Registratie in het Algoritmeregister (Publicatiestandaard 1.0.0)", "",
             "| Veld | Inhoud |", "|---|---|"]
    lines += [f"| {FIELD_TITLES[key]} | {value.replace('|', '/') or '–'} |" for key, value in report.register.items()]
    lines += ["", "## Startpunt voor de DPIA", "",
              "Criteria uit de richtsnoeren van de Europese toezichthouders (WP248 rev. 01); twee of meer maken een "
              "DPIA in de regel verplicht.", "", "| | Criterium | Van toepassing | Waarom |", "|---|---|---|---|"]
    lines += [f"| {c.code} | {c.name} | {'ja' if c.applies else 'nee'} | {c.why} |" for c in report.criteria]
    lines += ["", f"Van toepassing: {sum(c.applies for c in report.criteria)} van de {len(report.criteria)}.", "",
              "### Handreiking scrapen van de Autoriteit Persoonsgegevens", "",
              "| Punt | Hoe de monitor het doet |", "|---|---|"]
    lines += [f"| {point} | {answer} |" for point, answer in report.scraping]
    lines += ["", "### Wat wordt bewaard en hoe lang", "", "| Wat | Waar (tabel) | Hoe lang |", "|---|---|---|"]
    lines += [f"| {what} | `{where}` | {kept} |" for what, where, kept in report.stored]
    return "\n".join(lines) + "\n"
