"""Figures of mobilization summed over money rather than counted: the party fees paid out, in fen (a whole number,
so that the registry's sums stay exact on every database)."""

from django.db.models import BigIntegerField, F
from django.db.models.functions import Cast, Round

from .funds import FundAllocation, FundStatus


def funds_paid_rows(at=None):
    """Paid allocations, each with its amount in fen (`amount_fen`), summed by the figure."""
    return (FundAllocation.objects.filter(status=FundStatus.PAID)
            .annotate(amount_fen=Cast(Round(F("amount") * 100), BigIntegerField())))
