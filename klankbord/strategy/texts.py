"""Everything the plan says to people: labels for its keys, step explanations, the health check's
fixes and the reasons behind a channel advice. The logic that uses these keys is pure Python.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from klankbord.strategy import vocabulary as v
from klankbord.strategy.recommend import Figure


def choices(keys: Sequence[str], labels: Mapping[str, Promise]) -> list[tuple[str, Promise]]:
    return [(key, labels[key]) for key in keys]


GOALS = {
    "awareness": _("Brand awareness: more people know you"),
    "traffic": _("Website traffic"),
    "leads": _("Leads and sales"),
    "loyalty": _("Customer loyalty"),
    "service": _("Customer service"),
    "recruitment": _("Recruitment"),
}
NETWORKS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "pinterest": "Pinterest",
    "x": "X",
    "threads": "Threads",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
}
AUDIENCE_KINDS = {"b2b": _("Businesses (B2B)"), "b2c": _("Consumers (B2C)")}
AREAS = {
    "local": _("In our town or region"),
    "flanders": _("Flanders"),
    "belgium": _("All of Belgium"),
    "netherlands": _("The Netherlands"),
    "benelux": _("Belgium and the Netherlands"),
    "international": _("International"),
}
ONLINE_MOMENTS = {
    "working_hours": _("During working hours"),
    "evenings": _("In the evening"),
    "weekends": _("At the weekend"),
}
ADDRESS = {"je": _("“je” (informal you)"), "u": _("“u” (polite you)")}
REGISTERS = {"informal": _("Informal and warm"), "formal": _("Formal and businesslike")}
PILLAR_KINDS = {
    "inform": _("Inform and teach"),
    "behind_the_scenes": _("Behind the scenes"),
    "inspire": _("Inspire"),
    "entertain": _("Entertain"),
    "community": _("Customers and community"),
    "promotion": _("Offers and promotion"),
}
FORMATS = {
    "photo": _("Photo"),
    "carousel": _("Carousel (several photos)"),
    "short_video": _("Short video (reel)"),
    "long_video": _("Long video"),
    "story": _("Story"),
    "live": _("Live video"),
    "text": _("Text only"),
    "link": _("Link to your website"),
    "document": _("Document or slides"),
    "poll": _("Poll"),
}
MODES = {
    "in_house": _("We do it ourselves"),
    "consultant": _("An outside consultant or agency does it"),
}
PERIODS = {"month": _("per month"), "quarter": _("per quarter")}
INDICATOR_EXAMPLES = {
    "awareness": _("reach, new followers, profile visits"),
    "traffic": _("clicks to the website, visits from social media"),
    "leads": _("contact requests, quotes asked, sales from social media"),
    "loyalty": _("reactions and shares by customers, returning customers"),
    "service": _("share of questions answered within the target time"),
    "recruitment": _("applications through social media, views of job posts"),
}


@dataclass(frozen=True)
class StepText:
    title: Promise
    why: Promise
    examples: tuple[Promise, ...]


STEPS = {
    "goals": StepText(
        _("Goals and self-check"),
        _(
            "What should social media do for your business? Pick what matters and mark the one "
            "that matters most. Then be honest about the time you have: a plan you cannot keep up "
            "does more harm than no plan."
        ),
        (
            _(
                "A bakery: more people in the shop on Saturday (awareness) and regulars who come "
                "back (loyalty)."
            ),
            _("An accountant: two new clients a month through LinkedIn (leads)."),
        ),
    ),
    "audiences": StepText(
        _("Audiences"),
        _(
            "Who do you want to reach? Describe each group in a few words: who they are, where "
            "they live, how old they are, and when and how they use social media. The channel "
            "advice in the next steps is based on this."
        ),
        (
            _("Young families in Leuven, 30 to 45, scroll Instagram in the evening."),
            _(
                "Owners of small businesses around Gent, 35 to 60, read LinkedIn during working "
                "hours."
            ),
        ),
    ),
    "positioning": StepText(
        _("Positioning and tone"),
        _(
            "How do people see you now, and how do you want to be seen? What makes you different "
            "from the business down the street? Decide how you address people, so every post "
            "sounds like the same business."
        ),
        (
            _("Different: “we bake with sourdough and flour from a mill in the region”."),
            _("Tone: “je”, warm and a little funny; no politics, no jokes about customers."),
        ),
    ),
    "channels": StepText(
        _("Channels"),
        _(
            "Choose the networks where your audiences are. Fewer channels done well beat many "
            "done badly. The advice below shows, per audience, which networks fit and the "
            "published figures it rests on."
        ),
        (
            _("A local shop: Facebook and Instagram, plus reviews on Google."),
            _("A consultant for businesses: LinkedIn first."),
        ),
    ),
    "content": StepText(
        _("Content"),
        _(
            "What will you post about? Split your posts into a few content pillars with a share "
            "each. Keep offers and promotion to about a third at most: people follow you for "
            "what is useful or fun. Describe your visual style and the formats per channel."
        ),
        (
            _("Behind the scenes 30 %, tips 30 %, customers 20 %, offers 20 %."),
            _("Visual style: daylight photos, our own people, the green of our logo."),
        ),
    ),
    "rhythm": StepText(
        _("Rhythm and roles"),
        _(
            "How often will you post on each channel, and who posts and who answers? Regular "
            "beats a lot: the Publish pillar warns you when a channel falls silent against this "
            "rhythm, and the inbox uses your response target."
        ),
        (
            _(
                "Instagram three times a week, Facebook twice; Bob posts, Alice answers within two "
                "working hours."
            ),
        ),
    ),
    "budget": StepText(
        _("Budget"),
        _(
            "Social media is not free: your time costs money too. Put the hours and what an hour "
            "costs next to ads, tools and outside help, and see what a month costs."
        ),
        (_("4 hours a week at € 45, € 100 ads and € 15 for a design tool a month."),),
    ),
    "kpis": StepText(
        _("Measuring (KPIs)"),
        _(
            "How will you know it works? For each goal choose an indicator, a target and a "
            "period, and a date on which you look at the results together and adjust the plan."
        ),
        (
            _("Leads: 6 contact requests per quarter; evaluate on 31 March."),
            # xgettext:no-python-format
            _("Service: 90 % of questions answered within two working hours, per month."),
        ),
    ),
}

MISSING = {
    "goal": _("choose at least one goal"),
    "primary": _("mark your main goal"),
    "hours": _("the hours per week you have"),
    "who": _("who does it"),
    "audience": _("describe at least one audience"),
    "audience_name": _("a name for every audience"),
    "audience_kind": _("businesses or consumers, for every audience"),
    "audience_area": _("where every audience lives"),
    "audience_age": _("an age range for every audience"),
    "desired_image": _("how you want to be seen"),
    "difference": _("what makes you different"),
    "tone": _("how you address people (je or u, formal or informal)"),
    "network": _("choose at least one channel"),
    "pillar": _("at least one content pillar with a share"),
    "posts_per_week": _("posts per week for every chosen channel"),
    "who_posts": _("who posts"),
    "budget_hours": _("hours per week"),
    "hourly_cost": _("what an hour costs"),
    "kpi": _("at least one KPI with an indicator, a target and a period"),
    "kpi_per_goal": _("a measurable KPI for every goal"),
}

HEALTH = {
    "goal": (
        _("A goal"),
        _(
            "Choose what social media should do for you: without a goal you cannot tell if it "
            "works."
        ),
    ),
    "measurable_kpi": (
        _("A measurable KPI"),
        _("Add a KPI with an indicator, a target and a period, e.g. 6 leads per quarter."),
    ),
    "time_budget": (
        _("Time set aside"),
        _("Write down how many hours a week you spend on it; a plan without time stays a plan."),
    ),
    "channel_audience": (
        _("Every channel has an audience there"),
        _("Drop channels none of your audiences uses, or add the audience that does."),
    ),
    "not_only_promotion": (
        _("More than promotion"),
        _("Add pillars that inform, inspire or show the people behind the business."),
    ),
    "visuals": (
        _("Visuals planned"),
        _(
            "Describe your visual style or choose photo or video formats: posts with pictures "
            "are seen far more."
        ),
    ),
    "answerer": (
        _("Someone answers"),
        _("Name who answers questions and comments, so no customer waits."),
    ),
    "evaluation_date": (
        _("An evaluation date"),
        _("Set a date to look at the results and adjust, e.g. the end of the first quarter."),
    ),
}

REASONS = {
    "b2b": _("Business buyers and decision makers read it for work."),
    "recruitment": _("Job seekers and professionals look for work and employers here."),
    "working_age": _("Most users are of working age."),
    "broad_adult": _("It reaches the widest range of adults."),
    "local": _("Local groups, events and neighbours: people find local businesses here."),
    "over_35": _("It is strongest among people over 35."),
    "visual": _("What you sell shows well in pictures and video."),
    "b2c": _("Consumers follow the shops and brands they like here."),
    "young": _("It is where people under 30 spend their time."),
    "employer_brand": _("Young candidates get to know an employer through its people here."),
    "how_to": _("Videos that explain and show how bring visitors and save questions."),
    "inspiration": _("People look for ideas here and click through to your website."),
    "news": _("News, trade talk and public debate happen here."),
    "declared": _("You said this audience uses it."),
}

ADVICE = {
    "google_reviews": _(
        "Keep your Google Business Profile up to date and ask happy customers "
        "for a review: people nearby look there first."
    ),
    "whatsapp": _(
        "Consider WhatsApp Business for customer questions: it is the most used "
        "messaging app in Belgium and the Netherlands."
    ),
}

VERDICTS = {
    "no_hours": _("Fill in how many hours a week you have, and we will tell you if it fits."),
    "no_rhythm": _("Choose channels and a rhythm (step 6) to see if your time is enough."),
    "go": _("Go ahead: your time is enough for the channels and rhythm you chose."),
    "tight": _("Tight: it can work, but choose fewer posts or channels to keep it up."),
    "stop": _("Not like this: you need more time, fewer channels or posts, or outside help."),
}

# How a KPI did at the review.
REVIEW_STATUSES = {
    "achieved": _("Achieved"),
    "on_track": _("On track"),
    "behind": _("Behind target"),
    "no_data": _("Nothing measured in this period"),
    "manual": _("Not entered"),
    "no_target": _("No target set"),
}
REVIEW_SOURCES = {"measured": _("measured by Klankbord"), "entered": _("entered by the team")}

REGIONS = {
    "flanders": _("Flanders"),
    "belgium": _("Belgium"),
    "netherlands": _("the Netherlands"),
}


def missing_text(codes: Sequence[str]) -> list[Promise]:
    return [MISSING[code] for code in codes]


def content_warning(code: str, value: float) -> str:
    share = number_format(value, decimal_pos=0 if value == int(value) else 1)
    if code == "too_much_promotion":
        return _(
            "Offers and promotion take %(share)s %% of your posts; keep them to %(max)s %% at "
            "most, or people stop following."
        ) % {"share": share, "max": v.PROMOTION_MAX_SHARE}
    return _("The shares add up to %(share)s %%, not 100 %%.") % {"share": share}


def figure_text(figure: Figure) -> str:
    """E.g. “69 % of people in Flanders aged 16+ use it at least monthly”."""
    value = _amount(figure)
    region = REGIONS[figure.region]
    if figure.ages:
        group = _("people aged %(low)s-%(high)s in %(region)s") % {
            "low": figure.ages[0],
            "high": figure.ages[1],
            "region": region,
        }
    elif figure.population_from_age:
        group = _("people in %(region)s aged %(age)s+") % {
            "region": region,
            "age": figure.population_from_age,
        }
    else:
        group = _("people in %(region)s") % {"region": region}
    templates = {
        "monthly_share": _("%(value)s %% of %(group)s use it at least monthly"),
        "use_share": _("%(value)s %% of %(group)s use it"),
        "daily_share": _("%(value)s %% of %(group)s use it every day"),
        "users_millions": _("%(value)s million users among %(group)s"),
    }
    text = templates[figure.measure] % {"value": value, "group": group}
    if figure.approximate:
        text = _("%(figure)s (approximate)") % {"figure": text}
    return text


def _amount(figure: Figure) -> str:
    def one(value: float) -> str:
        return number_format(value, decimal_pos=0 if value == int(value) else 1)

    if figure.low == figure.high:
        return one(figure.low)
    return pgettext_lazy("a range of numbers", "%(low)s-%(high)s") % {
        "low": one(figure.low),
        "high": one(figure.high),
    }


# What the staff policy draws on from the plan, when the plan does not say it yet.
POLICY_MISSING = {
    "networks": _("the channels you use"),
    "who_posts": _("who posts"),
    "who_answers": _("who answers questions and comments"),
}
