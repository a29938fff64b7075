"""The search document of 支援者検索: tokens (core.japanese.search_document) and, generated
from them, a tsvector with a GIN index; existing rows are filled here."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


def backfill(apps, schema_editor):
    from core.japanese import search_document

    Institution = apps.get_model("institutions", "Institution")
    for i in Institution.objects.all().iterator():
        Institution.objects.filter(pk=i.pk).update(search_tokens=search_document(
            i.name, i.get_kind_display(), i.municipality, i.services, i.specialties, i.description, i.qualifications))


class Migration(migrations.Migration):

    dependencies = [
        ('institutions', '0003_profile_fields'),
    ]

    operations = [
        migrations.AddField(
            model_name='institution',
            name='search_tokens',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), blank=True, default=list, editable=False, size=None),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddField(
            model_name='institution',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Func(models.F('search_tokens'), function='array_to_tsvector', output_field=django.contrib.postgres.search.SearchVectorField()), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='institution',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='institution_search_vector'),
        ),
    ]
