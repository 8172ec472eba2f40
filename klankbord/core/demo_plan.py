"""The demo bakery's social media plan: complete and healthy, in the bakery's own words."""

from datetime import date
from typing import Any


def quarter_end(day: date) -> date:
    """The last day of the quarter `day` falls in: the demo's first evaluation."""
    last_month = (day.month - 1) // 3 * 3 + 3
    following = date(day.year + last_month // 12, last_month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def demo_plan(today: date) -> dict[str, dict[str, Any]]:
    evaluate_on = quarter_end(today).isoformat()
    return {
        "goals": {
            "goals": ["awareness", "loyalty", "recruitment"],
            "primary": "loyalty",
            "hours_per_week": 7,
            "who": "Lotte Janssens",
            "mode": "in_house",
            "internal_rate": 35,
            "consultant_rate": 85,
        },
        "audiences": {
            "audiences": [
                {
                    "name": "Gezinnen uit Leuven en Heverlee",
                    "description": "Ouders die op zaterdag vers brood en taart halen.",
                    "where": "Leuven, Heverlee, Kessel-Lo",
                    "area": "local",
                    "age_from": 28,
                    "age_to": 55,
                    "kind": "b2c",
                    "online": ["evenings", "weekends"],
                    "networks": ["facebook", "instagram"],
                    "usage": (
                        "Bekijken foto's en filmpjes, lezen reviews, sturen vragen via Messenger."
                    ),
                },
                {
                    "name": "Bedrijven voor catering",
                    "description": (
                        "Kantoren en scholen die broodjes of taart "
                        "bestellen voor een vergadering of feest."
                    ),
                    "where": "Regio Leuven",
                    "area": "local",
                    "age_from": 25,
                    "age_to": 60,
                    "kind": "b2b",
                    "online": ["working_hours"],
                    "networks": ["linkedin"],
                    "usage": "Zoeken een betrouwbare leverancier en lezen aanbevelingen.",
                },
            ]
        },
        "positioning": {
            "current_image": "De bakker om de hoek, vriendelijk maar wat ouderwets.",
            "desired_image": (
                "Dé ambachtelijke bakker van Leuven: eerlijk brood, vakmanschap en een warm welkom."
            ),
            "difference": (
                "Desembrood met meel van een molen in het Hageland, elke nacht vers gebakken."
            ),
            "address": "je",
            "register": "informal",
            "avoid": "Politiek, concurrenten, klachten in het openbaar uitpraten.",
            "visual": True,
        },
        "channels": {
            "networks": ["facebook", "instagram", "linkedin"],
            "notes": "LinkedIn alleen voor catering en vacatures.",
        },
        "content": {
            "pillars": [
                {
                    "name": "Achter de schermen",
                    "kind": "behind_the_scenes",
                    "share": 35,
                    "examples": "Deeg kneden om 4 uur, de oven die opengaat, het team.",
                },
                {
                    "name": "Tips en weetjes",
                    "kind": "inform",
                    "share": 25,
                    "examples": "Brood bewaren, welk brood bij welke maaltijd.",
                },
                {
                    "name": "Klanten en buurt",
                    "kind": "community",
                    "share": 20,
                    "examples": "Een klant van het eerste uur, de jeugdploeg die we sponsoren.",
                },
                {
                    "name": "Aanbod van de week",
                    "kind": "promotion",
                    "share": 20,
                    "examples": "Taart van de week, kerststollen bestellen.",
                },
            ],
            "visual_style": "Daglicht, echte mensen, warme kleuren; geen stockfoto's.",
            "formats": {
                "instagram": ["photo", "short_video", "story"],
                "facebook": ["photo", "link"],
                "linkedin": ["photo", "text"],
            },
        },
        "rhythm": {
            "posts_per_week": {"facebook": 2, "instagram": 3, "linkedin": 0.5},
            "best_moments": {
                "instagram": "di en do rond 12 uur, za om 8 uur",
                "facebook": "wo en vr om 19 uur",
                "linkedin": "di om 9 uur",
            },
            "who_posts": "Lotte Janssens",
            "who_answers": "An Vandevelde (Pieter als An er niet is)",
            "response_minutes": 120,
        },
        "budget": {
            "hours_per_week": 7,
            "hourly_cost": 35,
            "ad_spend": 60,
            "tools": "Canva",
            "tools_cost": 12,
            "outside_help": 0,
        },
        "kpis": {
            "kpis": [
                {
                    "goal": "loyalty",
                    "indicator": "reacties en berichten van klanten",
                    "target": 60,
                    "period": "month",
                    "evaluate_on": evaluate_on,
                    "metric": "",
                },
                {
                    "goal": "awareness",
                    "indicator": "volgers op Instagram erbij",
                    "target": 150,
                    "period": "quarter",
                    "evaluate_on": evaluate_on,
                    "metric": "",
                },
                {
                    "goal": "recruitment",
                    "indicator": "sollicitaties via sociale media",
                    "target": 2,
                    "period": "quarter",
                    "evaluate_on": evaluate_on,
                    "metric": "",
                },
                {
                    "goal": "loyalty",
                    "indicator": "vragen beantwoord binnen twee uur (in %)",
                    "target": 90,
                    "period": "month",
                    "evaluate_on": evaluate_on,
                    "metric": "answered_in_time",
                },
            ]
        },
    }
