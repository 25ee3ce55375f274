"""Exchange rates (汇率): one row per currency pair, date and source. Platform-wide reference data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RatePeriod(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Monthly average")


class ExchangeRate(models.Model):
    """`rate` units of `quote` for one unit of `base` (USD→CNY 7.1234) on `date`, as `source` published it.

    A monthly average (FRED) is dated the first of its month and marked `period=month`, so a rule
    that needs the rate of one day never takes it for that day's rate.
    """

    base = models.CharField(_("base currency"), max_length=3)
    quote = models.CharField(_("quote currency"), max_length=3)
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=8)
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=16)
    #: The unit the source quoted in (100 when it published "100 JPY = 4.6120 CNY"); `rate` is per 1.
    per = models.PositiveIntegerField(_("quoted per"), default=1)
    period = models.CharField(_("period"), max_length=5, choices=RatePeriod.choices, default=RatePeriod.DAY)

    class Meta:
        ordering = ["-date", "base", "quote", "source"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["base", "quote", "date", "source"], name="fx_rate_unique_pair_day_source"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="fx_rate_positive"),
        ]
        indexes = [models.Index(fields=["base", "quote", "date"], name="fx_rate_pair_date")]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} ({self.date}, {self.source})"
