from django.db import models


class Heartbeat(models.Model):
    """The last sign of life of a background process (a worker host, or beat)."""

    class Kind(models.TextChoices):
        WORKER = "worker"
        BEAT = "beat"

    name = models.CharField(max_length=200, primary_key=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%H:%M:%S}"
