"""The "products" importer: an enterprise's product list from CSV, XLSX (our template) or JSON.

Upserts by SKU in the uploader's enterprise. A column left out of the file leaves that field as
it is; a column present with an empty cell clears it. Rows that change nothing are not written,
so loading the same file twice changes nothing. Format: docs/reference/products-format.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cpass.audit import registry
from cpass.core.errors import ValidationFailed
from cpass.imports.framework import Column, Importer, RowError, register
from cpass.products.elements import split_specification
from cpass.products.models import ClassificationChange, ClassificationSource, Product
from cpass.products.services import PRODUCT_FIELDS, classify_values, clean_fields
from cpass.products.tasks import product_learn_classifications_task
from cpass.products.validation import ProductRules


@dataclass(frozen=True)
class ColumnTitle:
    name: str
    zh: str
    en: str

    @property
    def title(self) -> str:
        """The header the template and the export write: Chinese first, as the customs forms do."""
        return f"{self.zh} / {self.en}"


#: Columns in file order, with the bilingual titles of the template's header row.
COLUMN_TITLES = (
    ColumnTitle("sku", "货号", "SKU"),
    ColumnTitle("name_zh", "中文品名", "Chinese name"),
    ColumnTitle("name_en", "英文品名", "English name"),
    ColumnTitle("specification", "型号规格", "Model / specification"),
    ColumnTitle("brand", "品牌", "Brand"),
    ColumnTitle("gtin", "商品条码", "GTIN"),
    ColumnTitle("origin_country", "原产国(地区)", "Country of origin"),
    ColumnTitle("trade_unit", "成交计量单位", "Trade unit"),
    ColumnTitle("net_weight_kg", "净重(千克)", "Net weight (kg)"),
    ColumnTitle("gross_weight_kg", "毛重(千克)", "Gross weight (kg)"),
    ColumnTitle("unit_price", "单价", "Unit price"),
    ColumnTitle("currency", "币制", "Currency"),
    ColumnTitle("hs_code", "商品编号", "HS code"),
    ColumnTitle("ciq_code", "检验检疫编码", "CIQ code"),
    ColumnTitle("declaration_elements", "申报要素", "Declaration elements"),
    ColumnTitle("classification_reason", "归类理由", "Classification reason"),
    ColumnTitle("active", "启用", "Active"),
)
_TITLES = {title.name: title for title in COLUMN_TITLES}


@dataclass
class ParsedProduct:
    line: int
    sku: str
    values: dict[str, Any]
    existing: Product | None
    #: (HS code, CIQ code) before this row: ("", "") for a new product.
    previous: tuple[str, str] = ("", "")
    reason: str = ""
    changed: list[str] = field(default_factory=list)


@register
class ProductImporter(Importer[ParsedProduct]):
    kind = "products"
    label = gettext_lazy("Products")
    scope = "enterprise"
    module = "products"
    batch_size = 500
    format_doc = "docs/reference/products-format.md"
    columns = tuple(
        Column(
            title.name,
            required=title.name == "sku",
            aliases=(title.title, title.zh, title.en),
            help=f"{title.zh} / {title.en}",
        )
        for title in COLUMN_TITLES
    )

    def clean_options(self) -> None:
        if self.actor is None or self.actor.enterprise_id is None or not self.actor.can("products", "write"):
            raise ValidationFailed.on(
                "kind",
                _("Products belong to an enterprise: load them signed in, on the import page or through the API."),
            )
        self.enterprise_id: int = self.actor.enterprise_id
        self.rules = ProductRules(on=timezone.localdate())
        self.seen: set[str] = set()

    def parse(self, row: Mapping[str, str], line: int) -> ParsedProduct | None:
        try:
            sku = self.rules.sku(row.get("sku", ""))
        except ValidationFailed as exc:
            raise _row_error(exc) from None
        if sku in self.seen:
            raise RowError(_("SKU “%(sku)s” appears twice in the file.") % {"sku": sku}, column=_column("sku"))
        self.seen.add(sku)
        assert self.actor is not None  # clean_options made sure
        existing = (
            Product.objects.for_actor(self.actor, "write").filter(enterprise_id=self.enterprise_id, sku=sku).first()
        )
        given = {name: row[name] for name in PRODUCT_FIELDS if name in row}
        if existing is None:
            raw = {name: given.get(name, "") for name in PRODUCT_FIELDS}
            raw["active"] = given.get("active") or "1"
        else:
            raw = {name: getattr(existing, name) for name in PRODUCT_FIELDS} | given
            if "active" in given and not given["active"]:
                raw["active"] = "1"
        raw["sku"] = sku
        code_raw = row["hs_code"] if "hs_code" in row else (existing.hs_code if existing else "")
        ciq_raw = row["ciq_code"] if "ciq_code" in row else (existing.ciq_code if existing else "")
        try:
            values = clean_fields(self.rules, {**raw, "hs_code": code_raw, "ciq_code": ciq_raw})
            self.rules.check_together(values)
            elements = None
            if "declaration_elements" in row:
                text = row["declaration_elements"]
                template = self.rules.elements(values["hs_code"]) if values["hs_code"] else []
                if text and not template:
                    elements = {"": text}  # refused below with the reason
                else:
                    elements = split_specification(template, text) if text else {}
            values["element_values"] = classify_values(
                self.rules,
                code=values["hs_code"],
                ciq_code=values["ciq_code"],
                element_values=elements,
                previous=existing.element_values if existing else {},
            )
        except ValidationFailed as exc:
            raise _row_error(exc) from None
        try:
            reason = ProductRules.reason(row.get("classification_reason", ""), field="classification_reason")
        except ValidationFailed as exc:
            raise _row_error(exc) from None
        previous = (existing.hs_code, existing.ciq_code) if existing else ("", "")
        parsed = ParsedProduct(line=line, sku=sku, values=values, existing=existing, previous=previous, reason=reason)
        if existing is not None:
            parsed.changed = [name for name, value in values.items() if getattr(existing, name) != value]
            if not parsed.changed:
                return None
            if existing.hs_code and values["hs_code"] != existing.hs_code and not reason:
                raise RowError(
                    _("The HS code changes from %(old)s to %(new)s: give the reason in this column.")
                    % {"old": existing.hs_code, "new": values["hs_code"] or "—"},
                    column=_column("classification_reason"),
                )
        return parsed

    def write(self, batch: list[ParsedProduct]) -> int:
        assert self.actor is not None
        actor = self.actor
        new = [
            Product(enterprise_id=self.enterprise_id, created_by=actor.user, **parsed.values)
            for parsed in batch
            if parsed.existing is None
        ]
        Product.objects.bulk_create(new, batch_size=500)
        by_sku = {product.sku: product for product in new}
        updated: list[Product] = []
        fields: set[str] = {"updated_at"}
        now = timezone.now()
        audit_rows: list[tuple[Product, str, dict[str, Any] | None, dict[str, Any] | None]] = []
        audited = registry.audited(Product)
        if audited is not None:
            audit_rows += [(product, "create", None, registry.snapshot(audited, product)) for product in new]
        for parsed in batch:
            if parsed.existing is None:
                continue
            before = {name: getattr(parsed.existing, name) for name in parsed.changed}
            for name in parsed.changed:
                setattr(parsed.existing, name, parsed.values[name])
            if audited is not None:
                after_all = registry.snapshot(audited, parsed.existing)
                audit_rows.append(
                    (
                        parsed.existing,
                        "update",
                        {name: registry.json_value(value) for name, value in before.items()},
                        {name: after_all[name] for name in parsed.changed},
                    )
                )
            parsed.existing.updated_at = now
            fields.update(parsed.changed)
            updated.append(parsed.existing)
            by_sku[parsed.sku] = parsed.existing
        if updated:
            Product.objects.for_actor(actor, "write").bulk_update(updated, sorted(fields), batch_size=500)
        registry.record_bulk(Product, audit_rows)
        changes = []
        learn: list[int] = []
        for parsed in batch:
            product = by_sku[parsed.sku]
            if parsed.previous == (product.hs_code, product.ciq_code):
                continue
            changes.append(
                ClassificationChange(
                    enterprise_id=self.enterprise_id,
                    product=product,
                    previous_code=parsed.previous[0],
                    previous_ciq_code=parsed.previous[1],
                    new_code=product.hs_code,
                    new_ciq_code=product.ciq_code,
                    reason=parsed.reason,
                    source=ClassificationSource.IMPORT,
                    changed_by=actor.user,
                )
            )
            if product.hs_code:
                learn.append(product.pk)
        ClassificationChange.objects.bulk_create(changes, batch_size=500)
        if learn:
            # The assistant learns from the enterprise's own confirmed codes, imported ones included: after
            # the import commits (nothing to learn from a rolled-back run), outside its transaction.
            user_id, enterprise_id = actor.user.pk, self.enterprise_id
            transaction.on_commit(lambda: product_learn_classifications_task(user_id, enterprise_id, learn))
        return len(batch)


def _column(name: str) -> str:
    """The column as the template's header names it, so people find it in their sheet."""
    return _TITLES[name].title


def _row_error(exc: ValidationFailed) -> RowError:
    """The first field error of a ValidationFailed as a row error on its column."""
    for name, messages in exc.errors.items():
        column = name.split(".", 1)[0]
        if column == "elements":
            column = "declaration_elements"
        if messages:
            return RowError(messages[0], column=_column(column) if column in _TITLES else column)
    return RowError(exc.detail)
