from django.contrib import admin

from .models import Area, Building, Household, Site

admin.site.register(Area, list_display=("name", "level", "code"), search_fields=("name", "code"))
admin.site.register(Building, list_display=("name", "area"), raw_id_fields=("area",))
admin.site.register(Household, list_display=("__str__", "building"), raw_id_fields=("building",))
admin.site.register(Site, list_display=("name", "kind", "area"), list_filter=("kind",), raw_id_fields=("area",))
