from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from plaza.accounts import services
from plaza.accounts.forms import ProfileForm
from plaza.core.errors import InvalidInput


@login_required
def profile(request):
    """The signed-in person's own profile: the name others see."""
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.update_profile(user=request.user, display_name=form.cleaned_data["display_name"])
            except InvalidInput as refused:
                form.add_error("display_name", refused.message)
            else:
                messages.success(request, "Your profile is saved.")
                return redirect("accounts:profile")
        return render(request, "accounts/profile.html", {"form": form}, status=422)
    form = ProfileForm(initial={"display_name": request.user.display_name})
    return render(request, "accounts/profile.html", {"form": form})
