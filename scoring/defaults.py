"""The default afwegingskader of the Handreiking Integraal Programmeren (2022), criteria A-H.

Scales run best first; points per scale value in the same order.  H (omvang
kosten) is informatief: shown, never counted.  Weights default to 1.
"""

DEFAULT_CRITERIA = [
    {
        "criterion_id": "A", "name": "Maatschappelijk doelbereik", "grp": "maatschappelijke_waarde",
        "question": "In welke mate worden met deze investering (welke) (ruimtelijke) ontwikkelingen geaccommodeerd?",
        "scale": "hoog|gemiddeld|laag", "points": "3|2|1", "weight": 1.0, "assessor_role": "provincie",
    },
    {
        "criterion_id": "B", "name": "Aansluiting energievisie", "grp": "systeemtoets",
        "question": "In hoeverre past de investering binnen de energievisie?",
        "scale": "goed|voldoende|slecht", "points": "3|2|1", "weight": 1.0, "assessor_role": "provincie",
    },
    {
        "criterion_id": "C", "name": "Efficiëntie energie-infrastructuur", "grp": "systeemtoets",
        "question": "In hoeverre is de investering zinvol vanuit energie-infrastructuur oogpunt?",
        "scale": "veel|gemiddeld|weinig", "points": "3|2|1", "weight": 1.0, "assessor_role": "netbeheerder",
    },
    {
        "criterion_id": "D", "name": "Energiesysteem: alternatieven en urgentie", "grp": "systeemtoets",
        "question": "In hoeverre is de investering noodzakelijk vanuit energiesysteem oogpunt?",
        "scale": "hoog|gemiddeld|laag", "points": "3|2|1", "weight": 1.0, "assessor_role": "provincie",
    },
    {
        "criterion_id": "E", "name": "Maatschappelijke effecten", "grp": "maatschappelijke_waarde",
        "question": "Wat zijn de overige maatschappelijke effecten van de investering?",
        "scale": "positief|gemiddeld|negatief", "points": "3|2|1", "weight": 1.0, "assessor_role": "provincie",
    },
    {
        "criterion_id": "F", "name": "Ruimtelijke inpasbaarheid", "grp": "realiseerbaarheid",
        "question": "Zijn voor deze investering belemmeringen qua ruimtelijke inpassing te voorzien?",
        "scale": "weinig|gemiddeld|veel", "points": "3|2|1", "weight": 1.0, "assessor_role": "gemeente",
    },
    {
        "criterion_id": "G", "name": "Uitvoerbaarheid overig", "grp": "realiseerbaarheid",
        "question": "Zijn voor deze investering overige belemmeringen qua uitvoerbaarheid te voorzien?",
        "scale": "weinig|gemiddeld|veel", "points": "3|2|1", "weight": 1.0, "assessor_role": "provincie",
    },
    {
        "criterion_id": "H", "name": "Omvang kosten", "grp": "informatief",
        "question": "Wat is de financiële omvang van de investering?",
        "scale": "informatief", "points": "", "weight": 0.0, "assessor_role": "netbeheerder",
    },
]
for _i, _c in enumerate(DEFAULT_CRITERIA):
    _c["sort_order"] = _i + 1
