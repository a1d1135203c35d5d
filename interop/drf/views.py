"""The five routes of contract/fixtures/routes.json as DRF APIViews (authentication and the
IsAuthenticated permission come from settings.REST_FRAMEWORK)."""
from rest_framework.response import Response
from rest_framework.views import APIView


class Account(APIView):
    def get(self, request):
        return Response({"object": "account", "id": "acct_mock0001", "name": "Terminus Mock Account",
                         "email": "sdk-tests@example.invalid"})


class Projects(APIView):
    def get(self, request):
        return Response({"object": "list", "has_more": False,
                         "data": [{"object": "project", "id": "prj_mock0001", "name": "Example project"}]})

    def post(self, request):
        return Response({"object": "project", "id": "prj_mock0002", "name": "New project"}, status=201)


class Project(APIView):
    def get(self, request, id):
        return Response({"object": "project", "id": id, "name": "Example project"})

    def delete(self, request, id):
        return Response({"object": "project", "id": id, "deleted": True})
