"""Reference figures shipped as editable examples (the seed migration and tests load them).

They are starting points, never constants used in calculations: finance edits them in the app,
and changing this file does not change an installed database.
"""

from __future__ import annotations

from datetime import date

CHECK_FIGURES = (
    "This is an example figure. Check the current figure on GOV.UK or with a benefits adviser "
    "before relying on it."
)

# HMRC approved mileage allowance payments, unchanged since 6 April 2011.
MILEAGE_RATES: list[dict[str, object]] = [
    {
        "vehicle": "car",
        "effective_from": date(2011, 4, 6),
        "pence_per_mile": 45,
        "threshold_miles": 10000,
        "pence_after_threshold": 25,
    },
    {"vehicle": "motorcycle", "effective_from": date(2011, 4, 6), "pence_per_mile": 24},
    {"vehicle": "bicycle", "effective_from": date(2011, 4, 6), "pence_per_mile": 20},
    {"vehicle": "passenger", "effective_from": date(2011, 4, 6), "pence_per_mile": 5},
]

THRESHOLDS: list[dict[str, object]] = [
    {
        "label": "Permitted work lower limit",
        "purpose": "benefits",
        "period": "week",
        "amount_pence": 2000,
        "valid_from": date(2025, 4, 6),
        "advice": "If you get ESA or another disability benefit, earnings over this weekly "
        "figure may need to be reported. " + CHECK_FIGURES,
    },
    {
        "label": "Carer's Allowance earnings limit",
        "purpose": "benefits",
        "period": "week",
        "amount_pence": 19600,
        "valid_from": date(2025, 4, 7),
        "advice": "Carer's Allowance stops in any week your earnings go over this figure, "
        "after allowed expenses. " + CHECK_FIGURES,
    },
    {
        "label": "Universal Credit work allowance",
        "purpose": "benefits",
        "period": "month",
        "amount_pence": 41100,
        "valid_from": date(2025, 4, 6),
        "advice": "Above your work allowance, Universal Credit usually goes down by 55p for "
        "each £1 you earn. Your own allowance may differ. " + CHECK_FIGURES,
    },
    {
        "label": "Trading allowance",
        "purpose": "trading_allowance",
        "period": "tax_year",
        "amount_pence": 100000,
        "valid_from": date(2017, 4, 6),
        "advice": "Income over this figure in a tax year may need a Self Assessment tax "
        "return. " + CHECK_FIGURES,
    },
]

# Caps per claim that flag a claim for the coordinator to look at; never a refusal.
EXPENSE_CAPS: dict[str, int] = {"subsistence": 1500, "taxi": 5000, "accommodation": 12000}
