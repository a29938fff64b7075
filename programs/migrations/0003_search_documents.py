"""The search documents of 制度ナビ and 事例ナビ: tokens (core.japanese.search_document) and,
generated from them, a tsvector with a GIN index, filled here for existing rows; and the
targeting of municipal and start-up programs (municipalities, max_business_age)."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


def backfill(apps, schema_editor):
    """`manage.py rebuild_search_documents` does the same at any time. A program for starting
    a business (創業 in its name) is for businesses founded within five years."""
    from core.japanese import search_document

    SupportProgram = apps.get_model("programs", "SupportProgram")
    CaseStudy = apps.get_model("programs", "CaseStudy")
    for p in SupportProgram.objects.all().iterator():
        SupportProgram.objects.filter(pk=p.pk).update(
            search_tokens=search_document(p.name, p.agency, p.summary, p.body, p.tags),
            max_business_age=5 if "創業" in p.name and p.max_business_age is None else p.max_business_age,
        )
    for c in CaseStudy.objects.all().iterator():
        CaseStudy.objects.filter(pk=c.pk).update(
            search_tokens=search_document(c.title, c.company_label, c.challenge, c.actions, c.results, c.tags))


class Migration(migrations.Migration):

    dependencies = [
        ('programs', '0002_normalised_search_text'),
    ]

    operations = [
        migrations.AddField(
            model_name='casestudy',
            name='search_tokens',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), blank=True, default=list, editable=False, size=None),
        ),
        migrations.AddField(
            model_name='supportprogram',
            name='search_tokens',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), blank=True, default=list, editable=False, size=None),
        ),
        migrations.AddField(
            model_name='supportprogram',
            name='max_business_age',
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='for businesses founded within (years)'),
        ),
        migrations.AddField(
            model_name='supportprogram',
            name='municipalities',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=100), blank=True, default=list, size=None, verbose_name='municipalities'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddField(
            model_name='casestudy',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Func(models.F('search_tokens'), function='array_to_tsvector', output_field=django.contrib.postgres.search.SearchVectorField()), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddField(
            model_name='supportprogram',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Func(models.F('search_tokens'), function='array_to_tsvector', output_field=django.contrib.postgres.search.SearchVectorField()), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='casestudy',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='case_search_vector'),
        ),
        migrations.AddIndex(
            model_name='supportprogram',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='program_search_vector'),
        ),
    ]
