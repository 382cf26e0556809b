"""Default kengetallen (indicative ratios quantity -> MW) a new werkbank starts with.

Values are indicative planning ratios (gelijktijdig vermogen), to be replaced by
the netbeheerder's own figures; every derived MW records the kengetal_id used.
"""

DEFAULT_KENGETALLEN = [
    # kengetal_id, sector, unit, demand MW/unit, supply MW/unit, description
    ("wonen_woning", "wonen", "woning", 0.002, 0.0, "Woning all-electric, gelijktijdig 2 kW"),
    ("bedrijventerrein_ha", "bedrijventerrein", "ha", 0.5, 0.0, "Gemengd bedrijventerrein, 0,5 MW per ha"),
    ("industrie_ha", "industrie", "ha", 1.5, 0.0, "Industrie (elektrificatie), 1,5 MW per ha"),
    ("mobiliteit_laadpunt", "mobiliteit", "laadpunt", 0.0035, 0.0, "Laadpunt 11 kW, gelijktijdigheid ca. 0,3"),
    ("mobiliteit_snellader", "mobiliteit", "snellader", 0.15, 0.0, "Snellaadpunt 150 kW"),
    ("datacenter_ha", "datacenter", "ha", 10.0, 0.0, "Datacenter, 10 MW per ha bruto"),
    ("glastuinbouw_ha", "glastuinbouw", "ha", 0.6, 0.1, "Glastuinbouw (belicht, met WKK-terug), per ha"),
    ("zon_ha", "zon", "ha", 0.0, 0.7, "Zonneveld ca. 1 MWp/ha, netaansluiting 70 %"),
    ("zon_mwp", "zon", "MWp", 0.0, 0.7, "Zon-PV per MWp, netaansluiting 70 %"),
    ("wind_turbine", "wind", "turbine", 0.0, 4.5, "Windturbine ca. 4,5 MW"),
    ("wind_mw", "wind", "MW", 0.0, 1.0, "Windvermogen per MW"),
    ("opslag_mw", "opslag_flex", "MW", 0.0, 0.0, "Batterij: netneutraal in de balans (flex)"),
    ("warmte_woning", "warmte", "woningequivalent", 0.001, 0.0, "Collectieve warmtepomp/e-boiler per weq"),
    ("waterstof_mw", "waterstof", "MW", 1.0, 0.0, "Elektrolyser per MW"),
    ("utiliteit_1000m2", "utiliteit", "1000 m2 bvo", 0.05, 0.0, "Utiliteit per 1000 m2 bvo"),
]


def default_rows():
    return [
        {
            "kengetal_id": k, "sector": s, "unit": u, "demand_mw_per_unit": d, "supply_mw_per_unit": p,
            "description": desc, "source": "pMIEK Werkbank standaardkengetallen (indicatief)",
        }
        for k, s, u, d, p, desc in DEFAULT_KENGETALLEN
    ]
