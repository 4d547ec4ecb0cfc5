from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, AuditLog, User


@admin.register(User)
class FrontlineUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Frontline", {"fields": ("role", "area", "person")}),)
    list_display = ("username", "role", "area", "is_active", "is_superuser")
    list_filter = ("role", "is_active", "is_superuser")
    raw_id_fields = ("area", "person")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("digest", "prefix")


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "content_type", "object_repr", "note")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
