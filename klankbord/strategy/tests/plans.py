"""Alice's bakery plan, complete and healthy: tests take it and break one thing."""

from typing import Any


def bakery_plan() -> dict[str, dict[str, Any]]:
    return {
        "goals": {
            "goals": ["awareness", "loyalty"],
            "primary": "awareness",
            "hours_per_week": 4,
            "who": "Bob",
            "mode": "in_house",
            "internal_rate": 40,
            "consultant_rate": None,
        },
        "audiences": {
            "audiences": [
                {
                    "name": "Gezinnen in Leuven",
                    "description": "Ouders die op zaterdag brood halen",
                    "where": "Leuven",
                    "area": "local",
                    "age_from": 28,
                    "age_to": 50,
                    "kind": "b2c",
                    "online": ["evenings", "weekends"],
                    "networks": [],
                    "usage": "Kijken naar foto's, lezen reviews",
                }
            ]
        },
        "positioning": {
            "current_image": "De bakker om de hoek",
            "desired_image": "De beste zuurdesem van Leuven",
            "difference": "Meel van een molen in de streek",
            "address": "je",
            "register": "informal",
            "avoid": "Politiek",
            "visual": True,
        },
        "channels": {"networks": ["facebook", "instagram"], "notes": ""},
        "content": {
            "pillars": [
                {
                    "name": "Achter de schermen",
                    "kind": "behind_the_scenes",
                    "share": 40,
                    "examples": "Deeg om 4 uur",
                },
                {"name": "Tips", "kind": "inform", "share": 40, "examples": "Brood bewaren"},
                {
                    "name": "Aanbod",
                    "kind": "promotion",
                    "share": 20,
                    "examples": "Taart van de week",
                },
            ],
            "visual_style": "Daglicht, eigen mensen",
            "formats": {"instagram": ["photo", "short_video"], "facebook": ["photo"]},
        },
        "rhythm": {
            "posts_per_week": {"facebook": 2, "instagram": 3},
            "best_moments": {"instagram": "di en do 12:00"},
            "who_posts": "Bob",
            "who_answers": "Alice",
            "response_minutes": 120,
        },
        "budget": {
            "hours_per_week": 4,
            "hourly_cost": 40,
            "ad_spend": 100,
            "tools": "Canva",
            "tools_cost": 15,
            "outside_help": 0,
        },
        "kpis": {
            "kpis": [
                {
                    "goal": "awareness",
                    "indicator": "bereik",
                    "target": 5000,
                    "period": "month",
                    "evaluate_on": "2027-03-31",
                },
                {
                    "goal": "loyalty",
                    "indicator": "reacties van klanten",
                    "target": 40,
                    "period": "quarter",
                    "evaluate_on": "",
                },
            ]
        },
    }
