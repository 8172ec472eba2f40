"""Signals any app may send about an organisation."""

from django.dispatch import Signal

# A setting Measure's figures are counted from changed by a conditional UPDATE, which sends no
# post_save (the plan's steps, a monitor paused or resumed); arguments: organisation_id.
measured_settings_changed = Signal()
