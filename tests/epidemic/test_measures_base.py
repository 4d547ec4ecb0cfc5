import pytest

from frontline.epidemic import measures
from frontline.epidemic.models import ControlMeasure, MeasureKind
from frontline.people.models import Resident

pytestmark = pytest.mark.django_db

def test_stronger_replaces_weaker(city):
    r = Resident.objects.select_related("household__building__area").first()
    grid = r.household.building.area

    def row(kind):
        return measures.MeasureRow(person_id=r.person_id, kind=kind, area_id=grid.pk, grid_id=grid.pk)

    assert len(measures.measures_place(actor=None, rows=[row(MeasureKind.HOME_MONITORING)])) == 1
    assert measures.measures_place(actor=None, rows=[row(MeasureKind.HOME_MONITORING)]) == []
    assert len(measures.measures_place(actor=None, rows=[row(MeasureKind.HOME_ISOLATION)])) == 1
    assert measures.measures_place(actor=None, rows=[row(MeasureKind.HOME_MONITORING)]) == []
    live = ControlMeasure.objects.get(person_id=r.person_id, released_at__isnull=True)
    assert live.kind == MeasureKind.HOME_ISOLATION
    measures.measure_release(actor=None, measure=live, note="2 negatives")
    assert not ControlMeasure.objects.filter(person_id=r.person_id, released_at__isnull=True).exists()
