"""Write bench/data/redaction-nl.jsonl: the labelled, synthetic redaction set (see bench/data/PROVENANCE.md).

    python -m bench.data.make_redaction_set

Every line is `{"id", "split", "text", "spans": [{"start", "end", "kind"}], "lookalike"}`. Contact details and
names are invented and filled into sentences written for this project; the spans are exact character offsets.
Look-alike lines (prices, times, dates, postcodes, order numbers, scores, helplines, post links) carry no span
and must come out unchanged. Templates, name parts and value forms are split between `dev` and `test`, so a
rule tuned on dev is measured on sentences, names and forms it has not seen. Seeded: the output is stable.
"""
from __future__ import annotations

import json
import random
import string
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).with_name("redaction-nl.jsonl")
ZW = "\u200b"

FIRST = {
    "dev": ["Sanne", "Daan", "Lotte", "Sem", "Julia", "Mohamed", "Fatima", "Yassine", "Salma", "Emre", "Elif",
            "Yusuf", "Priscilla", "Quincy", "Shanice", "Anjali", "Bram", "Noor", "Hamza", "Zeynep", "Jermaine",
            "Tess", "Ilias", "Kerem"],
    "test": ["Lieke", "Thijs", "Fleur", "Ruben", "Milan", "Imane", "Bilal", "Khadija", "Soufiane", "Burak",
             "Esra", "Mehmet", "Romano", "Sharon", "Ravi", "Shivani", "Jesse", "Isa", "Ayoub", "Selin", "Rowan",
             "Ikram", "Finn", "Nour"],
}
LAST = {
    "dev": ["de Vries", "Jansen", "van den Berg", "Bakker", "El Amrani", "Bouzid", "Ait Taleb", "Yılmaz", "Kaya",
            "Demir", "Sedney", "Pinas", "Ramdin", "Kromodimedjo", "Visser", "de Boer", "Benali", "Öztürk",
            "Wijngaarde", "van Dijk"],
    "test": ["Smit", "Meijer", "de Groot", "Mulder", "El Idrissi", "Ouali", "Ziani", "Şahin", "Çelik", "Aydın",
             "Doelwijt", "Biharie", "Soekhai", "Kanhai", "Hendriks", "van Leeuwen", "Azzouzi", "Arslan",
             "Tjon-A-Fong", "Dekker"],
}
HANDLE_SUFFIX = ["xo", "010", "020", "2009", "2010", "_", "x", "ams", "fc", "official", "priv", "tm", "srn",
                 "mocro", "ny", "2k9", "vibes", "444"]
DOMAINS = ["gmail.com", "hotmail.com", "hotmail.nl", "outlook.com", "live.nl", "icloud.com", "ziggo.nl",
           "kpnmail.nl", "yahoo.com", "outlook.be"]


class Filler:
    def __init__(self, split: str, rng: random.Random) -> None:
        self.split, self.rng = split, rng
        forms = {"dev": (0, 2, 4, 6, 8, 10), "test": (1, 3, 5, 7, 9, 11)}
        self.odd = split == "test"
        self.forms = forms[split]

    def pick(self, items: list[str]) -> str:
        return self.rng.choice(items)

    def first(self) -> str:
        return self.pick(FIRST[self.split])

    def name(self) -> str:
        full = f"{self.first()} {self.pick(LAST[self.split])}"
        return full.lower() if self.rng.random() < 0.12 else full

    def user(self) -> str:
        base = self.first().lower().replace("ü", "u").replace("ş", "s").replace("ı", "i")
        sep = self.pick([".", "_", "", "__"])
        return f"{base}{sep}{self.pick(HANDLE_SUFFIX)}".strip("_") or base

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(n))

    def phone(self) -> str:
        d = self.digits(8)
        forms = [
            f"06-{d}", f"06 {d[:2]} {d[2:4]} {d[4:6]} {d[6:]}", f"06{d}", f"+31 6 {d}", f"+316-{d[:4]} {d[4:]}",
            f"0031 6 {d[:2]} {d[2:4]} {d[4:6]} {d[6:]}", f"06.{d[:2]}.{d[2:4]}.{d[4:6]}.{d[6:]}",
            f"06 - {d[:3]} {d[3:6]} {d[6:]}", f"(06) {d}", f"020-{self.digits(7)}", f"+32 470 {d[:2]} {d[2:4]} {d[4:6]}",
            f"06{ZW}{d[:4]}{ZW}{d[4:]}", f"+31 (0)6 {d}", f"0{self.rng.choice('1357')}0 {self.digits(3)} {self.digits(4)}",
            f"06 {d[:4]} {d[4:]}", f"+31 6-{d[:2]}-{d[2:5]}-{d[5:]}", "\uff10\uff16" + "".join(
                chr(0xFF10 + int(c)) for c in d), f"0 6 {' '.join(d)}", f"+316{d}",
            f"06/{d}", f"0470 {d[:2]} {d[2:4]} {d[4:6]}", f"06_{d}",
        ]
        return forms[self.pick_form(len(forms))]

    def pick_form(self, n: int) -> int:
        """Even-numbered forms for dev, odd ones for test (the forms differ, so test finds what dev missed)."""
        start = 1 if self.odd else 0
        return self.rng.randrange(start, n, 2) if n > 1 else 0

    def email(self) -> str:
        user = self.user().replace("__", "_")
        last = self.pick(LAST[self.split]).lower().replace(" ", "").replace("ı", "i")
        forms = [f"{user}@{self.pick(DOMAINS)}", f"{self.first().lower()}.{last}@{self.pick(DOMAINS)}",
                 f"{user}2009@{self.pick(DOMAINS)}", f"{self.first().lower()}{self.digits(2)}@{self.pick(DOMAINS)}"]
        return forms[self.pick_form(len(forms))]

    def email_obfuscated(self) -> str:
        user = self.user().replace("__", "_")
        domain = self.pick(DOMAINS)
        name, tld = domain.rsplit(".", 1)
        forms = [f"{user} [at] {name} [dot] {tld}", f"{user} (at) {name} (dot) {tld}",
                 f"{user} at {name} dot {tld}", f"{user}[at]{name}.{tld}", f"{user} @ {name} . {tld}",
                 f"{user} apenstaartje {name} punt {tld}", f"{user}\uff20{domain}", f"{user}(at){domain}",
                 f"{user}{ZW}@{domain}", f"{user} {{at}} {name} {{dot}} {tld}", f"{user} AT {name} DOT {tld}",
                 f"{user}@{name} punt {tld}", f"{user[:3]}{ZW}{user[3:]}@{domain}", f"{user} at {domain}"]
        return forms[self.pick_form(len(forms))]

    def handle(self) -> str:
        user = self.user()
        forms = [f"@{user}", f"@{user}", f"\uff20{user}", f"@{user[:3]}{ZW}{user[3:]}",
                 f"@{user}_{self.first().lower()}_{self.pick(HANDLE_SUFFIX)}_{self.first().lower()}_official_account",
                 f"@{user}.{self.first().lower()}.{self.pick(HANDLE_SUFFIX)}.{self.first().lower()}.backup.acc",
                 f"@{user}", f"@{user.upper()}"]
        return forms[self.pick_form(len(forms))]

    def bare(self) -> str:
        return self.user()

    def fediverse(self) -> str:
        user = self.user().replace(".", "_")
        hosts = ["mastodon.nl", "mastodon.social", "mstdn.social", "social.linux.pizza", "toot.community",
                 "mas.to", "pixelfed.social", "eldritch.cafe"]
        forms = [f"@{user}@{self.pick(hosts)}", f"@{user}@{self.pick(hosts)}", f"{user}@{self.pick(hosts)}"]
        return forms[self.pick_form(len(forms))]

    def profile_url(self) -> str:
        u = self.user()
        video = self.digits(19)
        forms = [
            f"https://www.tiktok.com/@{u}", f"tiktok.com/@{u}/video/{video}", f"https://www.instagram.com/{u}/",
            f"instagram.com/{u}?igsh={self.digits(6)}", f"https://x.com/{u}", f"twitter.com/{u}/status/{video}",
            f"https://www.youtube.com/@{u}", f"youtube.com/channel/UC{self.digits(10)}abcXYZdefGHI",
            f"https://bsky.app/profile/{u}.bsky.social", f"at://did:plc:{self.digits(6)}abcd{self.digits(8)}ef",
            f"https://mastodon.nl/@{u}", f"https://toot.community/@{u}/{self.digits(18)}",
            f"t.me/{u.replace('.', '_')}", f"https://www.reddit.com/user/{u.replace('.', '_')}",
            f"snapchat.com/add/{u}", f"https://www.facebook.com/{u}", f"https://www.threads.net/@{u}",
            f"reddit.com/u/{u.replace('.', '_')}", f"https://onlyfans.com/{u}", f"https://www.twitch.tv/{u}",
            f"https://bsky.app/profile/did:plc:{self.digits(4)}xyz{self.digits(6)}/post/3k{self.digits(6)}",
            f"https://www.youtube.com/c/{u}",
        ]
        return forms[self.pick_form(len(forms))]

    def link_in_bio(self) -> str:
        u = self.user()
        forms = [f"linktr.ee/{u}", f"https://linktr.ee/{u}", f"beacons.ai/{u}", f"lnk.bio/{u}", f"bio.link/{u}",
                 f"solo.to/{u}", f"https://{u.replace('.', '').replace('_', '')}.carrd.co", f"msha.ke/{u}",
                 f"allmylinks.com/{u}", f"campsite.bio/{u}", f"https://linkin.bio/{u}", f"hoo.be/{u}",
                 f"stan.store/{u}", f"https://snipfeed.co/{u}"]
        return forms[self.pick_form(len(forms))]

    def ab_channel(self) -> str:
        return f"&ab_channel={self.first()}{self.pick(['TV', 'Vlogs', '', 'Official'])}"


# (template, split). Placeholders: {name} {phone} {email} {email_obfuscated} {handle} {bare} {fediverse}
# {profile_url} {link_in_bio} {ab_channel}. A {bare} is a handle without @ after a cue such as "snap:".
TEMPLATES: list[tuple[str, str]] = [
    # --- dev
    ("wie kent {name}?? ze zegt overal dat ik haar geld heb gepakt", "dev"),
    ("{name} uit 3B heeft mijn foto gelekt in de groepsapp", "dev"),
    ("EXPOSED: {name} (15) verkoopt nep airpods, niet kopen", "dev"),
    ("omg {name} en {name} hebben ruzie op het plein 😭", "dev"),
    ("als je {name} ziet zeg dat hij zijn spullen terug moet geven", "dev"),
    ("{name} is gewoon een snitch, iedereen weet het", "dev"),
    ("that's {name}, she posted my screenshot everywhere", "dev"),
    ("app me even: {phone}", "dev"),
    ("klusje? bel {phone} snel geld verdienen", "dev"),
    ("verkoop mn ps5 voor 300, app {phone} of {phone}", "dev"),
    ("stuur je nummer naar {phone} voor de groep", "dev"),
    ("text me {phone} if u want in", "dev"),
    ("mail me even op {email} voor het filmpje", "dev"),
    ("stuur je cv naar {email} voor het bijbaantje (24 uur per week)", "dev"),
    ("bewijs sturen naar {email_obfuscated} pls", "dev"),
    ("contact: {email_obfuscated}", "dev"),
    ("dm me or mail {email_obfuscated} for the full vid", "dev"),
    ("check {handle} die heeft de hele vid", "dev"),
    ("{handle} je bent echt fake", "dev"),
    ("tag {handle} en {handle} als je erbij was", "dev"),
    ("add me snap: {bare}", "dev"),
    ("sc: {bare} voor de groep", "dev"),
    ("IG: {bare} (priv)", "dev"),
    ("insta ➜ {bare}", "dev"),
    ("mijn snap is {bare} voeg me toe", "dev"),
    ("volg {fediverse} voor de updates", "dev"),
    ("meer info bij {fediverse}", "dev"),
    ("kijk dit ff {profile_url} lol", "dev"),
    ("zijn account: {profile_url}", "dev"),
    ("{profile_url} <- die heeft het gepost", "dev"),
    ("alles staat in mijn {link_in_bio}", "dev"),
    ("links: {link_in_bio} 🔗", "dev"),
    ("filmpje: https://www.youtube.com/watch?v=dQw4w9WgXcQ{ab_channel} kijken", "dev"),
    ("{name} zit bij mij in de klas, haar nummer is {phone}", "dev"),
    ("voor de groepsapp: {phone} ({name})", "dev"),
    ("tiktok: {bare} | snap: {bare}", "dev"),
    ("wie is {handle}?? hij stuurt mij steeds dm's", "dev"),
    ("👻 {bare}", "dev"),
    ("tele {bare} voor werk, betaalt goed", "dev"),
    ("hij heet {name}, woont in Osdorp, insta {bare}", "dev"),
    # --- test
    ("{name} heeft mijn zus bedreigd, iemand die hem kent?", "test"),
    ("ik zweer {name} liegt over alles", "test"),
    ("waarom heeft {name} die foto van {name} gedeeld", "test"),
    ("kennen jullie {name}? ze zit op het Damstede", "test"),
    ("{name} is a snake fr fr", "test"),
    ("pas op voor {name}, die vraagt om nudes", "test"),
    ("als je mee wil doen app {phone} vandaag nog", "test"),
    ("bel me {phone} na 18:00", "test"),
    ("wie verkoopt? {phone} (alleen whatsapp)", "test"),
    ("hmu {phone}", "test"),
    ("vragen? {email}", "test"),
    ("inschrijven via {email} voor 1 december", "test"),
    ("mail {email_obfuscated} dan stuur ik het", "test"),
    ("stuur naar {email_obfuscated} ik reageer snel", "test"),
    ("email: {email_obfuscated}", "test"),
    ("{handle} weet wie het was", "test"),
    ("kijk wat {handle} heeft gepost 💀", "test"),
    ("ft {handle} x {handle}", "test"),
    ("snapchat: {bare}", "test"),
    ("ig ➜ {bare} volgen", "test"),
    ("add me on sc {bare}", "test"),
    ("IG -> {bare}", "test"),
    ("discord: {bare} voor de server", "test"),
    ("ook op {fediverse} te vinden", "test"),
    ("boost dit: {fediverse}", "test"),
    ("hier is ie: {profile_url}", "test"),
    ("zie {profile_url} voor bewijs", "test"),
    ("{profile_url}", "test"),
    ("mijn links: {link_in_bio}", "test"),
    ("shop via {link_in_bio} 💸", "test"),
    ("youtu.be/dQw4w9WgXcQ en https://www.youtube.com/watch?v=abc123XYZ_0{ab_channel}", "test"),
    ("{name} gaf me dit nummer: {phone}", "test"),
    ("tiktok ➜ {bare}, insta: {bare}", "test"),
    ("wie is {handle} eigenlijk, en waarom tagt ie {name}", "test"),
    ("📸 {bare}", "test"),
    ("telegram: {bare} (alleen serieuze mensen)", "test"),
    ("ze heet {name} en haar snap is {bare}", "test"),
    ("tt: {bare} 🔥", "test"),
    ("add {bare} op snap", "test"),
    ("contact {name} via {email}", "test"),
]

# Lines that must come out unchanged: written by hand, split alternately into dev and test.
LOOKALIKES = [
    "nieuwe airpods voor €89,99 bij de MediaMarkt", "om 20:15 bij de metro, niet te laat", "afspraak 12-10-2026 om 15:30",
    "wedstrijd eindigde 3-1 voor Ajax", "ons adres is Kerkstraat 12, 1017 GC Amsterdam", "bestelnummer 4839201734 nog niet binnen",
    "ordernummer #A12345678 is verzonden", "score 112-98 in de finale", "bel 112 bij nood", "praat erover: bel 113 of 0800-0113",
    "de kindertelefoon is gratis: 0800-0432", "politie geen spoed 0900-8844", "1.000.000 views in een dag 🔥",
    "de bus van 07:45 was weer te laat", "postcode 3011 AB klopt niet", "het kost 12 euro 50", "iPhone 15 Pro voor 1.199 euro",
    "toets op 14/11 om 08:30 in lokaal 2.14", "snap is weer down vandaag", "sc streak 200 dagen kwijt 😭",
    "ig story van gisteren was echt cringe", "insta is zo saai geworden", "tiktok: nieuwe trend met gelblasters",
    "wie heeft die vid op tiktok gezien?", "check https://www.youtube.com/watch?v=dQw4w9WgXcQ", "link: https://www.instagram.com/p/C1a2B3c4D5e/",
    "https://www.tiktok.com/tag/gelblasterchallenge", "r/thenetherlands heeft er een thread over: https://www.reddit.com/r/thenetherlands/",
    "Albert Heijn op het plein is dicht vanaf 22:00", "we gaan naar Den Haag met de trein van 09:12", "morgen Ajax - Feyenoord om 14:30",
    "Kruidvat heeft 1+1 gratis tot zondag", "Black Friday deals vanaf 27-11", "Koningsdag 27 april vrijmarkt in de Pijp",
    "versie 2.0.1 van de app crasht", "ik sta op 4-2 in FIFA", "de uitslag was 21-19 bij volleybal", "het was 35 graden in de klas",
    "bijles wiskunde voor 15 euro per uur", "kamer 3.14 is de mentorruimte", "we zitten met 28 in de klas",
    "dat filmpje heeft 2,3M likes", "zaterdag 18 november om 21.00 uur feest", "het tentamen is op 2026-01-15",
    "IBAN? nee man ik stuur tikkie", "Tikkie van 7,50 voor de pizza", "factuur 2026-0042 betaald", "track 06 op het album is hard",
    "ticketnummer 88301277 klopt niet", "zending 3SABCD1234567 is onderweg", "de nieuwe Jordan 4 kost 210",
    "pakket komt tussen 14:00 en 16:00", "vanavond om 8 @ het veldje", "dm me als je mee wil", "mail me als je het weet",
    "at home chillen vandaag", "we zijn met zn 5en", "#gelblaster #challenge #amsterdam", "Burger King in Nieuw-West is open tot 02:00",
    "bus 21 rijdt niet vanwege werkzaamheden", "Sint Maarten is 11-11", "Hoog Catharijne was vol vandaag", "de Zuidas is leeg op zondag",
    "ik heb 06:30 mijn wekker gezet", "ik ben 16 en zit in 4havo", "groep 8 musical was op 5 juli", "2-0 winst tegen Sparta",
    "havo 5 examens beginnen 12 mei", "gemiddeld een 7,4 gehaald", "nieuwe PS5 slim voor 449,-", "kapot 10/10 film",
    "Bijlmer ArenA om 19:00", "de A10 stond vast tussen 17:00 en 18:30", "ik heb 3 euro 20 over", "loop naar halte Centraal Station",
    "om 15u15 bij de ingang", "kosten: €4,95 verzendkosten", "Het Parool schreef er ook over", "Nederland - Duitsland 2-2",
    "PostNL bezorgt tussen 9 en 13", "kluisje 1043 is van mij", "Instagram gaat reels veranderen", "YouTube Shorts zijn beter dan TikTok",
    "snapchat+ kost 4 euro per maand", "telegram groep is verwijderd", "discord server is dicht", "insta live om 20:00",
    "youtube.com/watch?v=abc123XYZ_0 kijken", "https://vm.tiktok.com/ZMabc123/", "ik woon op nummer 112", "huisnummer 12a of 12b?",
    "jaar 2025/2026 is bijna voorbij", "Eid Mubarak allemaal 🌙", "Keti Koti op 1 juli in het Oosterpark", "Diwali feest in de Schilderswijk",
    "De Pijp is zo druk", "Zuidoost heeft de beste sfeer", "Den Bosch tegen Groningen 1-3", "Van Gogh Museum schoolreisje",
    "Kinderombudsman zegt dat het niet mag", "Mediawijsheid les op dinsdag", "Nieuwe Meer is bevroren", "Rotterdam Zuid gaat los",
    "Marokkaanse bruiloft in Almere zaterdag", "Turkse bakker op de hoek is beter", "Surinaamse roti bij de toko voor 8 euro",
    "Oud en Nieuw vuurwerk vanaf 18:00", "Erasmus Universiteit open dag", "Vrije Universiteit open dag 14 maart",
    "GTA 6 komt in 2026", "de F1 race begint om 15:00", "Moederdag is zondag", "Albert Cuypmarkt is de beste markt",
    "Sinterklaas komt 5 december", "Kerst vakantie vanaf 20-12", "Lidl heeft airfryers voor 39,99", "HEMA rookworst 2,99",
    # cue words, lone first names and capitalised pairs that are not contact details or full names
    "snap: morgen weer school 😴", "insta: nieuwe post staat online", "ig: link in bio", "sc is echt kapot vandaag",
    "tiktok ➜ gelblaster trend is terug", "telegram: groep is vol", "discord: server onderhoud om 22:00",
    "tt: 1,2M views op die vid", "👻 streak niet vergeten", "📸 foto van de klas", "add me als je wil chillen",
    "volg de les op teams", "mail naar de mentor via magister", "Sanne ging gisteren naar de Efteling",
    "Julia zegt dat het om 16:00 begint", "Daan en Bram gaan samen naar de training", "Lotte heeft een 8,5 voor Frans",
    "Emre scoorde 2 goals in de 90e minuut", "Fatima zei: kom om 19:30 naar het buurthuis",
    "Priscilla haar verjaardag is 03-04", "het kost 0,50 per sticker", "Happy Birthday!! 🎉", "Goede Vrijdag geen school",
    "Tweede Kamer debat over smartphones", "Rode Kruis EHBO cursus op woensdag", "Vondelpark om 15:00",
    "Grote Markt in Groningen is vol", "Koning Willem-Alexander op bezoek in Zuidoost",
]


def fill(template: str, filler: Filler, fillers: dict[str, Callable[[], str]]) -> tuple[str, list[dict]]:
    spans: list[dict] = []
    text, pos = "", 0
    while True:
        start = template.find("{", pos)
        if start < 0:
            return text + template[pos:], spans
        end = template.index("}", start)
        kind = template[start + 1:end]
        text += template[pos:start]
        value = fillers[kind]()
        # the ab_channel parameter is labelled without its leading '&' (what leaks is the channel name)
        offset = 1 if kind == "ab_channel" else 0
        label = {"ab_channel": "profile_url", "bare": "handle_bare"}.get(kind, kind)
        spans.append({"start": len(text) + offset, "end": len(text) + len(value), "kind": label})
        text += value
        pos = end + 1


def build() -> list[dict]:
    rng = random.Random(20261130)
    lines: list[dict] = []
    for split in ("dev", "test"):
        filler = Filler(split, rng)
        fillers: dict[str, Callable[[], str]] = {
            "name": filler.name, "phone": filler.phone, "email": filler.email,
            "email_obfuscated": filler.email_obfuscated, "handle": filler.handle, "bare": filler.bare,
            "fediverse": filler.fediverse, "profile_url": filler.profile_url, "link_in_bio": filler.link_in_bio,
            "ab_channel": filler.ab_channel,
        }
        for template, template_split in TEMPLATES:
            if template_split != split:
                continue
            for _ in range(4):
                text, spans = fill(template, filler, fillers)
                lines.append({"split": split, "text": text, "spans": spans, "lookalike": False})
    for i, text in enumerate(LOOKALIKES):
        lines.append({"split": "dev" if i % 2 == 0 else "test", "text": text, "spans": [], "lookalike": True})
    for number, line in enumerate(lines, start=1):
        line["id"] = f"r{number:04d}"
    return [{"id": line["id"], **{k: v for k, v in line.items() if k != "id"}} for line in lines]


def main() -> None:
    lines = build()
    with OUT.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = {}
    for line in lines:
        for span in line["spans"]:
            kinds[span["kind"]] = kinds.get(span["kind"], 0) + 1
    print(f"{len(lines)} lines, {sum(1 for x in lines if x['lookalike'])} look-alike; spans per kind: {kinds}")


if __name__ == "__main__":
    main()
