from django.contrib import admin
from django.urls import include, path

from cpass.config.api import api

urlpatterns = [
    path("", include("cpass.core.urls")),
    path("accounts/", include("cpass.accounts.urls")),
    path("enterprise/", include("cpass.organizations.urls")),
    path("documents/", include("cpass.documents.urls")),
    path("audit/", include("cpass.audit.urls")),
    path("imports/", include("cpass.imports.urls")),
    path("reference/", include("cpass.reference.urls")),
    path("places/", include("cpass.places.urls")),
    path("exchange-rates/", include("cpass.fx.urls")),
    path("tariff/", include("cpass.tariff.urls")),
    path("classification/", include("cpass.classification.urls")),
    path("parties/", include("cpass.parties.urls")),
    path("products/", include("cpass.products.urls")),
    path("shipments/", include("cpass.shipments.urls")),
    path("", include("cpass.customs.printing.urls")),
    path("customs/gateway/", include("cpass.customs.gateway.urls")),
    path("customs/", include("cpass.customs.itemsheet.urls")),
    path("customs/", include("cpass.customs.urls")),
    path("privacy/", include("cpass.privacy.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("operators/", admin.site.urls),
]
