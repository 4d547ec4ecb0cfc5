"""The Django admin Frontline runs: for superusers only, and audited like every other write.

Every ModelAdmin registered on it (the apps' own and third parties', e.g. django-axes') gets
`AuditedModelAdmin`: an addition, a change (with the changed values, masked as the log keeps them) and a
deletion made in the admin each write an AuditLog entry, as a service would. A ModelAdmin whose
`save_model` calls a service that audits is not logged twice.
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from .audit import audit_record, diff, snapshot
from .models import AuditAction, AuditLog

ADMIN_NOTE = "admin"


def _last_entry_id() -> int:
    return AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _audited_since(marker: int, obj) -> bool:
    """Did something (a service called by the ModelAdmin) audit this object after `marker`?"""
    return AuditLog.objects.filter(id__gt=marker, content_type=ContentType.objects.get_for_model(obj),
                                   object_id=str(obj.pk)).exists()


def _m2m(obj) -> dict:
    """Many-to-many values (an account's groups and permissions) by primary key."""
    if obj.pk is None:
        return {}
    return {f.name: sorted(getattr(obj, f.name).values_list("pk", flat=True)) for f in obj._meta.many_to_many}


def _person_of(obj):
    return obj if obj._meta.model_name == "person" and obj._meta.app_label == "people" else None


class AuditedModelAdmin:
    """Mixed in before a ModelAdmin by `FrontlineAdminSite.register`."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj)._default_manager.get(pk=obj.pk)) if change else {}
        request._frontline_audit = {"before": before, "m2m": _m2m(obj) if change else {}, "marker": _last_entry_id()}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        state = getattr(request, "_frontline_audit", None)
        obj = form.instance
        if state is None or _audited_since(state["marker"], obj):
            return
        changes = diff(state["before"], snapshot(obj))
        after_m2m = _m2m(obj)
        changes.update({name: [state["m2m"].get(name, []), pks] for name, pks in after_m2m.items()
                        if pks != state["m2m"].get(name, [])})
        if change and changes:
            audit_record(actor=request.user, action=AuditAction.UPDATE, obj=obj, changes=changes, note=ADMIN_NOTE,
                         person=_person_of(obj))
        elif not change:
            audit_record(actor=request.user, action=AuditAction.CREATE, obj=obj, changes=changes, note=ADMIN_NOTE,
                         person=_person_of(obj))

    def save_formset(self, request, form, formset, change):
        """Inline rows: each added, changed or deleted one is an entry of its own."""
        before = {f.instance.pk: snapshot(type(f.instance)._default_manager.get(pk=f.instance.pk))
                  for f in formset.initial_forms if f.instance.pk is not None and f.has_changed()}
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_record(actor=request.user, action=AuditAction.CREATE, obj=obj, changes=diff({}, snapshot(obj)),
                         note=ADMIN_NOTE, person=_person_of(obj))
        for obj, _fields in formset.changed_objects:
            if (changes := diff(before.get(obj.pk, {}), snapshot(obj))):
                audit_record(actor=request.user, action=AuditAction.UPDATE, obj=obj, changes=changes, note=ADMIN_NOTE,
                             person=_person_of(obj))
        for obj in formset.deleted_objects:
            self._audit_deletion(request, obj)

    def _audit_deletion(self, request, obj):
        audit_record(actor=request.user, action=AuditAction.DELETE, obj=obj, note=ADMIN_NOTE, person=_person_of(obj),
                     changes={k: [v, None] for k, v in snapshot(obj).items()})

    def delete_model(self, request, obj):
        self._audit_deletion(request, obj)  # first: the object still has its key
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._audit_deletion(request, obj)
        super().delete_queryset(request, queryset)


class FrontlineAdminSite(admin.AdminSite):
    """Superusers only: staff flags on ordinary accounts grant nothing here."""

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedModelAdmin):
            admin_class = type(f"Audited{admin_class.__name__}", (AuditedModelAdmin, admin_class),
                               {"__module__": admin_class.__module__})
        super().register(model_or_iterable, admin_class, **options)
