"""The Django admin for people: identifiers masked and read-only (DESIGN.md, "Masked means")."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from frontline.core.validators import age_on, mask_id_number, mask_phone

from .models import Cadre, PartyMember, PartyOrg, Person, Resident


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Identifiers masked and read-only: the admin is no way around the audited reveal of the person page
    (the full values are shown only there, each reveal audited). Searching by a full ID number still finds
    the person, and shows it masked. People are created by the roster import and the services, which
    check and derive the identity (birth date and sex from the ID number), not here."""

    list_display = ("name", "sex", "age", "id_number_masked", "doc_number_masked", "phone_masked")
    list_filter = ("sex", "doc_type")
    search_fields = ("name", "pinyin_initials", "=id_number")
    fields = ("name", "sex", "age", "id_number_masked", "doc_type", "doc_number_masked", "phone_masked")
    readonly_fields = ("sex", "age", "id_number_masked", "doc_type", "doc_number_masked", "phone_masked")

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        """A name corrected here goes through the service: pinyin keys follow it and the change is audited."""
        from .services import person_update

        person_update(actor=request.user, person=Person.objects.get(pk=obj.pk), name=obj.name)

    @admin.display(description=_("age"))
    def age(self, obj):
        return age_on(obj.birth_date)

    @admin.display(description=_("ID number"))
    def id_number_masked(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description=_("document number"))
    def doc_number_masked(self, obj):
        return mask_id_number(obj.doc_number)

    @admin.display(description=_("phone"))
    def phone_masked(self, obj):
        return mask_phone(obj.phone)


admin.site.register(Resident, raw_id_fields=("person", "household"))
admin.site.register(PartyOrg, list_display=("name", "kind", "temporary"), raw_id_fields=("area", "site"))
admin.site.register(PartyMember, raw_id_fields=("person", "org"))
admin.site.register(Cadre, raw_id_fields=("person", "unit_area"))
