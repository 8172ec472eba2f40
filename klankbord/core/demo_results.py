"""Two months of the demo bakery's published posts with their reactions, so Measure tells a story:
photos of fresh bread on Saturday morning do best, links to tips on the website least."""

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from PIL import Image, ImageDraw

from klankbord.accounts.models import User
from klankbord.channels.models import Channel
from klankbord.lib.dates import aware_from_local
from klankbord.orgs.models import Organisation
from klankbord.orgs.selectors import local_today

BEHIND, TIPS, NEIGHBOURS, OFFER = (
    "Achter de schermen",
    "Tips en weetjes",
    "Klanten en buurt",
    "Aanbod van de week",
)
WEBSITE = "https://bakkerij-vandevelde.example"
SAT, SUN, MON, TUE, WED, THU = 5, 6, 0, 1, 2, 3


@dataclass(frozen=True)
class DemoPost:
    weeks_ago: int  # 1 is last week: every post lies in the past, whatever day the demo starts
    weekday: int
    at: time
    pillar: str
    text: str
    likes: int
    shares: int
    replies: int
    image: str = ""  # the photo's description (alt text); empty for a post without one


def _saturday(weeks_ago: int, text: str, likes: int, shares: int, replies: int) -> DemoPost:
    alt = "Rekken vol vers desembrood en pistolets, net uit de oven."
    return DemoPost(weeks_ago, SAT, time(7, 30), BEHIND, text, likes, shares, replies, alt)


DEMO_RESULTS = [
    _saturday(8, "Zaterdag! De eerste broden zijn uit de oven 🍞 Tot straks.", 38, 4, 3),
    _saturday(7, "Om 4 uur begonnen, om 7 uur klaar: ons desembrood wacht op jou.", 44, 5, 4),
    _saturday(6, "Vers van de plaat: notenbrood en krokante pistolets.", 41, 6, 5),
    _saturday(5, "Het weekend begint hier. Wie komt er pistolets halen?", 52, 7, 6),
    _saturday(4, "Zaterdagochtend in de bakkerij: zo ruikt geluk.", 58, 8, 7),
    _saturday(3, "Onze spelt-desem is terug! Vanaf 7 uur in de winkel.", 61, 9, 8),
    _saturday(2, "Zaterdagbroden gaan snel vandaag, kom op tijd 😉", 66, 10, 9),
    _saturday(1, "Vers desembrood, warme croissants en een goedemorgen van Pieter.", 72, 11, 9),
    DemoPost(8, WED, time(12, 15), TIPS,
             f"Brood langer vers houden? Zo bewaar je het best: {WEBSITE}/tips/bewaren", 6, 1, 0),
    DemoPost(7, WED, time(12, 15), TIPS,
             f"Welk brood past bij soep, kaas of ontbijt? {WEBSITE}/tips/brood-kiezen", 5, 2, 0),
    DemoPost(5, WED, time(12, 15), TIPS,
             f"Wat is desem eigenlijk? Lotte legt het uit: {WEBSITE}/tips/desem", 9, 2, 1),
    DemoPost(4, WED, time(12, 15), TIPS,
             f"Brood invriezen zonder dat het droog wordt: {WEBSITE}/tips/invriezen", 7, 1, 1),
    DemoPost(2, WED, time(12, 15), TIPS,
             f"Oud brood? Maak er wentelteefjes van. Ons recept: {WEBSITE}/tips/wentelteefjes",
             10, 3, 1),
    DemoPost(1, WED, time(12, 15), TIPS,
             f"Glutenarm of glutenvrij? Het verschil op een rij: {WEBSITE}/tips/gluten", 8, 2, 0),
    DemoPost(8, THU, time(19, 30), NEIGHBOURS,
             "Mevrouw Claes komt al 30 jaar elke ochtend haar bruin brood halen. Merci! ❤️",
             22, 2, 5, "Mevrouw Claes met een bruin brood aan de toonbank."),
    DemoPost(7, THU, time(19, 30), NEIGHBOURS,
             "De U11 van de voetbalclub om de hoek, in nieuwe shirts met ons logo 💪",
             26, 4, 4, "Een voetbalploeg jongeren op het veld in nieuwe shirts."),
    DemoPost(6, THU, time(19, 30), NEIGHBOURS,
             "Bedankt aan iedereen die voor de voedselbank doneerde: 80 broden!", 24, 5, 3,
             "Kratten brood klaar voor de voedselbank."),
    DemoPost(5, THU, time(19, 30), NEIGHBOURS,
             "Zo zag de taart voor het 50-jarig huwelijk van Jef en Mia eruit 🎉", 31, 3, 6,
             "Een grote slagroomtaart met '50' in chocolade."),
    DemoPost(3, THU, time(19, 30), NEIGHBOURS,
             "De kinderen van de Sint-Jozefschool kwamen kijken hoe brood gebakken wordt.",
             29, 4, 5, "Kinderen met bakkersmutsen kijken naar de oven."),
    DemoPost(2, THU, time(19, 30), NEIGHBOURS,
             "Een klant van het eerste uur: Marc, elke dag om 6u55 aan de deur.", 34, 3, 7,
             "Marc lacht met een zak pistolets in de hand."),
    DemoPost(1, THU, time(19, 30), NEIGHBOURS,
             "Onze buren van de bloemist en de bakker: samen maken we de straat mooier.", 30, 4, 4,
             "De etalages van de bakkerij en de bloemist naast elkaar."),
    DemoPost(8, MON, time(16, 0), OFFER,
             "Deze week: appeltaart met verse appels uit Hageland. €14 voor 8 personen.", 9, 1, 2),
    DemoPost(6, MON, time(16, 0), OFFER,
             "Nieuw deze week: rozijnenbrood met extra veel rozijnen.", 11, 1, 3),
    DemoPost(5, MON, time(16, 0), OFFER,
             "Taart van de week: rijsttaart zoals grootmoeder hem maakte.", 12, 2, 2),
    DemoPost(4, MON, time(16, 0), OFFER,
             "Bestel nu je kerststol, afhalen vanaf 20 december.", 10, 2, 4),
    DemoPost(3, MON, time(16, 0), OFFER,
             "Deze week 2+1 gratis op alle koffiekoeken, van maandag tot woensdag.", 14, 3, 3),
    DemoPost(1, MON, time(16, 0), OFFER,
             "Speculaastaart is terug! Bestel in de winkel of via Messenger.", 13, 2, 5),
    DemoPost(6, SUN, time(9, 0), BEHIND,
             "Zondag om 5 uur: Pieter vlecht de eerste vlechtbroden.", 33, 3, 4,
             "Handen die deeg vlechten op een werkbank vol bloem."),
    DemoPost(3, SUN, time(9, 0), OFFER,
             "Zondag open tot 12 uur, met verse taarten en pistolets 🥐", 28, 3, 3,
             "Een toonbank vol taarten en pistolets."),
    DemoPost(4, TUE, time(20, 0), BEHIND,
             "Vraag van de week: wat wil jij weten over hoe wij bakken? Laat het weten!", 12, 0, 9),
]  # fmt: skip


def demo_picture(n: int) -> bytes:
    """A warm still life drawn on the spot: the demo carries no photo files."""
    image = Image.new("RGB", (800, 800), (242, 226, 200))
    draw = ImageDraw.Draw(image)
    for row in range(3):
        left = 80 + (n % 3) * 20 + row * 60
        draw.ellipse((left, 200 + row * 170, left + 520, 340 + row * 170), fill=(176, 112, 52))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def published_at(today: date, post: DemoPost, zone: str) -> datetime:
    monday = today - timedelta(days=today.weekday(), weeks=post.weeks_ago)
    return aware_from_local(datetime.combine(monday + timedelta(days=post.weekday), post.at), zone)


def seed_results(org: Organisation, owner: User, channel: Channel) -> None:
    """Each post published on the demo channel, with the reactions the network counted."""
    from klankbord.analytics.models import PostResult
    from klankbord.channels.networks.sandbox import BASE_URL
    from klankbord.publishing.models import Post, PostTarget
    from klankbord.publishing.services import image_upload, post_create

    today, now = local_today(org), timezone.now()
    for n, demo in enumerate(DEMO_RESULTS, start=1):
        images = []
        if demo.image:
            picture = image_upload(
                organisation=org, by=owner, filename=f"bakkerij-{n}.jpg", content=demo_picture(n)
            )
            picture.alt_text = demo.image
            images.append(picture)
        post = post_create(
            organisation=org, author=owner, text=demo.text, channels=[channel], images=images,
            pillar=demo.pillar,
        )  # fmt: skip
        at = published_at(today, demo, org.timezone)
        Post.objects.filter(pk=post.pk).update(created_at=at - timedelta(days=1))
        target = post.targets.get()
        PostTarget.objects.filter(pk=target.pk).update(
            status=PostTarget.Status.PUBLISHED, scheduled_at=at, due_at=at, published_at=at,
            remote_id=f"sandbox-demo-{n}", remote_url=f"{BASE_URL}/@{channel.handle}/demo-{n}",
        )  # fmt: skip
        # Counted once and not asked again: the sandbox's made-up numbers would spoil the story.
        PostResult.objects.create(
            organisation=org, target=target, likes=demo.likes, shares=demo.shares,
            replies=demo.replies, engagement=demo.likes + demo.shares + demo.replies,
            published_at=at, checked_at=now, checks=1, next_check_at=None,
        )  # fmt: skip


def seed_audience(org: Organisation, channel: Channel) -> None:
    """Sixty days of the demo channel's followers: slow growth, a jump after each Saturday."""
    from klankbord.analytics.models import AudienceCount

    today = local_today(org)
    followers = 412
    counts = []
    for days_ago in range(60, -1, -1):
        day = today - timedelta(days=days_ago)
        followers += 6 if day.weekday() == 6 else (1 if day.day % 3 else 2)
        counts.append(
            AudienceCount(organisation=org, channel=channel, day=day, followers=followers)
        )
    AudienceCount.objects.bulk_create(counts)
