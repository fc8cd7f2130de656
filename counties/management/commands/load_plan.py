from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from counties.models import County, RetrofitType
from counties.plan_file import PlanFileError, read_plan_file, resolve_plan_path
from counties.services import plan_load


class Command(BaseCommand):
    help = "Load a plan file: `load_plan 2021` loads the shipped 2021 plan; `load_plan path/to/plan.json` any other."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="a year of a shipped plan (2021) or the path of a plan file")

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
        try:
            plan, result = plan_load(data=data)
        except ValidationError as exc:
            raise CommandError(
                "方案文件有误，未写入任何数据：\n" + "\n".join(f"  - {e}" for e in exc.messages)
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{plan.title}（{plan.year}）已载入：新增 {result.created}，更新 {result.updated}，"
                f"未变 {result.unchanged}，删除 {result.deleted}。"
            )
        )
