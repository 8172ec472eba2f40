"""The keys a plan is written in. Pure Python: labels and texts live in texts.py.

A network key equals the `network` of a connected Channel where Klankbord has a connector, so the
plan's rhythm reaches the regularity monitor without a mapping.
"""

STEPS = ("goals", "audiences", "positioning", "channels", "content", "rhythm", "budget", "kpis")

GOALS = ("awareness", "traffic", "leads", "loyalty", "service", "recruitment")

NETWORKS = (
    "facebook", "instagram", "linkedin", "tiktok", "youtube", "pinterest", "x", "threads",
    "mastodon", "bluesky",
)  # fmt: skip
# Networks where a post is mostly a video: it takes longer to make.
VIDEO_FIRST = frozenset({"tiktok", "youtube"})

AUDIENCE_KINDS = ("b2b", "b2c")
# Where an audience lives; "local" is the business's own town or region.
AREAS = ("local", "flanders", "belgium", "netherlands", "benelux", "international")
ONLINE_MOMENTS = ("working_hours", "evenings", "weekends")

ADDRESS = ("je", "u")
REGISTERS = ("informal", "formal")

PILLAR_KINDS = ("inform", "behind_the_scenes", "inspire", "entertain", "community", "promotion")
PROMOTION = "promotion"
PROMOTION_MAX_SHARE = 30  # per cent; more and followers tune out

FORMATS = (
    "photo", "carousel", "short_video", "long_video", "story", "live", "text", "link",
    "document", "poll",
)  # fmt: skip
VISUAL_FORMATS = frozenset({"photo", "carousel", "short_video", "long_video", "story", "live"})

MODES = ("in_house", "consultant")
PERIODS = ("month", "quarter")

# Bounds that catch typing errors, not ambitions.
MAX_HOURS_PER_WEEK = 80
MAX_POSTS_PER_WEEK = 50
MAX_RATE = 1000  # euro per hour
MAX_MONTHLY = 1_000_000  # euro per month
MIN_RESPONSE_MINUTES = 5
MAX_RESPONSE_MINUTES = 60 * 24 * 14  # the inbox's own limit: two weeks of working time

# The staff social media policy: its languages and the organisation's choices.
POLICY_LANGUAGES = ("nl", "fr", "en")
POLICY_EMPLOYER = ("yes", "disclaimer", "no")  # may staff say they work here?
POLICY_SHARING = ("encouraged", "allowed", "not")  # liking and sharing the business's posts
POLICY_CONFIDENTIAL = ("customers", "prices", "figures", "plans", "colleagues")
POLICY_PHOTOS = ("consent", "never")
POLICY_PRIVATE_USE = ("breaks", "limited", "not")
MAX_POLICY_TEXT = 30_000  # characters; a policy is one or two pages
