"""The notifications page: the list, mark all read, open one (marks it read), the preferences form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from plaza.core.errors import NotFound, PlazaError
from plaza.notifications import selectors, services
from plaza.notifications.forms import PreferencesForm

NOTIFICATIONS_PER_PAGE = 20


def _list_page(request, form: PreferencesForm, *, status: int = 200):
    page = Paginator(selectors.notifications_of(request.user), NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "form": form}, status=status)


@login_required
def notification_list(request):
    return _list_page(request, PreferencesForm(preferences=selectors.preferences_of(request.user)))


@login_required
@require_POST
def read_all(request):
    marked = services.mark_all_read(request.user)
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} as read." if marked else "Nothing was unread.")
    return redirect("notifications:list")


@login_required
def open_notification(request, notification_id: int):
    """Mark one read and go where it points: only ever a path on this site."""
    try:
        notification = selectors.notification_of(request.user, notification_id)
    except NotFound as error:
        raise Http404(error.message) from error
    services.mark_read(request.user, [notification.pk])
    return redirect(notification.url if services.is_site_path(notification.url) else reverse("notifications:list"))


@login_required
@require_POST
def preferences(request):
    form = PreferencesForm(request.POST)
    if form.is_valid():
        try:
            services.set_preferences(request.user, form.cleaned_data)
        except PlazaError as failure:
            for name, field_errors in failure.fields.items():
                form.add_error(name if name in form.fields else None, field_errors)
        else:
            messages.success(request, "Your notification choices are saved.")
            return redirect(reverse("notifications:list") + "#preferences")
    return _list_page(request, form, status=422)
