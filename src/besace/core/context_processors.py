from django.conf import settings


def besace(request):
    return {"BESACE_DEBUG": settings.DEBUG}
