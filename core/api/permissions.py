from rest_framework.permissions import BasePermission

from core.scoping import scope_of


class IsInternalUser(BasePermission):
    """Station staff, district admins and city admins."""

    message = "只有站点工作人员和管理员可以访问。"

    def has_permission(self, request, view):
        return scope_of(request.user).is_internal


class IsAdminUserRole(BasePermission):
    """District or city admins."""

    message = "只有区级或市级管理员可以执行此操作。"

    def has_permission(self, request, view):
        return scope_of(request.user).is_admin
