"""search_text in the normalised form search compares (core.japanese.normalise)."""

from django.db import migrations


def _text(*parts):
    from core.japanese import normalise

    out = []
    for part in parts:
        if isinstance(part, (list, tuple)):
            out.extend(normalise(p) for p in part)
        elif part:
            out.append(normalise(part))
    return "\n".join(out)


def forwards(apps, schema_editor):
    SupportProgram = apps.get_model("programs", "SupportProgram")
    CaseStudy = apps.get_model("programs", "CaseStudy")
    for p in SupportProgram.objects.all().iterator():
        SupportProgram.objects.filter(pk=p.pk).update(search_text=_text(p.name, p.agency, p.summary, p.body, p.tags))
    for c in CaseStudy.objects.all().iterator():
        CaseStudy.objects.filter(pk=c.pk).update(
            search_text=_text(c.title, c.company_label, c.challenge, c.actions, c.results, c.tags))


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
