"""The one NinjaAPI under /api/v1: every app's router is mounted here."""

from __future__ import annotations

from cpass.accounts.api import router as accounts_router
from cpass.audit.api import router as audit_router
from cpass.classification.api import router as classification_router
from cpass.core.api import CpassAPI, SessionActorAuth, TokenAuth
from cpass.customs.api import router as customs_router
from cpass.customs.gateway.api import router as customs_gateway_router
from cpass.customs.itemsheet.api import router as itemsheet_router
from cpass.customs.printing.api import router as printing_router
from cpass.documents.api import router as documents_router
from cpass.fx.api import router as fx_router
from cpass.imports.api import router as imports_router
from cpass.organizations.api import router as organizations_router
from cpass.parties.api import router as parties_router
from cpass.places.api import router as places_router
from cpass.products.api import router as products_router
from cpass.reference.api import router as reference_router
from cpass.shipments.api import router as shipments_router
from cpass.tariff.api import router as tariff_router

# CpassAPI installs the problem+json handlers and the catch-all 404 (see cpass.core.api).
api = CpassAPI(
    title="C-pass API",
    version="1",
    description=(
        "REST API of C-pass. Authenticate with a personal API token (`Authorization: Bearer cp_…`) "
        "or, from the browser, the session cookie plus the CSRF token. Errors are RFC 9457 "
        "problem+json. See docs/api.md."
    ),
    auth=[TokenAuth(), SessionActorAuth()],
    urls_namespace="api-1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_router("/account", accounts_router, tags=["account"])
api.add_router("/enterprises", organizations_router, tags=["enterprises"])
api.add_router("/documents", documents_router, tags=["documents"])
api.add_router("/audit", audit_router, tags=["audit"])
api.add_router("/imports", imports_router, tags=["imports"])
api.add_router("/reference", reference_router, tags=["reference"])
api.add_router("/places", places_router, tags=["places"])
api.add_router("/exchange-rates", fx_router, tags=["exchange rates"])
api.add_router("/tariff", tariff_router, tags=["tariff"])
api.add_router("/classification", classification_router, tags=["classification"])
api.add_router("/parties", parties_router, tags=["parties"])
api.add_router("/products", products_router, tags=["products"])
api.add_router("/shipments", shipments_router, tags=["shipments"])
api.add_router("/customs", customs_router, tags=["customs"])
api.add_router("/customs", customs_gateway_router, tags=["customs gateway"])
api.add_router("/customs", itemsheet_router, tags=["customs"])
api.add_router("", printing_router, tags=["printing"])
