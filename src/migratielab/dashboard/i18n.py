"""Dashboard interface texts in Dutch (default) and English; figure texts live in ``report.state``."""

from __future__ import annotations

from migratielab.report.state import Lang, pick

TEXTS: dict[str, tuple[str, str]] = {
    "nav_overview": ("Staat van de migratie", "State of migration"),
    "nav_whatif": ("Wat als? Asielketen", "What if? Asylum chain"),
    "nav_compare": ("Beleid vergelijken", "Compare policies"),
    "nav_data": ("Data en bronnen", "Data and sources"),
    "nav_longterm": ("Lange termijn", "Long term"),
    "switch": ("English", "Nederlands"),
    "overview_intro": (
        "Waargenomen cijfers over immigratie en de asielketen. Onder elke figuur staan de bronnen.",
        "Observed figures on immigration and the asylum chain. Sources are listed under every figure.",
    ),
    "whatif_intro": (
        "Verschuif een knop en zie wat er gebeurt met wachttijden, opvang en kosten, naast de geschiedenis.",
        "Move a lever and see what happens to waits, reception and cost, next to the history.",
    ),
    "compare_intro": (
        "Uw beleid naast de beleidsvarianten van het scenario, op dezelfde instroomtoekomsten.",
        "Your policy next to the scenario's policies, on the same inflow futures.",
    ),
    "data_intro": (
        "Elke reeks en elke parameter met bron en datum.",
        "Every series and every parameter with its reference and date.",
    ),
    "longterm_intro": (
        "Bevolking, vergrijzing en beroepsbevolking bij een constant migratiesaldo.",
        "Population, ageing and labour force under constant net migration.",
    ),
    "longterm_plan_intro": (
        "Migratieplan: stel de jaarlijkse bruto-immigratie per categorie in (standaard de centrale "
        "niveaus van 2025 uit het voorbeeldplan) en vergelijk met de variant met constant migratiesaldo.",
        "Migration plan: set annual gross immigration per category (by default the central 2025 levels "
        "of the example plan) and compare with the constant-net-migration variant.",
    ),
    "mode": ("Werkwijze", "Mode"),
    "mode_variant": ("constant migratiesaldo", "constant net migration"),
    "mode_plan": (
        "migratieplan (bruto-immigratie per categorie)",
        "migration plan (gross immigration by category)",
    ),
    "plan_levels": ("Bruto-immigratie per jaar", "Gross immigration per year"),
    "labour_eu": ("Arbeid uit de EU", "Labour from the EU"),
    "labour_non_eu": ("Arbeid van buiten de EU", "Labour from outside the EU"),
    "study": ("Studie", "Study"),
    "family": ("Gezin", "Family"),
    "asylum": ("Asiel", "Asylum"),
    "temporary_protection": ("Tijdelijke bescherming", "Temporary protection"),
    "other": ("Overig", "Other"),
    "asylum_chain": ("Asielaantallen uit de asielketen", "Asylum numbers from the asylum chain"),
    "plan": ("migratieplan", "migration plan"),
    "variant": ("constant saldo", "constant net migration"),
    "population_variant": ("bevolking (constant saldo)", "population (constant net migration)"),
    "plan_note": (
        "Asiel volgt de asielketen: vergunningen en nareizigers in plaats van het ingestelde niveau.",
        "Asylum follows the asylum chain: grants and follow-on family instead of the set level.",
    ),
    "sources": ("Bronnen", "Sources"),
    "inflow": ("Instroomscenario", "Inflow scenario"),
    "inflow_stochastic": ("onzeker (gekalibreerd op 2010-2024)", "uncertain (calibrated on 2010-2024)"),
    "inflow_low": ("laag", "low"),
    "inflow_medium": ("midden", "medium"),
    "inflow_high": ("hoog", "high"),
    "level": ("Niveau instroom (× lange-termijngemiddelde)", "Inflow level (× long-run mean)"),
    "reception": ("Opvangbeleid", "Reception policy"),
    "reception_forecast_linked": ("meebewegen met de prognose", "follow the forecast"),
    "reception_fixed_buffer": ("vaste basis + buffer", "fixed base + buffer"),
    "base_places": ("Vaste opvangplaatsen", "Fixed reception places"),
    "buffer_places": ("Buffer (reserveplaatsen)", "Buffer (reserve places)"),
    "staffing": ("IND-personeel", "IND staffing"),
    "staffing_forecast_linked": ("meebewegen met de prognose", "follow the forecast"),
    "staffing_stable": ("stabiel", "stable"),
    "fte": ("Beslismedewerkers (fte)", "Decision officers (FTE)"),
    "term": ("Beslistermijn (maanden)", "Decision term (months)"),
    "housing": ("Taakstelling huisvesting", "Housing quota"),
    "housing_forecast": ("volgens prognose (huidige praktijk)", "by forecast (current practice)"),
    "housing_fixed": ("vast per half jaar", "fixed per half year"),
    "quota": ("Statushouders per half jaar", "Status holders per half year"),
    "runs": ("Aantal runs", "Number of runs"),
    "end_year": ("Tot en met jaar", "Up to and including year"),
    "apply": ("Bereken", "Calculate"),
    "busy": ("Bezig met rekenen…", "Calculating…"),
    "ready": ("Klaar", "Ready"),
    "failed": ("Mislukt", "Failed"),
    "your_policy": ("uw beleid", "your policy"),
    "scorecard": ("Scorekaart", "Scorecard"),
    "scorecard_note": (
        "Mediaan over runs [5e – 95e percentiel]; vet = beste waarde per rij.",
        "Median over runs [5th – 95th percentile]; bold = best value per row.",
    ),
    "fans_note": (
        "Lijnen zijn medianen, banden bevatten 50% en 90% van de runs; stippellijnen zijn waarnemingen.",
        "Lines are medians, bands hold 50% and 90% of runs; dotted lines are observations.",
    ),
    "series": ("Statistische reeksen", "Statistical series"),
    "parameters": ("Modelparameters", "Model parameters"),
    "series_id": ("reeks", "series"),
    "description": ("omschrijving", "description"),
    "unit": ("eenheid", "unit"),
    "span": ("periode", "period"),
    "name": ("naam", "name"),
    "value": ("waarde", "value"),
    "source": ("bron", "source"),
    "date": ("datum", "date"),
    "module": ("module", "module"),
    "net_migration": ("Migratiesaldo per jaar", "Net migration per year"),
    "tfr": ("Vruchtbaarheid (kinderen per vrouw)", "Fertility (children per woman)"),
    "e0_female": ("Levensverwachting vrouwen in eindjaar", "Female life expectancy in end year"),
    "e0_male": ("Levensverwachting mannen in eindjaar", "Male life expectancy in end year"),
    "end": ("Eindjaar", "End year"),
    "summary": ("Samenvatting (mediaan over runs)", "Summary (median over runs)"),
    "year": ("jaar", "year"),
    "population": ("bevolking", "population"),
    "grey_pressure": ("grijze druk", "grey pressure"),
    "potential_labour_force": ("potentiële beroepsbevolking", "potential labour force"),
    "employed": ("werkenden", "employed"),
    "households": ("huishoudens", "households"),
    "elapsed": ("berekend in {seconds} s", "computed in {seconds} s"),
}


class Translator:
    """Looks up interface texts in one language (``t("key")`` in templates)."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        """The text for ``key``, formatted with ``values``; unknown keys show as themselves."""
        text = pick(TEXTS.get(key, (key, key)), self.lang)
        return text.format(**values) if values else text
