from django.contrib import admin

from .models import Cadre, PartyMember, PartyOrg, Person, Resident

admin.site.register(Person, list_display=("name", "sex", "birth_date"), search_fields=("name", "pinyin_initials"))
admin.site.register(Resident, raw_id_fields=("person", "household"))
admin.site.register(PartyOrg, list_display=("name", "kind", "temporary"), raw_id_fields=("area", "site"))
admin.site.register(PartyMember, raw_id_fields=("person", "org"))
admin.site.register(Cadre, raw_id_fields=("person", "unit_area"))
