from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from counties.models import County, RetrofitType, Role
from counties.services import user_set_role

DEPARTMENTS = [
    # username, department, retrofit types it leads (DOMAIN.md: 市直部门)
    ("energy", "市能源局", ["coal_to_electric"]),
    ("urban-mgmt", "市城市管理局", ["coal_to_gas", "district_heating"]),
    ("housing", "市住建局", ["building_retrofit"]),
]


class Command(BaseCommand):
    help = "Create the demo accounts (city, finance, energy, clerk-<county code> …). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True, help="password for every demo account")
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")
        parser.add_argument(
            "--with-progress",
            action="store_true",
            help="also fill demo monthly reports and a demo roster (approved, submitted, late, missing) for the latest plan",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("DEBUG 未开启：演示账号不应出现在生产环境。确需创建请加 --force。")
        password = options["password"]
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        counties = list(County.objects.filter(files_reports=True).order_by("order"))
        if not counties:
            raise CommandError("尚未载入方案，请先运行 python manage.py load_plan 2021。")
        types = {t.code: t for t in RetrofitType.objects.all()}
        with transaction.atomic():
            user_set_role(username="admin", password=password, role=Role.ADMIN, first_name="系统管理员")
            user_set_role(username="city", password=password, role=Role.CITY_OFFICE, first_name="市清洁取暖办")
            user_set_role(username="finance", password=password, role=Role.FINANCE, first_name="市财政局")
            for username, department, codes in DEPARTMENTS:
                user_set_role(
                    username=username,
                    password=password,
                    role=Role.DEPARTMENT,
                    department_name=department,
                    first_name=department,
                    retrofit_types=[types[c] for c in codes if c in types],
                )
            for county in counties:
                user_set_role(
                    username=f"clerk-{county.code}",
                    password=password,
                    role=Role.COUNTY_CLERK,
                    county=county,
                    first_name=f"{county.name}填报员",
                    email=f"clerk-{county.code}@example.invalid",
                )
            # Field roles (issue 14): a city-level inspector, and an acceptance firm engaged for two counties.
            user_set_role(username="inspector", password=password, role=Role.INSPECTOR, first_name="市督查组检查员")
            user_set_role(
                username="acceptor",
                password=password,
                role=Role.ACCEPTOR,
                first_name="第三方验收机构",
                department_name="第三方评估验收机构",
                counties=[c for c in counties if c.code in ("140802", "140881")],
            )
        names = ["admin", "city", "finance"] + [d[0] for d in DEPARTMENTS] + [f"clerk-{c.code}" for c in counties]
        names += ["inspector", "acceptor"]
        self.stdout.write(self.style.SUCCESS(f"演示账号已就绪（密码：{password}）："))
        self.stdout.write("  " + ", ".join(names))
        if options["with_progress"]:
            from counties.selectors import plan_latest
            from reports.demo import seed_progress

            plan = plan_latest()
            result = seed_progress(plan=plan)
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示月报已就绪：新建 {result['created']} 份，已存在跳过 {result['skipped']} 份（{plan.title}）。"
                )
            )
            from households.demo import seed_hardship_guarantee, seed_roster

            created = seed_roster(plan=plan)
            self.stdout.write(self.style.SUCCESS(f"演示改造户花名册：新建 {created} 户（已有数据时跳过）。"))
            if seed_hardship_guarantee(plan=plan):
                self.stdout.write(self.style.SUCCESS("演示困难群众兜底：盐湖区已填报兜底政策。"))
            from inspections.demo import seed_inspections, seed_spot_checks

            checked = seed_spot_checks(plan=plan)
            self.stdout.write(self.style.SUCCESS(f"演示抽查：{checked} 户的检查结果（已有抽查时跳过）。"))
            visits = seed_inspections(plan=plan)
            self.stdout.write(self.style.SUCCESS(f"演示现场检查：{visits} 条带照片的检查记录（已有样本时跳过）。"))
            from assessments.demo import seed_assessment

            assessment = seed_assessment(plan=plan)
            self.stdout.write(
                self.style.SUCCESS(
                    "演示年终考核：已计算并公示，有 1 条异议待答复。"
                    if assessment
                    else "演示年终考核：已有考核，跳过。"
                )
            )
