from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from helhet.core.guards import no_person_data


@no_person_data
def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Helhet")
