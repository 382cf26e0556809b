"""Attribute forms of the werkbank layers: Dutch aliases, tabs, widgets, generated ids, constraints.

qgis.core only (``QgsEditFormConfig``/``QgsEditorWidgetSetup``): QGIS's own
attribute form (drawing, "Objectattributen bewerken", the identify panel)
shows what is configured here.  ``configure_forms(layers)`` is called when the
werkbank layers are added to the project (``layers/project.py``), so every
way into a form is the same form.

One place for:
- aliases (``ALIASES``) and tabs (``TABS``, drag-and-drop layout sized for 1366×768),
- value maps for every enumeration of ``werkbank/enums.py`` (``VALUE_MAPS``),
- station and knooppunt picked by name (value relation on the Stations and Knooppunten layers),
- check boxes for the 0/1 columns, a date widget for dates,
- generated ids and defaults (default value expressions, ``DEFAULTS``),
- constraints with Dutch messages (``CONSTRAINTS``).
"""

from qgis.core import (
    Qgis,
    QgsAttributeEditorContainer,
    QgsAttributeEditorField,
    QgsDefaultValue,
    QgsEditFormConfig,
    QgsEditorWidgetSetup,
    QgsFieldConstraints,
)

from ..werkbank import enums as E

# The key QGIS's value map uses for NULL ("leeg").
VALUE_MAP_NULL = "{2839923C-8B7D-419E-B84B-CA2FE9B80EC7}"

HIDDEN = ("fid", "row_version", "modified", "modified_by")

ALIASES = {
    "projects": {
        "project_id": "Project-id (automatisch)",
        "code": "Projectnummer",
        "name": "Naam",
        "location_description": "Locatie",
        "municipalities": "Gemeente(n)",
        "type_infra": "Type infrastructuur",
        "energy_carrier": "Energiedrager",
        "netbeheerder": "Netbeheerder",
        "phase": "Fase",
        "ibn_year": "Jaar inbedrijfname (IBN)",
        "planning": "Planning",
        "investment_eur": "Investering (€)",
        "financial_cover": "Financiële dekking",
        "financial_note": "Toelichting financiering",
        "parties": "Betrokken partijen en rol",
        "narrative": "Narratief: waarom dit project",
        "reason_inclusion": "Reden van opname",
        "phase_developments": "Fase onderliggende ontwikkelingen",
        "dependencies_pmiek": "Afhankelijk van pMIEK-projecten",
        "dependencies_nmiek": "Afhankelijk van nMIEK",
        "dependencies_outside": "Afhankelijkheden buiten de provincie",
        "station_id": "Station",
        "knooppunt_id": "Knooppunt",
        "capacity_afname_mw": "Extra afnamecapaciteit (MW)",
        "capacity_teruglevering_mw": "Extra terugleveringscapaciteit (MW)",
        "status": "Status",
        "status_reason": "Reden status",
        "route": "Route energyboard",
        "in_ip": "In investeringsplan netbeheerder",
        "ip_reference": "Nummer in investeringsplan",
        "bevoegd_gezag": "Bevoegd gezag",
        "confidential": "Vertrouwelijk (niet in uitvoer)",
        "source": "Bron",
    },
    "knooppunten": {
        "knooppunt_id": "Knooppunt-id (automatisch)",
        "name": "Naam",
        "karakter": "Karakter",
        "description": "Omschrijving",
        "session_date": "Datum ontwerpsessie",
    },
}

# Tabs of the drag-and-drop form (fields not named here and not hidden go to the last tab).
TABS = {
    "projects": (
        ("Algemeen", ("name", "code", "type_infra", "energy_carrier", "location_description", "municipalities",
                      "narrative")),
        ("Planning en financiën", ("phase", "ibn_year", "planning", "investment_eur", "financial_cover",
                                   "financial_note", "route", "in_ip", "ip_reference")),
        ("Netcapaciteit", ("station_id", "knooppunt_id", "capacity_afname_mw", "capacity_teruglevering_mw",
                           "phase_developments", "dependencies_pmiek", "dependencies_nmiek",
                           "dependencies_outside")),
        ("Partijen", ("netbeheerder", "parties", "bevoegd_gezag", "source", "confidential")),
        ("Status", ("status", "status_reason", "reason_inclusion", "project_id")),
    ),
    "knooppunten": (
        ("Algemeen", ("name", "karakter", "session_date", "description", "knooppunt_id")),
    ),
}

VALUE_MAPS = {
    "projects": {"type_infra": E.TYPE_INFRA, "phase": E.PROJECT_PHASES, "status": E.PROJECT_STATUS,
                 "energy_carrier": E.ENERGY_CARRIERS, "financial_cover": E.FINANCIAL_COVER, "route": E.ROUTES,
                 "in_ip": E.IN_IP},  # ja / nee / (leeg) = niet opgegeven: a checkbox would save an untouched NULL as 0
    "knooppunten": {"karakter": E.KNOOPPUNT_KARAKTER},
    "developments": {"sector": E.SECTORS, "phase": E.DEVELOPMENT_PHASES, "energy_carrier": E.ENERGY_CARRIERS},
}
NOT_NULL_ENUMS = {("projects", "status"), ("developments", "sector")}

CHECKBOXES = {"projects": ("confidential",)}
DATES = {"knooppunten": ("session_date",)}
MULTILINE = {"projects": ("narrative", "parties", "financial_note", "status_reason", "reason_inclusion",
                          "location_description"),
             "knooppunten": ("description",)}
# Numbers typed as text (QGIS checks the type; no spin box that shows 0 for an empty value).
NUMBERS = {"projects": ("ibn_year", "capacity_afname_mw", "capacity_teruglevering_mw", "investment_eur")}
READ_ONLY = {"projects": ("project_id",), "knooppunten": ("knooppunt_id",)}

# field -> (table of the layer to pick from, key field, shown field)
RELATIONS = {"projects": {"station_id": ("stations", "station_id", "name"),
                          "knooppunt_id": ("knooppunten", "knooppunt_id", "name")}}

# Default value expressions (QGIS expressions), evaluated when a feature is created.
DEFAULTS = {
    "projects": {
        "project_id": "'P-' || substr(uuid(), 2, 8)",
        "status": "'kandidaat'",
        "confidential": "0",
    },
    "knooppunten": {
        "knooppunt_id": "'K-' || substr(uuid(), 2, 8)",
        "session_date": "format_date(now(), 'yyyy-MM-dd')",
    },
}
EDIT_DEFAULTS = {"row_version": "1", "modified": "format_date(now(), 'yyyy-MM-ddTHH:mm:ss')",
                 "modified_by": "@user_account_name"}

# field -> (expression, Dutch message); a NOT NULL constraint is added for names.
CONSTRAINTS = {
    "projects": {
        "name": ("length(trim(coalesce(\"name\", ''))) > 0", "Geef het project een naam."),
        "ibn_year": ("\"ibn_year\" IS NULL OR (\"ibn_year\" >= 1990 AND \"ibn_year\" <= 2100)",
                     "Het IBN-jaar ligt tussen 1990 en 2100."),
        "capacity_afname_mw": ("\"capacity_afname_mw\" IS NULL OR \"capacity_afname_mw\" >= 0",
                               "Extra afnamecapaciteit kan niet negatief zijn (MW)."),
        "capacity_teruglevering_mw": ("\"capacity_teruglevering_mw\" IS NULL OR \"capacity_teruglevering_mw\" >= 0",
                                      "Extra terugleveringscapaciteit kan niet negatief zijn (MW)."),
        "investment_eur": ("\"investment_eur\" IS NULL OR \"investment_eur\" >= 0",
                           "De investering kan niet negatief zijn (€)."),
        "status_reason": ("\"status\" <> 'afgevallen' OR length(trim(coalesce(\"status_reason\", ''))) > 0",
                          "Een afgevallen project heeft een reden nodig."),
    },
    "knooppunten": {
        "name": ("length(trim(coalesce(\"name\", ''))) > 0", "Geef het knooppunt een naam."),
    },
}


def _tab_layout():
    """The drag-and-drop layout value for QgsEditFormConfig.setLayout (3.22 and 3.32+)."""
    form_layout = getattr(Qgis, "AttributeFormLayout", None)
    if form_layout is not None:
        return form_layout.DragAndDrop
    return QgsEditFormConfig.EditorLayout.TabLayout


def _as_tab(container):
    """Show a container as a tab (QGIS 3.32+: setType; 3.22: not a group box)."""
    kind = getattr(Qgis, "AttributeEditorContainerType", None)
    if kind is not None:
        container.setType(kind.Tab)
    else:
        container.setIsGroupBox(False)


def value_map(enum, nullable=True):
    entries = [{E.label(enum, code): code} for code in enum]
    if nullable:
        entries.insert(0, {"(leeg)": VALUE_MAP_NULL})
    return {"map": entries}


def _relation_config(layer, key, value):
    return {"Layer": layer.id(), "LayerName": layer.name(), "LayerSource": layer.source(),
            "LayerProviderName": layer.providerType(), "Key": key, "Value": value, "AllowNull": True,
            "OrderByValue": True, "UseCompleter": False, "AllowMulti": False, "NofColumns": 1,
            "FilterExpression": ""}


def configure_form(layer, table, lookup=None):
    """Configure the attribute form of one werkbank layer.  ``lookup``: table -> layer for value relations."""
    fields = layer.fields()
    lookup = lookup or {}

    def idx(name):
        return fields.indexOf(name)

    for name, alias in ALIASES.get(table, {}).items():
        if idx(name) >= 0:
            layer.setFieldAlias(idx(name), alias)
    for name, enum in VALUE_MAPS.get(table, {}).items():
        if idx(name) >= 0:
            layer.setEditorWidgetSetup(idx(name), QgsEditorWidgetSetup(
                "ValueMap", value_map(enum, (table, name) not in NOT_NULL_ENUMS)))
    for name in CHECKBOXES.get(table, ()):
        if idx(name) >= 0:
            layer.setEditorWidgetSetup(idx(name), QgsEditorWidgetSetup(
                "CheckBox", {"CheckedState": "1", "UncheckedState": "0", "TextDisplayMethod": 0}))
    for name in DATES.get(table, ()):
        if idx(name) >= 0:
            layer.setEditorWidgetSetup(idx(name), QgsEditorWidgetSetup(
                "DateTime", {"field_format": "yyyy-MM-dd", "display_format": "dd-MM-yyyy", "calendar_popup": True,
                             "allow_null": True}))
    for name in MULTILINE.get(table, ()):
        if idx(name) >= 0:
            layer.setEditorWidgetSetup(idx(name), QgsEditorWidgetSetup("TextEdit", {"IsMultiline": True,
                                                                                    "UseHtml": False}))
    for name in NUMBERS.get(table, ()):
        if idx(name) >= 0:
            layer.setEditorWidgetSetup(idx(name), QgsEditorWidgetSetup("TextEdit", {"IsMultiline": False,
                                                                                    "UseHtml": False}))
    for name, (other, key, value) in RELATIONS.get(table, {}).items():
        target = lookup.get(other)
        if idx(name) >= 0 and target is not None:
            layer.setEditorWidgetSetup(idx(name), QgsEditorWidgetSetup(
                "ValueRelation", _relation_config(target, key, value)))
    for name in HIDDEN:
        if idx(name) >= 0:
            layer.setEditorWidgetSetup(idx(name), QgsEditorWidgetSetup("Hidden", {}))
    # a new feature's multi-line texts start empty, not NULL: QGIS's multi-line text widget shows NULL as the text
    # 'NULL', and what the user types went in beside it ('NULLHotspot …', found in QGIS 3.40)
    defaults = {name: "''" for name in MULTILINE.get(table, ())}
    defaults.update(EDIT_DEFAULTS)
    defaults.update(DEFAULTS.get(table, {}))
    for name, expression in defaults.items():
        if idx(name) >= 0:
            layer.setDefaultValueDefinition(idx(name), QgsDefaultValue(expression, False))
    for name, (expression, message) in CONSTRAINTS.get(table, {}).items():
        if idx(name) >= 0:
            layer.setConstraintExpression(idx(name), expression, message)
            layer.setFieldConstraint(idx(name), QgsFieldConstraints.Constraint.ConstraintExpression,
                                     QgsFieldConstraints.ConstraintStrength.ConstraintStrengthHard)
    config = layer.editFormConfig()
    for name in READ_ONLY.get(table, ()):
        if idx(name) >= 0:
            config.setReadOnly(idx(name), True)
    tabs = TABS.get(table)
    if tabs:
        config.clearTabs()
        root = config.invisibleRootContainer()
        placed = set(HIDDEN)
        containers = []
        for title, names in tabs:
            tab = QgsAttributeEditorContainer(title, root)
            _as_tab(tab)
            tab.setColumnCount(1)
            for name in names:
                if idx(name) >= 0:
                    tab.addChildElement(QgsAttributeEditorField(name, idx(name), tab))
                    placed.add(name)
            containers.append(tab)
        rest = [f.name() for f in fields if f.name() not in placed]
        for name in rest:
            containers[-1].addChildElement(QgsAttributeEditorField(name, idx(name), containers[-1]))
        for tab in containers:
            config.addTab(tab)
        config.setLayout(_tab_layout())
    layer.setEditFormConfig(config)


def configure_forms(layers):
    """Configure the forms of all werkbank layers given (value relations point to the Stations/Knooppunten layers)."""
    lookup = {}
    for layer in layers:
        table = layer.customProperty("pmiek/table")
        if table in ("stations", "knooppunten") and table not in lookup:
            lookup[table] = layer
    for layer in layers:
        table = layer.customProperty("pmiek/table")
        if table in ALIASES or table in VALUE_MAPS:
            configure_form(layer, table, lookup)


# The balance layer and a variant's map (fields of provider.algorithms.project_algs.BALANCE_FIELDS): Dutch names, MW
# to one decimal and statuses by their label where QGIS shows a feature (identify, attribute table, form).
BALANCE_ALIASES = {
    "unit_id": "Station/knooppunt-id", "unit_name": "Naam", "year": "Zichtjaar",
    "capacity_mw": "Afnamecapaciteit (MW)", "base_capacity_mw": "Capaciteit zonder projecten (MW)",
    "project_capacity_mw": "Extra capaciteit projecten (MW)", "demand_mw": "Vraag (MW)",
    "other_demand_mw": "Overige vraag (MW)", "supply_mw": "Aanbod (MW)", "other_supply_mw": "Overig aanbod (MW)",
    "balance_mw": "Balans afname (MW)", "supply_capacity_mw": "Terugleveringscapaciteit (MW)",
    "supply_balance_mw": "Balans teruglevering (MW)", "status": "Status afname",
    "supply_status": "Status teruglevering", "first_shortage_year": "Eerste tekortjaar afname",
    "supply_first_shortage_year": "Eerste tekortjaar teruglevering", "unserved_count": "Niet te bedienen (afname)",
    "unserved_supply_count": "Niet te bedienen (teruglevering)", "n_developments": "Ontwikkelingen",
    "capacity_note": "Toelichting capaciteit", "variant": "Variant",
}


def configure_balance_fields(layer):
    """Dutch aliases, MW with one decimal and the status labels on a balance-status layer (a trial: QGIS's identify
    panel showed 'balance_mw -82,31605' and 'status tekort' where the dock says 'Balans -82,3 MW, Tekort')."""
    from ..knooppunten.balance import UNKNOWN_STATUS_TEXT

    fields = layer.fields()
    statuses = {"map": [{E.balance_status_label(code): code} for code in E.BALANCE_STATUS]
                + [{E.balance_status_label(""): UNKNOWN_STATUS_TEXT}]}
    for i in range(fields.count()):
        name = fields.at(i).name()
        if name in BALANCE_ALIASES:
            layer.setFieldAlias(i, BALANCE_ALIASES[name])
        if name.endswith("_mw"):
            layer.setEditorWidgetSetup(i, QgsEditorWidgetSetup("Range", {
                "Precision": 1, "Min": -1e9, "Max": 1e9, "Step": 0.1, "Style": "SpinBox", "AllowNull": True}))
        elif name in ("status", "supply_status"):
            layer.setEditorWidgetSetup(i, QgsEditorWidgetSetup("ValueMap", statuses))
