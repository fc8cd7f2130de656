"""Inspections API (see core/api.py for the pattern and the error shape)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from counties.selectors import plan_get_for_user
from inspections import selectors, services
from inspections.permissions import DrawsSamples, ReadsSamples, ReadsVisits, RecordsVisits, api_rules
from inspections.serializers import (
    SampleAssignSerializer,
    SampleDrawSerializer,
    SamplePageSerializer,
    SampleSerializer,
    SampleVerificationSerializer,
    SampleWithHouseholdsSerializer,
    TaskListSerializer,
    VisitPageSerializer,
    VisitSerializer,
    VisitUploadSerializer,
)


def _dec(value):
    return None if value is None else format(value, "f")


def sample_json(sample, *, user, with_households: bool) -> dict:
    body = {
        "id": sample.pk,
        "plan": sample.plan.year,
        "seed": sample.seed,
        "rate": format(sample.rate, "f"),
        "minimum": sample.minimum,
        "status": sample.household_status,
        "stratify": sample.stratify,
        "counties": sorted(c.code for c in sample.counties.all()),
        "inspectors": sorted(u.username for u in sample.inspectors.all()),
        "created_at": sample.created_at,
        "progress": selectors.sample_progress(user=user, sample=sample),
    }
    ids = selectors.sample_household_ids(user=user, sample=sample)
    body["count"] = len(ids)
    if with_households:
        body["households"] = ids
    return body


def photo_json(photo, year: int) -> dict:
    base = f"/api/v1/plans/{year}/inspections/photos/{photo.pk}/"
    return {
        "id": photo.pk,
        "url": base,
        "thumbnail_url": base + "?size=thumb",
        "width": photo.width,
        "height": photo.height,
        "taken_at": photo.taken_at,
        "latitude": _dec(photo.latitude),
        "longitude": _dec(photo.longitude),
    }


def visit_json(visit, year: int) -> dict:
    household = visit.household
    rectification = getattr(visit, "rectification", None)
    return {
        "id": visit.pk,
        "uuid": str(visit.uuid),
        "kind": visit.kind,
        "sample": visit.sample_id,
        "household": household.pk,
        "county": visit.county.code,
        "township": household.township,
        "village": household.village,
        "head_name": household.head_name,
        "id_number": household.id_number_masked,
        "finding": visit.finding,
        "acceptance_result": visit.acceptance_result,
        "note": visit.note,
        "visited_at": visit.visited_at,
        "latitude": _dec(visit.latitude),
        "longitude": _dec(visit.longitude),
        "position_source": visit.position_source,
        "inspector": visit.created_by.username,
        "photos": [photo_json(p, year) for p in visit.photos.all()],
        "rectification": rectification.pk if rectification else None,
    }


class SampleListView(APIView):
    """Samples (抽查样本): the city office draws; inspectors see theirs; a clerk sees its county's once visited."""

    permission_classes = api_rules(ReadsSamples, writes=DrawsSamples)

    @extend_schema(responses=SamplePageSerializer, operation_id="inspection_samples_list", summary="Inspection samples")
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        samples = selectors.samples_for_user(user=request.user, plan=plan).prefetch_related("counties", "inspectors")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(samples.select_related("plan"), request, view=self)
        response = paginator.get_paginated_response(
            [sample_json(s, user=request.user, with_households=False) for s in page]
        )
        response.data = SamplePageSerializer(response.data).data
        return response

    @extend_schema(
        request=SampleDrawSerializer,
        responses={201: SampleWithHouseholdsSerializer},
        summary="Draw a frozen random sample",
    )
    def post(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        serializer = SampleDrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sample = services.sample_draw(
            user=request.user,
            plan=plan,
            county_codes=data["counties"],
            rate=data["rate"],
            minimum=data["minimum"],
            household_status=data["status"],
            stratify=data["stratify"],
            seed=data["seed"],
            inspectors=data["inspectors"],
        )
        body = sample_json(sample, user=request.user, with_households=True)
        return Response(SampleWithHouseholdsSerializer(body).data, status=status.HTTP_201_CREATED)


class SampleDetailView(APIView):
    permission_classes = api_rules(ReadsSamples)

    @extend_schema(responses=SampleWithHouseholdsSerializer, summary="One sample, its households and progress")
    def get(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        sample = selectors.sample_get_for_user(user=request.user, plan=plan, pk=pk)
        return Response(
            SampleWithHouseholdsSerializer(sample_json(sample, user=request.user, with_households=True)).data
        )


class SampleVerifyView(APIView):
    permission_classes = api_rules(ReadsSamples)

    @extend_schema(
        responses=SampleVerificationSerializer, summary="Re-run the draw: does it still give the same households?"
    )
    def get(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        sample = selectors.sample_get_for_user(user=request.user, plan=plan, pk=pk)
        return Response(SampleVerificationSerializer(services.sample_verify(sample=sample)).data)


class SampleAssignView(APIView):
    permission_classes = api_rules(DrawsSamples)

    @extend_schema(request=SampleAssignSerializer, responses=SampleSerializer, summary="Assign a sample to inspectors")
    def post(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        sample = selectors.sample_get_for_user(user=request.user, plan=plan, pk=pk)
        serializer = SampleAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.sample_assign(user=request.user, sample=sample, inspectors=serializer.validated_data["inspectors"])
        return Response(SampleSerializer(sample_json(sample, user=request.user, with_households=False)).data)


class TaskListView(APIView):
    """The field user's task list: households to visit (names and villages, ID masked), visited or not."""

    permission_classes = api_rules(RecordsVisits)

    @extend_schema(responses=TaskListSerializer, summary="Field task list (inspector, acceptor)")
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        households = selectors.task_households_for_user(user=request.user, plan=plan).order_by(
            "county__order", "township", "village", "pk"
        )
        visited = set(selectors.visits_for_user(user=request.user, plan=plan).values_list("household_id", flat=True))
        return Response(
            TaskListSerializer(
                {
                    "plan": plan.year,
                    "generated_at": timezone.now(),
                    "households": [
                        {
                            "id": h.pk,
                            "county": h.county.code,
                            "county_name": h.county.name,
                            "township": h.township,
                            "village": h.village,
                            "head_name": h.head_name,
                            "id_number": h.id_number_masked,
                            "retrofit_type": h.retrofit_type.code,
                            "retrofit_type_name": h.retrofit_type.name,
                            "visited": h.pk in visited,
                        }
                        for h in households
                    ],
                }
            ).data
        )


class VisitListView(APIView):
    parser_classes = [MultiPartParser]  # photos: multipart only, as the schema says
    permission_classes = api_rules(ReadsVisits, writes=RecordsVisits)

    @extend_schema(
        responses=VisitPageSerializer, operation_id="inspection_visits_list", summary="Field visits you may read"
    )
    def get(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        visits = selectors.visits_for_user(user=request.user, plan=plan).prefetch_related("photos")
        visits = visits.select_related("rectification")
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(visits, request, view=self)
        response = paginator.get_paginated_response([visit_json(v, year) for v in page])
        response.data = VisitPageSerializer(response.data).data
        return response

    @extend_schema(
        request={"multipart/form-data": VisitUploadSerializer},
        responses={200: VisitSerializer, 201: VisitSerializer},
        summary="Upload a visit with photos (idempotent on uuid)",
    )
    def post(self, request, year: int):
        plan = plan_get_for_user(user=request.user, year=year)
        serializer = VisitUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        visit, created = services.visit_record(
            user=request.user,
            plan=plan,
            uuid=data["uuid"],
            household_id=data["household"],
            finding=data["finding"],
            acceptance_result=data["acceptance_result"],
            note=data["note"],
            visited_at=data["visited_at"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            photos=data["photos"],
        )
        visit = selectors.visits_for_user(user=request.user, plan=plan).get(pk=visit.pk)
        return Response(
            VisitSerializer(visit_json(visit, year)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class VisitDetailView(APIView):
    permission_classes = api_rules(ReadsVisits)

    @extend_schema(responses=VisitSerializer, summary="One visit with its photos")
    def get(self, request, year: int, pk: int):
        plan = plan_get_for_user(user=request.user, year=year)
        visit = selectors.visit_get_for_user(user=request.user, plan=plan, pk=pk)
        return Response(VisitSerializer(visit_json(visit, year)).data)


class PhotoView(APIView):
    """A photo (``?size=thumb`` for the thumbnail), only to those who may see its visit or rectification."""

    permission_classes = api_rules()  # who may see it is the scoped lookup's: its visit's or rectification's

    @extend_schema(
        parameters=[OpenApiParameter("size", str, description="thumb for the thumbnail")],
        responses={(200, "image/jpeg"): bytes},
        summary="A visit or rectification photo (scoped)",
    )
    def get(self, request, year: int, pk: int):
        from inspections.views import photo_response

        plan = plan_get_for_user(user=request.user, year=year)
        photo = selectors.photo_get_for_user(user=request.user, plan=plan, pk=pk)
        return photo_response(photo, thumb=request.query_params.get("size") == "thumb")
