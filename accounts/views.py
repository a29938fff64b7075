from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .selectors import member_list


@login_required
def mypage(request):
    """マイページ: the start page of each role."""
    return render(request, "accounts/mypage.html", {"user_roles": request.user.roles})


@login_required
def members(request):
    """The Prime holder manages Members; nobody else may see this page."""
    if not request.user.is_prime:
        raise PermissionDenied
    return render(request, "accounts/members.html", {"memberships": member_list(viewer=request.user)})
