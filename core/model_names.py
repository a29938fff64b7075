"""Names of the models in Japanese (and English), for the admin and every message that
names a model, and of the apps the admin groups them under. Set when the apps are ready rather than in each model's Meta: a name is
presentation, and Meta.verbose_name would add a migration to every app for no schema
change (the autodetector reads Meta as declared; these are applied after). A model
that declares its own verbose_name keeps it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# label → (singular, plural)
MODEL_NAMES = {
    "core.AuditEvent": (_("audit event"), _("audit events")),
    "core.StatusChange": (_("status change"), _("status changes")),
    "core.IdempotentRequest": (_("idempotent request"), _("idempotent requests")),
    "accounts.User": (_("user"), _("users")),
    "accounts.Membership": (_("membership"), _("memberships")),
    "accounts.ApiToken": (_("API token"), _("API tokens")),
    "accounts.LoginFailure": (_("failed sign-in"), _("failed sign-ins")),
    "applications.ApplicationSnapshot": (_("application snapshot"), _("application snapshots")),
    "applications.ApplicationCorrection": (_("application correction"), _("application corrections")),
    "accounts.ResearcherProfile": (_("researcher profile"), _("researcher profiles")),
    "companies.Business": (_("business"), _("businesses")),
    "companies.JointApplicant": (_("joint applicant"), _("joint applicants")),
    "companies.BusinessProfile": (_("business profile"), _("business profiles")),
    "companies.Succession": (_("succession"), _("successions")),
    "companies.ContactPerson": (_("contact person"), _("contact people")),
    "companies.FinancialYear": (_("financial year"), _("financial years")),
    "companies.BusinessPlan": (_("business plan"), _("business plans")),
    "companies.Challenge": (_("management challenge"), _("management challenges")),
    "companies.RecordChange": (_("record change"), _("record changes")),
    "consent.PolicyVersion": (_("policy version"), _("policy versions")),
    "consent.DataClass": (_("data class"), _("data classes")),
    "consent.Recipient": (_("recipient"), _("recipients")),
    "consent.Purpose": (_("purpose"), _("purposes")),
    "consent.Narrowing": (_("consent narrowing"), _("consent narrowings")),
    "consent.InstitutionGrant": (_("institution grant"), _("institution grants")),
    "consent.ConsentChange": (_("consent change"), _("consent changes")),
    "institutions.Institution": (_("support institution"), _("support institutions")),
    "institutions.SupportRecord": (_("support record"), _("support records")),
    "notifications.OutboxMessage": (_("outgoing mail"), _("outgoing messages")),
    "notifications.DeliveryAttempt": (_("delivery attempt"), _("delivery attempts")),
    "notifications.MailPreference": (_("mail preference"), _("mail preferences")),
    "applications.SubsidyRound": (_("subsidy round"), _("subsidy rounds")),
    "applications.Application": (_("application"), _("applications")),
    "applications.ApplicationEvent": (_("application event"), _("application events")),
    "documents.Document": (_("document"), _("documents")),
    "documents.Attachment": (_("attachment"), _("attachments")),
    "documents.DocumentRequirement": (_("document requirement"), _("document requirements")),
    "notifications.Notice": (_("notice"), _("notices")),
    "awards.Award": (_("subsidy after adoption"), _("subsidies after adoption")),
    "awards.PlanChange": (_("plan change"), _("plan changes")),
    "awards.ExpenseLine": (_("expense line"), _("expense lines")),
    "awards.PerformanceReport": (_("performance report"), _("performance reports")),
    "awards.ProfitReport": (_("profit report"), _("profit reports")),
    "awards.DueDate": (_("due step"), _("due steps")),
    "disclosure.DisclosureRequest": (_("disclosure request"), _("disclosure requests")),
    "disclosure.AccessLogEntry": (_("access log entry"), _("access log entries")),
    "disclosure.InstitutionBlock": (_("blocked institution"), _("blocked institutions")),
    "programs.SupportProgram": (_("support program"), _("support programs")),
    "programs.CaseStudy": (_("case study"), _("case studies")),
    "recommend.Favourite": (_("saved item"), _("saved items")),
    "recommend.ViewEvent": (_("page view"), _("page views")),
    "recommend.SavedSearch": (_("saved search"), _("saved searches")),
    "recommend.IndicatorScale": (_("indicator scale"), _("indicator scales")),
    "recommend.RecommendationSet": (_("recommendation set"), _("recommendation sets")),
    "analytics.DashboardCell": (_("dashboard cell"), _("dashboard cells")),
    "analytics.SummaryRefresh": (_("summary refresh"), _("summary refreshes")),
    "analytics.ResearchPledge": (_("research pledge"), _("research pledges")),
    "analytics.ExtractDownload": (_("extract download"), _("extract downloads")),
    "analytics.EbpmAnalysis": (_("EBPM analysis"), _("EBPM analyses")),
    "linkage.PartnerClient": (_("partner system"), _("partner systems")),
    "linkage.IntakeBatch": (_("intake batch"), _("intake batches")),
    "linkage.IntakeItem": (_("intake item"), _("intake items")),
    "linkage.PartnerRecord": (_("partner record"), _("partner records")),
    "linkage.ReviewItem": (_("matching review item"), _("matching review items")),
    "linkage.MatchIndex": (_("match index"), _("match indexes")),
    "mfa.Authenticator": (_("authenticator"), _("authenticators")),  # allauth's catalogue has no Japanese for it
}

# The admin groups models under their app's name: Django makes it from the label ("Analytics").
APP_NAMES = {
    "core": _("Audit and shared records"),
    "accounts": _("Accounts and members"),
    "companies": _("Business records"),
    "consent": _("Data-use policy and consent"),
    "institutions": _("Support institutions"),
    "notifications": _("Mail and notices"),
    "applications": _("Subsidy applications"),
    "documents": _("Documents"),
    "awards": _("After adoption"),
    "disclosure": _("Disclosure to supporters"),
    "supportplans": _("Support plans (form 4)"),
    "reviews": _("Reviews"),
    "programs": _("Support programs and case studies"),
    "recommend": _("Recommendations"),
    "analytics": _("Analysis and open data"),
    "linkage": _("Partner data linkage"),
}


def apply_model_names() -> None:
    from django.apps import apps

    for app_label, app_name in APP_NAMES.items():
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        if config.verbose_name == app_label.title():  # an app that names itself keeps its name
            config.verbose_name = app_name

    for label, (singular, plural) in MODEL_NAMES.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if "verbose_name" in model._meta.original_attrs:
            continue
        model._meta.verbose_name = singular
        model._meta.verbose_name_plural = plural
