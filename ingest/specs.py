"""One spec per data kind: what each import reads (target table, key, every recognised column name in Dutch,
English and the national sources' spellings, the accepted values of enumerated fields).

The column lists are in ``ingest.columns`` (used by the code that applies them); this module adds table, key,
enumerations and notes per kind, and every import's help text (``help_text``) and the table in docs/imports.md
(``markdown``) are generated from it, so help and code cannot drift apart.

Pure Python; no QGIS.
"""

from ..werkbank import enums as E


class Spec:
    def __init__(self, kind, label, algorithm, table, key, columns, enums=None, required=(), notes="", validate=None,
                 before_write=None, layer=False, track_source=False):
        self.kind = kind
        # a table kind that reports rows gone from its source (REMOVED) and deletes them with SYNC (ingest.runner)
        self.track_source = track_source
        self.layer = layer  # a layer kind: geometry, province, REMOVED/SYNC; no decisions kept (ingest.runner)
        self.validate = validate  # the runner's validate hook "module:function" (ingest.runner); None: part of another
        self.before_write = before_write  # optional hook inside the runner's write transaction
        self.label = label
        self.algorithm = algorithm
        self.table = table
        self.key = key
        self.columns = columns  # [(werkbank field, [recognised names])]
        self.enums = enums or {}  # werkbank field -> [accepted values]
        self.required = tuple(required)
        self.notes = notes


def _layer_spec(kind, label, algorithm, table, key, enums, notes="", validate=None):
    from .columns import KINDS

    cols = [(t.name, list(t.aliases)) for t in KINDS[kind]]
    req = [t.name for t in KINDS[kind] if t.required]
    return Spec(kind, label, algorithm, table, key, cols, enums, req, notes, validate=validate, layer=True)


def _codes(enum):
    return list(enum)


def specs():
    """All import specs, in the order of docs/imports.md."""
    from .columns import ACTION_FIELDS, ACTION_STATUS, MONITORING_FIELDS, PROJECT_COLUMNS
    from .columns import SCORE_COLUMNS as FIELD_ALIASES
    from .columns import SCORE_REQUIRED as REQUIRED
    from .columns import DATE_FORMATS, NO_WORDS, XY_COLUMNS, YES_WORDS

    return [
        _layer_spec("capacity_areas", "Capaciteitskaart", "pmiek:importcapacitymap", "capacity_areas", "area_id",
                    {"afname_colour": _codes(E.CAPACITY_COLOURS) + ["0", "1", "2", "3"],
                     "invoeding_colour": _codes(E.CAPACITY_COLOURS) + ["0", "1", "2", "3"]},
                    "Kleuren ook als tekst (rood, red, 'Tekort, met wachtrij' ...) en via resources/recodes.",
                    validate=".layers.importers:check_capacity_areas"),
        _layer_spec("stations", "Stations", "pmiek:importstations", "stations", "station_id",
                    {"voltage_level": ["EHS", "HS", "TS", "MS"]},
                    "Station-id's '356', 'osm-356' en 'OSM 356' zijn hetzelfde station.",
                    validate=".layers.importers:check_stations"),
        _layer_spec("station_capacity", "Capaciteit per station en jaar (CAPACITY_TABLE)", "pmiek:importstations",
                    "station_capacity", "station_id, year", {},
                    "Lang formaat (station, jaar, afname, teruglevering) of breed (afname_2030, teruglevering_2030, "
                    "2030)."),
        _layer_spec("developments", "Ontwikkelingen", "pmiek:importdevelopments", "developments", "dev_id",
                    {"sector": _codes(E.SECTORS), "phase": _codes(E.DEVELOPMENT_PHASES),
                     "carrier": _codes(E.ENERGY_CARRIERS)},
                    "Planstatus van de woningbouwmonitor ('1A onherroepelijk', '3 plan/besluit in voorbereiding' "
                    "...) via resources/recodes/planstatus_fase.csv. Een tabel zonder geometrie (XLSX, CSV) met x- en "
                    "y-kolommen ({} / {}; RD New) wordt als punten gelezen.".format(
                        ", ".join(XY_COLUMNS["x"]), ", ".join(XY_COLUMNS["y"])),
                    validate=".layers.importers:check_developments"),
        Spec("projects", "Projectenlijst", "pmiek:importprojects", "projects", "project_id",
             [(k, list(v)) for k, v in PROJECT_COLUMNS.items()],
             {"type_infra": _codes(E.TYPE_INFRA), "phase": _codes(E.PROJECT_PHASES),
              "status": _codes(E.PROJECT_STATUS), "financial_cover": _codes(E.FINANCIAL_COVER),
              "energy_carrier": _codes(E.ENERGY_CARRIERS), "route": _codes(E.ROUTES),
              "confidential": ["ja", "nee"], "in_ip": ["ja", "nee", "leeg = niet opgegeven"]},
             ("name",), "IBN alleen uit ibn_jaar of een jaar met 'IBN' in de planning; anders leeg met een "
                        "waarschuwing.", validate=".knooppunten.projects:validate_projects", track_source=True),
        Spec("knooppunten", "Knooppunten", "pmiek:importknooppunten", "knooppunten", "knooppunt_id",
             [("knooppunt_id", ["FIELD_ID"]), ("name", ["FIELD_NAME"]), ("karakter", ["FIELD_KARAKTER"]),
              ("description", ["FIELD_DESCRIPTION"]), ("session_date", ["FIELD_DATE"])],
             {"karakter": _codes(E.KNOOPPUNT_KARAKTER), "session_date": [shown for _f, shown in DATE_FORMATS]},
             ("name",), "Velden worden gekozen met de FIELD_-parameters.",
             validate=".knooppunten.projects:validate_knooppunten", track_source=True),
        Spec("project_links", "Koppelingen project-ontwikkeling", "pmiek:importlinks", "project_links",
             "project_id, dev_id",
             [("project_id", ["FIELD_PROJECT"]), ("dev_id", ["FIELD_DEVELOPMENT"]),
              ("share_pct / share_mw", ["FIELD_SHARE"]), ("motivation", ["FIELD_MOTIVATION"])],
             {"SHARE_UNIT": ["pct", "mw"]}, ("project_id", "dev_id"),
             "Zonder aandeel- of motivatiekolom blijven de opgeslagen waarden staan.",
             validate=".knooppunten.links:validate_links", track_source=True),
        Spec("scores", "Beoordelingen", "pmiek:importscores", "scores", "project_id, criterion_id, assessor",
             [(k, list(v)) for k, v in FIELD_ALIASES.items()],
             {"assessor_role": list(E.ASSESSOR_ROLES) + ["(ook: " + ", ".join(E.ASSESSOR_ROLES.values()) + ")"],
              "agreed": ["ja (ook {})".format(" / ".join(w for w in YES_WORDS if w != "ja")),
                         "nee (ook {} / leeg)".format(" / ".join(w for w in NO_WORDS if w != "nee"))],
              "score_date": [shown for _f, shown in DATE_FORMATS]}, REQUIRED,
             "project_id: project-id of projectcode van een project in de werkbank; criterion_id: een criterium van "
             "het afwegingskader (A..H of eigen code). De waardering moet op de schaal van het criterium staan "
             "(bijv. hoog / gemiddeld / laag; hoofdletters doen er niet toe); een informatief criterium met schaal "
             "'informatief' (H, omvang kosten) neemt de tekst zoals geschreven, bijv. '€ 95 mln'. Een motivatie is "
             "verplicht. Zonder "
             "rol geldt de rol van het criterium; zonder datumkolom geldt vandaag. Eén beoordeling per project, "
             "criterium en beoordelaar; per project en criterium hooguit één vastgestelde waarde.",
             validate=".scoring.scores:validate_scores", before_write=".scoring.scores:reset_agreed"),
        Spec("actions", "Acties", "pmiek:importactions", "actions", "action_id",
             [(k, list(v)) for k, v in ACTION_FIELDS.items()],
             {"status": sorted(set(ACTION_STATUS.values())) + ["(ook: " + ", ".join(
                 k for k, v in ACTION_STATUS.items() if k != v) + ")"]}, ("project_id", "activity"),
             validate=".programme.followup:validate_actions", track_source=True),
        Spec("monitoring", "Monitoring", "pmiek:importmonitoring", "monitoring", "monitoring_id",
             [(k, list(v)) for k, v in MONITORING_FIELDS.items()],
             {"peildatum": [shown for _f, shown in DATE_FORMATS]}, ("project_id",),
             validate=".programme.followup:validate_monitoring", track_source=True),
    ]


def spec(kind):
    for s in specs():
        if s.kind == kind:
            return s
    raise KeyError(kind)


def help_text(kind):
    """Dutch help: every recognised column per werkbank field and the accepted values of enumerated ones."""
    s = spec(kind)
    lines = ["Herkende kolommen ({}; sleutel {}):".format(s.table, s.key)]
    for field, names in s.columns:
        req = " (verplicht)" if field in s.required else ""
        values = s.enums.get(field)
        extra = "; waarden: {}".format(", ".join(values)) if values else ""
        lines.append("- {}{}: {}{}".format(field, req, ", ".join(names), extra))
    for field, values in s.enums.items():
        if field not in dict(s.columns):
            lines.append("- {}: {}".format(field, ", ".join(values)))
    if s.notes:
        lines.append(s.notes)
    return "\n".join(lines) + "\n"


def markdown():
    """docs/imports.md (generated; tests/test_ingest_specs.py keeps the file current)."""
    out = ["# Imports: herkende kolommen en waarden", "",
           "Gegenereerd uit `ingest/specs.py` (`python -m pmiek_werkbank.ingest.specs > docs/imports.md`). "
           "Elke import leest via dezelfde lezer (GeoPackage, GeoJSON, Shapefile, CSV, XLSX/ODS; rijnummers = "
           "spreadsheetregel of feature-id), schrijft in één transactie en maakt één rapport (HTML en CSV, "
           "standaard naast de werkbank). Kolomnamen worden herkend zonder hoofdletters, spaties en accenten.", ""]
    for s in specs():
        out += ["## {} (`{}` → tabel `{}`)".format(s.label, s.algorithm, s.table), "",
                "| werkbankveld | herkende kolomnamen | geaccepteerde waarden |", "|---|---|---|"]
        for field, names in s.columns:
            req = " (verplicht)" if field in s.required else ""
            out.append("| {}{} | {} | {} |".format(field, req, ", ".join("`{}`".format(n) for n in names),
                                                   ", ".join(s.enums.get(field, []))))
        for field, values in s.enums.items():
            if field not in dict(s.columns):
                out.append("| {} | (parameter) | {} |".format(field, ", ".join(values)))
        if s.notes:
            out += ["", s.notes]
        out.append("")
    out += ["## Voor elke import", "",
            "- **Eén weg**: elke soort hierboven loopt door dezelfde runner (`ingest/runner.py`): lezen, controleren "
            "met de hook van de soort, schrijven in één transactie, één rapport. De algoritmen en de importwizard "
            "gebruiken hem allebei.",
            "- **Rijnummers**: van een tabel (CSV, XLSX, ODS), ook als laag geopend, de spreadsheetregel (kop = 1); "
            "van een andere laag (GeoPackage, Shapefile, GeoJSON ...) de feature-id die QGIS toont.",
            "- **Lege rijen**: een rij zonder enige waarde en zonder geometrie (een lege regel, ook ';;;;') wordt "
            "bij elke import overgeslagen en met aantal en rijnummers in het rapport genoemd.",
            "- **Titel- en totaalregels** van een tabel (gelezen als tabel, niet als laag): regels boven de "
            "kolomnamen met hooguit één gevulde cel (een titel, een lege regel, Excels 'sep=;') worden overgeslagen, de kolomnamen "
            "staan op de eerste regel met twee of meer gevulde cellen (binnen de eerste tien) en de rijnummers "
            "blijven spreadsheetregels; een laatste regel met als enige tekst 'Totaal' (of Subtotaal, Som, Total) "
            "en verder alleen getallen of formules is geen rij. Beide staan in het rapport.",
            "- **Jaren**: een jaar (IBN, jaar gereed) mag ook als datum (1-7-2027) of met kwartaal of planwoord "
            "('Q3 2029', '2029-Q3', '3e kwartaal 2029', 'medio 2029', 'IBN 2032'); twee jaren ('2030/2035') "
            "worden afgekeurd.",
            "- **Afgekeurde rijen**: een rij met een fout wordt overgeslagen en met rijnummer (spreadsheetregel of "
            "feature-id), veld en melding in het rapport (en op de controlepagina van de wizard) gezet; de overige "
            "rijen worden geschreven (IMPORTED, REJECTED, INSERTED, UPDATED, UNCHANGED, REMOVED). Met STRICT=ja "
            "breekt één afgekeurde rij de hele import af; een fout zonder rij (kolom ontbreekt) breekt altijd af.",
            "- **Provinciegrens** (TOLERANCE, standaard 2000 m): een object hoort bij de provincie als zijn punt "
            "op het oppervlak binnen die afstand van de gegeneraliseerde CBS-grens ligt, of een vlak verder dan "
            "dat de provincie in reikt; grensgevallen zijn waarschuwingen. Noemt de bron een andere provincie of een "
            "gemeente daarbuiten, dan wordt de rij afgekeurd.",
            "- **SOURCE_PREFIX** zet een voorvoegsel voor de id's van een bron; van dubbele id's blijft de eerste "
            "rij, de latere worden afgekeurd met beide rijnummers.",
            "- **REMOVED / SYNC**: rijen van een bron die niet meer in de bron staan worden gemeld (REMOVED) en "
            "alleen met SYNC=ja verwijderd, met een regel in de wijzigingshistorie. Van een laag (capaciteitskaart, "
            "stations, ontwikkelingen) zijn dat de rijen met die bron in de kolom `source`; van een tabel "
            "(projecten, knooppunten, koppelingen, acties, monitoring) de rijen die de vorige import uit dezelfde "
            "bron (bestands- of laagnaam) schreef, tenzij de laatste import van een andere bron de rij ook had. Een "
            "afgekeurde rij staat nog in de bron. SYNC weigert de hele "
            "import voor een rij met een besluit na de vorige import (tenzij SOURCE_WINS), een project met "
            "beoordelingen, in een ontwikkelvariant of waar een ander project van afhangt, of een knooppunt met "
            "projecten; wat aan een verwijderd "
            "project hangt (koppelingen, acties, monitoring) gaat mee en staat in het rapport.",
            "- **Bronnaam**: standaard de bestandsnaam (tabellen met extensie: `projectenlijst.xlsx`, lagen zonder: "
            "`stations`); een laag uit een bestand met meer lagen krijgt de laagnaam erbij "
            "(`projecten.gpkg (projecten_lijnen)`), zodat twee lagen van één bestand twee bronnen zijn (een tabel "
            "met in het bestand opgeslagen QGIS-stijlen, `layer_styles`, telt niet als laag). Geeft u "
            "twee lagen dezelfde SOURCE_NAME, dan onthoudt de importmarkering de laag en telt REMOVED per bronnaam "
            "en laag: de rijen van de andere laag zijn niet verdwenen, en SYNC verwijdert alleen rijen die de vorige "
            "import van dezelfde laag had.",
            "- **RECODE**: eigen hercodeertabel (`veld;bronwaarde;code`) bovenop `resources/recodes/*.csv`; "
            "gebruikte hercoderingen staan in het rapport.",
            "- **Geen stille aannames**: ontbrekend jaar, kengetal gebruikt, vaste sector: waarschuwing per rij en "
            "aantallen in het rapport.",
            "- **Alleen wat de bron draagt**: een kolom die ontbreekt laat de opgeslagen waarde staan; formule- en "
            "samengevoegde cellen worden gemeld, nooit als leeg gelezen; getallen moeten eindig en plausibel zijn; "
            "een laag zonder CRS wordt geweigerd tenzij CRS is opgegeven.",
            "- **Besluiten blijven staan**: zie de Regels in de README.", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown(), end="")
