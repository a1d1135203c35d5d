from django.urls import path

import views

urlpatterns = [
    path("v1/account", views.Account.as_view()),
    path("v1/projects", views.Projects.as_view()),
    path("v1/projects/<str:id>", views.Project.as_view()),
]
