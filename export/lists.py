"""Projectenlijst, actielijst and monitoringlijst as XLSX (openpyxl) and CSV.  Pure Python, no QGIS.

Columns follow the Handreiking Integraal Programmeren 2022 (projectenlijst)
and the pMIEK uitvoeringsaanpak 2024 (actielijst, monitoringlijst).  Every
text cell passes ``tabular.safe_cell`` (no formula injection, no control characters); CSV is UTF-8
with BOM and ``;`` so Dutch Excel opens it directly.  Confidential projects are
left out unless the export data includes them (see ``context.gather``).
"""

import os

# (header, key, width)
PROJECTENLIJST = (
    ("Nr", "number", 8), ("Naam project", "name", 34), ("Locatie", "location", 30), ("Gemeente(n)", "municipalities", 20),
    ("Type infra", "type_infra_label", 26), ("Energiedrager", "energy_carrier_label", 14),
    ("Sectoren en ontwikkelingen", "developments_text", 50), ("Vraag ontwikkelingen (MW)", "demand_total_mw", 12),
    ("Aanbod ontwikkelingen (MW)", "supply_total_mw", 12), ("Financiële informatie", "financial", 36),
    ("Planning", "planning", 22), ("Betrokken partijen", "parties", 40), ("Netbeheerder", "netbeheerder", 14),
    ("Fase", "phase_label", 14), ("Knooppunt", "knooppunt", 20), ("Status", "status_label", 16),
    ("Reden status", "status_reason", 30), ("Rang", "rank", 7), ("Rangbereik", "rank_range", 9),
    ("Totaal", "score_total", 8), ("Onvolledig / oneens", "incomplete_text", 40),
)
ACTIELIJST = (
    ("Nr", "number", 8), ("Project", "name", 34), ("Activiteit", "activity", 40),
    ("Trekker / verantwoordelijke", "trekker", 24), ("Betrokken partijen", "involved", 30),
    ("Resultaat", "result", 30), ("Planning", "planning", 14), ("Status", "status", 10),
)
MONITORINGLIJST = (
    ("Nr", "number", 8), ("Project", "name", 34), ("Haalbaarheid IBN", "ibn_feasibility", 14),
    ("Aandachtspunten (proces of risico)", "attention_points", 36), ("Versnellingsactie", "acceleration_action", 30),
    ("Trekker / verantwoordelijke", "trekker", 24), ("Vraag aan energyboard", "question_energyboard", 40),
    ("Peildatum", "peildatum", 12),
)
KINDS = {"projectenlijst": PROJECTENLIJST, "actielijst": ACTIELIJST, "monitoringlijst": MONITORINGLIJST}
TITLES = {"projectenlijst": "Projectenlijst", "actielijst": "Actielijst", "monitoringlijst": "Monitoringlijst"}


def _mw(v):
    """MW as the fiche prints them (one decimal, half up: formatting.round_number), still a number in the XLSX."""
    from ..formatting import round_number

    return round_number(v, 1) if v else None


def _nr(code):
    """The project number as the XLSX holds it: a whole number as a number ('2' sorted after '14' as text in
    Excel's filter), any other code ('UT-P02', '007') as the text it is."""
    if isinstance(code, str) and code.isdigit() and (code == "0" or not code.startswith("0")) and len(code) < 16:
        return int(code)
    return code


def rows(kind, data):
    """The rows (dicts keyed as in the column tables) of one list."""
    from ..formatting import round_number

    projects = data.projects + data.afgevallen
    if kind == "projectenlijst":
        out = []
        for p in projects:
            r = dict(p, number=_nr(p["number"]))
            r["developments_text"] = "\n".join("{} ({})".format(d["name"], d["sector"]) for d in p["developments"])
            # the MW the balance counts for the project (link shares applied), as on its fiche and in the web atlas
            r["demand_total_mw"] = _mw(p.get("serves_demand_mw"))
            r["supply_total_mw"] = _mw(p.get("serves_supply_mw"))
            # a number, as the fiche rounds it ('15,25' there): the text '21' sorted before '8' in Excel's filter
            r["score_total"] = round_number(p.get("score"), 2)
            out.append(r)
        return out
    if kind == "actielijst":
        return [dict(a, number=_nr(p["number"]), name=p["name"]) for p in data.projects for a in p["actions"]]
    if kind == "monitoringlijst":
        return [dict(p["monitoring"] or {}, number=_nr(p["number"]), name=p["name"]) for p in data.projects]
    raise ValueError("Onbekende lijst '{}'.".format(kind))


def _cell(v):
    from ..tabular import safe_cell

    v = safe_cell(v)  # no formulas, no control characters (openpyxl refuses those while appending)
    return "" if v is None else v


def write_csv(kind, data, path):
    from .. import tabular

    cols = KINDS[kind]
    header = [h for h, _, _ in cols]
    body = [[r.get(k) for _, k, _ in cols] for r in rows(kind, data)]
    if getattr(data, "include_confidential", False):  # the first line says it (programme.visibility)
        body = [header] + body
        header = [data.confidential_notice]
    return tabular.write_csv(path, header, body, decimal_comma=True)  # Dutch decimal comma


def write_xlsx(kind, data, path):
    from .. import tabular

    wbk = tabular.new_workbook()
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    cols = KINDS[kind]
    ws = wbk.active
    ws.title = TITLES[kind]
    head = 1
    if getattr(data, "include_confidential", False):  # the first line says it (programme.visibility)
        ws.append([data.confidential_notice])
        ws.cell(row=1, column=1).font = Font(bold=True, color="C00000")
        head = 2
    ws.append([h for h, _, _ in cols])
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="14365D")
    for i, (_, _, width) in enumerate(cols, 1):
        c = ws.cell(row=head, column=i)
        c.font = head_font
        c.fill = head_fill
        c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(i)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    last = tabular.append_rows(ws, ([v if v != "" else None for v in (_cell(r.get(k)) for _, k, _ in cols)]
                                    for r in rows(kind, data)), wrap, strings=True)  # text never a formula
    ws.freeze_panes = "A{}".format(head + 1)
    ws.auto_filter.ref = "A{}:{}{}".format(head, get_column_letter(len(cols)), last or head)
    foot = data.footer
    info = wbk.create_sheet("Bron")
    for line in (("Programma", foot["programme"]), ("Ronde/versie", foot["round"]), ("Peildatum", foot["peildatum"]),
                 ("Bronnen", foot["sources"]), ("Opmerking", foot["fictief_text"] or foot["disclaimer"])):
        info.append([line[0], _cell(line[1] or "")])
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 100
    return tabular.save_workbook(wbk, path)  # every text cell a string, never a formula


def write_list(kind, data, path):
    """XLSX or CSV by the extension of ``path``."""
    ext = os.path.splitext(path)[1].lower()
    if ext == ".csv":
        return write_csv(kind, data, path)
    if ext in (".xlsx", ""):
        return write_xlsx(kind, data, path if ext else path + ".xlsx")
    raise ValueError("{}: kies .xlsx of .csv.".format(path))
