"""Channel advice per audience, with the published reach figures it rests on."""

import json
from datetime import date

from klankbord.strategy import recommend
from klankbord.strategy.recommend import Business, Profile
from klankbord.strategy.vocabulary import NETWORKS

KNOWN_REGIONS = {"flanders", "belgium", "netherlands"}
KNOWN_MEASURES = {"monthly_share", "use_share", "daily_share", "users_millions"}


def networks(found: list[recommend.Recommendation]) -> list[str]:
    return [r.network for r in found]


def test_an_accountant_in_gent_gets_linkedin_first() -> None:
    business_owners = Profile(kind="b2b", area="local", age_from=30, age_to=65)
    found = recommend.for_audience(business_owners, Business(goals=frozenset({"leads"})))
    assert networks(found)[0] == "linkedin"
    assert "b2b" in found[0].reasons
    assert recommend.advice([business_owners], Business()) == ["google_reviews"]


def test_a_bakery_gets_facebook_and_instagram_and_advice_on_google_reviews() -> None:
    families = Profile(kind="b2c", area="local", age_from=25, age_to=65)
    bakery = Business(goals=frozenset({"awareness", "loyalty"}), visual=True)
    found = recommend.for_audience(families, bakery)
    assert set(networks(found)[:2]) == {"facebook", "instagram"}
    assert "visual" in found[networks(found).index("instagram")].reasons
    assert "local" in found[networks(found).index("facebook")].reasons
    assert "google_reviews" in recommend.advice([families], bakery)


def test_a_recruitment_agency_gets_linkedin_and_for_young_candidates_instagram_and_tiktok() -> None:
    agency = Business(goals=frozenset({"recruitment", "leads"}))
    employers = Profile(kind="b2b", area="flanders", age_from=30, age_to=60)
    candidates = Profile(kind="b2c", area="flanders", age_from=18, age_to=30)
    for_employers = recommend.for_audience(employers, agency)
    for_candidates = recommend.for_audience(candidates, agency)
    assert networks(for_employers)[0] == "linkedin"
    assert {"linkedin", "instagram", "tiktok"} <= set(networks(for_candidates))
    assert "tiktok" not in networks(for_employers)
    assert networks(recommend.overall([for_employers, for_candidates]))[0] == "linkedin"


def test_a_recommendation_shows_the_figures_of_the_audiences_region_and_ages() -> None:
    candidates = Profile(kind="b2c", area="flanders", age_from=18, age_to=24)
    tiktok = next(
        r for r in recommend.for_audience(candidates, Business()) if r.network == "tiktok"
    )
    assert tiktok.figures
    assert {f.region for f in tiktok.figures} == {"flanders"}
    # The 18-24 figure, not the one for people in their forties.
    assert all(f.ages and f.ages[0] <= 24 for f in tiktok.figures)


def test_a_local_audience_in_the_netherlands_gets_dutch_figures() -> None:
    families = Profile(kind="b2c", area="local", age_from=25, age_to=65)
    found = recommend.for_audience(families, Business(visual=True, country="NL"))
    regions = {f.region for r in found for f in r.figures}
    assert regions == {"netherlands"}


def test_networks_the_audience_is_known_to_use_count_too() -> None:
    members = Profile(
        kind="b2c", area="benelux", age_from=30, age_to=50, networks=frozenset({"mastodon"})
    )
    found = recommend.for_audience(members, Business())
    assert "mastodon" in networks(found)
    assert recommend.uses(members, Business(), "mastodon")
    assert not recommend.uses(members, Business(), "pinterest")


def test_an_audience_without_details_gets_no_guesswork() -> None:
    assert recommend.for_audience(Profile(), Business()) == []


def test_every_reach_figure_has_a_source_and_a_year() -> None:
    data = json.loads(recommend.REACH_FILE.read_text(encoding="utf-8"))
    assert data["figures"]
    for figure in data["figures"]:
        source = data["sources"].get(figure.get("source"))
        assert source, figure
        assert source["name"] and source["publisher"] and source["url"].startswith("https://")
        assert 2015 <= figure["year"] <= date.today().year, figure
        assert str(figure["year"]) in source["name"], figure
        assert figure["network"] in NETWORKS, figure
        assert figure["region"] in KNOWN_REGIONS, figure
        assert figure["measure"] in KNOWN_MEASURES, figure
        assert figure["low"] <= figure["high"], figure
        assert isinstance(figure["approximate"], bool), figure
        assert figure["low"] == figure["high"] or figure["approximate"], figure


def test_the_readme_names_every_source() -> None:
    readme = (recommend.REACH_FILE.parent / "README.md").read_text(encoding="utf-8")
    data = json.loads(recommend.REACH_FILE.read_text(encoding="utf-8"))
    for source in data["sources"].values():
        assert source["name"].rsplit(" ", 1)[0] in readme, source["name"]
    assert len(recommend.reach_figures()) == len(data["figures"])
