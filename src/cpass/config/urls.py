from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from cpass.config.api import api

urlpatterns = [
    path("", include("cpass.core.urls")),
    path("accounts/", include("cpass.accounts.urls")),
    path("enterprise/", include("cpass.organizations.urls")),
    path("documents/", include("cpass.documents.urls")),
    path("audit/", include("cpass.audit.urls")),
    path("privacy/", include("cpass.privacy.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("operators/", admin.site.urls),
    # Enterprise logos are public (random file names) and small; documents are never served from /media/,
    # only through the tenancy-checked download view.
    re_path(r"^media/(?P<path>logos/[A-Za-z0-9_-]+\.png)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
