from django.apps import AppConfig

# What the catalogue's cached page fragments (core.pagecache) are made of: the programs,
# their case studies and the rounds that give a program its reception period.
CATALOGUE_MODELS = ("programs.SupportProgram", "programs.CaseStudy", "applications.SubsidyRound")
CATALOGUE_M2M = (("programs.CaseStudy", "programs"),)


class ProgramsConfig(AppConfig):
    name = "programs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import pagecache

        pagecache.connect("catalogue", CATALOGUE_MODELS, CATALOGUE_M2M)
