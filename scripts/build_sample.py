"""Build the sample programme 'pMIEK 2.0 Utrecht – fictief voorbeeld' into resources/sample/.

Reproducible: a fixed random seed and fixed timestamps, so two runs give the same
tables (and, for CSV/XLSX/werkbank, the same bytes).

Real open data (copied and clipped for the province of Utrecht, EPSG:28992):
CBS municipalities and province boundary, OSM high-voltage substations and lines
from ``../shared/data``.  Everything else is a *fictief voorbeeld* and is
labelled so in every row (field ``bron``) and in README.md.

Usage::

    python scripts/build_sample.py [--out DIR] [--data DIR]

``build(out_dir, data_dir)`` does the same from Python (used by the tests).
"""

import argparse
import io
import os
import re
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
DEFAULT_OUT = os.path.join(ROOT, "resources", "sample")
DEFAULT_DATA = os.path.join(
    os.environ.get("PMIEK_SHARED") or os.path.join(os.path.dirname(ROOT), "shared"), "data"
)

SEED = 20250701
PEILDATUM = "2025-07-01"
FIXED_TS = "2025-07-01T00:00:00+00:00"
BUILDER = "build_sample"
PROVCODE = "PV26"
PROVINCE = "Utrecht"
FICTIEF = "fictief voorbeeld"
BRON = "fictief voorbeeld (pMIEK Werkbank)"
YEARS = (2025, 2030, 2035)
STATION_BUFFER_M = 3000
OSM_SOURCE = "OpenStreetMap (© OpenStreetMap contributors, ODbL), via ComplexNetTSP/Power_grids"
PROGRAMME_NAME = "pMIEK 2.0 Utrecht – fictief voorbeeld"
DISCLAIMER = (
    "Fictief voorbeeld. Stationscapaciteiten, capaciteitskaart, ontwikkelingen, knooppunten, projecten, "
    "koppelingen, scores, acties en monitoring in dit voorbeeldprogramma zijn verzonnen en geven geen "
    "werkelijke situatie, plannen of standpunten van provincie, gemeenten of netbeheerders weer. "
    "Echte open data: gemeente- en provinciegrenzen (Kadaster/CBS, via PDOK) en hoogspanningsstations en "
    "-lijnen (© OpenStreetMap contributors, ODbL)."
)

ATTRIBUTION = """Bronvermelding open data in resources/sample/
================================================

gemeenten.gpkg, provincie.gpkg
  Bron: Kadaster / Centraal Bureau voor de Statistiek (CBS Gebiedsindelingen 2024,
  Wijk- en Buurtkaart 2023), via PDOK; vereenvoudigd door cartomap/nl resp.
  stdekker/open-data-maps (mapshaper). Vrij hergebruik met bronvermelding.

stations.gpkg, hoogspanningslijnen.gpkg (en de tabel stations in voorbeeld_werkbank.gpkg)
  © OpenStreetMap contributors, Open Database License (ODbL) 1.0,
  https://www.openstreetmap.org/copyright ; via ComplexNetTSP/Power_grids
  (doi:10.5281/zenodo.250427). OSM-momentopname van ca. 2016/2017: onvolledig en
  niet gezaghebbend. Een hiervan afgeleide database valt onder de ODbL.

Alle overige bestanden en velden zijn een FICTIEF VOORBEELD (veld 'bron').
"""

# RD New coordinates of places used to place the fictitious data.
PLACES = {
    "Leidsche Rijn": (129800, 455200, 1500), "Merwede": (134600, 454100, 700),
    "Utrecht centrum": (136200, 456000, 1200), "Overvecht": (137000, 459000, 900),
    "Beurskwartier": (135200, 455600, 500), "Amersfoort": (155500, 463000, 1800),
    "Vathorst": (158600, 467000, 1000), "Veenendaal": (167300, 449600, 1300),
    "Veenendaal-Oost": (169000, 449500, 700), "Nieuwegein": (134800, 449100, 1100),
    "Houten": (140600, 446800, 1100), "Zeist": (145500, 457200, 1100),
    "Woerden": (121500, 456200, 1100), "Soest": (149000, 464000, 1100),
    "IJsselstein": (130900, 448600, 700), "Maarssen": (131200, 462400, 900),
    "Vianen": (136600, 444400, 700), "Leerdam": (139600, 433600, 800),
    "Mijdrecht": (122600, 471000, 900), "Bunschoten": (151700, 471600, 700),
    "Wijk bij Duurstede": (152000, 442600, 700), "Rhenen": (166500, 441200, 700),
    "Leusden": (156000, 459200, 900), "Baarn": (147600, 468600, 800),
    "Driebergen": (148200, 451600, 800), "De Bilt": (140200, 459500, 800),
    "Science Park": (140000, 455600, 700), "Rijnsweerd": (138700, 456400, 400),
}
MOTORWAY = {
    "Papendorp (A2/A12)": (132300, 453300, 700), "Lage Weide (A2)": (132600, 457900, 800),
    "Houten De Meerpaal (A27)": (141200, 448300, 700), "Nieuwegein Plettenburg (A2/A12)": (133600, 449800, 600),
    "Amersfoort De Hoef (A28)": (153200, 462200, 800), "Hoevelaken-Vathorst (A1/A28)": (160000, 465600, 800),
    "Veenendaal De Compagnie (A12)": (165600, 449100, 700), "Woerden Barwoutswaarder (A12)": (123300, 455200, 700),
    "Breukelen (A2)": (128500, 466000, 700), "Maarsbergen (A12)": (159800, 450000, 600),
    "Bunnik (A12)": (142600, 452700, 600), "Vianen Gaasperwaard (A2/A27)": (136300, 443400, 600),
    "Leerdam Nieuwe Sluis (A15)": (140600, 432600, 700), "Soesterberg (A28)": (146500, 460300, 600),
}
LAGE_WEIDE = {"Lage Weide": (132400, 458100, 600)}

# Developments per sector: count, placement, geometry, unit/kengetal, quantity range, carrier.
SECTOR_PLAN = [
    # sector, n, placement, geom, eenheid, kengetal_id, qty range, energiedrager, naamprefix
    ("wonen", 75, "stad", "vlak", "woning", "wonen_woning", (60, 3500), "elektriciteit", "Woningbouw"),
    ("bedrijventerrein", 35, "snelweg", "vlak", "ha", "bedrijventerrein_ha", (4, 45), "elektriciteit",
     "Bedrijventerrein"),
    ("industrie", 12, "industrie", "vlak", "ha", "industrie_ha", (3, 25), "elektriciteit", "Verduurzaming industrie"),
    ("mobiliteit", 35, "stad_snelweg", "punt", None, None, None, "elektriciteit", "Laadinfrastructuur"),
    ("datacenter", 4, "datacenter", "vlak", "ha", "datacenter_ha", (2, 6), "elektriciteit", "Datacenter"),
    ("glastuinbouw", 5, "glas", "vlak", "ha", "glastuinbouw_ha", (5, 20), "meerdere", "Glastuinbouw"),
    ("zon", 45, "landelijk", "vlak", None, None, None, "elektriciteit", "Zonneveld"),
    ("wind", 14, "landelijk_wind", "punt", None, None, None, "elektriciteit", "Windpark"),
    ("opslag_flex", 15, "station", "punt", "MW", "opslag_mw", (2, 40), "elektriciteit", "Batterijopslag"),
    ("warmte", 16, "stad", "vlak", "woningequivalent", "warmte_woning", (500, 6000), "warmte", "Warmtenet"),
    ("waterstof", 8, "waterstof", "punt", "MW", "waterstof_mw", (2, 30), "waterstof", "Elektrolyser"),
    ("utiliteit", 30, "stad", "punt", "1000 m2 bvo", "utiliteit_1000m2", (5, 80), "elektriciteit", "Utiliteit"),
    ("overig", 6, "stad", "punt", None, None, None, "elektriciteit", "Overige ontwikkeling"),
]
UTILITEIT_NAMEN = ["Ziekenhuis", "Campus", "Zwembad", "Sportcentrum", "Scholencluster", "Kantorencluster",
                   "Zorgcentrum", "Gemeentehuis", "Distributiecentrum", "Rioolwaterzuivering"]
OVERIG_NAMEN = ["Walstroom jachthaven", "Defensieterrein", "Gemaal", "Spoorwegemplacement", "Evenemententerrein",
                "Drinkwaterproductie"]
PHASES = ["idee", "planvorming", "besluitvorming", "realisatie"]

KNOOPPUNTEN = [
    # id, naam, karakter, centre, (a, b, angle), omschrijving, sessiedatum
    ("KP01", "Utrecht Science Park / Rijnsweerd", "provinciaal", (139700, 455800), (1800, 1100, 20),
     "Kennis- en zorgcampus met groei van laboratoria, woningen en het UMC; elektrificatie van warmte en "
     "mobiliteit vraagt om extra afnamecapaciteit en een warmtenet.", "2025-03-12"),
    ("KP02", "Amersfoort Vathorst–Hoevelaken", "provinciaal", (159300, 466300), (2300, 1400, 35),
     "Woningbouw Vathorst-Bovenduist, bedrijventerreinen langs A1/A28 en zonnevelden in het buitengebied; "
     "geen HS-station in Amersfoort zelf.", "2025-03-19"),
    ("KP03", "Food Valley Veenendaal", "lokaal", (166600, 448700), (2200, 1500, 0),
     "Bedrijventerreinen De Compagnie en Veenendaal-Oost, laadpleinen langs de A12 en verduurzaming van "
     "de voedselindustrie.", "2025-04-02"),
    ("KP04", "Lage Weide / Amsterdam-Rijnkanaal", "nationaal", (132600, 457900), (2100, 900, -40),
     "Grootste bedrijventerrein van de provincie aan het Amsterdam-Rijnkanaal: industrie, logistiek, "
     "datacenters, waterstof en de aansluiting op de landelijke waterstofbackbone.", "2025-04-16"),
]

# ---- projects (fictitious) ---------------------------------------------------------------------
# Geometries in RD New; 'pt' = point, 'ln' = line vertices, 'pg' = polygon vertices.
PROJECTS = [
    dict(
        project_id="UT-P01", nr=1, naam="Nieuw 150 kV-station Amersfoort-Vathorst",
        locatie="Bovenduist, tussen A1 en spoorlijn Amersfoort–Zwolle, gemeente Amersfoort",
        gemeenten="Amersfoort; Leusden; Bunschoten", type_infra="hs_station", energiedrager="elektriciteit",
        netbeheerder="TenneT", fase="planuitwerking", ibn_jaar=2031, investering_eur=68_000_000, dekking="gedekt",
        financieel="Investering ca. € 68 mln (TenneT € 45 mln, Stedin € 23 mln), opgenomen in IP 2024",
        partijen="TenneT (eigenaar 150 kV-station); Stedin (MS-installatie en aansluitingen); Provincie Utrecht "
                 "(regie pMIEK, inpassing); Gemeente Amersfoort (bevoegd gezag, locatie); Regio Amersfoort",
        station_id="osm-468", knooppunt="KP02", cap_afname=120, cap_terug=80, status="opgenomen",
        reden_status="Opgenomen: noodzakelijk voor woningbouw Vathorst en bedrijventerreinen A1/A28.",
        narratief="Amersfoort heeft geen eigen 150 kV-station; de stad wordt gevoed vanuit Soest en Bunschoten, "
                  "die beide vol zitten. Het nieuwe station ontsluit de woningbouw in Vathorst-Bovenduist, de "
                  "bedrijventerreinen langs de A1/A28 en de zonnevelden in het Eemland.",
        reden_opname="Versnelling nodig: zonder station geen nieuwe aansluitingen in Amersfoort-Noord voor 2032.",
        dep_pmiek="UT-P12 (uitbreiding Soest vangt de groei tot 2031 op)", dep_nmiek="",
        dep_buiten="Aansluiting op 150 kV-verbinding Hoevelaken (Gelderland)", vertrouwelijk=0,
        route="B", in_ip=1, ip_ref="TenneT IP2024-UT-017", bevoegd_gezag="Gemeente Amersfoort",
        geom=("pt", (159200, 467400)),
    ),
    dict(
        project_id="UT-P02", nr=2, naam="Uitbreiding HS/MS-station Lage Weide",
        locatie="Station Lage Weide, Atoomweg, gemeente Utrecht", gemeenten="Utrecht; Stichtse Vecht",
        type_infra="hs_ms_station", energiedrager="elektriciteit", netbeheerder="Stedin", fase="project",
        ibn_jaar=2028, investering_eur=32_000_000, dekking="gedekt",
        financieel="Investering ca. € 32 mln, gedekt in IP Stedin en TenneT",
        partijen="Stedin (trekker, MS-uitbreiding); TenneT (transformatoren 150/20 kV); Gemeente Utrecht "
                 "(vergunning); Ondernemersvereniging Lage Weide (vraagbundeling)",
        station_id="osm-487", knooppunt="KP04", cap_afname=90, cap_terug=40, status="opgenomen",
        reden_status="Opgenomen: grote wachtrij afname op Lage Weide.",
        narratief="Lage Weide staat rood op de capaciteitskaart. Industrie, logistiek en datacenters willen "
                  "elektrificeren; de uitbreiding met twee transformatoren en een nieuw 20 kV-schakelstation "
                  "lost de wachtrij grotendeels op.",
        reden_opname="Bevestiging van nut en noodzaak en prioritering van aansluitingen binnen het knooppunt.",
        dep_pmiek="UT-P13 (150 kV-kabel Breukelen–Lage Weide)", dep_nmiek="", dep_buiten="",
        vertrouwelijk=0, route="A", in_ip=1, ip_ref="Stedin IP2024-0412", bevoegd_gezag="Gemeente Utrecht",
        geom=("pt", (133330, 457500)),
    ),
    dict(
        project_id="UT-P03", nr=3, naam="Uitbreiding HS/MS-station Veenendaal Wageningselaan",
        locatie="Station Wageningselaan, gemeente Veenendaal", gemeenten="Veenendaal; Rhenen; Renswoude",
        type_infra="hs_ms_station", energiedrager="elektriciteit", netbeheerder="Liander", fase="planuitwerking",
        ibn_jaar=2030, investering_eur=24_000_000, dekking="deels",
        financieel="Kosten ca. € 24 mln; dekking voor fase 1, fase 2 afhankelijk van IP 2026",
        partijen="Liander (trekker); TenneT (150 kV-veld); Gemeente Veenendaal (ruimte, vergunning); "
                 "Regio Foodvalley (programmering)",
        station_id="osm-856", knooppunt="KP03", cap_afname=60, cap_terug=45, status="opgenomen",
        reden_status="Opgenomen: knelpunt voor bedrijventerreinen Food Valley.",
        narratief="De bedrijventerreinen De Compagnie en Veenendaal-Oost groeien en verduurzamen; samen met "
                  "laadpleinen langs de A12 is meer afname nodig dan het station kan leveren.",
        reden_opname="Versnelling en prioritering nodig; ruimte naast het station is schaars.",
        dep_pmiek="UT-P14 (flexgebied Food Valley overbrugt tot IBN)", dep_nmiek="",
        dep_buiten="Netontwikkeling Ede-Wageningen (Gelderland)", vertrouwelijk=0, route="B", in_ip=1,
        ip_ref="Liander IP2024-GE-233", bevoegd_gezag="Gemeente Veenendaal",
        geom=("pt", (168190, 446500)),
    ),
    dict(
        project_id="UT-P04", nr=4, naam="Uitbreiding HS/MS-station Nieuwegein",
        locatie="Station Nieuwegein, Ravenswade, gemeente Nieuwegein", gemeenten="Nieuwegein; Houten; Utrecht",
        type_infra="hs_ms_station", energiedrager="elektriciteit", netbeheerder="Stedin", fase="project",
        ibn_jaar=2027, investering_eur=18_500_000, dekking="gedekt",
        financieel="Investering ca. € 18,5 mln, volledig door Stedin gedekt",
        partijen="Stedin (trekker); TenneT; Gemeente Nieuwegein (vergunning); Gemeente Houten",
        station_id="osm-489", knooppunt=None, cap_afname=45, cap_terug=30, status="opgenomen",
        reden_status="Opgenomen: voorwaarde voor MS-tracé naar Utrecht Science Park.",
        narratief="Het station voedt Nieuwegein, Houten-Noord en via het nieuwe 20 kV-tracé straks Utrecht "
                  "Science Park. Uitbreiding met een derde transformator geeft ruimte voor woningbouw en "
                  "bedrijventerreinen langs de A2/A12.",
        reden_opname="Monitoring: project loopt in het IP, prioriteit bevestigd.",
        dep_pmiek="", dep_nmiek="", dep_buiten="", vertrouwelijk=0, route="A", in_ip=1,
        ip_ref="Stedin IP2024-0388", bevoegd_gezag="Gemeente Nieuwegein",
        geom=("pt", (136800, 451450)),
    ),
    dict(
        project_id="UT-P05", nr=5, naam="Aantakking waterstofbackbone Lage Weide",
        locatie="Tracé Maarssen – Lage Weide langs het Amsterdam-Rijnkanaal, gemeenten Stichtse Vecht en Utrecht",
        gemeenten="Stichtse Vecht; Utrecht", type_infra="waterstofleiding", energiedrager="waterstof",
        netbeheerder="Gasunie", fase="verkenning", ibn_jaar=2032, investering_eur=30_000_000, dekking="geen",
        financieel="Kosten ca. € 30 mln, nog geen dekking; bijdrage Rijk en provincie nodig",
        partijen="Gasunie/Hynetwork (netbeheerder waterstof); Rijk (EZK, nMIEK); Provincie Utrecht (regie); "
                 "Gemeente Utrecht; Ondernemersvereniging Lage Weide (afnemers)",
        station_id=None, knooppunt="KP04", cap_afname=None, cap_terug=None, status="kandidaat",
        reden_status="Kandidaat: afnamevraag nog onvoldoende zeker.",
        narratief="Industrie en zwaar transport op Lage Weide willen waterstof gebruiken. Een aftakking van de "
                  "landelijke backbone naar Lage Weide maakt waterstoftankstations en een elektrolyser mogelijk.",
        reden_opname="Bevestiging nut en noodzaak; afstemming met nMIEK-project waterstofnetwerk.",
        dep_pmiek="UT-P06 (waterstoftankstations), UT-P10", dep_nmiek="nMIEK: Waterstofnetwerk Nederland (Hynetwork)",
        dep_buiten="Ligging landelijke backbone (Noord-Holland/Gelderland)", vertrouwelijk=0, route="C", in_ip=0,
        ip_ref="", bevoegd_gezag="Provincie Utrecht",
        geom=("ln", [(128400, 464600), (129900, 462300), (131300, 460000), (132500, 458300)]),
    ),
    dict(
        project_id="UT-P06", nr=6, naam="Waterstoftankstations Lage Weide",
        locatie="Twee locaties op Lage Weide (Cartesiusweg en Nijverheidsweg), gemeente Utrecht",
        gemeenten="Utrecht", type_infra="waterstofstation", energiedrager="waterstof", netbeheerder="Stedin",
        fase="planuitwerking", ibn_jaar=2027, investering_eur=None, dekking="onbekend",
        financieel="Kosten onbekend, financiering door projectontwikkelaar (fictief: H2-Mobiel BV)",
        partijen="Projectontwikkelaar (investering, exploitatie); Stedin (netaansluiting); Gemeente Utrecht "
                 "(vergunning); Provincie Utrecht (subsidie zero-emissie mobiliteit)",
        station_id="osm-487", knooppunt="KP04", cap_afname=None, cap_terug=None, status="kandidaat",
        reden_status="Kandidaat: wacht op besluit over aantakking backbone.",
        narratief="Tankstations voor zero-emissie vrachtverkeer en bussen; eerst met tubetrailers, later via "
                  "de aantakking op de backbone.",
        reden_opname="Prioritering netaansluiting en ruimtelijke inpassing.",
        dep_pmiek="UT-P05 (aantakking waterstofbackbone)", dep_nmiek="", dep_buiten="", vertrouwelijk=0,
        route="C", in_ip=0, ip_ref="", bevoegd_gezag="Gemeente Utrecht",
        geom=("pt", (132250, 458450)),
    ),
    dict(
        project_id="UT-P07", nr=7, naam="20 kV-tracé Nieuwegein – Utrecht Science Park",
        locatie="Tracé Nieuwegein – Lunetten – Rijnsweerd – Utrecht Science Park, gemeenten Nieuwegein, Utrecht",
        gemeenten="Nieuwegein; Utrecht; Bunnik", type_infra="ms_trace", energiedrager="elektriciteit",
        netbeheerder="Stedin", fase="planuitwerking", ibn_jaar=2029, investering_eur=15_000_000, dekking="gedekt",
        financieel="Kosten ca. € 15 mln, door Stedin",
        partijen="Stedin (trekker); Gemeente Utrecht; Gemeente Nieuwegein; Universiteit Utrecht en UMC Utrecht "
                 "(afnemers); Rijkswaterstaat (kruising A27)",
        station_id="osm-489", knooppunt="KP01", cap_afname=35, cap_terug=10, status="opgenomen",
        reden_status="Opgenomen: ontsluit capaciteit voor knooppunt Utrecht Science Park.",
        narratief="Utrecht Science Park groeit met laboratoria, studentenwoningen en het UMC en wil van het gas af. "
                  "Een nieuw 20 kV-tracé vanaf station Nieuwegein brengt capaciteit naar het park, vooruitlopend "
                  "op een eigen station.",
        reden_opname="Versnelling nodig; kruising A27 en Kromme Rijn vraagt vroege afstemming.",
        dep_pmiek="UT-P04 (uitbreiding station Nieuwegein), UT-P09 (warmtenet)", dep_nmiek="", dep_buiten="",
        vertrouwelijk=0, route="C", in_ip=1, ip_ref="Stedin IP2024-0455", bevoegd_gezag="Gemeente Utrecht",
        geom=("ln", [(136800, 451450), (138300, 452600), (139200, 454000), (140100, 455300)]),
    ),
    dict(
        project_id="UT-P08", nr=8, naam="Batterijpark Oudenrijn",
        locatie="Naast station Oudenrijn, gemeente Utrecht", gemeenten="Utrecht",
        type_infra="flex_opslag", energiedrager="elektriciteit", netbeheerder="Stedin", fase="planuitwerking",
        ibn_jaar=2026, investering_eur=22_000_000, dekking="gedekt",
        financieel="Investering ca. € 22 mln door marktpartij (vertrouwelijk)",
        partijen="Marktpartij (vertrouwelijk; investering en exploitatie); Stedin (aansluiting, "
                 "congestiemanagement-contract); Gemeente Utrecht (vergunning)",
        station_id="osm-392", knooppunt=None, cap_afname=20, cap_terug=20, status="kandidaat",
        reden_status="Kandidaat: contractvorm met netbeheerder in onderhandeling.",
        narratief="Een batterij van 40 MW / 80 MWh die netbewust laadt en ontlaadt en zo de piek op station "
                  "Oudenrijn verlaagt; maakt extra aansluitingen in Papendorp en Leidsche Rijn mogelijk.",
        reden_opname="Flexoptie die de wachtrij verkort in afwachting van netverzwaring.",
        dep_pmiek="", dep_nmiek="", dep_buiten="", vertrouwelijk=1, route="C", in_ip=0, ip_ref="",
        bevoegd_gezag="Gemeente Utrecht",
        geom=("pt", (132450, 452850)),
    ),
    dict(
        project_id="UT-P09", nr=9, naam="Warmtenet Utrecht Science Park / Rijnsweerd",
        locatie="Utrecht Science Park en Rijnsweerd, gemeenten Utrecht en De Bilt", gemeenten="Utrecht; De Bilt",
        type_infra="warmtenet", energiedrager="warmte", netbeheerder="Eneco", fase="verkenning", ibn_jaar=2030,
        investering_eur=45_000_000, dekking="deels",
        financieel="Kosten ca. € 45 mln; WIS-subsidie aangevraagd, rest via warmtebedrijf",
        partijen="Warmtebedrijf (fictief: Eneco, aanleg en exploitatie); Universiteit Utrecht, UMC Utrecht, "
                 "Hogeschool Utrecht (afnemers); Gemeente Utrecht (regie warmtetransitie); Provincie Utrecht",
        station_id="osm-489", knooppunt="KP01", cap_afname=None, cap_terug=None, status="kandidaat",
        reden_status="Kandidaat: businesscase en bronkeuze (aquathermie/WKO) nog open.",
        narratief="Een lage-temperatuurwarmtenet met WKO en aquathermie uit de Kromme Rijn voorkomt een veel "
                  "grotere elektriciteitsvraag van individuele warmtepompen op het park.",
        reden_opname="Integrale afweging: het warmtenet beperkt de benodigde netverzwaring.",
        dep_pmiek="UT-P07 (20 kV-tracé)", dep_nmiek="", dep_buiten="", vertrouwelijk=0, route="C", in_ip=0,
        ip_ref="", bevoegd_gezag="Gemeente Utrecht",
        geom=("pg", [(138500, 455100), (140400, 454800), (141300, 455700), (140900, 456700), (139200, 456900),
                     (138400, 456200)]),
    ),
    dict(
        project_id="UT-P10", nr=10, naam="Laadplein A12 Veenendaal-De Klomp",
        locatie="Verzorgingsplaats en bedrijventerrein De Compagnie aan de A12, gemeente Veenendaal",
        gemeenten="Veenendaal", type_infra="laadplein", energiedrager="elektriciteit", netbeheerder="Liander",
        fase="verkenning", ibn_jaar=2028, investering_eur=9_000_000, dekking="deels",
        financieel="Kosten ca. € 9 mln; aanvraag AFIR-subsidie, rest exploitant",
        partijen="Exploitant laadplein (investering); Liander (aansluiting); Gemeente Veenendaal; "
                 "Rijkswaterstaat (verzorgingsplaats); Regio Foodvalley",
        station_id="osm-856", knooppunt="KP03", cap_afname=None, cap_terug=None, status="kandidaat",
        reden_status="Kandidaat: netaansluiting pas na uitbreiding Wageningselaan.",
        narratief="Laadplein voor elektrische vrachtwagens en bestelbussen langs de A12, gecombineerd met "
                  "een batterij en zonnedaken op het bedrijventerrein (energiehub).",
        reden_opname="Prioritering netaansluiting; koppeling aan uitbreiding station.",
        dep_pmiek="UT-P03 (uitbreiding Wageningselaan)", dep_nmiek="", dep_buiten="", vertrouwelijk=0,
        route="C", in_ip=0, ip_ref="", bevoegd_gezag="Gemeente Veenendaal",
        geom=("pt", (165300, 449250)),
    ),
    dict(
        project_id="UT-P11", nr=11, naam="Nieuw 150 kV-station Vijfheerenlanden-Zuid",
        locatie="Omgeving Lexmond/Leerdam, gemeente Vijfheerenlanden", gemeenten="Vijfheerenlanden",
        type_infra="hs_station", energiedrager="elektriciteit", netbeheerder="TenneT", fase="verkenning",
        ibn_jaar=2034, investering_eur=55_000_000, dekking="geen",
        financieel="Kosten ca. € 55 mln, geen dekking",
        partijen="TenneT; Liander; Gemeente Vijfheerenlanden; Provincie Utrecht",
        station_id="osm-481", knooppunt=None, cap_afname=100, cap_terug=100, status="afgevallen",
        reden_status="Afgevallen: de onderliggende zon- en windplannen zijn te onzeker en de vraag kan tot 2035 "
                     "via station Culemborg en congestiemanagement worden opgevangen; heroverweging in pMIEK 3.0.",
        narratief="Bedoeld voor grootschalige zon en wind in Vijfheerenlanden en de groei van Leerdam.",
        reden_opname="Onderzocht in pMIEK 2.0; niet opgenomen.",
        dep_pmiek="", dep_nmiek="", dep_buiten="Station Culemborg (Gelderland)", vertrouwelijk=0, route="C",
        in_ip=0, ip_ref="", bevoegd_gezag="Gemeente Vijfheerenlanden",
        geom=("pt", (133800, 437400)),
    ),
    dict(
        project_id="UT-P12", nr=12, naam="Uitbreiding HS/MS-station Soest",
        locatie="Station Soest, Birkstraat, gemeente Soest", gemeenten="Soest; Baarn; Amersfoort",
        type_infra="hs_ms_station", energiedrager="elektriciteit", netbeheerder="Stedin", fase="realisatie",
        ibn_jaar=2026, investering_eur=12_000_000, dekking="gedekt",
        financieel="Investering ca. € 12 mln, gedekt in IP Stedin",
        partijen="Stedin (trekker); TenneT; Gemeente Soest (vergunning)",
        station_id="osm-356", knooppunt=None, cap_afname=30, cap_terug=25, status="opgenomen",
        reden_status="Opgenomen: overbrugging tot het nieuwe station Amersfoort-Vathorst.",
        narratief="Een extra transformator en MS-rek in Soest geven op korte termijn ruimte in Soest, Baarn en "
                  "Amersfoort-West tot het station Vathorst in bedrijf is.",
        reden_opname="Monitoring: in realisatie.",
        dep_pmiek="UT-P01 (nieuw station Amersfoort-Vathorst)", dep_nmiek="", dep_buiten="", vertrouwelijk=0,
        route="A", in_ip=1, ip_ref="Stedin IP2022-0217", bevoegd_gezag="Gemeente Soest",
        geom=("pt", (151890, 464400)),
    ),
    dict(
        project_id="UT-P13", nr=13, naam="150 kV-kabelverbinding Breukelen – Lage Weide",
        locatie="Tracé langs het Amsterdam-Rijnkanaal, gemeenten Stichtse Vecht en Utrecht",
        gemeenten="Stichtse Vecht; Utrecht", type_infra="hs_verbinding", energiedrager="elektriciteit",
        netbeheerder="TenneT", fase="verkenning", ibn_jaar=2033, investering_eur=75_000_000, dekking="deels",
        financieel="Kosten ca. € 75 mln; dekking in IP TenneT onder voorbehoud",
        partijen="TenneT (trekker); Stedin; Provincie Utrecht (inpassing, PIP); Gemeenten Stichtse Vecht en "
                 "Utrecht; Rijkswaterstaat (kanaal)",
        station_id="osm-487", knooppunt="KP04", cap_afname=150, cap_terug=150, status="kandidaat",
        reden_status="Kandidaat: tracékeuze en nut en noodzaak in onderzoek.",
        narratief="Een tweede 150 kV-voeding van Lage Weide maakt verdere groei van industrie, datacenters en de "
                  "elektrolyser mogelijk en vergroot de leveringszekerheid van Utrecht-West.",
        reden_opname="Bevestiging nut en noodzaak; mogelijk nMIEK-waardig.",
        dep_pmiek="UT-P02 (uitbreiding Lage Weide)", dep_nmiek="nMIEK: Netuitbreiding 380/150 kV Randstad-Noord",
        dep_buiten="Station Breukelen en 380 kV-station Diemen (Noord-Holland)", vertrouwelijk=0, route="B",
        in_ip=0, ip_ref="", bevoegd_gezag="Provincie Utrecht",
        geom=("ln", [(128035, 466775), (129600, 463300), (131400, 460300), (133275, 457441)]),
    ),
    dict(
        project_id="UT-P14", nr=14, naam="Flexgebied Food Valley Veenendaal",
        locatie="Bedrijventerreinen De Compagnie, Nijverkamp en Veenendaal-Oost, gemeente Veenendaal",
        gemeenten="Veenendaal", type_infra="congestiemanagement", energiedrager="elektriciteit",
        netbeheerder="Liander", fase="project", ibn_jaar=2026, investering_eur=1_500_000, dekking="gedekt",
        financieel="Ca. € 1,5 mln voor collectief energiecontract en meetinfrastructuur (Liander, gemeente)",
        partijen="Liander (congestiemanagement); Ondernemers (energiecollectief); Gemeente Veenendaal; "
                 "Regio Foodvalley",
        station_id="osm-856", knooppunt="KP03", cap_afname=12, cap_terug=15, status="opgenomen",
        reden_status="Opgenomen: snelle winst tot IBN uitbreiding Wageningselaan.",
        narratief="Ondernemers delen met een groepstransportovereenkomst hun netcapaciteit en sturen "
                  "batterijen en laadpunten op netcongestie; dat geeft ruimte voor nieuwe aansluitingen.",
        reden_opname="Versnelling: overbrugt de periode tot de netuitbreiding.",
        dep_pmiek="UT-P03 (uitbreiding Wageningselaan)", dep_nmiek="", dep_buiten="", vertrouwelijk=0,
        route="C", in_ip=0, ip_ref="", bevoegd_gezag="Gemeente Veenendaal",
        geom=("pg", [(164300, 447600), (166900, 447300), (168800, 448300), (168500, 450400), (165600, 450600),
                     (164200, 449500)]),
    ),
]

# Ratings A..G per project (primary assessor: werkorganisatie pMIEK).
RATINGS = {
    "UT-P01": "hoog goed veel hoog positief gemiddeld gemiddeld",
    "UT-P02": "hoog goed veel hoog positief weinig weinig",
    "UT-P03": "hoog goed gemiddeld hoog positief veel gemiddeld",
    "UT-P04": "gemiddeld goed veel gemiddeld gemiddeld weinig weinig",
    "UT-P05": "gemiddeld voldoende gemiddeld gemiddeld positief gemiddeld veel",
    "UT-P06": "laag voldoende gemiddeld laag positief weinig gemiddeld",
    "UT-P07": "hoog goed veel hoog gemiddeld gemiddeld gemiddeld",
    "UT-P08": "gemiddeld voldoende veel gemiddeld gemiddeld weinig gemiddeld",
    "UT-P09": "hoog goed gemiddeld gemiddeld positief gemiddeld veel",
    "UT-P10": "gemiddeld goed gemiddeld gemiddeld positief weinig gemiddeld",
    "UT-P11": "laag slecht weinig laag gemiddeld veel veel",
    "UT-P12": "gemiddeld goed veel hoog gemiddeld weinig weinig",
    "UT-P13": "hoog goed gemiddeld gemiddeld gemiddeld veel veel",
    "UT-P14": "gemiddeld goed veel hoog positief weinig weinig",
}
# Second assessor (netbeheerder) who rates C differently.
DISAGREEMENTS = {
    "UT-P03": ("Liander – Netstrategie", "veel",
               "Uitbreiding op de bestaande locatie is voor Liander de meest efficiënte oplossing; een tweede "
               "station in Food Valley is niet nodig."),
    "UT-P13": ("TenneT – Systeemstrategie", "weinig",
               "Een tweede 150 kV-voeding is vanuit het TenneT-net pas na 2035 nodig; eerst optimalisatie van "
               "bestaande verbindingen."),
}
CRIT_TEXT = {
    "A": {"hoog": "Maakt {n} ontwikkelingen mogelijk ({sectors}); grote maatschappelijke opgave.",
          "gemiddeld": "Bedient {n} ontwikkelingen ({sectors}); opgave van regionaal belang.",
          "laag": "Bedient {n} ontwikkelingen ({sectors}); onderliggende plannen nog onzeker."},
    "B": {"goed": "Past binnen de Energievisie Utrecht en de RES-afspraken van de regio.",
          "voldoende": "Past deels binnen de energievisie; rol van waterstof in de regio nog in uitwerking.",
          "slecht": "Sluit slecht aan bij de energievisie: zoekgebieden zon/wind zijn nog niet vastgesteld."},
    "C": {"veel": "Benut een bestaande stations- of tracélocatie; efficiënte inzet van netcapaciteit.",
          "gemiddeld": "Efficiënt, maar alternatieven (flex, combinatie met andere projecten) zijn nog niet "
                       "uitgewerkt.",
          "weinig": "Vanuit netoogpunt zijn goedkopere alternatieven beschikbaar."},
    "D": {"hoog": "Voedingsgebied staat rood op de capaciteitskaart; zonder project geen nieuwe aansluitingen.",
          "gemiddeld": "Krapte verwacht rond {year}; alternatieven zoals congestiemanagement zijn beperkt.",
          "laag": "Geen acute netschaarste; de vraag kan voorlopig op andere stations worden opgevangen."},
    "E": {"positief": "Positief voor werkgelegenheid, woningbouw en verduurzaming in {gemeenten}.",
          "gemiddeld": "Beperkte overige maatschappelijke effecten.",
          "negatief": "Negatieve effecten op landschap en omgeving verwacht."},
    "F": {"weinig": "Locatie is planologisch beschikbaar; weinig belemmeringen voor inpassing.",
          "gemiddeld": "Inpassing vraagt afstemming met bestemmingsplan en omgeving.",
          "veel": "Ruimte is schaars of tracé kruist natuur, water of infrastructuur; inpassing lastig."},
    "G": {"weinig": "Geen bijzondere belemmeringen in uitvoering (materiaal, personeel, vergunningen).",
          "gemiddeld": "Levertijden van transformatoren en schaarste aan technici zijn een risico.",
          "veel": "Financiering en afhankelijkheden van andere projecten maken uitvoering onzeker."},
}
MONITORING = {
    "UT-P01": ("2031 (haalbaar bij locatiebesluit in 2025)", "Locatiekeuze en draagvlak in Vathorst-Bovenduist",
               "Gezamenlijke omgevingsaanpak gemeente/TenneT/Stedin", "Gemeente Amersfoort / TenneT",
               "Bestuurlijke steun voor voorkeurslocatie"),
    "UT-P02": ("2028", "Levertijd transformatoren", "Vroegtijdig bestellen door TenneT", "Stedin / TenneT", "n.v.t."),
    "UT-P03": ("2030 (risico: 2031)", "Ruimte naast het station en grondverwerving",
               "Gemeente verkent grondruil", "Gemeente Veenendaal / Liander",
               "Verzoek aan provincie om te bemiddelen bij grondverwerving"),
    "UT-P04": ("2027", "n.v.t.", "n.v.t.", "Stedin", "n.v.t."),
    "UT-P05": ("2032 (onzeker)", "Afnamezekerheid en financiering", "Vraagbundeling afnemers Lage Weide",
               "Provincie Utrecht / Gasunie", "Inbreng in nMIEK-overleg waterstof"),
    "UT-P06": ("2027 (eerste station, met tubetrailers)", "Vergunning externe veiligheid",
               "Vooroverleg met omgevingsdienst", "Projectontwikkelaar / Gemeente Utrecht", "n.v.t."),
    "UT-P07": ("2029", "Kruising A27 en Kromme Rijn", "Vroege afstemming met Rijkswaterstaat en waterschap",
               "Stedin", "n.v.t."),
    "UT-P08": ("2026", "Contractvorm netbewust laden", "Pilotcontract congestiemanagement", "Stedin / marktpartij",
               "n.v.t."),
    "UT-P09": ("2030 (onzeker)", "Businesscase en bronkeuze", "Haalbaarheidsstudie aquathermie",
               "Gemeente Utrecht / warmtebedrijf", "Steun bij WIS-aanvraag"),
    "UT-P10": ("2028", "Afhankelijk van uitbreiding Wageningselaan", "Tijdelijke aansluiting met batterij",
               "Exploitant / Liander", "n.v.t."),
    "UT-P12": ("2026", "n.v.t.", "n.v.t.", "Stedin", "n.v.t."),
    "UT-P13": ("2033 (onzeker)", "Tracékeuze en nut en noodzaak", "Integrale verkenning met PIP-procedure",
               "TenneT / Provincie Utrecht", "Agenderen voor nMIEK-ronde 2026"),
    "UT-P14": ("2026", "Deelname ondernemers", "Informatieavonden en ondersteuning energiecollectief",
               "Gemeente Veenendaal / Liander", "n.v.t."),
}
ACTION_TEMPLATES = {
    "station": [
        ("Locatiekeuze en ruimtelijke procedure afronden", "Gemeente {gem}", "{nb}; Provincie Utrecht",
         "Vastgestelde locatie en omgevingsvergunning", "Q4 2025"),
        ("Project opnemen of bevestigen in het investeringsplan", "{nb}", "TenneT; Provincie Utrecht",
         "IP-referentie en vastgestelde IBN", "Q1 2026"),
    ],
    "trace": [
        ("Tracéstudie en kruisingsvergunningen voorbereiden", "{nb}", "Gemeente {gem}; Rijkswaterstaat; waterschap",
         "Voorkeurstracé en vergunningaanvragen", "Q2 2026"),
    ],
    "waterstof": [
        ("Vraagbundeling waterstofafnemers", "Provincie Utrecht", "Ondernemers Lage Weide; {nb}",
         "Intentieverklaringen afnemers", "Q1 2026"),
        ("Ruimtelijke reservering tracé/locatie", "Gemeente {gem}", "{nb}; Provincie Utrecht",
         "Reservering in omgevingsplan", "Q3 2026"),
    ],
    "flex": [
        ("Afspraken netbewust gebruik vastleggen", "{nb}", "Marktpartijen; Gemeente {gem}",
         "Getekend contract congestiemanagement", "Q4 2025"),
    ],
    "warmte": [
        ("Haalbaarheidsstudie bronnen en businesscase", "Gemeente {gem}", "Warmtebedrijf; afnemers; {nb}",
         "Besluit over bronkeuze en go/no-go", "Q2 2026"),
    ],
    "afgevallen": [
        ("Onzekerheden zon/wind in kaart brengen voor pMIEK 3.0", "Provincie Utrecht", "Gemeente {gem}; {nb}",
         "Onderbouwing voor heroverweging in de volgende ronde", "Q4 2026"),
    ],
}
TYPE_GROUP = {
    "hs_station": "station", "hs_ms_station": "station", "ms_station": "station", "hs_verbinding": "trace",
    "ms_trace": "trace", "waterstofleiding": "waterstof", "waterstofstation": "waterstof", "elektrolyser": "waterstof",
    "warmtenet": "warmte", "flex_opslag": "flex", "laadplein": "flex", "congestiemanagement": "flex",
}
STATUS_CODES = {0: "transparant", 1: "geel", 2: "oranje", 3: "rood"}


def _setup_path():
    if not os.path.exists(os.path.join(BUILD, "pmiek_werkbank")):
        os.makedirs(BUILD, exist_ok=True)
        os.symlink("..", os.path.join(BUILD, "pmiek_werkbank"))
    if BUILD not in sys.path:
        sys.path.insert(0, BUILD)


# ---- writing helpers ------------------------------------------------------------------------------
def _write_gpkg(gdf, path, layer, description):
    from pmiek_werkbank.vector_io import write_frame

    write_frame(gdf, path, layer=layer, driver="GPKG", layer_options={"DESCRIPTION": description})


def _write_csv(df, path):
    df.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def _write_xlsx(df, path, sheet, title):
    """XLSX with fixed document properties and zip timestamps (byte-reproducible)."""
    import datetime

    import openpyxl
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(df.columns))
    for row in df.astype(object).where(df.notna(), None).values.tolist():
        ws.append([_plain(v) for v in row])
    for i, col in enumerate(df.columns, start=1):
        width = max([len(str(col))] + [len(str(v)) for v in df[col].tolist() if v is not None])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
    ws.freeze_panes = "A2"
    fixed = datetime.datetime(2025, 7, 1)
    wb.properties.creator = "pMIEK Werkbank (scripts/build_sample.py)"
    wb.properties.title = title
    wb.properties.description = DISCLAIMER
    wb.properties.created = fixed
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps 'modified' and zip entry times with "now": make them fixed.
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>2025-07-01T00:00:00Z\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 7, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, data)


def _plain(v):
    item = getattr(v, "item", None)
    if item is not None and not isinstance(v, (str, bytes)):
        return item()
    return v


def _clean_name(name):
    """OSM names like "'150kV ''t Goeie Spoor'" -> "150kV 't Goeie Spoor"."""
    n = str(name).strip()
    if len(n) > 1 and n[0] == "'" and n[-1] == "'":
        n = n[1:-1].replace("''", "'")
    return n


# ---- 1. real open data ------------------------------------------------------------------------------
def open_data(data_dir):
    import geopandas as gpd
    from pmiek_werkbank.vector_io import read_frame

    prov = read_frame(os.path.join(data_dir, "cbs_provincies.gpkg"))
    prov = prov[prov["statcode"] == PROVCODE].reset_index(drop=True)
    gem = read_frame(os.path.join(data_dir, "cbs_gemeenten.gpkg"))
    gem = gem[gem["provcode"] == PROVCODE][
        ["gemeentecode", "gemeentenaam", "aantalInwoners", "aantalHuishoudens", "provcode", "geometry"]
    ].sort_values("gemeentecode").reset_index(drop=True)
    boundary = prov.geometry.iloc[0]
    sub = read_frame(os.path.join(data_dir, "osm_hv_substations.gpkg"))
    dist = sub.distance(boundary)
    sub = sub[dist <= STATION_BUFFER_M].copy()
    sub["afstand_provincie_m"] = dist[dist <= STATION_BUFFER_M].round(0)
    sub["binnen_provincie"] = sub["afstand_provincie_m"] == 0
    sub["name_osm"] = sub["name"]

    def fallback(r):
        if isinstance(r["name"], str) and r["name"].strip():
            return r["name"]
        ref = r["ref"] if isinstance(r["ref"], str) and r["ref"].strip() else None
        return "Station {}".format(ref or int(r["id"]))

    sub["name"] = sub.apply(fallback, axis=1)
    sub["station_id"] = "osm-" + sub["id"].astype(int).astype(str)
    sub = sub[["station_id", "id", "name", "name_osm", "voltage_kv_max", "operator", "ref", "binnen_provincie",
               "afstand_provincie_m", "geometry"]].sort_values("id").reset_index(drop=True)
    lines = read_frame(os.path.join(data_dir, "osm_hv_lines.gpkg"))
    lines = lines[lines.intersects(boundary)].sort_values("id").reset_index(drop=True)
    return (gpd.GeoDataFrame(prov, crs="EPSG:28992"), gpd.GeoDataFrame(gem, crs="EPSG:28992"),
            gpd.GeoDataFrame(sub, crs="EPSG:28992"), gpd.GeoDataFrame(lines, crs="EPSG:28992"))


# ---- 2. fictitious data ------------------------------------------------------------------------------
def station_limits(stations, rng):
    import pandas as pd

    rows = []
    for s in stations.itertuples():
        kv = s.voltage_kv_max
        if kv == kv and kv is not None and kv >= 110:
            base = rng.uniform(60, 200)
        elif kv == kv and kv is not None:
            base = rng.uniform(20, 60)
        else:
            base = rng.uniform(10, 40)
        ratio = rng.uniform(0.25, 0.9)  # teruglevering usually scarcer
        grows = rng.random() < 0.5
        for k, year in enumerate(YEARS):
            f = (1 + rng.uniform(0.15, 0.4)) ** k if grows else 1.0
            rows.append({
                "station_id": s.station_id, "jaar": year,
                "afname_mw": float(round(base * f)), "teruglevering_mw": float(round(base * ratio * f)),
                "bron": BRON, "peildatum": PEILDATUM,
            })
    return pd.DataFrame(rows)


def limits_wide(limits):
    wide = limits.pivot(index="station_id", columns="jaar", values=["afname_mw", "teruglevering_mw"])
    wide.columns = ["{}_{}".format(a.replace("_mw", ""), y) for a, y in wide.columns]
    wide = wide.reset_index()
    cols = ["station_id"] + ["afname_{}".format(y) for y in YEARS] + ["teruglevering_{}".format(y) for y in YEARS]
    wide = wide[cols]
    wide["bron"] = BRON
    wide["peildatum"] = PEILDATUM
    return wide


def _rnb(pt):
    """Fictitious service areas: Liander in the east (Food Valley) and the south (Vijfheerenlanden)."""
    return "Liander" if (pt.x > 160000 or pt.y < 442000) else "Stedin"


def capaciteitskaart(stations, boundary, rng):
    import geopandas as gpd
    import shapely

    pts = shapely.MultiPoint(list(stations.geometry))
    env = boundary.buffer(20000).envelope
    cells = shapely.get_parts(shapely.voronoi_polygons(pts, extend_to=env))
    rows = []
    for s in stations.itertuples():
        cell = next(c for c in cells if c.contains(s.geometry))
        area = cell.intersection(boundary)
        if area.is_empty or area.area < 1:
            continue
        rows.append((s, shapely.make_valid(area)))
    out = []
    for i, (s, area) in enumerate(rows, start=1):
        afname = int(rng.choice([1, 2, 3, 3, 3]))
        opwek = int(rng.choice([0, 1, 2, 3, 3]))
        out.append({
            "voedingsgebied_id": "VG-UT-{:02d}".format(i),
            "voedingsgebied_naam": "Voedingsgebied {}".format(_clean_name(s.name)),
            "RNB": _rnb(area.representative_point()),
            "afname": afname, "opwek": opwek,
            "wachtrij_afname": float(round(rng.uniform(5, 120))) if afname >= 2 else 0.0,
            "wachtrij_invoeding": float(round(rng.uniform(5, 90))) if opwek >= 2 else 0.0,
            "unieke_verzoeken_afname": int(rng.integers(3, 60)) if afname >= 2 else 0,
            "unieke_verzoeken_invoeding": int(rng.integers(2, 40)) if opwek >= 2 else 0,
            "verwacht_opgelost_afname": int(rng.integers(2026, 2033)) if afname >= 1 else None,
            "verwacht_opgelost_invoeding": int(rng.integers(2026, 2033)) if opwek >= 1 else None,
            "station_id": s.station_id, "peildatum": PEILDATUM, "bron": BRON,
            "geometry": shapely.MultiPolygon(
                [p for p in shapely.get_parts(area) if p.geom_type == "Polygon"]),
        })
    gdf = gpd.GeoDataFrame(out, crs="EPSG:28992")
    for c in ("verwacht_opgelost_afname", "verwacht_opgelost_invoeding"):
        gdf[c] = gdf[c].astype("Int64")
    return gdf


def _ellipse(centre, a, b, angle):
    from shapely import affinity
    from shapely.geometry import Point

    e = affinity.scale(Point(centre).buffer(1.0, quad_segs=16), a, b)
    return affinity.rotate(e, angle)


def knooppunten():
    import geopandas as gpd

    rows = []
    for kid, naam, kar, c, (a, b, ang), oms, datum in KNOOPPUNTEN:
        rows.append({"knooppunt_id": kid, "naam": naam, "karakter": kar,
                     "omschrijving": oms + " (fictief voorbeeld)", "sessiedatum": datum, "bron": BRON,
                     "geometry": _ellipse(c, a, b, ang)})
    return gpd.GeoDataFrame(rows, crs="EPSG:28992")


def ontwikkelingen(gem, boundary, stations, rng):
    """~300 fictitious developments, placed inside Utrecht municipalities."""
    import geopandas as gpd
    import shapely
    from shapely import affinity
    from shapely.geometry import Point, box

    from pmiek_werkbank.layers.kengetallen import DEFAULT_KENGETALLEN

    keng = {k: (d, p) for k, _s, _u, d, p, _desc in DEFAULT_KENGETALLEN}
    region = shapely.intersection(shapely.union_all(gem.geometry.values), boundary).buffer(-100)
    shapely.prepare(region)
    gem_geoms = list(gem.geometry)
    gem_names = list(gem.gemeentenaam)
    for g in gem_geoms:
        shapely.prepare(g)
    cities = [(x, y) for x, y, _s in PLACES.values()]
    in_prov = stations[stations.binnen_provincie]
    station_pts = [(p.x, p.y, 600) for p in in_prov.geometry]
    minx, miny, maxx, maxy = region.bounds

    def sample_near(sources, names):
        for _ in range(200):
            k = int(rng.integers(len(sources)))
            x, y, sig = sources[k]
            p = Point(x + rng.normal(0, sig), y + rng.normal(0, sig))
            if region.contains(p):
                return p, names[k] if names else None
        raise RuntimeError("geen plek gevonden")

    def sample_rural(min_km):
        for _ in range(2000):
            p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
            if region.contains(p) and min(((p.x - x) ** 2 + (p.y - y) ** 2) ** 0.5 for x, y in cities) > min_km * 1000:
                return p, None
        raise RuntimeError("geen landelijke plek gevonden")

    # Weighted place lists: housing mostly near Utrecht, Amersfoort, Veenendaal.
    stad = dict(PLACES)
    stad_w = {n: 1 for n in PLACES}
    for n, w in (("Leidsche Rijn", 6), ("Merwede", 4), ("Utrecht centrum", 3), ("Overvecht", 2),
                 ("Beurskwartier", 2), ("Amersfoort", 5), ("Vathorst", 4), ("Veenendaal", 4),
                 ("Veenendaal-Oost", 2), ("Science Park", 2), ("Nieuwegein", 2), ("Zeist", 2), ("Woerden", 2)):
        stad_w[n] = w
    stad_names = [n for n in stad for _ in range(stad_w[n])]
    stad_src = [stad[n] for n in stad_names]
    snel_names = list(MOTORWAY)
    snel_src = [MOTORWAY[n] for n in snel_names]
    ind_names = ["Lage Weide"] * 5 + ["Amersfoort De Hoef (A28)", "Veenendaal De Compagnie (A12)",
                                      "Nieuwegein Plettenburg (A2/A12)", "Woerden Barwoutswaarder (A12)",
                                      "Leerdam Nieuwe Sluis (A15)"]
    ind_src = [LAGE_WEIDE.get(n) or MOTORWAY.get(n) for n in ind_names]
    glas_names = ["Mijdrecht", "Woerden", "Leerdam"]
    glas_src = [(122000, 469500, 1500), (119500, 452000, 1200), (137000, 431500, 1200)]

    rows = []
    pid = 0
    for sector, n, place, gtype, eenheid, kid, qrange, drager, prefix in SECTOR_PLAN:
        for i in range(n):
            if place == "stad":
                p, label = sample_near(stad_src, stad_names)
            elif place == "snelweg":
                p, label = sample_near(snel_src, snel_names)
            elif place == "industrie":
                p, label = sample_near(ind_src, ind_names)
            elif place == "stad_snelweg":
                p, label = (sample_near(snel_src, snel_names) if rng.random() < 0.5
                            else sample_near(stad_src, stad_names))
            elif place == "datacenter":
                p, label = sample_near(
                    [LAGE_WEIDE["Lage Weide"], MOTORWAY["Nieuwegein Plettenburg (A2/A12)"],
                     MOTORWAY["Papendorp (A2/A12)"]], ["Lage Weide", "Nieuwegein Plettenburg", "Papendorp"])
            elif place == "glas":
                p, label = sample_near(glas_src, glas_names)
            elif place == "landelijk":
                p, label = sample_rural(2.0)
            elif place == "landelijk_wind":
                p, label = sample_rural(3.0)
            elif place == "station":
                p, label = sample_near(station_pts, None)
            elif place == "waterstof":
                p, label = sample_near([LAGE_WEIDE["Lage Weide"], MOTORWAY["Amersfoort De Hoef (A28)"],
                                        MOTORWAY["Veenendaal De Compagnie (A12)"]],
                                       ["Lage Weide", "Amersfoort De Hoef", "Veenendaal De Compagnie"])
            gi = next(k for k, g in enumerate(gem_geoms) if g.contains(p))
            gemeente = gem_names[gi]
            # unit and quantity
            e, k_id, q = eenheid, kid, None
            if sector == "mobiliteit":
                if rng.random() < 0.5:
                    e, k_id, q = "laadpunt", "mobiliteit_laadpunt", float(rng.integers(40, 600))
                else:
                    e, k_id, q = "snellader", "mobiliteit_snellader", float(rng.integers(4, 30))
            elif sector == "zon":
                if rng.random() < 0.5:
                    e, k_id, q = "ha", "zon_ha", float(rng.integers(4, 60))
                else:
                    e, k_id, q = "MWp", "zon_mwp", float(rng.integers(3, 50))
            elif sector == "wind":
                if rng.random() < 0.7:
                    e, k_id, q = "turbine", "wind_turbine", float(rng.integers(1, 7))
                else:
                    e, k_id, q = "MW", "wind_mw", float(rng.integers(5, 30))
            elif qrange is not None:
                lo, hi = qrange
                q = float(round(lo * (hi / lo) ** rng.random()))  # log-uniform
            qty_only = sector != "overig" and rng.random() < 0.35
            vraag = aanbod = None
            if k_id:
                d, s = keng[k_id]
                noise = rng.uniform(0.8, 1.3)
                vraag = round(q * d * noise, 2) if d else None
                aanbod = round(q * s * noise, 2) if s else None
            if sector == "opslag_flex":
                vraag = aanbod = q  # a battery both takes and delivers its power
            if sector == "overig":
                e, q = None, None
                vraag = round(rng.uniform(0.5, 6), 2)
            if qty_only:
                vraag = aanbod = None
            # phase and year
            fase = PHASES[int(rng.choice(4, p=[0.15, 0.4, 0.25, 0.2]))]
            jaar = {"idee": (2030, 2036), "planvorming": (2027, 2034), "besluitvorming": (2026, 2031),
                    "realisatie": (2025, 2028)}[fase]
            jaar = int(rng.integers(jaar[0], jaar[1]))
            woningen = int(q) if sector == "wonen" else None
            jobs_per = {"bedrijventerrein": 45, "industrie": 30, "datacenter": 8, "glastuinbouw": 6}
            banen = int(q * jobs_per[sector]) if sector in jobs_per else (
                int(q * 20) if sector == "utiliteit" else None)
            # name
            pid += 1
            plan_id = "ONT-{:04d}".format(pid)
            if sector == "utiliteit":
                naam = "{} {} {}".format(UTILITEIT_NAMEN[i % len(UTILITEIT_NAMEN)], gemeente, i + 1)
            elif sector == "overig":
                naam = "{} {} {}".format(OVERIG_NAMEN[i % len(OVERIG_NAMEN)], gemeente, i + 1)
            elif label:
                naam = "{} {} {}".format(prefix, re.sub(r" \(.*\)$", "", label), i + 1)
            else:
                naam = "{} {} {}".format(prefix, gemeente, i + 1)
            # geometry
            geom = p
            if gtype == "vlak":
                if sector == "wonen":
                    ha = q / 50.0
                elif sector == "warmte":
                    ha = q / 40.0
                elif e == "MWp":
                    ha = q * 1.0
                else:
                    ha = q
                side = (ha * 10000) ** 0.5
                aspect = rng.uniform(0.6, 1.6)
                rect = box(-side * aspect / 2, -side / aspect / 2, side * aspect / 2, side / aspect / 2)
                rect = affinity.rotate(rect, float(rng.uniform(0, 90)), origin=(0, 0))
                rect = affinity.translate(rect, p.x, p.y)
                clipped = shapely.intersection(rect, shapely.intersection(region, gem_geoms[gi]))
                parts = [g for g in shapely.get_parts(clipped) if g.geom_type == "Polygon" and g.area > 0]
                geom = max(parts, key=lambda g: g.area) if parts else p.buffer(50)
                geom = shapely.set_precision(geom, 0.01)
                if not geom.is_valid or geom.geom_type != "Polygon":
                    geom = p.buffer(50)
            rows.append({
                "plan_id": plan_id, "naam": naam, "sector": sector, "gemeente": gemeente,
                "jaar_gereed": jaar, "fase": fase, "vraag_mw": vraag, "aanbod_mw": aanbod,
                "energiedrager": drager, "aantal": q, "eenheid": e, "woningen": woningen,
                "arbeidsplaatsen": banen, "bron": BRON, "_gtype": gtype, "_kid": k_id, "geometry": geom,
            })
    gdf = gpd.GeoDataFrame(rows, crs="EPSG:28992")
    for c in ("woningen", "arbeidsplaatsen"):
        gdf[c] = gdf[c].astype("Int64")
    return gdf


def _project_geom(spec):
    from shapely.geometry import LineString, Point, Polygon

    kind, coords = spec
    return {"pt": Point, "ln": LineString, "pg": Polygon}[kind](coords)


def projecten(devs, knoop, cap):
    """Projects (frame with geometry), links and the 'Sectoren en ontwikkelingen' text."""
    import geopandas as gpd
    import pandas as pd

    from pmiek_werkbank.werkbank.enums import SECTORS

    projects = gpd.GeoDataFrame(
        [dict(p, geometry=_project_geom(p["geom"])) for p in PROJECTS], crs="EPSG:28992"
    ).drop(columns=["geom"])
    kp_geom = dict(zip(knoop.knooppunt_id, knoop.geometry))
    cell_of = dict(zip(cap.station_id, cap.geometry))
    elec = {"station", "trace", "flex"}
    links = []
    for p in projects.itertuples():
        grp = TYPE_GROUP[p.type_infra]
        if grp in elec:
            sectors = set(SECTORS) - {"opslag_flex"} if p.type_infra != "laadplein" else {"mobiliteit",
                                                                                          "bedrijventerrein"}
        elif grp == "waterstof":
            sectors = {"waterstof", "industrie", "mobiliteit", "bedrijventerrein"}
        else:
            sectors = {"warmte", "wonen", "utiliteit"}
        cand = devs[devs.sector.isin(sectors)].copy()
        cand["dist"] = cand.distance(p.geometry)
        reasons = pd.Series("", index=cand.index)
        if p.knooppunt and isinstance(p.knooppunt, str):
            m = cand.intersects(kp_geom[p.knooppunt])
            reasons[m] = "Ligt in knooppunt {}".format(knoop.set_index("knooppunt_id").naam[p.knooppunt])
        if grp in elec and isinstance(p.station_id, str) and p.station_id in cell_of:
            m = (reasons == "") & cand.intersects(cell_of[p.station_id])
            reasons[m] = "Ligt in voedingsgebied van het station"
        if p.geometry.geom_type != "Point":
            m = (reasons == "") & (cand["dist"] <= 1000)
            reasons[m] = "Binnen 1 km van het tracé/gebied"
        if grp == "waterstof" or p.type_infra in ("laadplein", "flex_opslag"):
            m = (reasons == "") & (cand["dist"] <= 3000)
            reasons[m] = "Binnen 3 km van de projectlocatie"
        chosen = cand[reasons != ""].assign(motivatie=reasons[reasons != ""])
        chosen = chosen.sort_values(["dist", "plan_id"]).head(20)
        if len(chosen) < 2:
            extra = cand[~cand.index.isin(chosen.index)].sort_values(["dist", "plan_id"]).head(2 - len(chosen))
            chosen = pd.concat([chosen, extra.assign(motivatie="Dichtstbijzijnde ontwikkeling van de sector")])
        for d in chosen.itertuples():
            links.append({"project_id": p.project_id, "plan_id": d.plan_id, "motivatie": d.motivatie})
    links = pd.DataFrame(links).sort_values(["project_id", "plan_id"]).reset_index(drop=True)
    nlinks = links.groupby("plan_id")["project_id"].transform("count")
    links["aandeel_pct"] = (100.0 / nlinks).round(1)
    links["bron"] = BRON
    links = links[["project_id", "plan_id", "aandeel_pct", "motivatie", "bron"]]
    return projects, links


def projectenlijst(projects, links, devs):
    import pandas as pd

    from pmiek_werkbank.werkbank.enums import FINANCIAL_COVER, SECTORS, TYPE_INFRA, label

    dev_by_id = devs.set_index("plan_id")
    rows = []
    for p in projects.itertuples():
        ids = links[links.project_id == p.project_id].plan_id.tolist()
        ds = dev_by_id.loc[ids]
        per_sector = ds.groupby("sector").size().sort_values(ascending=False)
        bullets = ["• {} ({}x)".format(label(SECTORS, s), n) for s, n in per_sector.items()]
        first = ds.sort_values("plan_id").groupby("sector").naam.first()
        top = [first[s] for s in per_sector.index[:3]]
        sectoren = "\n".join(bullets + ["• o.a. " + "; ".join(top)])
        rp = p.geometry.representative_point() if p.geometry.geom_type != "Point" else p.geometry
        inv = p.investering_eur
        rows.append({
            "Nr": p.nr, "Naam project": p.naam, "Locatie": p.locatie,
            "Type infra": label(TYPE_INFRA, p.type_infra), "Sectoren en ontwikkelingen": sectoren,
            "Financiële informatie": "{} ({})".format(p.financieel, label(FINANCIAL_COVER, p.dekking).lower()),
            "Planning": "IBN {} (fase: {})".format(p.ibn_jaar, p.fase),
            "Betrokken partijen": p.partijen.replace("; ", "\n"),
            "project_id": p.project_id, "type_infra": p.type_infra, "energiedrager": p.energiedrager,
            "netbeheerder": p.netbeheerder, "fase": p.fase, "ibn_jaar": p.ibn_jaar,
            "investering_eur": None if inv != inv or inv is None else float(inv), "dekking": p.dekking,
            "gemeenten": p.gemeenten, "station_id": p.station_id, "knooppunt": p.knooppunt,
            "capaciteit_afname_mw": p.cap_afname, "capaciteit_teruglevering_mw": p.cap_terug,
            "status": p.status, "reden_status": p.reden_status, "narratief": p.narratief,
            "reden_opname": p.reden_opname, "afhankelijkheden_pmiek": p.dep_pmiek or None,
            "afhankelijkheden_nmiek": p.dep_nmiek or None, "afhankelijkheden_buiten": p.dep_buiten or None,
            "vertrouwelijk": int(p.vertrouwelijk), "route": p.route, "in_ip": int(p.in_ip),
            "ip_referentie": p.ip_ref or None, "bevoegd_gezag": p.bevoegd_gezag,
            "x": round(rp.x, 1), "y": round(rp.y, 1), "bron": BRON,
        })
    df = pd.DataFrame(rows)
    for c in ("capaciteit_afname_mw", "capaciteit_teruglevering_mw", "investering_eur"):
        df[c] = df[c].astype(float)
    return df


def scores(plist, links, devs, cap):
    import pandas as pd

    from pmiek_werkbank.scoring.defaults import DEFAULT_CRITERIA
    from pmiek_werkbank.werkbank.enums import SECTORS, label

    crit = {c["criterion_id"]: c for c in DEFAULT_CRITERIA}
    year_of = dict(zip(cap.station_id, cap.verwacht_opgelost_afname))
    dev_sector = dict(zip(devs.plan_id, devs.sector))
    rows = []
    for p in plist.itertuples():
        ratings = RATINGS[p.project_id].split()
        ids = links[links.project_id == p.project_id].plan_id.tolist()
        secs = sorted({label(SECTORS, dev_sector[i]).lower() for i in ids})
        yr = year_of.get(p.station_id)
        for cid, r in zip("ABCDEFG", ratings):
            scale = crit[cid]["scale"].split("|")
            assert r in scale, (p.project_id, cid, r)
            text = CRIT_TEXT[cid][r].format(n=len(ids), sectors=", ".join(secs[:4]),
                                            year=int(yr) if yr == yr and yr is not None else p.ibn_jaar,
                                            gemeenten=p.gemeenten.replace("; ", ", "))
            rows.append({"project_id": p.project_id, "criterium": cid, "waardering": r, "motivatie": text,
                         "beoordelaar": "Werkorganisatie pMIEK Utrecht", "rol": "provincie",
                         "datum": "2025-05-20", "bron": BRON})
        if p.project_id in DISAGREEMENTS:
            who, r, text = DISAGREEMENTS[p.project_id]
            assert r != ratings[2]
            rows.append({"project_id": p.project_id, "criterium": "C", "waardering": r, "motivatie": text,
                         "beoordelaar": who, "rol": "netbeheerder", "datum": "2025-06-03", "bron": BRON})
    return pd.DataFrame(rows)


def acties_monitoring(plist):
    import pandas as pd

    acts, mons = [], []
    for p in plist.itertuples():
        gem = p.gemeenten.split(";")[0].strip()
        grp = "afgevallen" if p.status == "afgevallen" else TYPE_GROUP[p.type_infra]
        for act, trek, betr, res, plan in ACTION_TEMPLATES[grp]:
            acts.append({"project_id": p.project_id, "activiteit": act, "trekker": trek.format(gem=gem,
                         nb=p.netbeheerder), "betrokken": betr.format(gem=gem, nb=p.netbeheerder),
                         "resultaat": res, "planning": plan, "bron": BRON})
        if p.project_id in MONITORING:
            ibn, aand, versn, trek, vraag = MONITORING[p.project_id]
            mons.append({"project_id": p.project_id, "haalbaarheid_ibn": ibn, "aandachtspunten": aand,
                         "versnellingsactie": versn, "trekker": trek, "vraag_energyboard": vraag, "bron": BRON})
    return pd.DataFrame(acts), pd.DataFrame(mons)


# ---- 3. the werkbank ------------------------------------------------------------------------------------
def _nn(v):
    if v is None:
        return None
    try:
        if v != v:
            return None
    except Exception:  # noqa: BLE001
        pass
    return v


def fill_werkbank(out_dir, path):
    """Create voorbeeld_werkbank.gpkg and fill it from the files in ``out_dir`` (simple field mapping)."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    from pmiek_werkbank.vector_io import read_frame

    from pmiek_werkbank.werkbank import create_werkbank
    from pmiek_werkbank.werkbank.enums import TYPE_INFRA

    if os.path.exists(path):
        os.remove(path)
    wb = create_werkbank(path, PROGRAMME_NAME, PROVINCE, province_code=PROVCODE, round="pMIEK 2.0",
                         version="voorbeeld", peildatum=PEILDATUM, disclaimer=DISCLAIMER, user=BUILDER)
    f = lambda name: os.path.join(out_dir, name)  # noqa: E731
    try:
        # capaciteitskaart -> capacity_areas
        cap = read_frame(f("capaciteitskaart.gpkg"))
        # stations -> stations (netbeheerder TenneT for >= 110 kV, else the RNB of its area)
        st = read_frame(f("stations.gpkg"))
        rnb = gpd.sjoin(st[["station_id", "geometry"]], cap[["RNB", "geometry"]], how="left",
                        predicate="within").drop_duplicates("station_id").set_index("station_id")["RNB"]
        own = cap.set_index("station_id")["RNB"]
        kv = st["voltage_kv_max"]
        level = np.select([kv >= 220, kv >= 110, kv >= 25, kv > 0], ["EHS", "HS", "TS", "MS"], default=None)
        stations = gpd.GeoDataFrame({
            "station_id": st["station_id"], "name": st["name"].map(_clean_name),
            "netbeheerder": [("TenneT" if k >= 110 else (own.get(s) if s in own.index else rnb.get(s))) or "Stedin"
                             for s, k in zip(st["station_id"], kv.fillna(0))],
            "voltage_kv": kv, "voltage_level": level, "source": OSM_SOURCE, "source_id": st["id"].astype(str),
            "peildatum": None,
            "note": np.where(st["binnen_provincie"], "OSM-momentopname ca. 2016/2017",
                             "OSM-momentopname ca. 2016/2017; buiten de provincie (binnen 3 km)"),
        }, geometry=st.geometry, crs="EPSG:28992")
        wb.write_frame("stations", stations, user=BUILDER)
        lim = pd.read_csv(f("station_limits.csv"))
        wb.write_frame("station_capacity", pd.DataFrame({
            "station_id": lim["station_id"], "year": lim["jaar"], "afname_mw": lim["afname_mw"],
            "teruglevering_mw": lim["teruglevering_mw"], "source": lim["bron"], "peildatum": lim["peildatum"],
        }), mode="insert", user=BUILDER)
        wb.write_frame("capacity_areas", gpd.GeoDataFrame({
            "area_id": cap["voedingsgebied_id"], "name": cap["voedingsgebied_naam"], "station_id": cap["station_id"],
            "netbeheerder": cap["RNB"], "afname_colour": cap["afname"].map(STATUS_CODES),
            "invoeding_colour": cap["opwek"].map(STATUS_CODES), "afname_queue_mw": cap["wachtrij_afname"],
            "invoeding_queue_mw": cap["wachtrij_invoeding"],
            "afname_alleviation_year": cap["verwacht_opgelost_afname"],
            "invoeding_alleviation_year": cap["verwacht_opgelost_invoeding"], "peildatum": cap["peildatum"],
            "source": cap["bron"], "source_id": cap["voedingsgebied_id"],
        }, geometry=cap.geometry, crs="EPSG:28992"), user=BUILDER)
        # ontwikkelingen -> developments (MW from kengetallen where only a quantity is given)
        keng = wb.read_frame("kengetallen")
        by_unit = {(r.sector, r.unit): r for r in keng.itertuples()}
        dev = pd.concat([read_frame(f("ontwikkelingen.gpkg"), layer=lyr)
                         for lyr in ("ontwikkelingen_vlakken", "ontwikkelingen_punten")], ignore_index=True)
        dev = dev.sort_values("plan_id").reset_index(drop=True)
        need = dev["vraag_mw"].isna() & dev["aanbod_mw"].isna() & dev["aantal"].notna()
        kid, dem, sup = [], [], []
        for r, n in zip(dev.itertuples(), need):
            k = by_unit.get((r.sector, r.eenheid)) if n else None
            kid.append(k.kengetal_id if k is not None else None)
            dem.append(round(r.aantal * k.demand_mw_per_unit, 4) if k is not None else _nn(r.vraag_mw))
            sup.append(round(r.aantal * k.supply_mw_per_unit, 4) if k is not None else _nn(r.aanbod_mw))
        wb.write_frame("developments", gpd.GeoDataFrame({
            "dev_id": dev["plan_id"], "source_id": dev["plan_id"], "source": dev["bron"], "name": dev["naam"],
            "sector": dev["sector"], "municipality": dev["gemeente"], "year_ready": dev["jaar_gereed"],
            "phase": dev["fase"], "demand_mw": dem, "supply_mw": sup, "energy_carrier": dev["energiedrager"],
            "units": dev["aantal"], "unit": dev["eenheid"], "kengetal_id": kid, "dwellings": dev["woningen"],
            "jobs": dev["arbeidsplaatsen"],
        }, geometry=dev.geometry, crs="EPSG:28992"), user=BUILDER)
        # knooppunten
        kp = read_frame(f("knooppunten.gpkg"))
        wb.write_frame("knooppunten", gpd.GeoDataFrame({
            "knooppunt_id": kp["knooppunt_id"], "name": kp["naam"], "karakter": kp["karakter"],
            "description": kp["omschrijving"], "session_date": kp["sessiedatum"],
        }, geometry=kp.geometry.map(_multi), crs="EPSG:28992"), user=BUILDER)
        # projecten: attributes from the list, geometry from projecten.gpkg
        pl = pd.read_excel(f("projectenlijst.xlsx"), sheet_name="Projectenlijst")
        pg = pd.concat([read_frame(f("projecten.gpkg"), layer="projecten_" + k)[["project_id", "geometry"]]
                        for k in ("punten", "lijnen", "vlakken")], ignore_index=True)
        geom = dict(zip(pg["project_id"], pg.geometry))
        pr = pd.DataFrame({
            "project_id": pl["project_id"], "code": pl["Nr"].astype(str), "name": pl["Naam project"],
            "location_description": pl["Locatie"], "municipalities": pl["gemeenten"], "type_infra": pl["type_infra"],
            "energy_carrier": pl["energiedrager"], "netbeheerder": pl["netbeheerder"], "phase": pl["fase"],
            "ibn_year": pl["ibn_jaar"], "planning": pl["Planning"], "investment_eur": pl["investering_eur"],
            "financial_cover": pl["dekking"], "financial_note": pl["Financiële informatie"],
            "parties": pl["Betrokken partijen"], "narrative": pl["narratief"], "reason_inclusion": pl["reden_opname"],
            "dependencies_pmiek": pl["afhankelijkheden_pmiek"], "dependencies_nmiek": pl["afhankelijkheden_nmiek"],
            "dependencies_outside": pl["afhankelijkheden_buiten"], "station_id": pl["station_id"],
            "knooppunt_id": pl["knooppunt"], "capacity_afname_mw": pl["capaciteit_afname_mw"],
            "capacity_teruglevering_mw": pl["capaciteit_teruglevering_mw"], "status": pl["status"],
            "status_reason": pl["reden_status"], "route": pl["route"], "in_ip": pl["in_ip"],
            "ip_reference": pl["ip_referentie"], "bevoegd_gezag": pl["bevoegd_gezag"],
            "confidential": pl["vertrouwelijk"], "source": pl["bron"],
        })
        assert all(TYPE_INFRA[t][1] for t in pr["type_infra"])
        # fase van de onderliggende ontwikkelingen, from the links: "planvorming 8, realisatie 3, ..."
        kop = pd.read_csv(f("koppelingen.csv"))
        fases = kop.merge(dev[["plan_id", "fase"]], on="plan_id").groupby(["project_id", "fase"]).size()
        pr["phase_developments"] = [
            ", ".join("{} {}".format(fz, n) for fz, n in fases[pid].sort_values(ascending=False).items())
            if pid in fases.index.get_level_values(0) else None for pid in pr["project_id"]]
        wb.write_frame("projects", gpd.GeoDataFrame(pr, geometry=[geom[i] for i in pr["project_id"]],
                                                    crs="EPSG:28992"), user=BUILDER)
        deps = []
        for r in pl.itertuples():
            for other in sorted(set(re.findall(r"UT-P\d\d", str(_nn(r.afhankelijkheden_pmiek) or "")))):
                deps.append({"dependency_id": "{}-dep-{}".format(r.project_id, other), "project_id": r.project_id,
                             "kind": "pmiek", "depends_on_project_id": other, "description": r.afhankelijkheden_pmiek})
            for kind, text in (("nmiek", r.afhankelijkheden_nmiek), ("buiten_provincie", r.afhankelijkheden_buiten)):
                if _nn(text):
                    deps.append({"dependency_id": "{}-dep-{}".format(r.project_id, kind), "project_id": r.project_id,
                                 "kind": kind, "depends_on_project_id": None, "description": text})
        wb.write_frame("project_dependencies", deps, user=BUILDER)
        wb.write_frame("project_links", pd.DataFrame({
            "link_id": kop["project_id"] + "--" + kop["plan_id"], "project_id": kop["project_id"],
            "dev_id": kop["plan_id"], "share_pct": kop["aandeel_pct"], "motivation": kop["motivatie"],
        }), user=BUILDER)
        sc = pd.read_csv(f("scores.csv"))
        wb.write_frame("scores", pd.DataFrame({
            "score_id": sc["project_id"] + "-" + sc["criterium"] + "-" + (sc.groupby(["project_id", "criterium"])
                                                                           .cumcount() + 1).astype(str),
            "project_id": sc["project_id"], "criterion_id": sc["criterium"], "rating": sc["waardering"],
            "rationale": sc["motivatie"], "assessor": sc["beoordelaar"], "assessor_role": sc["rol"],
            "score_date": sc["datum"], "agreed": 0,
        }), user=BUILDER)
        ac = pd.read_csv(f("acties.csv"))
        wb.write_frame("actions", pd.DataFrame({
            "action_id": ac["project_id"] + "-A" + (ac.groupby("project_id").cumcount() + 1).astype(str),
            "project_id": ac["project_id"], "activity": ac["activiteit"], "trekker": ac["trekker"],
            "involved": ac["betrokken"], "result": ac["resultaat"], "planning": ac["planning"], "status": "open",
        }), user=BUILDER)
        mo = pd.read_csv(f("monitoring.csv"))
        wb.write_frame("monitoring", pd.DataFrame({
            "monitoring_id": mo["project_id"] + "-M1", "project_id": mo["project_id"], "peildatum": PEILDATUM,
            "ibn_feasibility": mo["haalbaarheid_ibn"], "attention_points": mo["aandachtspunten"],
            "acceleration_action": mo["versnellingsactie"], "trekker": mo["trekker"],
            "question_energyboard": mo["vraag_energyboard"],
        }), user=BUILDER)
        _freeze(wb)
    finally:
        wb.close()
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    conn.close()


def _multi(g):
    from shapely.geometry import MultiPolygon

    return g if g.geom_type == "MultiPolygon" else MultiPolygon([g])


def _freeze(wb):
    """Fixed ids and timestamps so that two builds give identical tables."""
    from pmiek_werkbank.werkbank.schema import ROW_VERSION_TRIGGER, TABLES, row_version_trigger_sql

    with wb.transaction() as tx:
        api = wb._audit_by_api(tx)  # fixing stamps is not an edit: the audit triggers stand aside too
        # Fixing stamps is not an edit: the row_version triggers are off meanwhile (rows stay at version 1).
        triggers = [r["name"] for r in tx.query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
                                                 (ROW_VERSION_TRIGGER.format(table="") + "%",))]
        for name in triggers:
            tx.execute('DROP TRIGGER "{}"'.format(name))
        tx.execute("UPDATE programme SET programme_id = ?, created = ?", ("pmiek-utrecht-voorbeeld", FIXED_TS))
        for name, t in TABLES.items():
            if "modified" in t.column_names:
                tx.execute('UPDATE "{}" SET modified = ?, modified_by = ?'.format(name), (FIXED_TS, BUILDER))
        for name in triggers:
            for stmt in row_version_trigger_sql("gpkg", name[len(ROW_VERSION_TRIGGER.format(table="")):]):
                tx.execute(stmt)
        tx.execute("UPDATE schema_version SET applied = ?", (FIXED_TS,))
        if "audit_log" in wb.tables():  # the build itself is the only 'change': one fixed author and time
            tx.execute("UPDATE audit_log SET changed_at = ?, changed_by = ?", (FIXED_TS, BUILDER))
        tx.execute("UPDATE gpkg_contents SET last_change = ?", ("2025-07-01T00:00:00.000Z",))
        if "audit_log" in wb.tables():  # the programme's creation (audited by the database) with the fixed id/time
            tx.execute("UPDATE audit_log SET row_key = ?, new_values = json_set(new_values, '$.programme_id', ?,"
                       " '$.created', ?, '$.modified', ?) WHERE table_name = 'programme' AND action = 'insert'",
                       ("pmiek-utrecht-voorbeeld", "pmiek-utrecht-voorbeeld", FIXED_TS, FIXED_TS))
        wb._audit_by_db(tx, api)


# ---- documentation ------------------------------------------------------------------------------------
def _readme(counts):
    c = counts
    return """# Voorbeeldprogramma pMIEK 2.0 Utrecht – fictief voorbeeld

Gebouwd door `scripts/build_sample.py` (`make sample`); vaste random seed ({seed}) en vaste
tijdstempels, dus reproduceerbaar. Alle bestanden in EPSG:28992 (RD New). Peildatum {peil}.

> **Fictief voorbeeld.** Stationscapaciteiten, capaciteitskaart, ontwikkelingen, knooppunten,
> projecten, koppelingen, scores, acties en monitoring zijn verzonnen. Ze geven geen werkelijke
> situatie, plannen of standpunten van provincie, gemeenten of netbeheerders weer. Elke rij van deze
> bestanden heeft het veld `bron` = "{bron}".
> Alleen de grenzen (CBS/Kadaster) en de hoogspanningsstations en -lijnen (OpenStreetMap) zijn echte
> open data; zie `ATTRIBUTION.txt`.

## Echte open data (gekopieerd voor de provincie Utrecht, PV26)
| bestand | rijen | inhoud |
|---|---|---|
| `gemeenten.gpkg` | {gem} | CBS-gemeenten 2023 van Utrecht: gemeentecode, gemeentenaam, aantalInwoners, aantalHuishoudens, provcode. Geometrie ongewijzigd (niet gerepareerd, ook niet als ze ongeldig is); ongeldig in Utrecht: {gem_invalid} (de 5 ongeldige van de bron liggen in andere provincies). |
| `provincie.gpkg` | 1 | Provinciegrens Utrecht (CBS Gebiedsindelingen 2024, sterk gegeneraliseerd). |
| `stations.gpkg` | {st} | OSM-hoogspanningsstations in de provincie ({st_in}) en tot 3 km erbuiten ({st_out}); velden id, name, voltage_kv_max, operator, ref (+ station_id `osm-<id>`, name_osm, binnen_provincie, afstand_provincie_m). Stations zonder naam heten "Station <ref of id>". |
| `hoogspanningslijnen.gpkg` | {lines} | OSM-hoogspanningsverbindingen die de provincie raken (rechte segmenten tussen knopen). |

## Fictief voorbeeld
| bestand | rijen | inhoud |
|---|---|---|
| `station_limits.csv` | {lim} | Lang formaat: station_id, jaar (2025/2030/2035), afname_mw, teruglevering_mw, bron, peildatum. |
| `station_limits_breed.xlsx` | {st} | Dezelfde getallen breed: afname_2025 … teruglevering_2035. |
| `capaciteitskaart.gpkg` | {cap} | Voronoi-gebieden van de stations binnen de provincie, velden als de capaciteitskaart-feed van Netbeheer Nederland (voedingsgebied_id, RNB, afname/opwek 0=transparant 1=geel 2=oranje 3=rood, wachtrij_*, unieke_verzoeken_*, verwacht_opgelost_*, station_id, peildatum). |
| `ontwikkelingen.gpkg` | {dev} | Lagen `ontwikkelingen_vlakken` ({dev_v}) en `ontwikkelingen_punten` ({dev_p}); {dev_q} zonder MW maar met een hoeveelheid (aantal + eenheid) waarop de kengetallen van toepassing zijn. |
| `knooppunten.gpkg` | {kp} | Knooppunten uit (fictieve) ontwerpsessies. |
| `projecten.gpkg` | {pr} | Lagen `projecten_punten` ({pr_pt}), `projecten_lijnen` ({pr_ln}), `projecten_vlakken` ({pr_pg}). |
| `projectenlijst.xlsx` | {pr} | Blad "Projectenlijst" met de kolommen van de Handreiking (Nr … Betrokken partijen) plus machineleesbare kolommen. Eén project vertrouwelijk, één afgevallen (met reden). |
| `koppelingen.csv` | {links} | Project ↔ ontwikkeling (aandeel_pct, motivatie). |
| `scores.csv` | {sc} | Beoordeling criteria A–G per project; bij 2 projecten beoordeelt een netbeheerder C anders. |
| `acties.csv` | {ac} | Uitvoeringsafspraken (actielijst). |
| `monitoring.csv` | {mo} | Monitoringlijst. |
| `voorbeeld_werkbank.gpkg` | – | De complete werkbank "{name}", gevuld uit de bestanden hierboven (de tabel stations is afgeleid van OpenStreetMap en valt onder de ODbL). |

Opnieuw bouwen: `make sample` (of `python scripts/build_sample.py --out <map>`).
""".format(seed=SEED, peil=PEILDATUM, bron=BRON, name=PROGRAMME_NAME, **c)


# ---- main ------------------------------------------------------------------------------------------------
def build(out_dir=DEFAULT_OUT, data_dir=DEFAULT_DATA):
    """Build every sample file into ``out_dir``; returns the counts."""
    _setup_path()
    os.environ["OGR_CURRENT_DATE"] = "2025-07-01T00:00:00.000Z"  # fixed gpkg_contents.last_change
    import numpy as np

    rng = np.random.default_rng(SEED)
    os.makedirs(out_dir, exist_ok=True)
    names = ["gemeenten.gpkg", "provincie.gpkg", "stations.gpkg", "hoogspanningslijnen.gpkg", "capaciteitskaart.gpkg",
             "ontwikkelingen.gpkg", "knooppunten.gpkg", "projecten.gpkg", "voorbeeld_werkbank.gpkg"]
    for n in names:
        if os.path.exists(os.path.join(out_dir, n)):
            os.remove(os.path.join(out_dir, n))
    f = lambda name: os.path.join(out_dir, name)  # noqa: E731

    prov, gem, st, lines = open_data(data_dir)
    boundary = prov.geometry.iloc[0]
    src = "Kadaster / CBS via PDOK"
    _write_gpkg(gem, f("gemeenten.gpkg"), "gemeenten", "CBS-gemeenten 2023 provincie Utrecht (" + src + ")")
    _write_gpkg(prov, f("provincie.gpkg"), "provincie", "Provincie Utrecht, CBS Gebiedsindelingen 2024 (" + src + ")")
    _write_gpkg(st, f("stations.gpkg"), "stations", "Hoogspanningsstations " + OSM_SOURCE)
    _write_gpkg(lines, f("hoogspanningslijnen.gpkg"), "hoogspanningslijnen", "Hoogspanningslijnen " + OSM_SOURCE)

    limits = station_limits(st, rng)
    _write_csv(limits, f("station_limits.csv"))
    _write_xlsx(limits_wide(limits), f("station_limits_breed.xlsx"), "station_limits",
                "Stationslimieten – fictief voorbeeld")
    cap = capaciteitskaart(st, boundary, rng)
    _write_gpkg(cap, f("capaciteitskaart.gpkg"), "capaciteitskaart", "Capaciteitskaart – " + FICTIEF)
    kp = knooppunten()
    _write_gpkg(kp, f("knooppunten.gpkg"), "knooppunten", "Knooppunten – " + FICTIEF)
    devs = ontwikkelingen(gem, boundary, st, rng)
    out_cols = [c for c in devs.columns if not c.startswith("_")]
    for gtype, layer in (("vlak", "ontwikkelingen_vlakken"), ("punt", "ontwikkelingen_punten")):
        part = devs[devs["_gtype"] == gtype][out_cols].reset_index(drop=True)
        _write_gpkg(part, f("ontwikkelingen.gpkg"), layer, "Ruimtelijke ontwikkelingen – " + FICTIEF)
    projects, links = projecten(devs, kp, cap)
    plist = projectenlijst(projects, links, devs)
    from pmiek_werkbank.werkbank.enums import TYPE_INFRA

    pgeo = projects[["project_id", "geometry"]].merge(plist.drop(columns=["x", "y"]), on="project_id")
    pgeo = pgeo[["project_id", "Nr", "Naam project", "type_infra", "status", "vertrouwelijk", "bron", "geometry"]]
    pgeo = pgeo.rename(columns={"Nr": "nr", "Naam project": "naam"})
    kinds = pgeo["type_infra"].map(lambda t: TYPE_INFRA[t][1])
    for kind, layer in (("point", "projecten_punten"), ("line", "projecten_lijnen"), ("polygon", "projecten_vlakken")):
        _write_gpkg(pgeo[kinds == kind].reset_index(drop=True), f("projecten.gpkg"), layer,
                    "pMIEK-projecten – " + FICTIEF)
    _write_xlsx(plist, f("projectenlijst.xlsx"), "Projectenlijst", "Projectenlijst pMIEK 2.0 Utrecht – fictief voorbeeld")
    _write_csv(links, f("koppelingen.csv"))
    sc = scores(plist, links, devs, cap)
    _write_csv(sc, f("scores.csv"))
    ac, mo = acties_monitoring(plist)
    _write_csv(ac, f("acties.csv"))
    _write_csv(mo, f("monitoring.csv"))

    fill_werkbank(out_dir, f("voorbeeld_werkbank.gpkg"))

    counts = dict(
        gem=len(gem), gem_invalid=int((~gem.is_valid).sum()), st=len(st), st_in=int(st.binnen_provincie.sum()), st_out=int((~st.binnen_provincie).sum()),
        lines=len(lines), lim=len(limits), cap=len(cap), dev=len(devs), dev_v=int((devs._gtype == "vlak").sum()),
        dev_p=int((devs._gtype == "punt").sum()),
        dev_q=int((devs.vraag_mw.isna() & devs.aanbod_mw.isna() & devs.aantal.notna()).sum()),
        kp=len(kp), pr=len(projects), pr_pt=int((kinds == "point").sum()), pr_ln=int((kinds == "line").sum()),
        pr_pg=int((kinds == "polygon").sum()), links=len(links), sc=len(sc), ac=len(ac), mo=len(mo),
    )
    with open(f("README.md"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(_readme(counts))
    with open(f("ATTRIBUTION.txt"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(ATTRIBUTION)
    return counts


def main(argv=None):
    ap = argparse.ArgumentParser(description="Bouw het voorbeeldprogramma pMIEK 2.0 Utrecht (fictief voorbeeld).")
    ap.add_argument("--out", default=DEFAULT_OUT, help="uitvoermap (standaard resources/sample)")
    ap.add_argument("--data", default=DEFAULT_DATA, help="map met de open data (shared/data)")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.data):
        sys.exit("Open data niet gevonden: {} (zet PMIEK_SHARED of gebruik --data).".format(args.data))
    counts = build(args.out, args.data)
    print("Voorbeeldprogramma gebouwd in {}: {}".format(args.out, counts))


if __name__ == "__main__":
    main()
