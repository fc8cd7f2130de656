"""An assessment in each of its states, built through the services as the city office and a clerk would.

Plain functions (not fixtures) so that each test names the state it starts from.
"""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from assessments import services
from counties.models import County

AS_OF = date(2021, 12, 31)
PDF = b"%PDF-1.4\n% an objection's evidence\n"


def pdf(name: str = "证明材料.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def draft(plan, users, *, as_of=AS_OF):
    return services.assessment_create(plan=plan, as_of=as_of, actor=users["city"])


def adjust(assessment, users, *, code="140881", points="2", reason="超额完成煤改电任务", basis="运清洁取暖办〔2021〕9号"):
    return services.adjustment_add(
        assessment=assessment,
        county=County.objects.get(code=code),
        points=points,
        reason=reason,
        basis=basis,
        actor=users["city"],
    )


def published(plan, users, **adjustment):
    assessment = draft(plan, users)
    adjust(assessment, users, **adjustment)
    return services.assessment_publish(assessment=assessment, actor=users["city"])


def objected(plan, users, *, attachment=True, reason="按时报送月份统计有误"):
    """Published, with the clerk's (盐湖区) open objection."""
    assessment = published(plan, users)
    objection = services.objection_file(
        assessment=assessment, reason=reason, attachment=pdf() if attachment else None, actor=users["clerk"]
    )
    return assessment, objection


def answered(plan, users):
    """Published, the clerk's objection rejected: ready to be finalized."""
    assessment, objection = objected(plan, users)
    objection = services.objection_answer(
        objection=objection, decision="rejected", reply="经核实，统计无误。", actor=users["city"]
    )
    return assessment, objection


def final(plan, users):
    assessment, objection = answered(plan, users)
    return services.assessment_finalize(assessment=assessment, actor=users["city"]), objection
