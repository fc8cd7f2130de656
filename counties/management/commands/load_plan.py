from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from counties.models import County, RetrofitType
from counties.plan_file import PlanFileError, read_plan_file, resolve_plan_path
from counties.services import plan_load


class Command(BaseCommand):
    help = "Load a plan file: `load_plan 2021` loads the shipped 2021 plan; `load_plan path/to/plan.json` any other."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="a year of a shipped plan (2021) or the path of a plan file")
        parser.add_argument(
            "--rates-effective-from",
            metavar="YYYY-MM",
            help="a month of the plan from which a changed subsidy rate applies (default: the plan's first month)",
        )
        parser.add_argument("--rates-reason", default="", help="why the file changes subsidy rates (kept in the audit)")
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="the operator recorded with every target the file changes (required when it changes one)",
        )
        parser.add_argument(
            "--effective", metavar="YYYY-MM", help="month from which changed targets apply (default: this month)"
        )
        parser.add_argument(
            "--reason", default="", help="reason recorded with changed targets (default 按方案文件更新)"
        )
        parser.add_argument("--document-number", default="", help="文号 of the document that changed the targets")

    def handle(self, *args, **options):
        path = resolve_plan_path(options["plan"])
        try:
            data = read_plan_file(
                path,
                known_counties=set(County.objects.values_list("code", flat=True)),
                known_types=set(RetrofitType.objects.values_list("code", flat=True)),
            )
        except PlanFileError as exc:
            raise CommandError("方案文件有误，未写入任何数据：\n" + "\n".join(f"  - {e}" for e in exc.errors)) from None
        options_for_sections = {
            "rates_effective_from": options.get("rates_effective_from"),
            "rates_reason": options.get("rates_reason") or "",
        }
        by = None
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"没有用户名为“{options['by']}”的用户（--by），未写入任何数据。")
        try:
            plan, result = plan_load(
                data=data,
                by=by,
                effective_period=options["effective"],
                reason=options["reason"],
                document_number=options["document_number"],
                section_options=options_for_sections,
            )
        except ValidationError as exc:
            raise CommandError("未写入任何数据：\n" + "\n".join(f"  - {m}" for m in exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{plan.title}（{plan.year}）已载入：新增 {result.created}，更新 {result.updated}，"
                f"未变 {result.unchanged}，删除 {result.deleted}。"
            )
        )
