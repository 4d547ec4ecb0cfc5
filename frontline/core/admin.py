from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .audit import audit_record, audit_update, snapshot
from .models import ApiToken, AuditAction, AuditLog, User


@admin.register(User)
class FrontlineUserAdmin(UserAdmin):
    """Accounts are deactivated, never deleted: the audit log keeps who did what (its `actor` protects the
    account), so the admin offers "deactivate" where Django offers "delete"."""

    fieldsets = UserAdmin.fieldsets + (("Frontline", {"fields": ("role", "area", "person")}),)
    list_display = ("username", "role", "area", "is_active", "is_superuser")
    list_filter = ("role", "is_active", "is_superuser")
    raw_id_fields = ("area", "person")
    actions = ["deactivate", "unlock_logins"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Deactivate the selected accounts"))
    def deactivate(self, request, queryset):
        count = 0
        for user in queryset.filter(is_active=True).exclude(pk=request.user.pk):
            before = snapshot(user)
            user.is_active = False
            user.save(update_fields=["is_active"])
            audit_update(request.user, user, before, note="admin")
            count += 1
        self.message_user(request, ngettext("%(n)d account deactivated.", "%(n)d accounts deactivated.", count)
                          % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Unlock the selected accounts' logins (locked after failed attempts)"))
    def unlock_logins(self, request, queryset):
        from .login import login_unlock

        lifted = sum(login_unlock(actor=request.user, user=user) for user in queryset)
        self.message_user(request, ngettext("%(n)d lock lifted.", "%(n)d locks lifted.", lifted) % {"n": lifted},
                          messages.SUCCESS)

    def user_change_password(self, request, id, form_url=""):
        """An administrator setting someone's password: audited (without the password, of course)."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit_record(actor=request.user, action=AuditAction.PASSWORD, obj=User.objects.get(pk=id), note="admin")
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked")
    exclude = ("digest",)  # a token's hash is no one's business, not even an administrator's
    readonly_fields = ("prefix",)


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
