# The vocabulary of the HS search index: term document counts, misspelt words (see docs/decisions/0001).

from django.db import migrations

from cpass.classification.search_sql import create_words, drop_words


class Migration(migrations.Migration):
    dependencies = [
        ("classification", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_words, drop_words, elidable=False),
    ]
