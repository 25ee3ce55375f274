"""Factories of the code tables (platform data: no tenant)."""

from __future__ import annotations

import factory

from cpass.reference.models import CodeEntry, CodeTable


class CodeTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeTable
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"test-table-{n}")
    name_en = "Test table"
    name_zh = "测试表"
    code_pattern = r"[A-Z]{2}"


class CodeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeEntry

    table = factory.SubFactory(CodeTableFactory)
    code = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name_en = "Entry"
    name_zh = "条目"
